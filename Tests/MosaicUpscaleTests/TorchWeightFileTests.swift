import Foundation
import MosaicCheckpoint
import MosaicTestSupport
import Testing

@testable import MosaicUpscale

/// The `.pth` reader: the fixtures read as their safetensors twins do; hostile files are refused.
@Suite struct TorchWeightFileTests {
    @Test(arguments: UpscaleFixtures.names)
    func pthAndSafetensorsHoldTheSameTensors(name: String) throws {
        let pth = try TorchWeightFile(path: UpscaleFixtures.path("\(name).pth"))
        let safetensors = try SafeTensorsWeightFile(path: UpscaleFixtures.path("\(name).safetensors"))
        #expect(pth.shapes == safetensors.shapes)
        for key in pth.shapes.keys.sorted() {
            #expect(try pth.floats(key) == safetensors.floats(key), "\(key)")
        }
    }

    @Test func truncatedFilesAreErrors() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: UpscaleFixtures.path("tiny_x2plus.pth")))
        var generator = SeededGenerator(seed: 5)
        var lengths = [0, 3, 21, 22, 100, bytes.count - 1, bytes.count - 22, bytes.count - 23]
        for _ in 0..<24 { lengths.append(Int.random(in: 0..<bytes.count, using: &generator)) }
        for length in lengths {
            let path = try TemporaryFile.write(Array(bytes.prefix(length)), name: "cut.pth")
            #expect(throws: UpscalerError.self, "\(length) bytes") { _ = try TorchWeightFile(path: path) }
        }
    }

    @Test func flippedBytesNeverTrap() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: UpscaleFixtures.path("tiny_x2plus.pth"))))
        var generator = SeededGenerator(seed: 6)
        for _ in 0..<64 {
            var damaged = bytes
            for _ in 0..<4 {
                damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(
                    in: 0...255, using: &generator)
            }
            let path = try TemporaryFile.write(damaged, name: "damaged.pth")
            // Either an error or a file that still reads; never a crash or an out-of-range read.
            if let file = try? TorchWeightFile(path: path) {
                for key in file.shapes.keys { _ = try? file.floats(key) }
            }
        }
    }

    /// A damaged byte in a tensor's storage or in the pickle fails the entry's CRC-32.
    @Test func damagedEntriesFailTheirChecksum() throws {
        let url = URL(fileURLWithPath: UpscaleFixtures.path("tiny_x2plus.pth"))
        let bytes = try [UInt8](Data(contentsOf: url))
        let archive = try bytes.withUnsafeBytes { try TorchZipArchive($0, path: "fixture") }
        let pickle = try #require(archive.entries["tiny_x2plus/data.pkl"])
        let storage = try #require(archive.entries["tiny_x2plus/data/0"])

        var damagedStorage = bytes
        damagedStorage[storage.data.lowerBound + 5] ^= 0x10
        let path = try TemporaryFile.write(damagedStorage, name: "storage.pth")
        let file = try TorchWeightFile(path: path)  // the pickle is intact
        let damagedTensor = file.shapes.keys.filter { (try? file.floats($0)) == nil }
        #expect(damagedTensor == ["conv_first.weight"])

        var damagedPickle = bytes
        damagedPickle[pickle.data.upperBound - 2] ^= 0x01
        let pathPickle = try TemporaryFile.write(damagedPickle, name: "pickle.pth")
        #expect(
            throws: UpscalerError.invalidArchive(
                path: pathPickle, reason: "entry 'tiny_x2plus/data.pkl' fails its CRC-32 check")
        ) { _ = try TorchWeightFile(path: pathPickle) }
    }

    @Test func wrongMagicIsRefused() throws {
        let path = try TemporaryFile.write(Array("not a zip file at all, just some text".utf8), name: "text.pth")
        #expect { _ = try TorchWeightFile(path: path) } throws: { error in
            guard case UpscalerError.invalidArchive(_, let reason) = error else { return false }
            return reason.contains("magic")
        }
    }

    @Test func legacyFormatIsRefused() throws {
        let magic: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]
        let path = try TemporaryFile.write(magic, name: "legacy.pth")
        #expect(throws: UpscalerError.legacyTorchFormat(path: path)) { _ = try TorchWeightFile(path: path) }
    }

    /// `cos\nsystem\n(S'echo owned'\ntR.`: what `pickle.dumps` makes of a class whose `__reduce__` returns `(os.system, ("echo owned",))`.
    static let osSystemPickle: [UInt8] =
        [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x28, 0x58, 10, 0, 0, 0]
        + Array("echo owned".utf8) + [0x74, 0x52, 0x2e]

    @Test func aPickleCallingOsSystemIsRefused() throws {
        let path = try TemporaryFile.write(TestZip.stored(["evil/data.pkl": Self.osSystemPickle]), name: "evil.pth")
        #expect(throws: UpscalerError.forbiddenGlobal("os.system")) { _ = try TorchWeightFile(path: path) }
        // The same call through STACK_GLOBAL (protocol 4), and builtins.eval.
        let stackGlobal: [UInt8] =
            [0x80, 0x04, 0x8c, 2] + Array("os".utf8) + [0x8c, 6] + Array("system".utf8)
            + [0x93, 0x8c, 2] + Array("id".utf8) + [0x85, 0x52, 0x2e]
        let path4 = try TemporaryFile.write(TestZip.stored(["evil/data.pkl": stackGlobal]), name: "evil4.pth")
        #expect(throws: UpscalerError.forbiddenGlobal("os.system")) { _ = try TorchWeightFile(path: path4) }
        let eval: [UInt8] = [0x80, 0x02] + Array("cbuiltins\neval\n".utf8) + [0x2e]
        let pathEval = try TemporaryFile.write(TestZip.stored(["evil/data.pkl": eval]), name: "eval.pth")
        #expect(throws: UpscalerError.forbiddenGlobal("builtins.eval")) { _ = try TorchWeightFile(path: pathEval) }
    }

    @Test func opcodesOutsideTheSubsetAreRefused() throws {
        // INST (`i`) builds an object by calling a class: refused as an opcode.
        let inst: [UInt8] = [0x80, 0x02, 0x28] + Array("iposix\nsystem\n".utf8) + [0x2e]
        let path = try TemporaryFile.write(TestZip.stored(["x/data.pkl": inst]), name: "inst.pth")
        #expect(throws: UpscalerError.unsupportedOpcode(opcode: 0x69, offset: 3)) {
            _ = try TorchWeightFile(path: path)
        }
    }

    @Test func deflatedEntriesAreRefused() throws {
        let path = try TemporaryFile.write(
            TestZip.stored(["a/data.pkl": [0x80, 0x02, 0x7d, 0x2e]], method: 8), name: "deflate.pth")
        #expect(throws: UpscalerError.compressedEntry(path: path, entry: "a/data.pkl", method: 8)) {
            _ = try TorchWeightFile(path: path)
        }
    }

    @Test func aDictWithoutTensorsIsNotAStateDict() throws {
        let path = try TemporaryFile.write(TestZip.stored(["a/data.pkl": [0x80, 0x02, 0x7d, 0x2e]]), name: "empty.pth")
        #expect(throws: UpscalerError.notAStateDict(path: path, reason: "no tensors in the dictionary")) {
            _ = try TorchWeightFile(path: path)
        }
    }
}

