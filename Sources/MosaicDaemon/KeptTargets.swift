import Synchronization

/// Which kept answer a GET's request target names, remembered per target: a poller asks for the
/// same few targets again and again, and parsing each into an `HTTPRequest` (path components,
/// query values, the listing's key) to route it was a tenth of the event loop's work under 200
/// polling clients.
///
/// What a target names depends on the target alone (the daemon's configuration does not change
/// while it runs), so a remembered name is never stale; whether the answer it names is still
/// valid is asked of `ResponseCache` at every request.
final class KeptTargets: Sendable {
    /// A kept answer: one job's, or a listing's (by `DaemonCore.ListQuery.key`).
    enum Name: Sendable, Equatable {
        case job(Int64)
        case page(String)
    }

    private let names = Mutex<[String: Name]>([:])
    /// Above this many targets the remembered ones start again empty.
    let capacity: Int
    /// Longer targets are parsed every time, so clients cannot fill memory with them.
    let maximumTargetLength: Int

    init(capacity: Int = 1024, maximumTargetLength: Int = 256) {
        self.capacity = capacity
        self.maximumTargetLength = maximumTargetLength
    }

    /// The name of `target`'s kept answer: remembered, or `parse`d and then remembered. Nil (a
    /// target that names no kept answer) is not remembered.
    func name(of target: String, parse: (String) -> Name?) -> Name? {
        if let known = names.withLock({ $0[target] }) { return known }
        guard let name = parse(target) else { return nil }
        guard target.utf8.count <= maximumTargetLength else { return name }
        names.withLock { names in
            if names.count >= capacity { names.removeAll(keepingCapacity: true) }
            names[target] = name
        }
        return name
    }

    /// How many targets are remembered.
    var count: Int { names.withLock { $0.count } }
}
