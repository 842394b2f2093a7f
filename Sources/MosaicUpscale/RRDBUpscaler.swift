import MosaicImage
import MosaicTensor

/// An ESRGAN-family model applied to an image in overlapping tiles, as Real-ESRGAN's
/// `RealESRGANer` does with `--tile` and `--tile_pad`.
///
/// The image is cut into `tileSize` squares; each is run with `tilePad` pixels of its neighbours
/// around it and the padding's output is cropped away, so memory is bounded by the tile and the
/// seams see context. Tiles run in parallel, one per pool thread with single-threaded kernels,
/// and each tile's result depends only on its pixels: the output is the same for any thread
/// count. Input and output are 8-bit as in Real-ESRGAN: `x / 255` in, `round(clamp(y, 0, 1) * 255)`
/// out (rounding half to even, as NumPy's `round`).
public struct RRDBUpscaler: ImageUpscaler {
    /// The network.
    public let network: RRDBNet
    /// The side of a tile, in input pixels (Real-ESRGAN's `--tile`).
    public var tileSize: Int
    /// The context around each tile, in input pixels (Real-ESRGAN's `--tile_pad`).
    public var tilePad: Int

    /// Real-ESRGAN's usual tile settings.
    public static let defaultTileSize = 192
    /// Real-ESRGAN's default tile padding.
    public static let defaultTilePad = 16

    /// Wraps `network` with the given tiling.
    public init(network: RRDBNet, tileSize: Int = defaultTileSize, tilePad: Int = defaultTilePad) {
        self.network = network
        self.tileSize = tileSize
        self.tilePad = tilePad
    }

    /// Loads the upscaler file at `path` (`.pth` or `.safetensors`).
    public init(path: String, tileSize: Int = defaultTileSize, tilePad: Int = defaultTilePad) throws(UpscalerError) {
        let file = try WeightFiles.open(path)
        let configuration = try RRDBNetConfiguration(shapes: file.shapes, path: path)
        self.init(network: try RRDBNet(configuration: configuration, file: file), tileSize: tileSize, tilePad: tilePad)
    }

    /// Each side of the output is `scale` times the input's.
    public var scale: Int { network.configuration.scale }

    /// The image enlarged by `scale`, in 8 bits.
    public func upscale(_ image: RGBImage, pool: WorkerPool) throws -> RGBImage {
        let s = scale
        let width = image.width * s
        var pixels = [UInt8](repeating: 0, count: image.width * image.height * s * s * 3)
        pixels.withUnsafeMutableBufferPointer { buffer in
            guard let out = buffer.baseAddress else { return }
            forEachTile(image, pool: pool) { tile, region, tileWidth in
                for c in 0..<3 {
                    for y in region.rows {
                        let source =
                            tile + (c * region.tileHeight + y - region.rows.lowerBound + region.top) * tileWidth
                        for x in region.columns {
                            out[(y * width + x) * 3 + c] = Self.byte(
                                source[x - region.columns.lowerBound + region.left])
                        }
                    }
                }
            }
        }
        return try RGBImage(width: width, height: image.height * s, pixels: pixels)
    }

    /// `round(clamp(value, 0, 1) * 255)`, half to even; NaN (from a broken file's weights) is 0
    /// rather than a trap.
    static func byte(_ value: Float) -> UInt8 {
        guard !value.isNaN else { return 0 }
        return UInt8((min(max(value, 0), 1) * 255).rounded(.toNearestOrEven))
    }

    /// The model's output before 8-bit rounding, planar `[3, height * scale, width * scale]`.
    public func upscaledFloats(_ image: RGBImage, pool: WorkerPool) -> Tensor {
        let s = scale
        let width = image.width * s
        let height = image.height * s
        var output = Tensor(zeros: [3, height, width])
        output.scalars.withUnsafeMutableBufferPointer { buffer in
            guard let out = buffer.baseAddress else { return }
            forEachTile(image, pool: pool) { tile, region, tileWidth in
                for c in 0..<3 {
                    for y in region.rows {
                        let source =
                            tile + (c * region.tileHeight + y - region.rows.lowerBound + region.top) * tileWidth
                        let destination = out + (c * height + y) * width + region.columns.lowerBound
                        destination.update(from: source + region.left, count: region.columns.count)
                    }
                }
            }
        }
        return output
    }

