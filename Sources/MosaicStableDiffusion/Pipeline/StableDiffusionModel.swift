import MosaicDiffusion
import MosaicTensor
import Synchronization

/// A Stable Diffusion 1.x/2.x checkpoint as a Mosaic ``DiffusionModel``: the render's tiles go
/// through its UNet with classifier-free guidance, the canvas through its VAE.
///
/// Opening one reads the configs and maps the weight files; the text encoder, UNet and VAE are
/// built at the first render that needs them (a daemon lists many models and renders one).
public final class StableDiffusionModel: DiffusionModel, Sendable {
    /// The name jobs use (the folder's or file's name without `.safetensors`).
    public let name: String
    /// Where the model came from.
    public let path: String
    /// The opened checkpoint: configs and memory-mapped weights.
    public let checkpoint: any StableDiffusionCheckpoint
    /// How weights are held in memory.
    public let policy: WeightPrecisionPolicy
    private let components = Mutex<StableDiffusionComponents?>(nil)

    /// Opens the diffusers folder or single `.safetensors` file at `path` as model `name`.
    public init(
        name: String, path: String, policy: WeightPrecisionPolicy = .stored,
        singleFileOptions: SingleFileCheckpoint.Options = .init()
    ) throws(ModelLoadError) {
        self.name = name
        self.path = path
        self.policy = policy
        checkpoint = try StableDiffusionLoader.open(path: path, singleFileOptions: singleFileOptions)
        residentMemoryBytes = Self.weightBytes(of: checkpoint, policy: policy)
    }

    private static func weightBytes(of checkpoint: any StableDiffusionCheckpoint, policy: WeightPrecisionPolicy) -> Int
    {
        var bytes = 0
        for source in [checkpoint.unet, checkpoint.vae, checkpoint.textEncoder] {
            for name in source.tensorNames {
                guard let tensor = try? source.tensor(named: name) else { continue }
                bytes += tensor.bytes.count
                if case .cacheFloat32 = policy, tensor.dtype != .f32 { bytes += tensor.bytes.count * 2 }
            }
        }
        return bytes
    }

    /// The UNet's latent channels (4 for SD 1.x/2.x).
    public var latentChannels: Int { checkpoint.unetConfig.inChannels }
    /// Image pixels per latent pixel: 2 to the power of the VAE's down-sampling stages (8).
    public var latentScale: Int { 1 << max(0, checkpoint.vaeConfig.blockOutChannels.count - 1) }
    /// The UNet's `sample_size` in image px: 512 for SD 1.x, 768 for SD 2.x v-prediction.
    public var nativeImageSide: Int? { checkpoint.unetConfig.sampleSize * latentScale }
    /// diffusers' `StableDiffusionPipeline` default.
    public var defaultGuidanceScale: Float { 7.5 }
    /// The schedule of `scheduler/scheduler_config.json` (inferred defaults for single files).
    public var scheduleConfig: NoiseScheduleConfig {
        (try? checkpoint.schedulerConfig.noiseScheduleConfig()) ?? .stableDiffusion15
    }
    /// Listed as `stable-diffusion`, whatever its version.
    public var kind: String { "stable-diffusion" }
    /// "Stable Diffusion 2.x (v_prediction), fp16 weights, /path".
    public var summary: String {
        let version = checkpoint.version == .v1 ? "1.x" : "2.x"
        let dtype = (try? checkpoint.unet.tensor(named: "conv_in.weight"))?.dtype.rawValue ?? "unknown"
        return "Stable Diffusion \(version) (\(predictionType.rawValue)), \(dtype) weights, \(path)"
    }
    /// Whether the UNet predicts noise or velocity.
    public var predictionType: SchedulerConfigFile.PredictionType { checkpoint.schedulerConfig.predictionType }

