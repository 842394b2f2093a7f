/// What the fake daemon does after reading a request.
public enum CannedReply: Sendable {
    /// Writes each piece with its own write call, pausing in between so the client sees them
    /// arrive separately, then closes.
    case send([[UInt8]])
    /// Answers nothing and keeps the connection open until the client leaves or the server stops.
    case silent
    /// Writes the pieces like `send`, then keeps the connection open like `silent`.
    case sendAndHold([[UInt8]])
    /// Writes the pieces like `send`, then reads the next request on the connection (a kept-alive
    /// client's) and closes without answering it, as a daemon that stopped would.
    case sendThenSwallowNext([[UInt8]])
}