    /// Where a tile's output goes: output `rows` x `columns`, read from the tile's output at
    /// (`top`, `left`); the tile's output planes are `tileHeight` rows tall.
    struct TileRegion {
        var rows: Range<Int>
        var columns: Range<Int>
        var top: Int
        var left: Int
        var tileHeight: Int
    }

    /// Runs the network on every tile (in parallel) and hands each tile's planar output and
    /// region to `write`, which may run on any pool thread (regions never overlap).
    func forEachTile(
        _ image: RGBImage, pool: WorkerPool,
        _ write: (_ tile: UnsafePointer<Float>, _ region: TileRegion, _ tileWidth: Int) -> Void
    ) {
        BLAS.useSingleThread()
        let s = scale
        let r = network.configuration.unshuffle
        // Sides reflect-padded at the bottom and right to multiples of the unshuffle factor
        // (Real-ESRGAN's `mod_pad`); tile sides and padding are multiples of it too.
        let width = (image.width + r - 1) / r * r
        let height = (image.height + r - 1) / r * r
        let tile = max(r, (tileSize + r - 1) / r * r)
        let pad = (max(0, tilePad) + r - 1) / r * r
        let columns = (width + tile - 1) / tile
        let rows = (height + tile - 1) / tile
        image.pixels.withUnsafeBufferPointer { pixels in
            pool.run(count: rows * columns) { item, _ in
                let x0 = (item % columns) * tile
                let y0 = (item / columns) * tile
                let x1 = min(x0 + tile, width)
                let y1 = min(y0 + tile, height)
                let px0 = max(x0 - pad, 0)
                let py0 = max(y0 - pad, 0)
                let tileWidth = min(x1 + pad, width) - px0
                let tileHeight = min(y1 + pad, height) - py0
                let input = Self.planes(
                    pixels, width: image.width, height: image.height, x: px0, y: py0, tileWidth: tileWidth,
                    tileHeight: tileHeight)
                let output = input.withUnsafeBufferPointer { tileInput in
                    tileInput.baseAddress.map { network.forward($0, height: tileHeight, width: tileWidth) } ?? []
                }
                // Crop the padding, and the output of the reflect padding past the image's own size.
                let region = TileRegion(
                    rows: (y0 * s)..<min(y1 * s, image.height * s),
                    columns: (x0 * s)..<min(x1 * s, image.width * s),
                    top: (y0 - py0) * s, left: (x0 - px0) * s, tileHeight: tileHeight * s)
                guard !region.rows.isEmpty, !region.columns.isEmpty else { return }
                output.withUnsafeBufferPointer { out in
                    if let base = out.baseAddress { write(base, region, tileWidth * s) }
                }
            }
        }
    }

    /// A tile of the image as planar floats in [0, 1] (`x / 255`, as Real-ESRGAN), rows and
    /// columns past the image's sides read by reflection.
    static func planes(
        _ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, x: Int, y: Int, tileWidth: Int, tileHeight: Int
    ) -> [Float] {
        var values = [Float](repeating: 0, count: 3 * tileWidth * tileHeight)
        for row in 0..<tileHeight {
            let sy = reflect(y + row, height)
            for column in 0..<tileWidth {
                let source = (sy * width + reflect(x + column, width)) * 3
                for c in 0..<3 { values[(c * tileHeight + row) * tileWidth + column] = Float(pixels[source + c]) / 255 }
            }
        }
        return values
    }

    /// `torch.nn.functional.pad(mode="reflect")`'s source index for `index` past `count` (edge
    /// repeated for a one-pixel side, which reflect padding cannot handle).
    static func reflect(_ index: Int, _ count: Int) -> Int {
        guard index >= count else { return index }
        return count == 1 ? 0 : max(0, 2 * (count - 1) - index)
    }
}
