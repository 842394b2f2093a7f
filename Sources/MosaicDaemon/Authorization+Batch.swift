import MosaicAPI

extension Authorization {
    /// Throws 403 unless `peer` may read `batch`: the rule for its jobs, all of them its owner's.
    public func checkRead(_ batch: Batch, by peer: PeerCredentials) throws(APIError) {
        guard !(readOthersJobs || peer.uid == batch.owner.uid || isAdmin(peer)) else { return }
        throw APIError(
            .forbidden,
            "\(Accounts.userName(of: peer.uid)) may not read batch \(batch.id): it belongs to \(batch.owner.name) and this daemon keeps jobs private (read_others_jobs = false); only its owner, root\(adminGroup.map { " or members of group \($0)" } ?? "") may"
        )
    }

    /// Throws 403 unless `peer` owns `batch` or is an admin; the message says why.
    public func checkModify(_ batch: Batch, by peer: PeerCredentials, action: String) throws(APIError) {
        guard peer.uid != batch.owner.uid, !isAdmin(peer) else { return }
        throw APIError(
            .forbidden,
            "\(Accounts.userName(of: peer.uid)) may not \(action) batch \(batch.id): it belongs to \(batch.owner.name) (uid \(batch.owner.uid)); only its owner, root\(adminGroup.map { " or members of group \($0)" } ?? "") may"
        )
    }
}
