/// A config value out of range, or an unknown key: the reason names the key.
public struct ConfigurationValueError: Error, CustomStringConvertible {
    /// What is wrong, naming the key.
    public let reason: String

    /// The reason.
    public var description: String { reason }
}
