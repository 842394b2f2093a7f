/// Largest absolute error of `a` against reference `b`, scaled by the reference's largest magnitude.
public func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    let scale = max(b.map { abs($0) }.max() ?? 0, 1e-6)
    return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}
