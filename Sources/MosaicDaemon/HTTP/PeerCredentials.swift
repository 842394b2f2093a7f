import Foundation
import NIOCore

/// Who is on the other end of a Unix socket connection (SO_PEERCRED).
public struct PeerCredentials: Sendable, Equatable {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's user id.
    public var uid: UInt32
    /// The peer's primary group id.
    public var gid: UInt32

    /// Creates credentials.
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// The layout of Linux's `struct ucred`, which Swift's Glibc module does not expose.
    struct Raw: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Reads the peer credentials of an accepted Unix socket connection.
    static func read(from channel: Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(HTTPServerError.noPeerCredentials)
        }
        let future: EventLoopFuture<Raw> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(Self.soPeerCred))
        return future.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
    }

    /// SO_PEERCRED on Linux.
    static let soPeerCred: Int32 = 17
}

/// User and group lookups for owners and the admin group.
public enum Accounts {
    /// The user name of `uid`, or the uid as text when the account has no name.
    public static func userName(of uid: UInt32) -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else {
            return String(uid)
        }
        return String(cString: name)
    }

    /// Whether `uid` (with primary group `gid`) belongs to the group called `group`.
    public static func isMember(uid: UInt32, gid: UInt32, of group: String) -> Bool {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(group, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return false }
        if entry.gr_gid == gid { return true }
        let user = userName(of: uid)
        var members = entry.gr_mem
        while let member = members?.pointee {
            if String(cString: member) == user { return true }
            members = members?.advanced(by: 1)
        }
        return false
    }
}
