/// Reads a response body piece by piece as it arrives, whatever its framing.
final class HTTPBodyReader {
    /// The buffered connection; its timeout may be changed between reads.
    let stream: ByteStream

    /// How the body is delimited.
    let framing: HTTPResponseHead.Framing
    private var remaining: Int  // bytes left in the body (content-length) or the current chunk
    private var finished = false

    private static let pieceSize = 65_536

    init(stream: ByteStream, framing: HTTPResponseHead.Framing) {
        self.stream = stream
        self.framing = framing
        switch framing {
        case .empty:
            remaining = 0
            finished = true
        case .contentLength(let count):
            remaining = count
            finished = count == 0
        case .chunked, .untilClose: remaining = 0
        }
    }

    /// The next piece of the body, or nil at its end.
    func next() throws(ClientError) -> [UInt8]? {
        if finished { return nil }
        switch framing {
        case .empty:
            return nil
        case .contentLength:
            let piece = try stream.readSome(maximum: min(remaining, Self.pieceSize))
            guard !piece.isEmpty else {
                throw .connectionLost(
                    socket: stream.path,
                    reason: "the daemon closed the connection with "
                        + "\(remaining) bytes of the body unsent")
            }
            remaining -= piece.count
            finished = remaining == 0
            return piece
        case .untilClose:
            let piece = try stream.readSome(maximum: Self.pieceSize)
            finished = piece.isEmpty
            return piece.isEmpty ? nil : piece
        case .chunked:
            return try nextChunkPiece()
        }
    }

    /// The whole (rest of the) body; more than `limit` bytes is refused.
    func readAll(limit: Int = 1 << 32) throws(ClientError) -> [UInt8] {
        var body: [UInt8] = []
        if case .contentLength(let count) = framing { body.reserveCapacity(min(count, limit)) }
        while let piece = try next() {
            body += piece
            guard body.count <= limit else { throw .protocolViolation("the body is larger than \(limit) bytes") }
        }
        return body
    }

    /// Chunked coding (RFC 9112 7.1): `SIZE[;ext]CRLF DATA CRLF` ... `0CRLF [trailers] CRLF`.
    private func nextChunkPiece() throws(ClientError) -> [UInt8]? {
        if remaining == 0 {
            guard let line = try stream.readLine(limit: 1024) else {
                throw .connectionLost(
                    socket: stream.path, reason: "the daemon closed the connection before the last chunk")
            }
            let sizeText = String(decoding: HTTPToken.trimmed(line.prefix { $0 != UInt8(ascii: ";") }), as: UTF8.self)
            guard let size = Int(sizeText, radix: 16), size >= 0, sizeText.count <= 15 else {
                throw .protocolViolation("invalid chunk size line \(quoted(line))")
            }
            if size == 0 {
                while let trailer = try stream.readLine(limit: 16_384), !trailer.isEmpty {}
                finished = true
                return nil
            }
            remaining = size
        }
        let piece = try stream.readSome(maximum: min(remaining, Self.pieceSize))
        guard !piece.isEmpty else {
            throw .connectionLost(socket: stream.path, reason: "the daemon closed the connection inside a chunk")
        }
        remaining -= piece.count
        if remaining == 0 {
            guard try stream.readExactly(2) == [13, 10] else {
                throw .protocolViolation("a chunk does not end in CRLF")
            }
        }
        return piece
    }
}
