import Foundation
import MosaicAPI
import MosaicTestSupport

/// Decides whether what came back on one connection is what a well-behaved daemon sends.
enum ResponseJudge {
    /// What one connection showed.
    struct Verdict {
        /// The status of every answer, in order.
        var statuses: [Int] = []
        /// Everything wrong, one line each (empty when all is well).
        var problems: [String] = []
        /// The daemon hung up without answering (allowed for broken requests).
        var closedWithoutAnswer = false
    }

    /// Judges the bytes `received` for `fuzzCase`; `eof` says the daemon closed the connection.
    /// `owed` overrides how many answers are owed (a flood connection that sent nothing owes none).
    /// A 503 is an honest "too busy" where the case overloads the daemon on purpose (stalls and
    /// floods, which meet its connection caps); anywhere else it is a failure.
    static func judge(_ fuzzCase: FuzzCase, received: [UInt8], eof: Bool, owed: Int? = nil) -> Verdict {
        let overloads = fuzzCase.kind == .stall || fuzzCase.kind == .flood
        var verdict = Verdict()
        let parsed = ResponseParser.parse(received, eof: eof, headRequests: fuzzCase.headRequests)
        for (index, response) in parsed.responses.enumerated() {
            verdict.statuses.append(response.status)
            let isHead = index < fuzzCase.headRequests.count && fuzzCase.headRequests[index]
            let nonJSON = index < fuzzCase.nonJSONAllowed.count && fuzzCase.nonJSONAllowed[index]
            if fuzzCase.refusalOwed, (200..<300).contains(response.status) {
                verdict.problems.append("a hostile upload was accepted: \(text(response.body))")
            }
            if response.status >= 500, !(overloads && response.status == 503) {
                verdict.problems.append("status \(response.status): \(text(response.body))")
            }
            if !response.complete, !fuzzCase.streaming {
                verdict.problems.append(
                    "answer \(response.status) cut short (\(response.body.count) body bytes, \(eof ? "then end-of-file" : "then silence"))"
                )
                continue
            }
            if isHead { continue }
            if let problem = bodyProblem(response, nonJSONAllowed: nonJSON, streaming: fuzzCase.streaming) {
                verdict.problems.append("answer \(response.status): \(problem)")
            }
        }
        if !parsed.garbage.isEmpty {
            let after = parsed.responses.isEmpty ? "instead of an answer" : "after answer \(parsed.responses.count)"
            verdict.problems.append("\(parsed.garbage.count) bytes that are not HTTP \(after): \(text(parsed.garbage))")
        }
        let owedAnswers = owed ?? fuzzCase.answers
        if parsed.responses.count < owedAnswers {
            verdict.problems.append(
                "\(parsed.responses.count) of \(owedAnswers) answers, then \(eof ? "the daemon hung up" : "silence until the deadline")"
            )
        }
        verdict.closedWithoutAnswer = parsed.responses.isEmpty && eof
        return verdict
    }

    /// Why `response`'s body is not what the API promises, or nil.
    static func bodyProblem(_ response: ParsedResponse, nonJSONAllowed: Bool, streaming: Bool) -> String? {
        let type = response.header("content-type") ?? ""
        if (200..<300).contains(response.status), nonJSONAllowed, !type.hasPrefix("application/json") { return nil }
        if streaming, (200..<300).contains(response.status), type.hasPrefix("application/x-ndjson") {
            var lines = response.body.split(separator: 0x0A, omittingEmptySubsequences: false)
            // The stream was cut at the deadline: its last line may be unfinished.
            if !response.complete || lines.last?.isEmpty == true { lines.removeLast() }
            for line in lines where !isJSONObject(Array(line)) {
                return "event line is not a JSON object: \(text(Array(line)))"
            }
            return nil
        }
        guard type.hasPrefix("application/json") else {
            return "Content-Type \(type.isEmpty ? "missing" : type), body \(text(response.body))"
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) else {
            return "body is not JSON: \(text(response.body))"
        }
        if response.status >= 400 {
            guard let error = (object as? [String: Any])?["error"] as? [String: Any],
                let code = error["code"] as? String,
                error["message"] is String
            else {
                return "error body is not {\"error\":{\"code\",\"message\"}}: \(text(response.body))"
            }
            guard let expected = APIError.Code(rawValue: code)?.httpStatus, expected == response.status else {
                return "error code \(code) does not go with status \(response.status)"
            }
        }
        return nil
    }

    static func isJSONObject(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any]
    }

    /// Bytes shortened and made printable for the report.
    static func text(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "(empty)" }
        var probe = FuzzCase(kind: .randomBytes, label: "", bytes: bytes)
        probe.bytes = Array(bytes.prefix(200))
        return probe.excerpt + (bytes.count > 200 ? "... (\(bytes.count) bytes)" : "")
    }
}
