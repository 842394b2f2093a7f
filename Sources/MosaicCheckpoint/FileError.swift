// A failed system call while reading or writing a file, with the errno it reported.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file operation that failed, the path involved and the `errno` it set.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The system call or step that failed, e.g. "open", "fsync", "rename".
    public let operation: String
    /// The path the operation was applied to.
    public let path: String
    /// The `errno` value reported by the system call.
    public let code: Int32

    /// Records a failure of `operation` on `path` with `errno` value `code`.
    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// "operation path: strerror(code)".
    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))"
    }
}
