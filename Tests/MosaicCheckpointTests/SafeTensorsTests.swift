import Foundation
import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicCheckpoint

@Suite struct SafeTensorsTests {
    @Test func roundTripOfEverySupportedElementType() throws {
        var rng = SeededGenerator(seed: 3)
        let floats = rng.floatBitPatterns(24)
        let words = (0..<5).map { _ in UInt32(truncatingIfNeeded: rng.next()) }
        let longs: [Int64] = [.min, -1, 0, 1, .max]
        var writer = SafeTensorsWriter(metadata: ["note": "ünïcode \"quoted\"\n", "a": ""])
        try writer.add("x.floats", floats: floats, shape: [2, 3, 4])
        try writer.add("empty", floats: [], shape: [0, 4])
        try writer.add("words", uint32s: words, shape: [5])
        try writer.add("scalar", int64s: [42], shape: [])
        try writer.add("longs", int64s: longs, shape: [5, 1])
        let bytes = writer.serialized()

        let file = try SafeTensors(parsing: bytes)
        #expect(file.dataOffset % 8 == 0)
        #expect(file.metadata == ["note": "ünïcode \"quoted\"\n", "a": ""])
        #expect(CheckpointFixtures.sameBits(try file.floats("x.floats"), floats))
        #expect(try file.floats("empty").isEmpty)
        #expect(try file.uint32s("words") == words)
        #expect(try file.int64s("scalar") == [42])
        #expect(try file.int64s("longs") == longs)
        #expect(file.info("x.floats")?.shape == [2, 3, 4])
        #expect(file.info("scalar")?.shape == [])
        #expect(throws: SafeTensorsError.dtypeMismatch(tensor: "words", expected: .f32, actual: .u32)) {
            try file.floats("words")
        }
        #expect(throws: SafeTensorsError.missingTensor("nope")) { try file.floats("nope") }
    }

    @Test func writerRefusesBadShapesAndNames() throws {
        var writer = SafeTensorsWriter()
        #expect(throws: SafeTensorsError.shapeMismatch(tensor: "a", shape: [2, 2], count: 3)) {
            try writer.add("a", floats: [1, 2, 3], shape: [2, 2])
        }
        #expect(throws: SafeTensorsError.shapeMismatch(tensor: "a", shape: [-1], count: 0)) {
            try writer.add("a", floats: [], shape: [-1])
        }
        try writer.add("a", floats: [1], shape: [1])
        #expect(throws: SafeTensorsError.duplicateName("a")) { try writer.add("a", floats: [1], shape: [1]) }
        #expect(throws: SafeTensorsError.duplicateName("__metadata__")) {
            try writer.add("__metadata__", floats: [1], shape: [1])
        }
    }

    /// A file with `header` as its JSON and `dataSize` zero bytes of data.
    static func file(header: String, dataSize: Int, declaredLength: UInt64? = nil) -> [UInt8] {
        let json = Array(header.utf8)
        let length = declaredLength ?? UInt64(json.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> UInt64(8 * $0)) } + json
            + [UInt8](repeating: 0, count: dataSize)
    }

    static func entry(_ name: String, _ dtype: String = "F32", shape: String = "[2]", offsets: String) -> String {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
    }

    @Test func hostileHeadersGiveTypedErrors() {
        func e(_ name: String, _ dtype: String = "F32", shape: String = "[2]", offsets: String) -> String {
            Self.entry(name, dtype, shape: shape, offsets: offsets)
        }
        let cases: [([UInt8], SafeTensorsError)] = [
            ([1, 2, 3], .truncatedHeaderLength(fileSize: 3)),
            (
                Self.file(header: "{}", dataSize: 0, declaredLength: .max),
                .headerTooLarge(declared: .max, limit: 100_000_000)
            ),
            (
                Self.file(header: "{}", dataSize: 0, declaredLength: 50_000_000),
                .headerPastEnd(declared: 50_000_000, available: 2)
            ),
            (
                Self.file(header: "[]", dataSize: 0),
                .invalidHeader(reason: "the header is an array, expected an object")
            ),
            (
                Self.file(header: #"{"__metadata__":{"k":1}}"#, dataSize: 0),
                .invalidMetadata(reason: "value of 'k' is a number, expected a string")
            ),
            (
                Self.file(header: "{\(e("a", "F31", shape: "[2]", offsets: "[0,8]"))}", dataSize: 8),
                .unknownDType(tensor: "a", dtype: "F31")
            ),
            (
                Self.file(header: #"{"a":{"dtype":"F32","shape":[2]}}"#, dataSize: 8),
                .invalidTensorEntry(tensor: "a", reason: "missing 'data_offsets'")
            ),
            (
                Self.file(header: "{\(e("a", shape: "[-2]", offsets: "[0,8]"))}", dataSize: 8),
                .invalidTensorEntry(tensor: "a", reason: "'shape' holds -2, expected non-negative integers")
            ),
            (
                Self.file(header: "{\(e("a", offsets: "[8,0]"))}", dataSize: 8),
                .invalidTensorEntry(tensor: "a", reason: "'data_offsets' must be [start, end] with start <= end")
            ),
            (
                Self.file(header: "{\(e("a", offsets: "[0,8]"))}", dataSize: 4),
                .dataOutOfRange(tensor: "a", start: 0, end: 8, dataSize: 4)
            ),
            (
                Self.file(header: "{\(e("a", offsets: "[0,99999999999999999999]"))}", dataSize: 4),
                .invalidTensorEntry(
                    tensor: "a", reason: "'data_offsets' holds 99999999999999999999, expected non-negative integers")
            ),
            (
                Self.file(header: "{\(e("a", offsets: "[0,12]"))}", dataSize: 12),
                .lengthMismatch(tensor: "a", shape: [2], dtype: .f32, expectedBytes: 8, actualBytes: 12)
            ),
            (
                Self.file(header: "{\(e("a", shape: "[4611686018427387904,4]", offsets: "[0,8]"))}", dataSize: 8),
                .lengthMismatch(
                    tensor: "a", shape: [4_611_686_018_427_387_904, 4], dtype: .f32, expectedBytes: .max, actualBytes: 8
                )
            ),
            (
                Self.file(header: "{\(e("a", offsets: "[0,8]")),\(e("b", offsets: "[4,12]"))}", dataSize: 12),
                .nonContiguous(tensor: "b", expectedStart: 8, actualStart: 4)
            ),
            (
                Self.file(header: "{\(e("a", offsets: "[0,8]")),\(e("b", offsets: "[12,20]"))}", dataSize: 20),
                .nonContiguous(tensor: "b", expectedStart: 8, actualStart: 12)
            ),
            (Self.file(header: "{\(e("a", offsets: "[0,8]"))}", dataSize: 9), .trailingData(used: 8, dataSize: 9)),
        ]
        for (bytes, expected) in cases {
            #expect(throws: expected) { try SafeTensors(parsing: bytes) }
        }
    }

    @Test(arguments: [
        "", "{", #"{"a":}"#, #"{"a":[1,2}"#, #"{"a" 1}"#, "{} x", #"{"a":"\x"}"#, #"{"a":"\ud800"}"#,
        "{\"a\":\"\u{01}\"}", #"{"a":01}"#, #"{"a":1.}"#, #"{"a":tru}"#,
        #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#,
        String(repeating: "[", count: 100_000),
    ])
    func malformedJSONIsAnErrorNotACrash(header: String) {
        #expect {
            try SafeTensors(parsing: Self.file(header: header, dataSize: 0))
        } throws: { error in
            guard case .invalidHeaderJSON = error as? SafeTensorsError else { return false }
            return true
        }
    }

    @Test func invalidUTF8InAStringIsRejected() {
        var bytes = Self.file(header: #"{"__metadata__":{"k":"ab"}}"#, dataSize: 0)
        bytes[8 + 22] = 0xFF
        #expect(throws: SafeTensorsError.self) { try SafeTensors(parsing: bytes) }
    }

    /// Every truncation of a valid file, and many random byte flips, give errors or (for flips
    /// that keep the file valid, e.g. inside data or padding) a parse, never a trap.
    @Test func truncationsAndBitFlipsNeverCrash() throws {
        var writer = SafeTensorsWriter(metadata: ["k": "v"])
        try writer.add("a", floats: [1, 2, 3], shape: [3])
        try writer.add("b", uint32s: [7], shape: [1, 1])
        let bytes = writer.serialized()
        for length in 0..<bytes.count {
            #expect(throws: SafeTensorsError.self) { try SafeTensors(parsing: Array(bytes.prefix(length))) }
        }
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<2000 {
            var flipped = bytes
            flipped[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            _ = try? SafeTensors(parsing: flipped)
        }
    }

    @Test func acceptsHeadersOfOtherWriters() throws {
        // Whitespace, member order and escapes as other tools may write them; empty tensors sharing an offset.
        let header =
            #"{ "b" : {"data_offsets":[8,8],"shape":[0],"dtype":"I64"}, "__metadata__": {"format":"pt","s":"\u00e9\/\ud83d\ude00"},"#
            + #" "a": {"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]} }   "#
        let file = try SafeTensors(parsing: Self.file(header: header, dataSize: 8))
        #expect(file.metadata == ["format": "pt", "s": "é/😀"])
        #expect(file.tensors.map(\.name) == ["a", "b"])
        #expect(file.info("a")?.dtype == .bf16)
    }
}
