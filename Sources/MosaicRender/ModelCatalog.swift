import MosaicDiffusion
import MosaicUpscale

/// Resolves model names to models.
public struct ModelCatalog: Sendable {
    /// The models by name.
    public let models: [String: any DiffusionModel]
    /// The upscaler models (`upscalers/` in the models directory), a namespace of their own.
    public let upscalers: UpscalerCatalog

    /// The `kind` of an upscaler in model listings.
    public static let upscalerKind = "upscaler"

    /// The catalogue of models that need no files: the built-in `mosaic-field`.
    public static let builtIn = ModelCatalog(models: [MosaicField.modelName: MosaicField()])

    /// Creates a catalogue.
    public init(models: [String: any DiffusionModel], upscalers: UpscalerCatalog = .empty) {
        self.models = models
        self.upscalers = upscalers
    }

    /// The sorted model names.
    public var names: [String] { models.keys.sorted() }

    /// The model called `name`, or an error that lists the known ones.
    public func model(named name: String) throws(RenderError) -> any DiffusionModel {
        guard let model = models[name] else { throw .unknownModel(name, known: names) }
        return model
    }
}
