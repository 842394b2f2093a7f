import Foundation

/// The upscaler models of a models directory: every `.pth` and `.safetensors` file in its
/// `upscalers/` folder, named by its file name without the extension.
///
/// Discovery reads each file's keys and shapes (the pickle of a `.pth`, the header of a
/// `.safetensors`) to recognise the architecture; the weights are read when an upscaler is
/// asked for by name.
public struct UpscalerCatalog: Sendable {
    /// One upscaler file: its name, where it is, and what it is.
    public struct Entry: Sendable, Equatable {
        /// The name `--upscaler` takes.
        public var name: String
        /// The file.
        public var path: String
        /// The recognised network.
        public var configuration: RRDBNetConfiguration

        /// Each side of the output is `scale` times the input's.
        public var scale: Int { configuration.scale }
        /// The architecture, for listings.
        public var architecture: String { configuration.architecture }
        /// One line for listings.
        public var summary: String {
            "x\(scale) \(configuration.architecture) from \((path as NSString).lastPathComponent)"
        }
    }

    /// The folder of a models directory that holds upscalers.
    public static let folderName = "upscalers"

    /// The upscalers by name.
    public let entries: [String: Entry]

    /// A catalogue of the given entries.
    public init(entries: [String: Entry]) { self.entries = entries }

    /// No upscalers.
    public static let empty = UpscalerCatalog(entries: [:])

    /// The sorted names.
    public var names: [String] { entries.keys.sorted() }

    /// The upscalers in `modelsDirectory/upscalers/`; files that cannot be recognised are left
    /// out with a line in `problems`. A missing folder is an empty catalogue.
    public static func discover(modelsDirectory: String?) -> (catalog: UpscalerCatalog, problems: [String]) {
        guard let modelsDirectory else { return (.empty, []) }
        let folder = "\(modelsDirectory)/\(folderName)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            return (.empty, [])
        }
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            return (.empty, ["\(folder): cannot list upscalers: \(error.localizedDescription)"])
        }
        var entries: [String: Entry] = [:]
        var problems: [String] = []
        for file in files where !file.hasPrefix(".") {
            let name: String
            if file.hasSuffix(".pth") {
                name = String(file.dropLast(".pth".count))
            } else if file.hasSuffix(".safetensors") {
                name = String(file.dropLast(".safetensors".count))
            } else {
                continue
            }
            let path = "\(folder)/\(file)"
            guard entries[name] == nil else {
                problems.append("\(path): an upscaler named '\(name)' exists already; skipped")
                continue
            }
            do {
                let weights = try WeightFiles.open(path)
                let configuration = try RRDBNetConfiguration(shapes: weights.shapes, path: path)
                entries[name] = Entry(name: name, path: path, configuration: configuration)
            } catch {
                problems.append("\(path): \(error)")
            }
        }
        return (UpscalerCatalog(entries: entries), problems)
    }

    /// The upscaler called `name`, its weights loaded, tiled with Real-ESRGAN's defaults.
    public func upscaler(named name: String) throws(UpscalerError) -> any ImageUpscaler {
        guard let entry = entries[name] else { throw .unknownUpscaler(name, known: names) }
        return try RRDBUpscaler(path: entry.path)
    }
}
