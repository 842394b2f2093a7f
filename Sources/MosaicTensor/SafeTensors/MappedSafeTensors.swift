// A safetensors file opened with mmap(PROT_READ, MAP_PRIVATE): the header is parsed and
// validated exactly as `SafeTensors(parsing:)` does, but the data section stays in the page
// cache, so a 2-4 GB checkpoint costs no copy and only the pages a render touches are read.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A validated safetensors file mapped read-only into memory; unmapped when released.
///
/// Tensor bytes handed out by ``bytes(of:)`` point into the mapping and stay valid as long as
/// this object lives.
public final class MappedSafeTensors: @unchecked Sendable {
    /// The path the file was opened from (for error messages).
    public let path: String
    /// The tensors, in the order of their data.
    public let tensors: [SafeTensors.TensorInfo]
    /// The `__metadata__` map (empty when the header has none).
    public let metadata: [String: String]
    /// The byte offset of the data section in the file (8 + the header length).
    public let dataOffset: Int
    /// The file's size in bytes.
    public let fileSize: Int

    private let base: UnsafeRawPointer?
    private let index: [String: Int]

    /// Opens, maps and validates the safetensors file at `path`.
    public init(path: String) throws(SafeTensorsError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadableFile(path: path, reason: Self.errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadableFile(path: path, reason: Self.errnoText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadableFile(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        fileSize = size
        var mapped: UnsafeRawPointer? = nil
        if size > 0 {
            guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
                throw .unreadableFile(path: path, reason: Self.errnoText())
            }
            mapped = UnsafeRawPointer(address)
        }
        do {
            let file = UnsafeRawBufferPointer(start: mapped, count: size)
            guard size >= 8 else { throw SafeTensorsError.truncatedHeaderLength(fileSize: size) }
            let declared = file.loadUnaligned(as: UInt64.self).littleEndian
            guard declared <= UInt64(SafeTensors.maximumHeaderLength) else {
                throw SafeTensorsError.headerTooLarge(declared: declared, limit: SafeTensors.maximumHeaderLength)
            }
            guard Int(declared) <= size - 8 else {
                throw SafeTensorsError.headerPastEnd(declared: declared, available: size - 8)
            }
            let dataOffset = 8 + Int(declared)
            let parsed = try SafeTensors.parseHeader(
                UnsafeRawBufferPointer(rebasing: file[8..<dataOffset]), dataSize: size - dataOffset)
            self.tensors = parsed.tensors
            self.metadata = parsed.metadata
            self.dataOffset = dataOffset
        } catch let error as SafeTensorsError {
            if let mapped { munmap(UnsafeMutableRawPointer(mutating: mapped), size) }
            throw error
        } catch {
            if let mapped { munmap(UnsafeMutableRawPointer(mutating: mapped), size) }
            throw .unreadableFile(path: path, reason: "\(error)")
        }
        base = mapped
        var index: [String: Int] = [:]
        for (i, tensor) in tensors.enumerated() { index[tensor.name] = i }
        self.index = index
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), fileSize) }
    }

    /// Drops the mapping's pages from this process's resident set (`madvise(MADV_DONTNEED)`):
    /// they stay in the page cache, and the next read of a tensor maps them again (a minor
    /// fault). For weights that a phase of the work is done with, such as the UNet's before the
    /// image decode.
    public func dropResidentPages() {
        guard let base, fileSize > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), fileSize, MADV_DONTNEED)
    }

    /// The entry of the tensor named `name`, if any.
    public func info(_ name: String) -> TensorInfo? { index[name].map { tensors[$0] } }

    /// The tensor's raw little-endian bytes inside the mapping (valid while `self` lives).
    public func bytes(of tensor: TensorInfo) -> UnsafeRawBufferPointer {
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(
            start: base + dataOffset + tensor.dataRange.lowerBound, count: tensor.dataRange.count)
    }

    /// The header entry type, shared with the in-memory reader.
    public typealias TensorInfo = SafeTensors.TensorInfo

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
