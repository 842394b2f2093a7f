// Raw views of pixel buffers that several threads share, each band of rows touching only its own
// rows (the Lanczos passes): Swift cannot prove that disjointness, so the wrappers vouch for it.

/// The source samples, read by several bands at once.
struct SendableSamples: @unchecked Sendable {
    let base: UnsafeBufferPointer<UInt8>

    init(_ base: UnsafeBufferPointer<UInt8>) { self.base = base }

    subscript(index: Int) -> UInt8 { base[index] }
}

/// A mutable buffer that bands of rows write to at once, each to its own rows only.
struct SendableBuffer: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<UInt8>

    init(_ base: UnsafeMutableBufferPointer<UInt8>) { self.base = base }

    subscript(index: Int) -> UInt8 {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
