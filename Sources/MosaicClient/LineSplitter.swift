/// Cuts a byte stream into lines as pieces of it arrive, wherever the pieces were cut.
struct LineSplitter {
    private var pending: [UInt8] = []
    /// A line longer than this is a broken stream, not an event.
    let limit: Int

    init(limit: Int = 16 << 20) { self.limit = limit }

    /// The lines completed by `piece`, without their `\n` (or `\r\n`).
    mutating func append(_ piece: [UInt8]) throws(ClientError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = piece.startIndex
        while let newline = piece[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending + piece[start..<newline]
            pending.removeAll(keepingCapacity: true)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            lines.append(line)
            start = newline + 1
        }
        pending += piece[start...]
        guard pending.count <= limit else { throw .protocolViolation("an event line is longer than \(limit) bytes") }
        return lines
    }

    /// The last line if the stream ended without a final newline.
    mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : pending
    }
}
