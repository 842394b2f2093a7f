import Foundation
import MosaicCheckpoint
import MosaicDiffusion
import MosaicImage
import MosaicTensor
import Synchronization

/// How the finished image is stored.
public enum OutputEncoding: Sendable, Equatable {
    /// Lossy WebP at `quality` (0...100).
    case lossy(quality: Float)
    /// Lossless WebP: the exact rendered pixels.
    case lossless
}

extension Renderer {
    /// The parameters as embedded in the output's XMP.
    public var metadata: RenderMetadata {
        RenderMetadata(
            parameters: parameters, guidance: parameters.guidanceScale ?? model.defaultGuidanceScale, plan: plan)
    }

    /// The decode's tiles in image pixels: the decoder's own when it decodes by tiles
    /// (``TiledLatentDecoder``), else one tile covering the image.
    public var decodeTiles: [TileRect] {
        if let tiled = model.makeDecoder() as? any TiledLatentDecoder {
            return tiled.decodeTiles(width: parameters.latentWidth, height: parameters.latentHeight)
        }
        return [TileRect(x: 0, y: 0, width: parameters.width, height: parameters.height)]
    }

    /// Decodes the current latent to RGB at full resolution, tile by tile when the decoder can.
    ///
    /// - Parameters:
    ///   - reuse: RGB bytes of tiles (indices of ``decodeTiles``) decoded before a crash; they
    ///     are used instead of decoding those tiles again.
    ///   - onTileOutput: called with each freshly decoded tile's bytes (to journal them).
    ///   - onTile: called after each tile, decoded or reused, with the tiles done and their count.
    ///   Both run on worker threads, `onTile` one call at a time.
    public func decodeImage(
        pool: WorkerPool, reuse: [Int: [UInt8]] = [:],
        onTileOutput: (@Sendable (_ tile: Int, _ rgb: UnsafeBufferPointer<UInt8>) throws -> Void)? = nil,
        onTile: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(RenderError) -> RGBImage {
        if isFinished { model.releaseDenoiserMemory() }
        let decoder = model.makeDecoder()
        do {
            var image = try RGBImage(width: parameters.width, height: parameters.height)
            let width = parameters.width
            try state.latent.withUnsafeBufferPointer { latent in
                try image.withUnsafeMutablePixels { rgb in
                    guard let tiled = decoder as? any TiledLatentDecoder else {
                        try decoder.decode(
                            latent: latent, width: parameters.latentWidth, height: parameters.latentHeight,
                            into: rgb, pool: pool)
                        onTile(1, 1)
                        return
                    }
                    let tiles = tiled.decodeTiles(width: parameters.latentWidth, height: parameters.latentHeight)
                    let target = PixelTarget(base: rgb.baseAddress, rowBytes: 3 * width)
                    var missing: [Int] = []
                    for (index, tile) in tiles.enumerated() {
                        if let saved = reuse[index], saved.count == 3 * tile.area {
                            saved.withUnsafeBufferPointer { target.copy($0, into: tile) }
                        } else {
                            missing.append(index)
                        }
                    }
                    let done = Mutex(tiles.count - missing.count)
                    if missing.count < tiles.count { onTile(tiles.count - missing.count, tiles.count) }
                    try tiled.decode(
                        latent: latent, width: parameters.latentWidth, height: parameters.latentHeight,
                        tiles: missing, pool: pool
                    ) { index, bytes in
                        // Slow decode tiles on demand, so tests can stop a render inside its decode.
                        try FaultInjection.point("decode.tile")
                        target.copy(bytes, into: tiles[index])
                        try onTileOutput?(index, bytes)
                        done.withLock { count in
                            count += 1
                            onTile(count, tiles.count)
                        }
                    }
                }
            }
            return image
        } catch {
            throw .decode(String(describing: error))
        }
    }

    /// Encodes `image` as WebP with the parameters in its XMP and writes it atomically.
    public func write(_ image: RGBImage, to url: URL, encoding: OutputEncoding) throws(RenderError) {
        let encoder =
            switch encoding {
            case .lossless: WebPEncoder(.lossless)
            case .lossy(let quality): WebPEncoder(.lossy(quality: quality))
            }
        let bytes: [UInt8]
        do { bytes = try encoder.encode(image, xmp: XMPPacket.wrap(json: metadata.json())) } catch {
            throw .output(path: url.path, message: error.description)
        }
        do { try BinaryFile.writeAtomically(bytes, to: url.path) } catch {
            throw .output(path: url.path, message: error.description)
        }
    }
}

/// Where decode tiles land: the image's interleaved RGB rows, which tiles cover disjointly, so
/// pool threads write them at once.
struct PixelTarget: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>?
    /// Bytes per image row.
    let rowBytes: Int

    /// Copies a tile's interleaved RGB rows (`3 * tile.width` bytes each) to its place.
    func copy(_ bytes: UnsafeBufferPointer<UInt8>, into tile: TileRect) {
        guard let base, let source = bytes.baseAddress else { return }
        for row in 0..<tile.height {
            (base + (tile.y + row) * rowBytes + 3 * tile.x).update(
                from: source + row * 3 * tile.width, count: 3 * tile.width)
        }
    }
}
