import Foundation
import MosaicAPI
import Synchronization

/// Fans job events out to every subscriber of that job's event stream.
///
/// The render worker publishes from its own thread; each subscriber gets an `AsyncStream` with
/// a bounded buffer (the newest events win), so a slow reader never stalls the render.
public final class EventHub: Sendable {
    private struct Subscriber {
        let jobId: Int64
        let continuation: AsyncStream<JobEvent>.Continuation
    }

    private let subscribers = Mutex<[UUID: Subscriber]>([:])

    /// Creates a hub.
    public init() {}

    /// A stream of `jobId`'s events from now on, and a token to unsubscribe.
    public func subscribe(jobId: Int64) -> AsyncStream<JobEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<JobEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = Subscriber(jobId: jobId, continuation: continuation) }
        return stream
    }

    /// Delivers `event` to the job's subscribers; an `end` event also finishes their streams.
    public func publish(_ event: JobEvent) {
        let targets = subscribers.withLock { $0.values.filter { $0.jobId == event.jobId } }
        for subscriber in targets {
            subscriber.continuation.yield(event)
            if event.type == .end { subscriber.continuation.finish() }
        }
    }

    /// The number of open event streams.
    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}
