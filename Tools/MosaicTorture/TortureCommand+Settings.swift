import ArgumentParser
import Foundation

extension TortureCommand {
    /// Resolves paths and makes the work directory; usage errors exit 2 before anything starts.
    func makeSettings() throws -> TortureSettings {
        let executable = mosaicd.map { URL(fileURLWithPath: $0) } ?? Self.siblingExecutable("mosaicd")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ValidationError("no mosaicd at \(executable.path) (swift build --product mosaicd, or pass --mosaicd)")
        }
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-torture.XXXXXX").path
        var buffer = Array(template.utf8CString)
        guard buffer.withUnsafeMutableBufferPointer({ $0.baseAddress.map { mkdtemp($0) != nil } ?? false }) else {
            throw ValidationError(
                "cannot make a temporary directory under \(FileManager.default.temporaryDirectory.path)")
        }
        let path = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let work = URL(fileURLWithPath: path)
        let state = stateDir ?? work.appendingPathComponent("state").path
        if FileManager.default.fileExists(atPath: (state as NSString).appendingPathComponent("mosaic.sqlite")) {
            throw ValidationError("\(state) already holds a queue; the torture test needs a fresh state directory")
        }
        return TortureSettings(
            mosaicd: executable, workDirectory: work, stateDirectory: state,
            socketPath: socket ?? work.appendingPathComponent("mosaicd.sock").path, threads: threads,
            varyThreads: varyThreads, faults: noFaults ? nil : faults, jobs: jobs, refill: refill, kills: kills,
            seed: seed, size: size, steps: steps, readyTimeout: readyTimeout, drainTimeout: drainTimeout,
            verbose: !quiet)
    }

    /// `name` in the directory of this executable (`.build/debug/` for a debug build).
    static func siblingExecutable(_ name: String) -> URL {
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(name)
    }
}
