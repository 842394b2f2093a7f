import Foundation

/// Where each image column samples the latent: bilinear taps and detail-kernel taps.
struct ColumnTaps {
    var left: [Int32], right: [Int32], fraction: [Float]
    var kernelLatent: (first: [Int32], second: [Int32]), kernelOffset: (first: [Int32], second: [Int32])

    /// Taps along one axis of `imageLength` pixels over `latentLength` latent pixels.
    init(imageLength: Int, latentLength: Int, scale: Int) {
        left = []
        right = []
        fraction = []
        kernelLatent = ([], [])
        kernelOffset = ([], [])
        for p in 0..<imageLength {
            let position = (Float(p) + 0.5) / Float(scale) - 0.5
            let base = Int(position.rounded(.down))
            let lo = min(max(base, 0), latentLength - 1)
            let hi = min(max(base + 1, 0), latentLength - 1)
            left.append(Int32(lo))
            right.append(Int32(hi))
            fraction.append(position < 0 ? 0 : min(position - Float(base), 1))
            // Kernels are stamped around latent centres scale*q + scale/2 and span 2*scale pixels.
            let q = (p + scale / 2) / scale
            let offset = p - scale * q + scale / 2
            kernelLatent.first.append(Int32(min(max(q, 0), latentLength - 1)))
            kernelLatent.second.append(Int32(min(max(q - 1, 0), latentLength - 1)))
            kernelOffset.first.append(Int32(offset))
            kernelOffset.second.append(Int32(offset + scale))
        }
    }
}

extension FieldDecoder {
    /// Decodes image row `py` into `out` (3 bytes per pixel).
    func decodeRow(
        _ py: Int, z: UnsafePointer<Float>, weights: UnsafePointer<Float>, columns: ColumnTaps,
        rows: ColumnTaps, width: Int, plane: Int, kernelPointers: [UnsafePointer<Float>],
        out: UnsafeMutablePointer<UInt8>
    ) {
        let n = Self.kernelSize
        let y0 = Int(rows.left[py])
        let y1 = Int(rows.right[py])
        let fy = rows.fraction[py]
        let qy = (Int(rows.kernelLatent.first[py]), Int(rows.kernelLatent.second[py]))
        let dy = (Int(rows.kernelOffset.first[py]), Int(rows.kernelOffset.second[py]))
        let kernelRows = kernelPointers
        for px in 0..<columns.left.count {
            let x0 = Int(columns.left[px])
            let x1 = Int(columns.right[px])
            let fx = columns.fraction[px]
            var value = SIMD4<Float>()
            for c in 0..<4 {
                let p = z + c * plane
                let top = p[y0 * width + x0] + fx * (p[y0 * width + x1] - p[y0 * width + x0])
                let bottom = p[y1 * width + x0] + fx * (p[y1 * width + x1] - p[y1 * width + x0])
                value[c] = top + fy * (bottom - top)
            }
            // Detail: the four stamps that reach this pixel (2 latent rows x 2 latent columns).
            let qx0 = Int(columns.kernelLatent.first[px])
            let qx1 = Int(columns.kernelLatent.second[px])
            let dx0 = Int(columns.kernelOffset.first[px])
            let dx1 = Int(columns.kernelOffset.second[px])
            var detail: Float = 0
            for i in 0..<4 {
                let wp = weights + i * plane
                let kp = kernelRows[i]
                detail +=
                    wp[qy.0 * width + qx0] * kp[dy.0 * n + dx0] + wp[qy.0 * width + qx1] * kp[dy.0 * n + dx1]
                    + wp[qy.1 * width + qx0] * kp[dy.1 * n + dx0] + wp[qy.1 * width + qx1] * kp[dy.1 * n + dx1]
            }
            let lightness = 0.6 + 0.13 * value[0] + Self.detailGain * detail
            let c1 = 0.055 * value[1]
            let c2 = 0.055 * value[2]
            let twist = 0.5 * value[3]
            let cosT = cosf(twist)
            let sinT = sinf(twist)
            let a = c1 * cosT - c2 * sinT
            let b = c1 * sinT + c2 * cosT
            let rgb = Self.oklabToLinearSRGB(lightness, a, b)
            out[3 * px] = transfer[Self.lutIndex(rgb.0)]
            out[3 * px + 1] = transfer[Self.lutIndex(rgb.1)]
            out[3 * px + 2] = transfer[Self.lutIndex(rgb.2)]
        }
    }

    @inline(__always)
    static func lutIndex(_ linear: Float) -> Int {
        Int((min(max(linear, 0), 1) * 65535).rounded())
    }

    /// Björn Ottosson's OKLab to linear sRGB.
    @inline(__always)
    static func oklabToLinearSRGB(_ l: Float, _ a: Float, _ b: Float) -> (Float, Float, Float) {
        let l1 = l + 0.396_337_78 * a + 0.215_803_76 * b
        let m1 = l - 0.105_561_35 * a - 0.063_854_17 * b
        let s1 = l - 0.089_484_18 * a - 1.291_485_5 * b
        let l3 = l1 * l1 * l1
        let m3 = m1 * m1 * m1
        let s3 = s1 * s1 * s1
        return (
            4.076_741_7 * l3 - 3.307_711_6 * m3 + 0.230_969_93 * s3,
            -1.268_438 * l3 + 2.609_757_4 * m3 - 0.341_319_4 * s3,
            -0.004_196_086_3 * l3 - 0.703_418_6 * m3 + 1.707_614_7 * s3
        )
    }
}
