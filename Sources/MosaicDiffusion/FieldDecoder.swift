import Foundation
import MosaicTensor
import Synchronization

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
        let imageWidth = width * Self.scale
        let imageHeight = height * Self.scale
        guard rgb.count == imageWidth * imageHeight * 3 else {
            throw FieldModelError.imageShapeMismatch(expected: imageWidth * imageHeight * 3, actual: rgb.count)
        }
        guard let out = rgb.baseAddress else { return }
        let pass = try FieldDecodePass(decoder: self, latent: latent, width: width, height: height, pool: pool)
        let rowsPerBand = 64
        pool.run(count: (imageHeight + rowsPerBand - 1) / rowsPerBand) { band, _ in
            for py in band * rowsPerBand..<min((band + 1) * rowsPerBand, imageHeight) {
                pass.decodeRow(py, into: out + py * imageWidth * 3)
            }
        }
    }
}

extension FieldDecoder: TiledLatentDecoder {
    /// Image rows per decode tile: tiles are full-width bands (every pixel depends only on its
    /// 2x2 nearest latent pixels, so bands decode exactly on their own).
    static let tileRows = 256

    public func decodeTiles(width: Int, height: Int) -> [TileRect] {
        let imageWidth = width * Self.scale
        let imageHeight = height * Self.scale
        return stride(from: 0, to: imageHeight, by: Self.tileRows).map { top in
            TileRect(x: 0, y: top, width: imageWidth, height: min(Self.tileRows, imageHeight - top))
        }
    }

    public func decode(
        latent: UnsafeBufferPointer<Float>, width: Int, height: Int, tiles indices: [Int], pool: WorkerPool,
        write: @Sendable (_ index: Int, _ rgb: UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        let tiles = decodeTiles(width: width, height: height)
        let pass = try FieldDecodePass(decoder: self, latent: latent, width: width, height: height, pool: pool)
        let failure = Mutex<(any Error)?>(nil)
        pool.run(count: indices.count) { item, _ in
            guard tiles.indices.contains(indices[item]) else { return }
            let tile = tiles[indices[item]]
            let band = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: tile.area * 3)
            defer { band.deallocate() }
            guard let base = band.baseAddress else { return }
            for row in 0..<tile.height { pass.decodeRow(tile.y + row, into: base + row * tile.width * 3) }
            do { try write(indices[item], UnsafeBufferPointer(band)) } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// What every row of one decode shares: `tanh` of the latent (the detail weights), the taps of
/// both axes and the kernels; read-only once built, by any number of threads.
final class FieldDecodePass: @unchecked Sendable {
    let decoder: FieldDecoder
    let z: UnsafePointer<Float>
    let width: Int
    let plane: Int
    let weights: UnsafeMutablePointer<Float>
    let kernelStorage: UnsafeMutablePointer<Float>
    let kernelPointers: [UnsafePointer<Float>]
    let columns: ColumnTaps
    let rows: ColumnTaps

    /// Prepares the decode of the `4 x height x width` latent (which must outlive the pass).
    init(decoder: FieldDecoder, latent: UnsafeBufferPointer<Float>, width: Int, height: Int, pool: WorkerPool) throws {
        let s = FieldDecoder.scale
        guard latent.count == FieldPrior.channels * width * height, let z = latent.baseAddress else {
            throw FieldModelError.tileShapeMismatch(
                tile: TileRect(x: 0, y: 0, width: width, height: height),
                expected: FieldPrior.channels * width * height, actual: latent.count)
        }
        self.decoder = decoder
        self.z = z
        self.width = width
        plane = width * height
        let weights = UnsafeMutablePointer<Float>.allocate(capacity: latent.count)
        pool.run(count: (latent.count + 65535) / 65536) { band, _ in
            for i in band * 65536..<min((band + 1) * 65536, latent.count) { weights[i] = tanhf(z[i]) }
        }
        self.weights = weights
        columns = ColumnTaps(imageLength: width * s, latentLength: width, scale: s)
        rows = ColumnTaps(imageLength: height * s, latentLength: height, scale: s)
        let n = FieldDecoder.kernelSize * FieldDecoder.kernelSize
        kernelStorage = UnsafeMutablePointer<Float>.allocate(capacity: 4 * n)
        for (i, kernel) in decoder.kernels.enumerated() { (kernelStorage + i * n).update(from: kernel, count: n) }
        kernelPointers = (0..<4).map { [kernelStorage] in UnsafePointer(kernelStorage + $0 * n) }
    }

    deinit {
        weights.deallocate()
        kernelStorage.deallocate()
    }

    /// Decodes image row `py` into `out` (3 bytes per pixel).
    func decodeRow(_ py: Int, into out: UnsafeMutablePointer<UInt8>) {
        decoder.decodeRow(
            py, z: z, weights: weights, columns: columns, rows: rows, width: width, plane: plane,
            kernelPointers: kernelPointers, out: out)
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
