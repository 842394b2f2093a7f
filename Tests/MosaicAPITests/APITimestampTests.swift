import Foundation
import MosaicAPI
import MosaicTestSupport
import Testing

/// The hand-written timestamps agree with Foundation's ISO 8601 format style, and the wire types
/// keep their snake_case names without a key strategy.
struct APITimestampTests {
    static let foundation = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    @Test func formattingMatchesFoundationOnRandomDates() {
        var random = SystemRandomNumberGenerator()
        // 1900 to 2200, and the edges of months, leap days and the epoch.
        var milliseconds = (0..<20_000).map { _ in
            Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &random)
        }
        milliseconds += [0, -1, 1, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 1_798_761_599_999, -86_400_000]
        for ms in milliseconds {
            // Foundation truncates to the millisecond; 0.4 ms above it both give `ms`.
            let date = Date(timeIntervalSince1970: Double(ms) / 1000 + 0.0004)
            #expect(APITimestamp.format(date) == date.formatted(Self.foundation), "\(ms)")
        }
    }

    @Test func datesBeyondFourDigitYearsAreWrittenByFoundation() {
        for date in [
            Date.distantFuture, Date.distantPast, Date(timeIntervalSince1970: 1e300),
            Date(timeIntervalSince1970: -1e300),
        ] {
            #expect(APITimestamp.format(date) == date.formatted(Self.foundation))
        }
        #expect(APITimestamp.format(Date(timeIntervalSince1970: 253_402_300_799.999)) == "9999-12-31T23:59:59.999Z")
    }

    @Test func aMillisecondTimestampReadsBackAsTheSameDate() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let date = Date(
                timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &random)) / 1000)
            let text = APITimestamp.format(date)
            #expect(APITimestamp.parse(text) == date, "\(text)")
            #expect(try abs(#require(APITimestamp.parse(text)).timeIntervalSince(Self.foundation.parse(text))) < 1e-6)
        }
    }

    @Test func otherISO8601FormsAreReadAndNonsenseIsNot() throws {
        let noon = Date(timeIntervalSince1970: 1_795_780_800)  // 2026-11-27T12:00:00Z
        for text in [
            "2026-11-27T12:00:00Z", "2026-11-27T12:00:00.000Z", "2026-11-27T12:00:00.000000000Z",
            "2026-11-27T13:00:00+01:00", "2026-11-27T07:00:00.000-0500",
        ] {
            #expect(APITimestamp.parse(text) == noon, "\(text)")
        }
        #expect(
            try abs(#require(APITimestamp.parse("2026-11-27T12:00:00.123456Z")).timeIntervalSince(noon) - 0.123456)
                < 1e-6)
        // (Foundation, which reads the other forms, rolls 2026-02-29 over to March 1.)
        for text in [
            "", "2026-11-27", "2026-13-01T00:00:00Z", "2026-11-27T12:00:00.Z", "2026-11-27T12:00Z", "yesterday",
        ] {
            #expect(APITimestamp.parse(text) == nil, "\(text)")
        }
    }

    @Test func wireNamesAreSnakeCase() throws {
        let job = Sample.answeredJob(7, state: .running, step: 3)
        let text = String(
            decoding: try APICoding.encoder().encode(JobEvent(type: .state, jobId: 7, state: .running, job: job)),
            as: UTF8.self)
        for key in [
            "job_id", "created_at", "started_at", "checkpoint_step", "tiles_done", "tiles_total", "elapsed_seconds",
        ] {
            #expect(text.contains("\"\(key)\":"), "\(key) in \(text)")
        }
        #expect(!text.contains("Id\"") && !text.contains("At\""))
        #expect(try APICoding.decoder().decode(JobEvent.self, from: Data(text.utf8)).job == job)
        let estimate = JobResourceEstimate(memoryBytes: 1, diskBytes: 2, memoryTerms: ["decode and WebP encoder": 3])
        let encoded = String(decoding: try APICoding.encoder().encode(estimate), as: UTF8.self)
        #expect(encoded == #"{"disk_bytes":2,"memory_bytes":1,"memory_terms":{"decode and WebP encoder":3}}"#)
    }

}
