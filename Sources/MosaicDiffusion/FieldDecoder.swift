import Foundation
import MosaicTensor

/// The decoder of `mosaic-field`: latent (4 channels at 1/8 resolution) to 8-bit sRGB.
///
/// Per image pixel:
/// 1. **Colour**: the latent is bilinearly interpolated at the pixel centre and mapped to OKLab:
///    `L = 0.6 + 0.13 z0`, chroma `0.055 (z1, z2)` rotated by the hue twist `0.5 z3`.
/// 2. **Detail**: a stride-8 transposed convolution, like the last layers of a VAE decoder: each
///    latent pixel stamps four oriented Gabor kernels (16x16, Hann-windowed, so neighbouring
///    stamps form a partition of unity), weighted by `tanh` of its four channels, onto lightness.
///    The texture's orientation and strength follow the latent, at full resolution.
/// 3. OKLab to linear sRGB, clamped, then the sRGB transfer curve through a lookup table.
///
/// Every output pixel depends only on the 2x2 nearest latent pixels, so the decoder is exact
/// when run band by band and deterministic for any thread count.
public struct FieldDecoder: LatentDecoder {
    /// Image pixels per latent pixel.
    public static let scale = 8
    static let kernelSize = 16
    static let detailGain: Float = 0.035

    /// Four 16x16 kernels, `[i][dy * 16 + dx]`, centred between pixels 7 and 8.
    let kernels: [[Float]]
    /// Linear light in [0, 1] quantised to 65536 steps, to 8-bit sRGB.
    let transfer: [UInt8]

    /// Builds the kernels and the transfer table.
    public init() {
        let n = Self.kernelSize
        let orientations: [Double] = [0, 0.25 * .pi, 0.5 * .pi, 0.75 * .pi]
        let wavelengths: [Double] = [3.0, 4.2, 3.4, 5.0]
        let phases: [Double] = [0, 1, 2, 3]
        kernels = (0..<4).map { i in
            (0..<(n * n)).map { index in
                let dy = Double(index / n) - 7.5
                let dx = Double(index % n) - 7.5
                let window = pow(cos(.pi * dx / 16), 2) * pow(cos(.pi * dy / 16), 2)
                let along = dx * cos(orientations[i]) + dy * sin(orientations[i])
                return Float(window * cos(2 * .pi * along / wavelengths[i] + phases[i]))
            }
        }
        transfer = (0..<65536).map { i in
            let linear = Double(i) / 65535
            let encoded = linear <= 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1 / 2.4) - 0.055
            return UInt8((encoded * 255).rounded().clamped(to: 0...255))
        }
    }

    public func decode(
        latent: UnsafeBufferPointer<Float>, width: Int, height: Int,
        into rgb: UnsafeMutableBufferPointer<UInt8>, pool: WorkerPool
    ) throws {
        let s = Self.scale
        let imageWidth = width * s
        let imageHeight = height * s
        guard latent.count == FieldPrior.channels * width * height else {
            throw FieldModelError.tileShapeMismatch(
                tile: TileRect(x: 0, y: 0, width: width, height: height),
                expected: FieldPrior.channels * width * height, actual: latent.count)
        }
        guard rgb.count == imageWidth * imageHeight * 3 else {
            throw FieldModelError.imageShapeMismatch(expected: imageWidth * imageHeight * 3, actual: rgb.count)
        }
        guard let z = latent.baseAddress, let out = rgb.baseAddress else { return }
        let plane = width * height
        // tanh of every latent value, once: the detail weights.
        let weights = UnsafeMutablePointer<Float>.allocate(capacity: latent.count)
        defer { weights.deallocate() }
        let rowsPerBand = 64
        pool.run(count: (latent.count + 65535) / 65536) { band, _ in
            let start = band * 65536
            let end = min(start + 65536, latent.count)
            for i in start..<end { weights[i] = tanhf(z[i]) }
        }
        let columns = ColumnTaps(imageLength: imageWidth, latentLength: width, scale: s)
        let rows = ColumnTaps(imageLength: imageHeight, latentLength: height, scale: s)
        // The kernels, flattened into one buffer that outlives the parallel loop.
        let kernelStorage = UnsafeMutablePointer<Float>.allocate(capacity: 4 * Self.kernelSize * Self.kernelSize)
        defer { kernelStorage.deallocate() }
        for (i, kernel) in kernels.enumerated() {
            (kernelStorage + i * kernel.count).update(from: kernel, count: kernel.count)
        }
        let kernelPointers = (0..<4).map { UnsafePointer(kernelStorage + $0 * Self.kernelSize * Self.kernelSize) }
        pool.run(count: (imageHeight + rowsPerBand - 1) / rowsPerBand) { band, _ in
            let first = band * rowsPerBand
            let last = min(first + rowsPerBand, imageHeight)
            for py in first..<last {
                decodeRow(
                    py, z: z, weights: weights, columns: columns, rows: rows, width: width, plane: plane,
                    kernelPointers: kernelPointers,
                    out: out + py * imageWidth * 3)
            }
        }
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
