import MosaicTestSupport

/// The old home of `metric(_:in:)`, kept so KeptAnswerTests builds until it calls `metricValue`
/// (MosaicTestSupport) itself; the keep-alive tests moved to MosaicClientTests.
enum ClientKeepAliveTests {
    /// `metricValue(name, in: text)`.
    static func metric(_ name: String, in text: String) -> Int? { metricValue(name, in: text) }
}
