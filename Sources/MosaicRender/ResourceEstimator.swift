import MosaicDiffusion

/// Estimates a render's peak memory and disk use from its parameters, before it runs.
///
/// The estimate follows what `Renderer` and the daemon's worker allocate, as upper bounds:
///
/// - always held: the model (`DiffusionModel.residentMemoryBytes`), the latent canvas and the
///   sampler's history (twice each: the state and the copy a step writes into while the
///   previous checkpoint is still being written), and the small preview latent;
/// - during a step: every tile's model output (more than the canvas when tiles overlap), the
///   fused canvas, each thread's tile input and the model's scratch, and a checkpoint in flight
///   (its tensors copied, then serialised);
/// - during the decode, instead: the RGB image, the decoder's scratch and libwebp's encoder
///   (measured: about 20 bytes a pixel lossless at level 0, under 4 lossy).
///
/// Disk: three checkpoint-sized files (the newest two are kept, plus the spare the next write
/// overwrites), two step journals (the current one and the spare) and the output WebP (bounded
/// by 3 bytes a pixel lossless, 1 lossy).
public struct ResourceEstimator: Sendable {
    /// Render threads (each evaluates one tile at a time).
    public let threads: Int

    /// Bytes per output pixel libwebp's encoder holds (lossless level 0 measured at about 20).
    static let losslessEncoderBytesPerPixel = 24
    /// Bytes per output pixel of the lossy encoder (YUV 4:2:0 planes plus its analysis).
    static let lossyEncoderBytesPerPixel = 4
    /// Header, metadata and page-rounding allowance per file.
    static let fileOverhead = 64 << 10

    /// Creates an estimator for a worker with `threads` threads.
    public init(threads: Int) { self.threads = max(1, threads) }

    /// The estimate for `parameters` rendered by `model`, encoded lossless or lossy.
    public func estimate(_ parameters: RenderParameters, model: any DiffusionModel, lossless: Bool) -> ResourceEstimate
    {
        let float = MemoryLayout<Float>.size
        let channels = model.latentChannels
        let width = parameters.latentWidth
        let height = parameters.latentHeight
        let canvas = channels * width * height * float
        let history = Self.historyElements(parameters.sampler, canvasElements: channels * width * height) * float
        let tileOutputs = channels * Self.tiledElements(parameters, width: width, height: height) * float
        let tileWidth = min(parameters.tileSize, width)
        let tileHeight = min(parameters.tileSize, height)
        let tileScratch =
            threads
            * (channels * tileWidth * tileHeight * float
                + model.tileScratchBytes(width: tileWidth, height: tileHeight))
        let checkpoint = canvas + history + Self.fileOverhead
        let pixels = parameters.width * parameters.height
        let encoder = pixels * (lossless ? Self.losslessEncoderBytesPerPixel : Self.lossyEncoderBytesPerPixel)
        let decode =
            3 * pixels + model.decodeScratchBytes(latentWidth: width, latentHeight: height, threads: threads) + encoder

        let held: [ResourceEstimate.Term] = [
            .init("model", model.residentMemoryBytes),
            // The state, the copy a step writes into, and the preview.
            .init("latent canvas", 2 * canvas + channels * PreviewLatent.maxSide * PreviewLatent.maxSide * float),
            .init("sampler history", 2 * history),
        ]
        let stepping: [ResourceEstimate.Term] = [
            .init("tile outputs and fused canvas", tileOutputs + canvas),
            .init("tile scratch", tileScratch),
            .init("checkpoint in flight", 2 * checkpoint),
        ]
        let decoding = ResourceEstimate.Term("decode and WebP encoder", decode)
        let base = held.reduce(0) { $0 + $1.bytes }
        let peak = base + max(stepping.reduce(0) { $0 + $1.bytes }, decoding.bytes)

        let disk: [ResourceEstimate.Term] = [
            .init("two checkpoints and the spare", 3 * checkpoint),
            .init("tile journal and the spare", 2 * (tileOutputs + Self.fileOverhead)),
            .init("output WebP", pixels * (lossless ? 3 : 1) + Self.fileOverhead),
        ]
        return ResourceEstimate(
            memoryBytes: peak, diskBytes: disk.reduce(0) { $0 + $1.bytes },
            memoryTerms: held + stepping + [decoding], diskTerms: disk)
    }

    /// Latent values the sampler carries between steps: DPM++ 2M keeps the previous x0
    /// prediction, Euler ancestral a noise buffer; the others nothing canvas-sized.
    static func historyElements(_ sampler: SamplerKind, canvasElements: Int) -> Int {
        switch sampler {
        case .dpmpp2m, .dpmpp2mKarras, .eulerAncestral: canvasElements
        case .ddim, .euler: 0
        }
    }

    /// Latent pixels (per channel) covered by one step's tiles, counting overlaps once per tile.
    static func tiledElements(_ parameters: RenderParameters, width: Int, height: Int) -> Int {
        guard parameters.tiling != .shifted else { return width * height }
        let stride = max(1, parameters.tileSize - (parameters.tiling == .overlap ? parameters.tileOverlap : 0))
        func axis(_ length: Int) -> Int {
            let tile = min(parameters.tileSize, length)
            let count = length <= tile ? 1 : (length - tile + stride - 1) / stride + 1
            return count * tile
        }
        return axis(width) * axis(height)
    }
}
