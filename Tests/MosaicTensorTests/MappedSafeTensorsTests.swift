import Foundation
import MosaicTensor
import Testing

/// The memory-mapped reader validates exactly as the in-memory one: same entries on good
/// files, the same typed errors on hostile ones, and an error (not a crash) for files it
/// cannot open or map.
@Suite struct MappedSafeTensorsTests {
    static func file(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
        let json = Array(header.utf8)
        let length = declaredLength ?? UInt64(json.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> UInt64(8 * $0)) } + json + data
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosaic-mapped-\(UUID().uuidString).safetensors")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Both readers on `bytes`: a `valid` file must be read by both, with the same entries and
    /// bytes; any other file must be refused by both, with the same error.
    static func check(_ bytes: [UInt8], valid: Bool) throws {
        let path = try write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let memory = Result { () throws(SafeTensorsError) in try SafeTensors(parsing: bytes) }
        let mapped = Result { () throws(SafeTensorsError) in try MappedSafeTensors(path: path) }
        switch (memory, mapped) {
        case (.success(let a), .success(let b)):
            #expect(valid, "both readers accepted a hostile file")
            #expect(a.tensors == b.tensors && a.metadata == b.metadata && a.dataOffset == b.dataOffset)
            for info in a.tensors {
                let expected = Array(
                    a.bytes[(a.dataOffset + info.dataRange.lowerBound)..<(a.dataOffset + info.dataRange.upperBound)])
                #expect(Array(b.bytes(of: info)) == expected)
            }
        case (.failure(let a), .failure(let b)):
            #expect(!valid, "both readers rejected a valid file: \(a)")
            #expect(a == b)
        default:
            Issue.record("in-memory \(memory) but mapped \(mapped)")
        }
    }

    @Test func goodAndHostileFilesAgreeWithTheInMemoryReader() throws {
        let entry =
            #""a":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[6,8]}"#
        let valid = Self.file(
            header: "{\(entry),\"__metadata__\":{\"format\":\"pt\"}}", data: [1, 2, 3, 4, 5, 6, 7, 8])
        try Self.check(valid, valid: true)
        let hostile: [[UInt8]] = [
            Self.file(header: "{\(entry)}", data: [1, 2, 3, 4, 5, 6, 7]),
            Self.file(header: "{\(entry)}", data: [1, 2, 3, 4, 5, 6, 7, 8, 9]),
            Self.file(header: "{}", data: [], declaredLength: 1 << 40),
            Self.file(header: "{}", data: [], declaredLength: 50),
            Self.file(header: "{\"a\":", data: []),
            [1, 2, 3],
            [],
        ]
        for bytes in hostile { try Self.check(bytes, valid: false) }
    }

    @Test func unopenableFilesAreErrors() throws {
        #expect {
            try MappedSafeTensors(path: "/nonexistent/x.safetensors")
        } throws: { error in
            guard case .unreadableFile(let path, _) = error as? SafeTensorsError else { return false }
            return path == "/nonexistent/x.safetensors"
        }
        #expect(throws: SafeTensorsError.unreadableFile(path: "/tmp", reason: "not a regular file")) {
            try MappedSafeTensors(path: "/tmp")
        }
    }

    /// The resident pages of the mapping (the `Rss:` of its entry in /proc/self/smaps), in KiB.
    static func residentKiB(of address: UnsafeRawPointer) throws -> Int {
        // procfs files report a size of 0: read until end-of-file.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps"))
        defer { try? handle.close() }
        let smaps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        let target = UInt(bitPattern: address)
        var inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= target && target < bounds[1]
            } else if inside, fields.first == "Rss:", fields.count >= 2, let kib = Int(fields[1]) {
                return kib
            }
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    /// Dropped pages leave the resident set, and the tensor reads the same afterwards.
    @Test func droppedPagesLeaveTheResidentSetAndReadTheSameAgain() throws {
        #if os(Linux)
            let count = 4 << 20  // 16 MiB of f32
            let values = (0..<count).map { Float($0 % 1000) }
            let data = values.withUnsafeBytes { Array($0) }
            let header = #"{"w":{"dtype":"F32","shape":[\#(count)],"data_offsets":[0,\#(data.count)]}}"#
            let path = try Self.write(Self.file(header: header, data: data))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let file = try MappedSafeTensors(path: path)
            let info = try #require(file.info("w"))
            let bytes = file.bytes(of: info)
            let base = try #require(bytes.baseAddress)
            let sum = { bytes.reduce(0) { $0 &+ Int($1) } }  // the data need not be aligned for Float
            let expected = sum()
            let touched = try Self.residentKiB(of: base)
            #expect(touched >= 15 << 10, "\(touched) KiB resident after reading 16 MiB")
            file.dropResidentPages()
            let dropped = try Self.residentKiB(of: base)
            #expect(dropped < 1 << 10, "\(dropped) KiB still resident")
            #expect(sum() == expected)
        #endif
    }
}
