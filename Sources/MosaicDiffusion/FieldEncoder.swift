import Foundation
import MosaicTensor

/// The encoder of `mosaic-field`: 8-bit sRGB to the latent that ``FieldDecoder`` maps back to
/// the same colours, for image-to-image on a machine without model files.
///
/// Per latent pixel, the OKLab colour of its 8x8 block of image pixels is averaged and the
/// decoder's colour mapping inverted: `z0 = (L - 0.6) / 0.13`, `(z1, z2) = (a, b) / 0.055`.
/// The hue twist `z3` is set to 0 (the projection): the decoder's chroma then is `(a, b)` as
/// encoded, so no colour is lost, only the texture that `tanh(z3)` weights. The decoder's
/// Gabor detail averages out over a block and is not recovered. The encoder is deterministic:
/// its standard deviation is 0.
public struct FieldEncoder: LatentEncoder {
    /// sRGB code value to linear light.
    let linear: [Float]

    /// Builds the transfer table.
    public init() {
        linear = (0..<256).map { code in
            let c = Double(code) / 255
            return Float(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4))
        }
    }

    public func encode(
        rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, pool: WorkerPool
    ) throws -> LatentDistribution {
        let s = FieldDecoder.scale
        guard width > 0, height > 0, width % s == 0, height % s == 0 else {
            throw LatentEncoderError.shapeMismatch(reason: "\(width)x\(height) px is not a multiple of \(s) px")
        }
        guard rgb.count == width * height * 3 else {
            throw LatentEncoderError.shapeMismatch(
                reason: "\(rgb.count) bytes for \(width)x\(height) px RGB (\(width * height * 3) expected)")
        }
        let latentWidth = width / s
        let latentHeight = height / s
        let plane = latentWidth * latentHeight
        var mean = [Float](repeating: 0, count: FieldPrior.channels * plane)
        mean.withUnsafeMutableBufferPointer { out in
            linear.withUnsafeBufferPointer { table in
                guard let z = out.baseAddress, let pixels = rgb.baseAddress, let table = table.baseAddress
                else { return }
                pool.run(count: latentHeight) { row, _ in
                    for column in 0..<latentWidth {
                        var sum = (l: Float(0), a: Float(0), b: Float(0))
                        for y in row * s..<(row + 1) * s {
                            let line = pixels + (y * width + column * s) * 3
                            for x in 0..<s {
                                let lab = Self.linearSRGBToOKLab(
                                    table[Int(line[3 * x])], table[Int(line[3 * x + 1])], table[Int(line[3 * x + 2])])
                                sum.l += lab.l
                                sum.a += lab.a
                                sum.b += lab.b
                            }
                        }
                        let count = Float(s * s)
                        let index = row * latentWidth + column
                        z[index] = (sum.l / count - 0.6) / 0.13
                        z[plane + index] = sum.a / count / 0.055
                        z[2 * plane + index] = sum.b / count / 0.055
                        z[3 * plane + index] = 0
                    }
                }
            }
        }
        let std = [Float](repeating: 0, count: mean.count)
        return try LatentDistribution(mean: mean, std: std, scalingFactor: 1)
    }

    /// Björn Ottosson's linear sRGB to OKLab, the inverse of ``FieldDecoder``'s conversion.
    static func linearSRGBToOKLab(_ r: Float, _ g: Float, _ b: Float) -> (l: Float, a: Float, b: Float) {
        let l = cbrtf(0.412_221_47 * r + 0.536_332_54 * g + 0.051_445_993 * b)
        let m = cbrtf(0.211_903_5 * r + 0.680_699_5 * g + 0.107_396_96 * b)
        let s = cbrtf(0.088_302_46 * r + 0.281_718_85 * g + 0.629_978_7 * b)
        return (
            0.210_454_26 * l + 0.793_617_8 * m - 0.004_072_047 * s,
            1.977_998_5 * l - 2.428_592_2 * m + 0.450_593_7 * s,
            0.025_904_037 * l + 0.782_771_77 * m - 0.808_675_77 * s
        )
    }
}