    /// Encodes the prompts and returns the denoiser that evaluates tiles with them.
    public func makeDenoiser(prompt: String, negativePrompt: String, guidanceScale: Float) throws -> any TileDenoiser {
        let parts = try loaded()
        // diffusers runs classifier-free guidance only for guidance_scale > 1; the batch of two is
        // [negative, positive], in that order.
        let guided = guidanceScale > 1
        let ids =
            guided
            ? [parts.tokenizer.encode(negativePrompt), parts.tokenizer.encode(prompt)]
            : [parts.tokenizer.encode(prompt)]
        let states = try parts.textEncoder(inputIds: ids, context: .serial)
        return StableDiffusionDenoiser(
            unet: parts.unet, encoderHiddenStates: states, guidanceScale: guided ? guidanceScale : nil,
            predictionType: predictionType)
    }

    /// The tiled VAE decoder (whole-image GroupNorm statistics).
    public func makeDecoder() -> any LatentDecoder {
        do {
            return StableDiffusionDecoder(vae: try loaded().vae)
        } catch {
            return FailingDecoder(error: error)
        }
    }

    /// The VAE's encoder, for image-to-image.
    public func makeEncoder() throws -> any LatentEncoder {
        StableDiffusionEncoder(vae: try loaded().vae)
    }

    /// The UNet's and the text encoder's memory-mapped weights leave the resident set before the
    /// decode: they stay in the page cache, and the next render maps them again. At 8192x8192
    /// the decode would otherwise hold 1.8 GiB of fp16 UNet pages it never reads. A single-file
    /// checkpoint maps the VAE in the same file; the decode maps its pages again as it reads them.
    public func releaseDenoiserMemory() {
        checkpoint.unet.dropResidentPages()
        checkpoint.textEncoder.dropResidentPages()
    }

    /// The weights' bytes as stored (memory-mapped, resident once touched), plus their fp32
    /// copies when the policy caches them; summed once at open, since admission control asks at
    /// every submission.
    public let residentMemoryBytes: Int

    /// An upper bound for one tile's UNet pass (batch of two): the activations kept for the skip
    /// connections, the widest block's working set, the im2col buffer and an attention chunk.
    public func tileScratchBytes(width: Int, height: Int) -> Int {
        let channels = checkpoint.unetConfig.blockOutChannels
        let batch = 2
        let float = 4
        var skips = 0
        var widest = 0
        for (level, count) in channels.enumerated() {
            let pixels = (width >> level) * (height >> level)
            skips += (checkpoint.unetConfig.layersPerBlock + 1) * count * pixels
            widest = max(widest, count * pixels)
        }
        // About a dozen widest-block tensors live at once (resnet, transformer, feed-forward x4).
        return batch * float * (skips + 16 * widest) + 64 << 20
    }

    /// An upper bound for the tiled VAE decode's scratch: one tile's activations
    /// (``StableDiffusionDecoder/tileActivationBytes(latentWidth:latentHeight:channels:scale:)``)
    /// for each tile decoding at once: one per pool thread, up to the tiles there are and to
    /// ``StableDiffusionDecoder/concurrentTiles(latentWidth:latentHeight:channels:scale:)``. A
    /// latent of one tile is decoded whole, with the threads inside the kernels.
    public func decodeScratchBytes(latentWidth: Int, latentHeight: Int, threads: Int) -> Int {
        let tile = StableDiffusionDecoder.defaultTileSize
        let tiles = ((latentWidth + tile - 1) / tile) * ((latentHeight + tile - 1) / tile)
        let channels = checkpoint.vaeConfig.blockOutChannels.first ?? 128
        let one = StableDiffusionDecoder.tileActivationBytes(
            latentWidth: latentWidth, latentHeight: latentHeight,
            channels: channels, scale: latentScale)
        let concurrent = StableDiffusionDecoder.concurrentTiles(
            latentWidth: latentWidth, latentHeight: latentHeight,
            channels: channels, scale: latentScale)
        return min(max(1, threads), tiles, concurrent) * one + 64 << 20
    }

    /// Builds the text encoder, UNet, VAE and tokenizer once.
    private func loaded() throws -> StableDiffusionComponents {
        if let parts = components.withLock({ $0 }) { return parts }
        let parts = try StableDiffusionComponents(checkpoint: checkpoint, policy: policy)
        components.withLock { $0 = $0 ?? parts }
        return parts
    }
}
