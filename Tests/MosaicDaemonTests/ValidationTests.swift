import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// One rule of request validation: a submit body, the status it must get, and what the error
/// message must name.
struct ValidationCase: Sendable, CustomTestStringConvertible {
    let rule: String
    let body: [UInt8]
    let status: Int
    let names: [String]

    init(_ rule: String, _ json: String, _ status: Int, names: [String]) {
        self.init(rule, bytes: Array(json.utf8), status, names: names)
    }

    init(_ rule: String, bytes: [UInt8], _ status: Int, names: [String]) {
        self.rule = rule
        body = bytes
        self.status = status
        self.names = names
    }

    var testDescription: String { rule }

    static func render(_ fields: String) -> String { #"{"render":{"prompt":"x","# + fields + "}}" }

    static let all: [ValidationCase] = [
        .init(
            "prompt over 4096 bytes", #"{"render":{"prompt":""# + String(repeating: "é", count: 2049) + #""}}"#, 400,
            names: ["prompt", "4096"]),
        .init(
            "negative prompt over 4096 bytes",
            render(#""negative_prompt":""# + String(repeating: "a", count: 4097) + #"""#), 400,
            names: ["negative_prompt", "4096"]),
        .init(
            "prompt not UTF-8", bytes: Array(#"{"render":{"prompt":"sea "#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8),
            400, names: ["'prompt'", "UTF-8"]),
        .init(
            "negative prompt not UTF-8",
            bytes: Array(#"{"render":{"prompt":"sea","negative_prompt":""#.utf8) + [0xFF] + Array(#""}}"#.utf8), 400,
            names: ["'negative_prompt'", "UTF-8"]),
        .init(
            "prompt with a lone surrogate escape", #"{"render":{"prompt":"sea \ud800"}}"#, 400,
            names: ["'prompt'", "surrogate"]),
        .init(
            "negative prompt with a lone low surrogate", render(#""negative_prompt":"\udc00x""#), 400,
            names: ["'negative_prompt'", "surrogate"]),
        .init("prompt with a NUL", #"{"render":{"prompt":"sea\u0000sky"}}"#, 400, names: ["prompt", "NUL"]),
        .init(
            "negative prompt with a NUL", render(#""negative_prompt":"\u0000""#), 400,
            names: ["negative_prompt", "NUL"]),
        .init("body not an object", "[1,2]", 400, names: ["JSON object"]),
        .init("width not a multiple of 8", render(#""width":1020"#), 400, names: ["width", "multiple of 8"]),
        .init("width below the range", render(#""width":56"#), 400, names: ["width", "64"]),
        .init("width negative", render(#""width":-64"#), 400, names: ["width"]),
        .init("height above the range", render(#""height":16384"#), 400, names: ["height", "16383"]),
        .init("height not an integer", render(#""height":1e30"#), 400, names: ["height"]),
        .init("steps zero", render(#""steps":0"#), 400, names: ["steps", "1...1000"]),
        .init("steps above the range", render(#""steps":1001"#), 400, names: ["steps", "1...1000"]),
        .init("guidance negative", render(#""guidance":-1"#), 400, names: ["guidance", "0...50"]),
        .init("guidance above the range", render(#""guidance":50.5"#), 400, names: ["guidance", "0...50"]),
        .init("seed negative", render(#""seed":-1"#), 400, names: ["seed"]),
        .init("seed above 2^64-1", render(#""seed":18446744073709551616"#), 400, names: ["seed"]),
        .init("seed fractional", render(#""seed":1.5"#), 400, names: ["seed"]),
        .init("tile size too small", render(#""tile_size":4"#), 400, names: ["tile_size", "8...512"]),
        .init("tile size too large", render(#""tile_size":1024"#), 400, names: ["tile_size", "8...512"]),
        .init(
            "tile overlap above half the tile", render(#""tile_size":64,"tile_overlap":33"#), 400,
            names: ["tile_overlap", "0...32"]),
        .init(
            "tile overlap negative with shifted tiling", render(#""tiling":"shifted","tile_overlap":-1"#), 400,
            names: ["tile_overlap"]),
        .init(
            "priority above the range", #"{"render":{"prompt":"x"},"priority":101}"#, 400,
            names: ["priority", "-100...100"]),
        .init(
            "priority below the range", #"{"render":{"prompt":"x"},"priority":-101}"#, 400,
            names: ["priority", "-100...100"]),
        .init("quality above the range", render(#""quality":101"#), 400, names: ["quality", "0...100"]),
        .init(
            "unknown model lists the valid ones", render(#""model":"sd-xl""#), 400,
            names: ["model", "sd-xl", "mosaic-field"]),
        .init(
            "unknown sampler lists the valid ones", render(#""sampler":"plms""#), 400,
            names: ["sampler", "plms", "ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"]),
        .init(
            "unknown tiling lists the valid ones", render(#""tiling":"diagonal""#), 400,
            names: ["tiling", "overlap", "shifted", "none"]),
        .init(
            "unknown tile weighting lists the valid ones", render(#""tile_weighting":"cosine""#), 400,
            names: ["tile_weighting", "gaussian", "uniform"]),
        .init("unknown field", render(#""stepz":3"#), 400, names: ["render.stepz"]),
        .init("wrong type", render(#""steps":"many""#), 400, names: ["render.steps"]),
        .init(
            "body over 64 KiB", #"{"render":{"prompt":""# + String(repeating: "a", count: 70_000) + #""}}"#, 413,
            names: ["65536"]),
    ]
}

/// Every validation rule of `POST /v1/jobs` against the real daemon: the 4xx, a JSON error
/// naming the field, nothing queued, and the daemon still up.
@Suite(.serialized) struct ValidationTests {
    @Test(arguments: ValidationCase.all)
    func ruleIsEnforced(_ rule: ValidationCase) throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let response = try daemon.client.raw(method: "POST", path: "/v1/jobs", body: rule.body)
        #expect(response.status == rule.status)
        let error = try APICoding.decoder().decode(ErrorResponse.self, from: Data(response.body)).error
        #expect(error.code.httpStatus == rule.status)
        for name in rule.names {
            #expect(error.message.contains(name), "'\(name)' missing from: \(error.message)")
        }
        #expect(try daemon.client.status().counts["queued"] == 0)
    }

    @Test func boundaryValuesAreAccepted() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        _ = try daemon.client.pause()
        let accepted: [(String, (Job) -> Bool)] = [
            (
                #"{"render":{"prompt":""# + String(repeating: "é", count: 2048) + #""}}"#,
                { $0.render.prompt.utf8.count == 4096 }
            ),
            (#"{"render":{"prompt":"x","seed":18446744073709551615}}"#, { $0.render.seed == UInt64.max }),
            (#"{"render":{"prompt":"sea \\ud800 \ud83c\udf0a"}}"#, { $0.render.prompt == "sea \\ud800 \u{1F30A}" }),
            (#"{"render":{"prompt":"x","seed":9223372036854775808}}"#, { $0.render.seed == 1 << 63 }),
            (
                #"{"render":{"prompt":"x","seed":0,"width":64,"height":16376,"steps":1}}"#,
                { $0.render.seed == 0 && $0.render.height == 16376 }
            ),
            (
                #"{"render":{"prompt":"x","steps":1000,"sampler":"euler","guidance":50,"tile_size":512,"tile_overlap":256},"priority":-100}"#,
                { $0.priority == -100 && $0.render.tileOverlap == 256 }
            ),
            (
                #"{"render":{"prompt":"x","tile_size":8,"tile_overlap":0,"quality":0},"priority":100}"#,
                { $0.render.tileSize == 8 }
            ),
        ]
        for (body, check) in accepted {
            let response = try daemon.client.raw(method: "POST", path: "/v1/jobs", body: Array(body.utf8))
            #expect(response.status == 201, "\(body.prefix(120)): \(String(decoding: response.body, as: UTF8.self))")
            guard response.status == 201 else { continue }
            let job = try APICoding.decoder().decode(Job.self, from: Data(response.body))
            #expect(check(job), "\(body.prefix(120))")
            // Stored and read back exactly (seeds above Int64.max included).
            #expect(try daemon.client.job(job.id) == job)
        }
    }
}