/// Writes test files into a fresh temporary folder.
enum TemporaryFile {
    static let folder: String = {
        let path = NSTemporaryDirectory() + "mosaic-upscale-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Writes `bytes` to a file called `name` and returns its path.
    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = "\(folder)/\(UUID().uuidString)-\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// A minimal ZIP writer: stored entries with their CRC-32, as torch.save writes them.
enum TestZip {
    static func stored(_ entries: [String: [UInt8]], method: UInt16 = 0) -> [UInt8] {
        var file: [UInt8] = []
        var directory: [UInt8] = []
        for (name, data) in entries.sorted(by: { $0.key < $1.key }) {
            var checksum = CRC32()
            data.withUnsafeBytes { checksum.update($0) }
            let size = UInt32(data.count)
            let nameBytes = Array(name.utf8)
            let nameLength = UInt16(nameBytes.count)
            let offset = UInt32(file.count)
            // Local header: signature, version, flags, method, time, date, CRC, sizes, name and extra lengths.
            file += u32(0x0403_4b50) + u16(20) + u16(0) + u16(method) + u16(0) + u16(0)
            file += u32(checksum.value) + u32(size) + u32(size) + u16(nameLength) + u16(0) + nameBytes + data
            // Central header: the same plus comment length, disk, attributes and the local header's offset.
            directory += u32(0x0201_4b50) + u16(20) + u16(20) + u16(0) + u16(method) + u16(0) + u16(0)
            directory += u32(checksum.value) + u32(size) + u32(size) + u16(nameLength) + u16(0) + u16(0)
            directory += u16(0) + u16(0) + u32(0) + u32(offset) + nameBytes
        }
        let directoryOffset = UInt32(file.count)
        let count = UInt16(entries.count)
        file += directory
        file += u32(0x0605_4b50) + u16(0) + u16(0) + u16(count) + u16(count)
        file += u32(UInt32(directory.count)) + u32(directoryOffset) + u16(0)
        return file
    }

    private static func u16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
    private static func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
}
