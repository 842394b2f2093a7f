import MosaicTensor
import Synchronization

/// The engine of ``TiledVAEDecoder`` and ``TiledVAEEncoder``: the layout of one flattened program
/// run tile by tile on an input (a latent for the decoder, an image for the encoder) on the tiles' shrinking extents (``VAETileExtents``), with what the GroupNorms and the
/// attention see gathered according to the scopes.
///
/// Tiles run on the pool's threads with single-threaded kernels whenever the plan has more than
/// one tile, and whatever is gathered is merged in tile order, so the bits depend neither on the
/// thread count nor on which tiles one call runs (a resumed run gives the same bits).
struct VAETiledRun: Sendable {
    /// The flattened network.
    let runner: VAEProgramRunner
    /// Activation sizes entering each operation, and of the output.
    let sizes: [VAESize]
    /// Index in `sizes` of the latent's resolution (where tiles are defined).
    let latentIndex: Int
    /// The plan's tiles.
    let tiles: [VAETile]
    /// Tile side in latent pixels (the reduced copy's longest side, in latent pixels).
    let tileSize: Int
    /// The GroupNorms' scope.
    let groupNormScope: VAEGroupNormScope
    /// The attention's scope.
    let attentionScope: VAEAttentionScope
    /// At most this many tiles at once.
    let maxConcurrentTiles: Int

    /// The extents of `tile` up to operation `end` (the whole program when `nil`).
    func extents(_ tile: VAETile, end: Int? = nil) -> VAETileExtents {
        VAETileExtents(tile: tile, operations: runner.operations, sizes: sizes, latent: latentIndex, end: end)
    }

    /// What every tile's final run uses: the whole-image statistics and keys/values (exact), the
    /// reduced pass's (fast), or nothing (tile scopes; a single tile, which is the whole image).
    func gather(_ input: Tensor, pool: WorkerPool?) -> VAEGathered {
        guard tiles.count > 1 else { return VAEGathered() }
        var gathered = VAEGathered()
        if groupNormScope == .fast || attentionScope == .reducedImage {
            let reduced = VAEReducedInput.reduce(input, toLongestSide: reducedLongestSide, multiple: maxScale)
            // Serial kernels: the reduced pass's bits must not depend on the thread count.
            if case .recorded(_, let recorded) = runner.run(reduced, recording: true, context: .serial) {
                if groupNormScope == .fast { gathered.statistics = recorded.statistics }
                if attentionScope == .reducedImage { gathered.keysValues = recorded.keysValues }
            }
        }
        for point in exactPoints() {
            let results = forEachTile(tiles, pool: pool) { tile, context in
                let extents = extents(tile, end: point)
                return runner.run(
                    input.crop(extents.rects[0]), gathered: gathered, stopAt: point, tile: extents, context: context)
            }
            merge(results, at: point, into: &gathered)
        }
        return gathered
    }

    /// The input's pixels per latent pixel (8 for the SD encoder, 1 for the decoder).
    var maxScale: Int { max(1, sizes[0].height / max(1, sizes[latentIndex].height)) }
    /// The reduced copy's longest side in input pixels: one tile.
    var reducedLongestSide: Int { tileSize * maxScale }

    /// Indices of the operations whose inputs are gathered over the whole image, in order.
    func exactPoints() -> [Int] {
        runner.operations.indices.filter { index in
            switch runner.operations[index] {
            case .groupNorm: return groupNormScope == .exact
            case .attention: return attentionScope == .wholeImage
            default: return false
            }
        }
    }

    /// Runs the tiles whose indices are in `selected` (all when `nil`) to the end with `gathered`
    /// and hands each one's owned output pixels (channel-major) to `write`, possibly from several
    /// pool threads at once.
    func finish(
        _ input: Tensor, tiles selected: Set<Int>?, gathered: VAEGathered, pool: WorkerPool?,
        write: (_ tile: VAETile, _ pixels: UnsafeBufferPointer<Float>) -> Void
    ) throws(VAEError) {
        let chosen = tiles.filter { selected?.contains($0.index) ?? true }
        let finished = forEachTile(chosen, pool: pool) { tile, context -> Bool in
            let extents = extents(tile)
            let result = runner.run(input.crop(extents.rects[0]), gathered: gathered, tile: extents, context: context)
            guard let output = result.output else { return false }
            output.scalars.withUnsafeBufferPointer { write(tile, $0) }
            return true
        }
        guard finished.allSatisfy({ $0 }) else { throw .incompleteRun(operations: runner.operations.count) }
    }

    /// Runs `body` for every tile of `chosen`, over the pool's threads (single-threaded kernels,
    /// at most ``maxConcurrentTiles`` at once) when the plan has more than one tile, else with the
    /// pool inside the kernels; results in the order of `chosen`.
    func forEachTile<Result>(
        _ chosen: [VAETile], pool: WorkerPool?, _ body: (VAETile, ComputeContext) -> Result
    ) -> [Result] {
        guard let pool, tiles.count > 1 else {
            let context = ComputeContext(pool: pool)
            return chosen.map { body($0, context) }
        }
        var results = [Result?](repeating: nil, count: chosen.count)
        let workers = min(pool.threadCount, maxConcurrentTiles, chosen.count)
        results.withUnsafeMutableBufferPointer { slots in
            let target = SendablePointer(slots.baseAddress)
            // Each of `workers` items takes tiles in turn.
            let next = Atomic(0)
            pool.run(count: max(1, workers)) { _, _ in
                while case let index = next.add(1, ordering: .relaxed).oldValue, index < chosen.count {
                    target.pointer?[index] = body(chosen[index], .serial)
                }
            }
        }
        return results.compactMap { $0 }
    }

    /// Adds the tiles' contributions at `point` (results in plan order), in tile order, to `gathered`.
    func merge(_ results: [VAERunResult], at point: Int, into gathered: inout VAEGathered) {
        var statistics: GroupNormStatistics?
        var keysValues: AttentionKeysValues?
        let size = sizes[point]
        for (tile, result) in zip(tiles, results) {
            switch result {
            case .statistics(let part):
                statistics = statistics.map { $0 + part } ?? part
            case .keysValues(let keys, let values):
                let owned = extents(tile, end: point).owned[point]
                let channels = owned.area > 0 ? keys.count / owned.area : 0
                var whole =
                    keysValues
                    ?? AttentionKeysValues(
                        keys: [Float](repeating: 0, count: size.height * size.width * channels),
                        values: [Float](repeating: 0, count: size.height * size.width * channels),
                        count: size.height * size.width)
                keysValues = nil  // `whole` is then the only reference: no copy on write.
                for r in 0..<owned.height {
                    for c in 0..<owned.width {
                        let source = (r * owned.width + c) * channels
                        let target = ((owned.top + r) * size.width + owned.left + c) * channels
                        for k in 0..<channels {
                            whole.keys[target + k] = keys[source + k]
                            whole.values[target + k] = values[source + k]
                        }
                    }
                }
                keysValues = whole
            case .output, .recorded:
                continue
            }
        }
        if let statistics { gathered.statistics[point] = statistics }
        if let keysValues { gathered.keysValues[point] = keysValues }
    }
}

/// A raw pointer handed to pool threads that write disjoint parts of one buffer.
struct SendablePointer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>?
    init(_ pointer: UnsafeMutablePointer<Element>?) { self.pointer = pointer }
}
