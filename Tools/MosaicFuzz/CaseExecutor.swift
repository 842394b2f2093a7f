import Foundation
import MosaicTestSupport

/// Sends one case to the daemon and judges what comes back.
struct CaseExecutor {
    /// The daemon's socket.
    let socketPath: String

    /// What one case showed.
    struct Outcome {
        /// Statuses of every answer.
        var statuses: [Int] = []
        /// Everything wrong, one line each.
        var problems: [String] = []
        /// Connections opened.
        var connections = 0
        /// Bytes sent.
        var bytesSent = 0
        /// Connections the daemon closed without an answer.
        var closedWithoutAnswer = 0
        /// Connections that could not be opened (a full backlog for seconds).
        var refusedConnections = 0

        mutating func add(_ verdict: ResponseJudge.Verdict) {
            statuses += verdict.statuses
            problems += verdict.problems
            if verdict.closedWithoutAnswer { closedWithoutAnswer += 1 }
        }
    }

    /// Runs `fuzzCase` to the end (a stall takes its pauses; call it from a thread of its own).
    func run(_ fuzzCase: FuzzCase) -> Outcome {
        if let flood = fuzzCase.flood {
            return runFlood(fuzzCase, connections: flood.connections, requesting: flood.requesting)
        }
        var outcome = Outcome()
        let connection: RawConnection
        do { connection = try RawConnection.connect(path: socketPath, timeout: 5) } catch {
            outcome.problems.append("cannot connect: \(error)")
            return outcome
        }
        outcome.connections = 1
        let deadline = MonotonicClock.now + fuzzCase.deadline
        if let stall = fuzzCase.stall {
            let size = max(1, (fuzzCase.bytes.count + stall.pieces - 1) / stall.pieces)
            var offset = 0
            while offset < fuzzCase.bytes.count {
                let end = min(fuzzCase.bytes.count, offset + size)
                guard connection.send(Array(fuzzCase.bytes[offset..<end]), until: MonotonicClock.now + 5) else { break }
                offset = end
                if offset < fuzzCase.bytes.count { usleep(UInt32(stall.pause * 1e6)) }
            }
            usleep(UInt32(stall.idle * 1e6))
        } else {
            connection.send(fuzzCase.bytes, until: deadline)
        }
        outcome.bytesSent = fuzzCase.bytes.count
        if fuzzCase.halfClose { connection.finishSending() }
        let received = connection.receive(
            until: fuzzCase.stall == nil ? deadline : MonotonicClock.now + fuzzCase.deadline
        ) {
            Self.isComplete($0, fuzzCase)
        }
        outcome.add(ResponseJudge.judge(fuzzCase, received: received, eof: connection.closedByPeer))
        return outcome
    }

    /// Opens `connections` at once; `requesting` of them send the case's request; reads them all.
    func runFlood(_ fuzzCase: FuzzCase, connections count: Int, requesting: Int) -> Outcome {
        var outcome = Outcome()
        var open: [RawConnection] = []
        for _ in 0..<count {
            guard let connection = try? RawConnection.connect(path: socketPath, timeout: 2) else {
                outcome.refusedConnections += 1
                continue
            }
            open.append(connection)
        }
        outcome.connections = open.count
        let deadline = MonotonicClock.now + fuzzCase.deadline
        for connection in open.prefix(requesting) {
            connection.send(fuzzCase.bytes, until: deadline)
            outcome.bytesSent += fuzzCase.bytes.count
        }
        for (index, connection) in open.enumerated() {
            guard index < requesting else { break }
            let received = connection.receive(until: deadline) { Self.isComplete($0, fuzzCase) }
            outcome.add(ResponseJudge.judge(fuzzCase, received: received, eof: connection.closedByPeer))
        }
        return outcome
    }

    /// Whether the bytes hold every answer the case owes, each whole, so reading can stop
    /// before the deadline on a kept-alive connection.
    static func isComplete(_ bytes: [UInt8], _ fuzzCase: FuzzCase) -> Bool {
        guard fuzzCase.answers > 0 else { return false }  // read until the daemon hangs up
        let parsed = ResponseParser.parse(bytes, eof: false, headRequests: fuzzCase.headRequests)
        return parsed.responses.count >= fuzzCase.answers && parsed.responses.allSatisfy(\.complete)
    }
}
