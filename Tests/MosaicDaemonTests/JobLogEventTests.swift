import Foundation
import MosaicAPI
import Testing

/// The wire form of log events: a flat object with `kind` and snake_case fields, as documented
/// in docs/api.md, and every kind decodes back to the event it was.
@Suite struct JobLogEventTests {
    static let oneOfEach: [JobLogEvent] = [
        .submitted(by: "alice"), .attemptStarted(attempt: 2, threads: 4), .checkpointUnusable,
        .startedOver(lostSteps: 3),
        .resumed(attempt: 2, fromStep: 8, reusedTiles: 5, lostTiles: 7, lostSteps: 1),
        .requeued(step: 9, cause: .recovery),
        .rendered(seconds: 12.5, outputPath: "/s/outputs/1.webp"), .canceled(by: "bob", step: 4), .failed,
        .retried(previousState: .failed), .stageFinished(stage: 2, stages: 5, outputPath: "/s/outputs/1.stage-2.webp"),
    ]

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try APICoding.encoder().encode(value), as: UTF8.self)
    }

    @Test func everyKindRoundTrips() throws {
        #expect(Set(Self.oneOfEach.map(\.kind)) == Set(JobLogEvent.Kind.allCases))
        for event in Self.oneOfEach + [.canceled(by: "bob", step: nil), .requeued(step: 0, cause: .shutdown)] {
            let decoded = try APICoding.decoder().decode(JobLogEvent.self, from: Data(try Self.json(event).utf8))
            #expect(decoded == event)
        }
    }

    @Test func theWireFormIsFlatAndSnakeCase() throws {
        #expect(
            try Self.json(JobLogEvent.resumed(attempt: 2, fromStep: 8, reusedTiles: 5, lostTiles: 7, lostSteps: 1))
                == #"{"attempt":2,"from_step":8,"kind":"resumed","lost_steps":1,"lost_tiles":7,"reused_tiles":5}"#)
        #expect(
            try Self.json(JobLogEvent.requeued(step: 9, cause: .shutdown))
                == #"{"cause":"shutdown","kind":"requeued","step":9}"#)
        #expect(try Self.json(JobLogEvent.canceled(by: "bob", step: nil)) == #"{"by":"bob","kind":"canceled"}"#)
        #expect(
            try Self.json(JobLogEvent.stageFinished(stage: 2, stages: 5, outputPath: "/o/1.stage-2.webp"))
                == #"{"kind":"stage_finished","output_path":"/o/1.stage-2.webp","stage":2,"stages":5}"#)
        let line = LogLine(
            time: Date(timeIntervalSince1970: 0), level: .warning, message: "requeued: stop",
            event: .requeued(step: 9, cause: .shutdown))
        #expect(
            try Self.json(line) == #"{"event":{"cause":"shutdown","kind":"requeued","step":9},"#
                + #""level":"warning","message":"requeued: stop","time":"1970-01-01T00:00:00.000Z"}"#)
        // A line without an event has no `event` key, as lines had before events existed.
        let plain = LogLine(time: Date(timeIntervalSince1970: 0), level: .info, message: "x")
        #expect(try Self.json(plain) == #"{"level":"info","message":"x","time":"1970-01-01T00:00:00.000Z"}"#)
    }

    @Test func aLineWithAnEventOfAKindFromALaterVersionStillReads() throws {
        let text =
            #"{"event":{"kind":"teleported","to":"mars"},"level":"info","message":"x","time":"1970-01-01T00:00:00.000Z"}"#
        let line = try APICoding.decoder().decode(LogLine.self, from: Data(text.utf8))
        #expect(line == LogLine(time: Date(timeIntervalSince1970: 0), level: .info, message: "x"))
        // A known kind with a field missing is still an error, and so is an unknown level.
        for bad in [
            #"{"event":{"kind":"requeued"},"level":"info","message":"x","time":"1970-01-01T00:00:00.000Z"}"#,
            #"{"level":"debug","message":"x","time":"1970-01-01T00:00:00.000Z"}"#,
        ] {
            #expect(throws: DecodingError.self, "\(bad)") {
                try APICoding.decoder().decode(LogLine.self, from: Data(bad.utf8))
            }
        }
    }

    @Test func anUnknownKindOrAMissingFieldIsAnError() {
        for text in [
            #"{"kind":"teleported"}"#, #"{"kind":"resumed","attempt":2}"#, #"{"step":3}"#,
            #"{"kind":"requeued","step":3,"cause":"gremlins"}"#,
        ] {
            #expect(throws: DecodingError.self, "\(text)") {
                try APICoding.decoder().decode(JobLogEvent.self, from: Data(text.utf8))
            }
        }
    }
}
