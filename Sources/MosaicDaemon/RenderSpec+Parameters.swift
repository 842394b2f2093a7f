import Foundation
import MosaicAPI
import MosaicRender

extension RenderSpec {
    /// The default strength with an init image: diffusers' `StableDiffusionImg2ImgPipeline`'s.
    static let defaultInitImageStrength: Float = 0.8

    /// The spec with every default filled in and the seed fixed, as the queue stores it;
    /// `initImageDigest` is the digest of the init image's pixels when it names one.
    func resolved(catalog: ModelCatalog, initImageDigest: String? = nil, seed newSeed: () -> UInt64) throws(APIError)
        -> RenderSpec
    {
        let defaults = RenderParameters(prompt: prompt)
        var spec = self
        spec.negativePrompt = negativePrompt ?? ""
        spec.model = model ?? defaults.model
        spec.width = width ?? defaults.width
        spec.height = height ?? defaults.height
        spec.steps = steps ?? defaults.steps
        spec.sampler = sampler ?? defaults.sampler.rawValue
        spec.seed = seed ?? newSeed()
        spec.tiling = tiling ?? defaults.tiling.rawValue
        spec.tileSize = tileSize ?? defaults.tileSize
        // The default overlap fits the default tile; a smaller tile gets at most half of itself,
        // rather than a 400 about a value the client never sent.
        spec.tileOverlap = tileOverlap ?? min(defaults.tileOverlap, max(0, (spec.tileSize ?? defaults.tileSize) / 2))
        spec.tileWeighting = tileWeighting ?? defaults.tileWeighting.rawValue
        spec.lossless = lossless ?? false
        if spec.lossless == true {
            guard quality == nil else { throw APIError(.badRequest, "invalid quality: lossless output has no quality") }
        } else {
            spec.quality = quality ?? 90
        }
        if initImage != nil { spec.strength = strength ?? Self.defaultInitImageStrength }
        let native = catalog.models[spec.model ?? defaults.model]?.nativeImageSide
        spec.resolveStages(native: native)
        let parameters = try spec.parameters(initImageDigest: initImageDigest)
        if spec.guidance == nil, let model = catalog.models[parameters.model] {
            spec.guidance = model.defaultGuidanceScale
        }
        do {
            _ = try catalog.model(named: parameters.model)
        } catch {
            throw APIError(.badRequest, "invalid model: \(error)")
        }
        return spec
    }

    /// Replaces `auto` (or no stages, for a render above twice the model's native size) with
    /// the doublings from `native`, and fills in the default strengths and upscaler of a staged render.
    mutating func resolveStages(native: Int?) {
        let longEdge = max(width ?? 0, height ?? 0)
        let request = stages ?? (StagePlan.stagesByDefault(longEdge: longEdge, native: native) ? .auto : .none)
        var sides: [Int] = []
        switch request {
        case .none: sides = []
        case .sides(let list): sides = list
        case .auto: sides = native.map { StagePlan.autoSides(longEdge: longEdge, native: $0) } ?? []
        }
        stages = sides.isEmpty ? StageRequest.none : .sides(sides)
        guard !sides.isEmpty else { return }
        strengths = strengths ?? StagePlan.autoStrengths(count: sides.count, base: initImage == nil ? 1 : strength ?? 1)
        upscaler = upscaler ?? RenderParameters.lanczosUpscaler
    }

    /// The engine's parameters; every field checked, the first bad one named. A spec with an
    /// init image needs its pixels' digest (`ImageLibrary.record(id:)`), which the checkpoint
    /// hash covers: the id alone would not say which pixels a checkpoint was made from.
    func parameters(initImageDigest: String? = nil) throws(APIError) -> RenderParameters {
        if let initImage, initImageDigest == nil {
            throw APIError(.internal, "the digest of init image \(initImage) was not looked up")
        }
        func choice<T: RawRepresentable & CaseIterable>(_ value: String?, _ field: String, default fallback: T)
            throws(APIError) -> T
        where T.RawValue == String {
            guard let value else { return fallback }
            guard let parsed = T(rawValue: value) else {
                throw APIError(
                    .badRequest,
                    "invalid \(field): '\(value)' (valid: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return parsed
        }
        // SQLite text ends at a NUL: the stored prompt would silently differ from the one asked for.
        for (field, text) in [("prompt", prompt), ("negative_prompt", negativePrompt ?? "")] where text.utf8.contains(0)
        {
            throw APIError(.badRequest, "invalid \(field): contains a NUL character (\\u0000)")
        }
        let defaults = RenderParameters(prompt: prompt)
        let parameters = RenderParameters(
            prompt: prompt, negativePrompt: negativePrompt ?? "", model: model ?? defaults.model,
            width: width ?? defaults.width, height: height ?? defaults.height, steps: steps ?? defaults.steps,
            sampler: try choice(sampler, "sampler", default: defaults.sampler), guidanceScale: guidance,
            seed: seed ?? 0, tiling: try choice(tiling, "tiling", default: defaults.tiling),
            tileSize: tileSize ?? defaults.tileSize, tileOverlap: tileOverlap ?? defaults.tileOverlap,
            tileWeighting: try choice(tileWeighting, "tile_weighting", default: defaults.tileWeighting),
            initImage: initImage == nil ? nil : initImageDigest, strength: strength ?? defaults.strength,
            stages: stageSides, strengths: strengths ?? [],
            upscaler: upscaler ?? defaults.upscaler)
        do { try parameters.validate() } catch {
            // The engine names fields as its command line does (tile-size); the API's are snake_case.
            switch error {
            case .invalid(let field, let reason):
                throw APIError(.badRequest, "invalid \(field.replacingOccurrences(of: "-", with: "_")): \(reason)")
            }
        }
        // Some samplers cannot take every step count (DDIM and DPM++ 2M at 1000 steps): refuse
        // such a job now rather than accept it and fail it when it starts.
        do { try parameters.validateSamplerSteps() } catch {
            throw APIError(.badRequest, "invalid steps: \(error)")
        }
        // The engine checks the overlap only where it is used; the API refuses nonsense anyway.
        if !(0...parameters.tileSize / 2).contains(parameters.tileOverlap) {
            throw APIError(
                .badRequest,
                "invalid tile_overlap: \(parameters.tileOverlap) latent px is outside 0...\(parameters.tileSize / 2) (half the tile)"
            )
        }
        if let quality, !(quality.isFinite && (0...100).contains(quality)) {
            throw APIError(.badRequest, "invalid quality: \(quality) is outside 0...100")
        }
        return parameters
    }

    /// The engine's parameters of a stored job, its init image's digest looked up in `images`:
    /// what the render worker passes to the engine (and what its checkpoints are hashed with).
    func parameters(images: ImageLibrary) throws(APIError) -> RenderParameters {
        guard let id = initImage else { return try parameters() }
        let found: ImageRecord?
        do { found = try images.record(id: id) } catch {
            throw APIError(.internal, "cannot look up init image \(id): \(error)")
        }
        guard let record = found else { throw APIError(.notFound, "init image \(id) does not exist") }
        return try parameters(initImageDigest: record.digest)
    }

    /// The stages' sides; `auto` stays empty here (``resolveStages(native:)`` replaces it at submission).
    var stageSides: [Int] {
        if case .sides(let sides) = stages { return sides }
        return []
    }

    /// How the output is encoded.
    var encoding: OutputEncoding { lossless == true ? .lossless : .lossy(quality: quality ?? 90) }
}
