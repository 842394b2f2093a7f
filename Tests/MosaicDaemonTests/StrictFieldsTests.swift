import Foundation
import MosaicAPI
import Testing

@testable import MosaicDaemon

/// The fields request validation accepts come from the wire types' `CodingKeys`, so a field
/// added to a type is accepted and a field removed is refused, with no second list to update.
@Suite struct StrictFieldsTests {
    /// The keys `APICoding` writes for `value`, nested objects left out.
    static func encodedKeys(_ value: some Encodable) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: try APICoding.encoder().encode(value)) as? [String: Any]
        return Set(try #require(object).keys)
    }

    static let fullRender = RenderSpec(
        prompt: "sea", negativePrompt: "fog", model: "mosaic-field", width: 512, height: 512, steps: 20,
        sampler: "euler", guidance: 7, seed: 1, tiling: "overlap", tileSize: 64, tileOverlap: 16,
        tileWeighting: "uniform", lossless: false, quality: 90, initImage: 3, strength: 0.5,
        stages: .sides([256, 512]),
        strengths: [1, 0.4], upscaler: "lanczos")

    @Test func fieldNamesAreWhatAFullyPopulatedValueEncodes() throws {
        #expect(RenderSpec.fieldNames == (try Self.encodedKeys(Self.fullRender)))
        #expect(SubmitRequest.fieldNames == (try Self.encodedKeys(SubmitRequest(render: Self.fullRender, priority: 5))))
        #expect(
            PruneRequest.fieldNames == (try Self.encodedKeys(PruneRequest(olderThanSeconds: 60, states: [.failed]))))
    }

    @Test func validationAcceptsEveryWireFieldAndNothingElse() throws {
        #expect(StrictFields.submit == SubmitRequest.fieldNames)
        #expect(StrictFields.render == RenderSpec.fieldNames)
        #expect(StrictFields.prune == PruneRequest.fieldNames)
        let submit = Array(try APICoding.encoder().encode(SubmitRequest(render: Self.fullRender, priority: 5)))
        try StrictFields.check(submit, allowed: StrictFields.submit, nested: ["render": StrictFields.render])
        let prune = Array(try APICoding.encoder().encode(PruneRequest(olderThanSeconds: 60, states: [.failed])))
        try StrictFields.check(prune, allowed: StrictFields.prune)
        #expect(throws: APIError.self) {
            try StrictFields.check(
                Array(#"{"render":{"prompt":"x","stepz":3}}"#.utf8), allowed: StrictFields.submit,
                nested: ["render": StrictFields.render])
        }
        #expect(throws: APIError.self) {
            try StrictFields.check(Array(#"{"states":["failed"],"older_than":1}"#.utf8), allowed: StrictFields.prune)
        }
    }
}
