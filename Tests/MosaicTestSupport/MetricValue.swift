/// The integer value of the unlabelled metric `name` in Prometheus text, if present.
public func metricValue(_ name: String, in text: String) -> Int? {
    text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Int($0.split(separator: " ")[1]) }
}
