import Foundation
import MosaicAPI

/// Who may touch which job: owners their own, root and the admin group everything.
public struct Authorization: Sendable {
    /// Members of this group may modify every job and pause the queue.
    public let adminGroup: String?

    /// Creates the policy.
    public init(adminGroup: String?) { self.adminGroup = adminGroup }

    /// Whether `peer` is root, the daemon's own user, or in the admin group.
    public func isAdmin(_ peer: PeerCredentials) -> Bool {
        if peer.uid == 0 || peer.uid == getuid() { return true }
        guard let adminGroup else { return false }
        return Accounts.isMember(uid: peer.uid, gid: peer.gid, of: adminGroup)
    }

    /// Throws 403 unless `peer` owns `job` or is an admin; the message says why.
    public func checkModify(_ job: Job, by peer: PeerCredentials, action: String) throws(APIError) {
        guard peer.uid != job.owner.uid, !isAdmin(peer) else { return }
        let who = Accounts.userName(of: peer.uid)
        throw APIError(.forbidden, "\(who) may not \(action) job \(job.id): it belongs to \(job.owner.name) (uid \(job.owner.uid)); only its owner, root\(adminGroup.map { " or members of group \($0)" } ?? "") may")
    }

    /// Throws 403 unless `peer` is an admin.
    public func checkAdmin(_ peer: PeerCredentials, action: String) throws(APIError) {
        guard !isAdmin(peer) else { return }
        throw APIError(.forbidden, "\(Accounts.userName(of: peer.uid)) may not \(action): only root\(adminGroup.map { " or members of group \($0)" } ?? "") may")
    }
}
