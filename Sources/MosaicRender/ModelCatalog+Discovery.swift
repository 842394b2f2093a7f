import Foundation
import MosaicDiffusion
import MosaicStableDiffusion
import MosaicUpscale

extension ModelCatalog {
    /// The built-in model plus every Stable Diffusion model under `directory`: each diffusers
    /// folder (one with `model_index.json`) and each single `.safetensors` checkpoint, named by
    /// its folder or file name without the extension, and the upscalers of its `upscalers/` folder
    /// (see `UpscalerCatalog`). Models are opened (configs read, weights mapped), not built; one
    /// that cannot be opened is left out with a line in `problems`.
    public static func discover(directory: String?) -> (catalog: ModelCatalog, problems: [String]) {
        var models: [String: any DiffusionModel] = builtIn.models
        var problems: [String] = []
        guard let directory else { return (ModelCatalog(models: models), problems) }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            return (ModelCatalog(models: models), ["\(directory): cannot list models: \(error.localizedDescription)"])
        }
        let (upscalers, upscalerProblems) = UpscalerCatalog.discover(modelsDirectory: directory)
        problems += upscalerProblems
        for entry in entries where !entry.hasPrefix(".") {
            let path = "\(directory)/\(entry)"
            let name: String
            if entry.hasSuffix(".safetensors") {
                name = String(entry.dropLast(".safetensors".count))
            } else if FileManager.default.fileExists(atPath: "\(path)/model_index.json") {
                name = entry
            } else {
                continue
            }
            guard models[name] == nil else {
                problems.append("\(path): a model named '\(name)' exists already; skipped")
                continue
            }
            do {
                models[name] = try StableDiffusionModel(name: name, path: path)
            } catch {
                problems.append("\(path): \(error)")
            }
        }
        return (ModelCatalog(models: models, upscalers: upscalers), problems)
    }

    /// This catalogue, plus the model at `path` (a diffusers folder or `.safetensors` file)
    /// under its folder or file name, when `nameOrPath` is a path rather than a known name.
    /// - Returns: the catalogue and the name to render with.
    public func adding(modelAt nameOrPath: String) throws -> (catalog: ModelCatalog, name: String) {
        if models[nameOrPath] != nil { return (self, nameOrPath) }
        guard nameOrPath.contains("/") || nameOrPath.hasSuffix(".safetensors") else { return (self, nameOrPath) }
        let trimmed = nameOrPath.hasSuffix("/") ? String(nameOrPath.dropLast()) : nameOrPath
        var name = (trimmed as NSString).lastPathComponent
        if name.hasSuffix(".safetensors") { name = String(name.dropLast(".safetensors".count)) }
        var all = models
        all[name] = try StableDiffusionModel(name: name, path: trimmed)
        return (ModelCatalog(models: all, upscalers: upscalers), name)
    }
}
