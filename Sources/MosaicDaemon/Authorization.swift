import Foundation
import MosaicAPI

/// Who may touch which job: owners their own, root and the admin group everything; reading
/// others' jobs is allowed unless `read_others_jobs` is off.
public struct Authorization: Sendable {
    /// Members of this group may modify every job and pause the queue.
    public let adminGroup: String?
    /// Whether anyone may read every job (show, list, log, events, output, preview).
    public let readOthersJobs: Bool

    /// Creates the policy.
    public init(adminGroup: String?, readOthersJobs: Bool = true) {
        self.adminGroup = adminGroup
        self.readOthersJobs = readOthersJobs
    }

    /// Whether `peer` may read `job`.
    public func mayRead(_ job: Job, by peer: PeerCredentials) -> Bool {
        readOthersJobs || peer.uid == job.owner.uid || isAdmin(peer)
    }

    /// Throws 403 unless `peer` may read `job`.
    public func checkRead(_ job: Job, by peer: PeerCredentials) throws(APIError) {
        guard !mayRead(job, by: peer) else { return }
        throw APIError(
            .forbidden,
            "\(Accounts.userName(of: peer.uid)) may not read job \(job.id): it belongs to \(job.owner.name) and this daemon keeps jobs private (read_others_jobs = false); only its owner, root\(adminGroup.map { " or members of group \($0)" } ?? "") may"
        )
    }

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
        throw APIError(
            .forbidden,
            "\(who) may not \(action) job \(job.id): it belongs to \(job.owner.name) (uid \(job.owner.uid)); only its owner, root\(adminGroup.map { " or members of group \($0)" } ?? "") may"
        )
    }

    /// Whether `peer` may read, use or remove `image`: uploads are private whatever
    /// `read_others_jobs` says, since a picture may be anything.
    public func mayUse(_ image: ImageRecord, by peer: PeerCredentials) -> Bool {
        peer.uid == image.owner.uid || isAdmin(peer)
    }

    /// Throws 403 unless `peer` may `action` `image`; the message says whose it is.
    public func checkUse(_ image: ImageRecord, by peer: PeerCredentials, action: String) throws(APIError) {
        guard !mayUse(image, by: peer) else { return }
        throw APIError(
            .forbidden,
            "\(Accounts.userName(of: peer.uid)) may not \(action) image \(image.id): it belongs to \(image.owner.name) (uid \(image.owner.uid)); only its uploader, root\(adminGroup.map { " or members of group \($0)" } ?? "") may"
        )
    }

    /// Throws 403 unless `peer` is an admin.
    public func checkAdmin(_ peer: PeerCredentials, action: String) throws(APIError) {
        guard !isAdmin(peer) else { return }
        throw APIError(
            .forbidden,
            "\(Accounts.userName(of: peer.uid)) may not \(action): only root\(adminGroup.map { " or members of group \($0)" } ?? "") may"
        )
    }
}
