import Synchronization

/// The events of one HTTP event stream, from its subscription (before the job is read for the
/// stream's first line) to the consumer that writes them, which starts once the first lines
/// are out: events published in between are held, then handed over first, in order.
public final class EventFeed: Sendable {
    private struct State {
        var held: [EncodedEvent] = []
        var consumer: (@Sendable (EncodedEvent) -> Void)?
    }

    /// Events held before `start`: the newest win, as a stream's do while its reader lags.
    static let holdLimit = 256

    private let state = Mutex(State())
    private let subscriptionSlot = Mutex<EventSubscription?>(nil)

    init() {}

    /// The hub subscription behind the feed, ended by `cancel`.
    var subscription: EventSubscription? {
        get { subscriptionSlot.withLock { $0 } }
        set { subscriptionSlot.withLock { $0 = newValue } }
    }

    /// Called by the hub on the publisher's thread.
    func offer(_ event: EncodedEvent) {
        state.withLock { state in
            if let consumer = state.consumer { return consumer(event) }
            state.held.append(event)
            if state.held.count > Self.holdLimit { state.held.removeFirst() }
        }
    }

    /// Hands the held events to `consumer`, then each new one as it is published (on the
    /// publisher's thread; `consumer` must not block).
    public func start(_ consumer: @escaping @Sendable (EncodedEvent) -> Void) {
        state.withLock { state in
            for event in state.held { consumer(event) }
            state.held = []
            state.consumer = consumer
        }
    }

    /// Ends the subscription: no more events are offered.
    public func cancel() {
        subscription?.cancel()
        state.withLock {
            $0.consumer = nil
            $0.held = []
        }
    }
}
