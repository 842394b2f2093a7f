import Foundation
import MosaicAPI
import MosaicClient
import MosaicTestSupport
import Testing

/// Bad requests get the right status and a JSON error that names the problem; the daemon stays up.
@Suite(.serialized) struct APIErrorTests {
    @Test func badRequestsGetNamedJSONErrors() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let client = daemon.client
        func post(_ path: String, _ json: String) throws -> (Int, APIError?) {
            let response = try client.raw(method: "POST", path: path, body: Array(json.utf8))
            let body = try? APICoding.decoder().decode(ErrorResponse.self, from: Data(response.body))
            return (response.status, body?.error)
        }
        let cases: [(String, String, Int, String)] = [
            ("/v1/jobs", #"{"render":{"prompt":"x","step":50}}"#, 400, "render.step"),
            ("/v1/jobs", #"{"render":{"prompt":"x"},"urgent":true}"#, 400, "urgent"),
            ("/v1/jobs", #"{"render":{"prompt":"x","width":100}}"#, 400, "width"),
            ("/v1/jobs", #"{"render":{"prompt":"x","height":16384}}"#, 400, "16383"),
            ("/v1/jobs", #"{"render":{"prompt":"x","steps":0}}"#, 400, "steps"),
            ("/v1/jobs", #"{"render":{"prompt":"x","sampler":"plms"}}"#, 400, "dpmpp_2m"),
            ("/v1/jobs", #"{"render":{"prompt":"x","model":"nope"}}"#, 400, "mosaic-field"),
            ("/v1/jobs", #"{"render":{"prompt":"x"},"priority":1000}"#, 400, "priority"),
            ("/v1/jobs", #"{"render":{"prompt":"x","seed":18446744073709551615}}"#, 201, ""),
            ("/v1/jobs", #"{"render":{"prompt":1}}"#, 400, "render.prompt"),
            ("/v1/jobs", #"{"render":"#, 400, "JSON"),
            ("/v1/jobs", #"{"priority":1}"#, 400, "render"),
        ]
        _ = try client.pause()
        for (path, json, status, needle) in cases {
            let (got, error) = try post(path, json)
            #expect(got == status, "\(json): \(got) \(error?.message ?? "")")
            if status != 201 {
                #expect(error?.message.contains(needle) == true, "\(json): \(error?.message ?? "no JSON error")")
            }
        }
        let huge = "{\"render\":{\"prompt\":\"" + String(repeating: "a", count: 70_000) + "\"}}"
        #expect(try post("/v1/jobs", huge).0 == 413)
        for (method, path, status) in [
            ("GET", "/v1/jobs/abc", 404), ("GET", "/v1/jobs/999999", 404), ("GET", "/v1/jobs/-3", 404),
            ("PUT", "/v1/status", 405), ("GET", "/v2/status", 404), ("POST", "/v1/jobs/1/output", 405),
        ] {
            let response = try client.raw(method: method, path: path, body: nil)
            #expect(response.status == status, "\(method) \(path)")
            #expect((try? APICoding.decoder().decode(ErrorResponse.self, from: Data(response.body))) != nil)
        }
        #expect(try client.status().version == "0.1.0", "the daemon is still up")
    }
}
