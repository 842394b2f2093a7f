#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The phases of a render that journal finished tiles besides the denoising steps.
public enum JournaledPhase: String, Sendable, CaseIterable {
    /// The VAE decode: each record is one tile of the image, as RGB bytes.
    case decode
    /// The VAE encode of an image-to-image input: each record is one tile of the latent.
    case encode

    /// The journal's file name in the job's (or stage's) directory.
    var fileName: String { "\(rawValue).tiles" }
}

extension CheckpointStore {
    /// The store of stage `index` of a staged render: the subdirectory `stage-<index>`, removed
    /// with the job's by ``removeAll()``.
    public func stage(_ index: Int) -> CheckpointStore {
        CheckpointStore(directory: "\(directory)/\(Self.stagePrefix)\(index)", durable: durable, faults: faults)
    }

    static let stagePrefix = "stage-"

    /// The path of `phase`'s journal.
    public func journalPath(_ phase: JournaledPhase) -> String { "\(directory)/\(phase.fileName)" }

    /// Opens (creating it if needed) the journal of `phase` for the render with `parametersHash`:
    /// records of an earlier attempt of the same render are kept, a journal of other
    /// parameters is started over (see ``TileJournal``).
    public func openJournal(_ phase: JournaledPhase, parametersHash: String) throws(CheckpointError) -> TileJournal {
        do { try POSIXFile.makeDirectories(directory) } catch { throw .file(error) }
        return try TileJournal(path: journalPath(phase), step: 0, parametersHash: Self.phaseHash(phase, parametersHash))
    }

    /// The byte records of `phase`'s journal whose length equals `expectedByteCounts[tile]`.
    public func readJournal(_ phase: JournaledPhase, parametersHash: String, expectedByteCounts: [Int: Int]) -> [Int:
        [UInt8]]
    {
        TileJournal.readBytes(
            path: journalPath(phase), step: 0, parametersHash: Self.phaseHash(phase, parametersHash),
            expectedByteCounts: expectedByteCounts)
    }

    /// A phase's journal header binds the render's hash and the phase, so a decode journal is
    /// never read as an encode's.
    static func phaseHash(_ phase: JournaledPhase, _ parametersHash: String) -> String {
        "\(parametersHash)#\(phase.rawValue)"
    }
}

extension TileJournal {
    /// Appends `bytes` as tile `tile`'s record, zero-padded to whole 4-byte words (records
    /// hold words).
    public func append(tile: Int, bytes: UnsafeRawBufferPointer) throws(CheckpointError) {
        let words = (bytes.count + 3) / 4
        let padded = UnsafeMutableBufferPointer<Float>.allocate(capacity: words)
        defer { padded.deallocate() }
        let raw = UnsafeMutableRawBufferPointer(padded)
        raw.initializeMemory(as: UInt8.self, repeating: 0)
        raw.copyMemory(from: bytes)
        try append(tile: tile, values: UnsafeBufferPointer(padded))
    }

    /// Every valid byte record of the journal at `path` whose length is `expectedByteCounts[tile]`
    /// rounded up to whole words, cut to that count (see ``read(path:step:parametersHash:expectedCounts:)``).
    public static func readBytes(path: String, step: Int, parametersHash: String, expectedByteCounts: [Int: Int])
        -> [Int: [UInt8]]
    {
        guard let bytes = try? BinaryFile.contents(of: path) else { return [:] }
        var tiles: [Int: [UInt8]] = [:]
        _ = scan(bytes, header: fileHeader(step: step, parametersHash: parametersHash)) { tile, payload in
            guard tiles[tile] == nil, let expected = expectedByteCounts[tile], (expected + 3) / 4 * 4 == payload.count
            else { return }
            tiles[tile] = Array(payload.prefix(expected))
        }
        return tiles
    }
}
