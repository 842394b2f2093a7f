import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

@testable import MosaicBench

/// The load clients' JSON check against Foundation's parser, on real answers and on random
/// ASCII mutations of them that stay valid UTF-8 (it checks syntax, not encoding): it accepts
/// only what Foundation accepts as an object, and rejects what Foundation accepts only where it
/// is stricter (a trailing comma).
struct JSONSyntaxTests {

    static func answers() throws -> [[UInt8]] {
        let jobs = (1...3).map { Sample.answeredJob($0) } + [Sample.answeredJob(4, state: .running, step: 3)]
        let escaped = JobEvent(type: .log, jobId: 9, message: "tab\tquote\" backslash\\ \u{1} é ✓")
        return try [
            Sample.encoded(JobPage(jobs: jobs, nextBefore: 1)), Sample.encoded(jobs[0]),
            Sample.encoded(escaped), Array(#"{"a":[1,-0.5e+3,true,false,null,{"b":"\u00e9\/"}]}"#.utf8),
        ]
    }

    static func foundationAcceptsObject(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any]
    }

    @Test func answersAreObjects() throws {
        for answer in try Self.answers() {
            #expect(JSONSyntax.isObject(answer), "\(String(decoding: answer, as: UTF8.self))")
            #expect(Self.foundationAcceptsObject(answer))
        }
        #expect(!JSONSyntax.isObject(Array("[1]".utf8)))
        #expect(!JSONSyntax.isObject(Array(#"{"a":1,}"#.utf8)))
        #expect(!JSONSyntax.isObject(Array(#"{"a":"\x"}"#.utf8)))
        #expect(!JSONSyntax.isObject(Array(#"{"a":"unterminated}"#.utf8)))
        #expect(!JSONSyntax.isObject([]))
    }

    @Test func agreesWithFoundationOnMutatedAnswers() throws {
        var random = SeededGenerator(seed: 5)
        let answers = try Self.answers()
        let alphabet = Array(#"{}[]",:\/-+.0123456789eEtrufalsn x"#.utf8) + [0x09, 0x0A, 0x01]
        var accepted = 0
        for round in 0..<20_000 {
            var bytes = answers[round % answers.count]
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                let byte = alphabet.randomElement(using: &random)!
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                default: if bytes.count > 1 { bytes.remove(at: at) }
                }
            }
            // Syntax only: a mutation that cuts a multi-byte character is Foundation's to refuse.
            guard String(validating: bytes, as: UTF8.self) != nil else { continue }
            let ours = JSONSyntax.isObject(bytes)
            let foundation = Self.foundationAcceptsObject(bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            if ours {
                accepted += 1
                #expect(foundation, "accepted what Foundation rejects: \(text)")
            } else if foundation {
                let trailingComma = text.range(of: #",\s*[\]}]"#, options: .regularExpression) != nil
                #expect(trailingComma, "rejected what Foundation accepts: \(text)")
            }
        }
        #expect(accepted > 1000, "too few mutations stayed valid (\(accepted)) for the comparison to mean much")
    }

    /// Strings are read eight bytes at a time: a byte that ends or breaks a string is found at
    /// every offset in and across the words, as Foundation finds it.
    @Test func everyByteIsSeenAtEveryOffsetOfAString() {
        for length in [7, 8, 9, 16, 23] {
            for offset in 0..<length {
                for byte: UInt8 in [0x22, 0x5C, 0x00, 0x01, 0x1F, 0x20, 0x21, 0x5B, 0x5D, 0x7F, 0xC3] {
                    var string = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    string[offset] = byte
                    if byte == 0xC3 { string.insert(0xA9, at: offset + 1) }  // é, kept valid UTF-8
                    let bytes = Array(#"{"k":""#.utf8) + string + Array(#""}"#.utf8)
                    #expect(
                        JSONSyntax.isObject(bytes) == Self.foundationAcceptsObject(bytes),
                        "byte \(byte) at \(offset) of \(length)")
                }
            }
        }
    }
}
