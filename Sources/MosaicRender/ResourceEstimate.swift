/// A render's estimated peak memory and disk use, with the terms they are made of.
///
/// Terms are named in the field's words ("latent canvas", "sampler history") so that a refusal
/// can say what makes a job too large. `memoryBytes` is the peak, not the sum of the terms: the
/// denoising steps and the decode do not hold their buffers at the same time.
public struct ResourceEstimate: Sendable, Equatable {
    /// One named part of the estimate.
    public struct Term: Sendable, Equatable {
        /// What it is, e.g. `latent canvas`.
        public var name: String
        /// Its size in bytes.
        public var bytes: Int

        /// Creates a term.
        public init(_ name: String, _ bytes: Int) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// The estimated peak resident memory of the render, in bytes.
    public var memoryBytes: Int
    /// The estimated disk use while the render runs and after it (checkpoints, journal, output).
    public var diskBytes: Int
    /// The parts of the memory estimate.
    public var memoryTerms: [Term]
    /// The parts of the disk estimate.
    public var diskTerms: [Term]

    /// Creates an estimate.
    public init(memoryBytes: Int, diskBytes: Int, memoryTerms: [Term], diskTerms: [Term]) {
        self.memoryBytes = memoryBytes
        self.diskBytes = diskBytes
        self.memoryTerms = memoryTerms
        self.diskTerms = diskTerms
    }
}
