#if canImport(Glibc)
    import Glibc
#endif

/// Text for system error numbers, shared by this module's error descriptions.
enum SystemError {
    /// The C library's message for `code`, through the reentrant (XSI) `strerror_r`, since
    /// errors are described on whichever thread catches them.
    static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard strerror_r(code, &buffer, buffer.count) == 0 else { return "error \(code)" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
