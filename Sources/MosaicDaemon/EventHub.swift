import Foundation
import MosaicAPI
import Synchronization

/// Fans job events out to every subscriber of that job's event stream.
///
/// The render worker publishes from its own thread and each subscriber's `deliver` runs there,
/// so it must only hand the event on: an `EventFeed` to an HTTP event stream (written by the
/// event loop), or an `AsyncStream` with a bounded buffer (the newest events win). A slow
/// reader never stalls the render. An event is encoded once, on the publisher's thread, and
/// only when someone watches its job.
public final class EventHub: Sendable {
    private struct Subscriber {
        let jobId: Int64
        let deliver: @Sendable (EncodedEvent) -> Void
    }

    private let subscribers = Mutex<[UUID: Subscriber]>([:])

    /// Creates a hub.
    public init() {}

    /// Calls `deliver` with each of `jobId`'s events from now on, until `cancel` of the returned
    /// subscription or the job's `end` event (delivered last); nil when `limit` subscriptions
    /// are open already.
    func subscribe(jobId: Int64, limit: Int = .max, deliver: @escaping @Sendable (EncodedEvent) -> Void)
        -> EventSubscription?
    {
        let id = UUID()
        let added = subscribers.withLock { subscribers -> Bool in
            guard subscribers.count < limit else { return false }
            subscribers[id] = Subscriber(jobId: jobId, deliver: deliver)
            return true
        }
        guard added else { return nil }
        return EventSubscription { [weak self] in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
    }

    /// A stream of `jobId`'s events from now on (ending its subscription when dropped), or nil
    /// when `limit` streams are open already.
    public func subscribe(jobId: Int64, limit: Int = .max) -> AsyncStream<EncodedEvent>? {
        let (stream, continuation) = AsyncStream<EncodedEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let subscription = subscribe(jobId: jobId, limit: limit) { event in
            continuation.yield(event)
            if event.type == .end { continuation.finish() }
        }
        guard let subscription else { return nil }
        continuation.onTermination = { _ in subscription.cancel() }
        return stream
    }

    /// An event stream fed by `jobId`'s events from now on, or nil when `limit` are open already.
    func feed(jobId: Int64, limit: Int) -> EventFeed? {
        let feed = EventFeed()
        guard let subscription = subscribe(jobId: jobId, limit: limit, deliver: { feed.offer($0) }) else { return nil }
        feed.subscription = subscription
        return feed
    }

    /// Delivers `event` to the job's subscribers; an `end` event also ends their subscriptions.
    public func publish(_ event: JobEvent) {
        let targets = subscribers.withLock { subscribers -> [Subscriber] in
            let targets = subscribers.values.filter { $0.jobId == event.jobId }
            if event.type == .end { subscribers = subscribers.filter { $0.value.jobId != event.jobId } }
            return targets
        }
        guard !targets.isEmpty else { return }
        let encoded = EncodedEvent(event)
        for subscriber in targets { subscriber.deliver(encoded) }
    }

    /// The number of open event streams.
    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}

/// A subscription to a job's events; `cancel` ends it (more than once is harmless).
final class EventSubscription: Sendable {
    private let end: Mutex<(@Sendable () -> Void)?>

    init(cancel: @escaping @Sendable () -> Void) { end = Mutex(cancel) }

    func cancel() { end.withLock { $0.take() }?() }
}
