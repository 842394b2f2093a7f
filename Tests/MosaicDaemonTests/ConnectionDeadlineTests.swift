import MosaicTestSupport
import NIOCore
import NIOEmbedded
import Testing

@testable import MosaicDaemon

/// `ConnectionDeadline` on an embedded event loop, whose clock the test moves: random request
/// cycles against the naive rule (the connection closes exactly when the time of its current
/// phase is up), with read timeouts shorter and longer than the idle timeout.
@Suite struct ConnectionDeadlineTests {
    /// A connection driven through random phases; `deadline` is when the naive rule closes it.
    private struct Drive {
        let loop = EmbeddedEventLoop()
        let channel: EmbeddedChannel
        let connection: ConnectionDeadline
        var expired: [ConnectionDeadline.Phase] = []

        init(read: Double, idle: Double) throws {
            channel = EmbeddedChannel(loop: loop)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            connection = ConnectionDeadline(
                channel: channel, limits: HTTPServerLimits(readTimeout: read, idleTimeout: idle)
            ) { _ in }
        }
    }

    @Test(arguments: [(1.0, 60.0), (30.0, 60.0), (5.0, 2.0), (0.05, 0.02)])
    func closesExactlyWhenThePhasesTimeIsUp(read: Double, idle: Double) throws {
        var random = SeededGenerator(seed: UInt64(read * 1000 + idle))
        for _ in 0..<40 {
            let drive = try Drive(read: read, idle: idle)
            let loop = drive.loop
            var phase = ConnectionDeadline.Phase.idle
            drive.connection.enter(.idle)
            var due: Double? = idle  // seconds from the loop's start
            var now = 0.0
            for _ in 0..<30 {
                // Step to just before, at or past the due time, or a random short time on.
                let limit = max(read, idle) * 1.5
                var step = Double.random(in: 0...limit, using: &random)
                if let due, Bool.random(using: &random) { step = max(0, due - now - 0.001) }
                let target = now + step
                // Due within this step: the connection is open a nanosecond before, closed just after.
                let expected = due.map { $0 <= target ? $0 : nil } ?? nil
                if let expected {
                    loop.advanceTime(by: .nanoseconds(Int64(((expected - now) * 1e9).rounded(.down))) - .nanoseconds(1))
                    #expect(
                        drive.channel.isActive, "closed before its \(phase) time was up (read \(read), idle \(idle))")
                    loop.advanceTime(by: .nanoseconds(2))
                    #expect(
                        !drive.channel.isActive, "still open when its \(phase) time was up (read \(read), idle \(idle))"
                    )
                    break
                }
                loop.advanceTime(by: .nanoseconds(Int64(((target - now) * 1e9).rounded(.down))))
                now = target
                #expect(drive.channel.isActive)
                // The next phase of a request cycle.
                switch phase {
                case .idle:
                    phase = .reading
                    due = now + read
                case .reading:
                    phase = .answering
                    due = nil
                case .answering:
                    phase = .idle
                    due = now + idle
                }
                drive.connection.enter(phase)
            }
            drive.connection.cancel()
            _ = try? drive.channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func aCancelledDeadlineNeverCloses() throws {
        let drive = try Drive(read: 1, idle: 1)
        drive.connection.enter(.idle)
        drive.connection.cancel()
        drive.loop.advanceTime(by: .seconds(10))
        #expect(drive.channel.isActive)
    }
}
