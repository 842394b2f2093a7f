import Foundation
import MosaicAPI
import Synchronization

/// Fans job events out to every subscriber of that job's event stream.
///
/// The render worker publishes from its own thread; each subscriber gets an `AsyncStream` with
/// a bounded buffer (the newest events win), so a slow reader never stalls the render. An event
/// is encoded once, on the publisher's thread, and only when someone watches its job.
public final class EventHub: Sendable {
    private struct Subscriber {
        let jobId: Int64
        let continuation: AsyncStream<EncodedEvent>.Continuation
    }

    private let subscribers = Mutex<[UUID: Subscriber]>([:])

    /// Creates a hub.
    public init() {}

    /// A stream of `jobId`'s events from now on (ending its subscription when dropped), or nil
    /// when `limit` streams are open already.
    public func subscribe(jobId: Int64, limit: Int = .max) -> AsyncStream<EncodedEvent>? {
        let id = UUID()
        let (stream, continuation) = AsyncStream<EncodedEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let added = subscribers.withLock { subscribers -> Bool in
            guard subscribers.count < limit else { return false }
            subscribers[id] = Subscriber(jobId: jobId, continuation: continuation)
            return true
        }
        guard added else { return nil }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Delivers `event` to the job's subscribers; an `end` event also finishes their streams.
    public func publish(_ event: JobEvent) {
        let targets = subscribers.withLock { $0.values.filter { $0.jobId == event.jobId } }
        guard !targets.isEmpty else { return }
        let encoded = EncodedEvent(event)
        for subscriber in targets {
            subscriber.continuation.yield(encoded)
            if event.type == .end { subscriber.continuation.finish() }
        }
    }

    /// The number of open event streams.
    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}
