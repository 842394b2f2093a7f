import Foundation
import Glibc
import Synchronization

/// A tiny HTTP server on a real Unix socket: a thread that accepts connections one at a time,
/// reads a request, and answers what the test scripted.
public final class FakeDaemon: Sendable {
    /// The socket path.
    public let path: String
    private let listener: Int32
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let received = Mutex<[ReceivedRequest]>([])

    /// Listens on a fresh socket and answers each request with what `reply` scripts for it.
    public init(reply: @escaping @Sendable (ReceivedRequest) -> CannedReply) throws {
        path = FakeDaemon.temporarySocketPath()
        listener = try FakeDaemon.listen(at: path)
        Thread { [self] in serve(reply) }.start()
    }

    /// Convenience: the same raw answer to every request.
    public convenience init(answer: [UInt8]) throws { try self.init { _ in .send([answer]) } }

    /// The requests so far, in order.
    public var requests: [ReceivedRequest] { received.withLock { $0 } }

    /// Stops accepting, ends a held connection, and removes the socket.
    public func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        finished.wait()
    }

    /// A fresh path short enough for sun_path.
    public static func temporarySocketPath() -> String {
        "/tmp/mosaic-test-\(UUID().uuidString.prefix(12)).sock"
    }

    /// A listening socket bound at `path`.
    public static func listen(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, bound == 0, Glibc.listen(fd, 8) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot listen on \(path)"])
        }
        return fd
    }

    private func serve(_ reply: @Sendable (ReceivedRequest) -> CannedReply) {
        defer {
            close(listener)
            unlink(path)
            finished.signal()
        }
        while !stopping.load(ordering: .relaxed) {
            guard wait(listener, timeoutMilliseconds: 20) else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            defer { close(connection) }
            guard let request = readRequest(connection) else { continue }
            received.withLock { $0.append(request) }
            switch reply(request) {
            case .send(let pieces):
                write(pieces, to: connection)
            case .silent:
                hold(connection)
            case .sendAndHold(let pieces):
                write(pieces, to: connection)
                hold(connection)
            case .sendThenSwallowNext(let pieces):
                write(pieces, to: connection)
                if let next = readRequest(connection) { received.withLock { $0.append(next) } }
            }
        }
    }

    private func write(_ pieces: [[UInt8]], to connection: Int32) {
        for (index, piece) in pieces.enumerated() {
            if index > 0 { usleep(1_000) }
            _ = piece.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// Keeps the connection open until the client closes it or the server stops.
    private func hold(_ connection: Int32) {
        var byte: UInt8 = 0
        while !stopping.load(ordering: .relaxed) {
            if wait(connection, timeoutMilliseconds: 20), recv(connection, &byte, 1, 0) <= 0 { break }
        }
    }

    /// Reads a head and a Content-Length body.
    private func readRequest(_ connection: Int32) -> ReceivedRequest? {
        var bytes: [UInt8] = []
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        var expected = Int.max
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < expected {
            guard wait(connection, timeoutMilliseconds: 2000) else { return nil }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            bytes += buffer[..<count]
            if headEnd == nil, let range = bytes.firstRange(of: separator) {
                headEnd = range.lowerBound
                let head = String(decoding: bytes[..<range.lowerBound], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                expected = range.upperBound + length
            }
        }
        guard let headEnd else { return nil }
        return ReceivedRequest(
            raw: bytes, head: String(decoding: bytes[..<headEnd], as: UTF8.self),
            body: Array(bytes[(headEnd + 4)...]))
    }

    private func wait(_ fd: Int32, timeoutMilliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, timeoutMilliseconds) > 0
    }
}
