// One position of the seam metric: the boundary profile D around it and its band colours.
// Only the 34 lines (columns or rows) the definition touches are converted to OKLab, so memory
// stays at ~34 x side x 16 bytes (4.5 MB at 8192 px) whatever the image size.

/// Measures `ratio` and band difference at one boundary position.
struct SeamProbe {
    /// Smallest and largest |d| of the reference boundaries x ± d.
    static let referenceOffsets = 3...16
    /// Width of the bands either side of the boundary whose mean colours are compared.
    static let bandWidth = 16
    /// Added to both medians so flat regions (median 0 after 8-bit quantisation) give ratio 1
    /// instead of 0/0; about a quarter of one 8-bit step in mid-grey OKLab L.
    static let epsilon: Float = 1e-3

    let image: RGBImage
    let axis: SeamAxis

    /// The measurement at boundary `position`, or `nil` when it is not strictly inside the
    /// image or has no reference boundary inside the image.
    func measure(at position: Int) -> SeamPosition? {
        let extent = axis == .x ? image.width : image.height
        let length = axis == .x ? image.height : image.width
        guard position >= 1, position <= extent - 1 else { return nil }
        let reach = Self.referenceOffsets.upperBound
        let first = max(0, position - reach - 1)
        let last = min(extent - 1, position + reach)
        let lab = convertLines(first: first, count: last - first + 1, length: length)

        var scratch = [Float](repeating: 0, count: length)
        // D(b): median over the line of the distance between lines b-1 and b.
        func profile(_ boundary: Int) -> Float? {
            guard boundary - 1 >= first, boundary <= last else { return nil }
            let before = (boundary - 1 - first) * length
            let after = (boundary - first) * length
            return lab.withUnsafeBufferPointer { lab in
                scratch.withUnsafeMutableBufferPointer { distances in
                    for t in 0..<length { distances[t] = OKLab.distance(lab[before + t], lab[after + t]) }
                    return Median.of(distances)
                }
            }
        }
        guard let center = profile(position) else { return nil }
        var references: [Float] = []
        for d in Self.referenceOffsets {
            if let value = profile(position + d) { references.append(value) }
            if let value = profile(position - d) { references.append(value) }
        }
        guard let reference = Median.of(references) else { return nil }

        let leftBand = max(first, position - Self.bandWidth)..<position
        let rightBand = position..<min(last + 1, position + Self.bandWidth)
        let left = meanColour(lab, lines: leftBand, first: first, length: length)
        let right = meanColour(lab, lines: rightBand, first: first, length: length)
        let (dl, da, db) = (left.l - right.l, left.a - right.a, left.b - right.b)
        let difference = (dl * dl + da * da + db * db).squareRoot()
        return SeamPosition(
            position: position,
            boundaryDistance: Double(center),
            referenceDistance: Double(reference),
            ratio: Double((center + Self.epsilon) / (reference + Self.epsilon)),
            bandDifference: difference)
    }

    /// OKLab of lines `first ..< first + count`, stored line-major (`[line * length + t]`).
    /// Columns are gathered row by row so the image is read sequentially.
    private func convertLines(first: Int, count: Int, length: Int) -> [OKLab] {
        var lab = [OKLab](repeating: .zero, count: count * length)
        let stride = image.rowStride
        let axis = self.axis
        image.pixels.withUnsafeBufferPointer { pixels in
            OKLab.linear.withUnsafeBufferPointer { table in
                lab.withUnsafeMutableBufferPointer { out in
                    switch axis {
                    case .x:
                        for row in 0..<length {
                            let base = row * stride + first * RGBImage.channels
                            for k in 0..<count {
                                out[k * length + row] = OKLab.convert(
                                    pixels, at: base + k * RGBImage.channels, table: table)
                            }
                        }
                    case .y:
                        for k in 0..<count {
                            let base = (first + k) * stride
                            for column in 0..<length {
                                out[k * length + column] = OKLab.convert(
                                    pixels, at: base + column * RGBImage.channels, table: table)
                            }
                        }
                    }
                }
            }
        }
        return lab
    }

    /// Mean OKLab colour of the given lines (absolute indices), summed in Double to avoid drift.
    private func meanColour(_ lab: [OKLab], lines: Range<Int>, first: Int, length: Int) -> (
        l: Double, a: Double, b: Double
    ) {
        var (l, a, b) = (0.0, 0.0, 0.0)
        lab.withUnsafeBufferPointer { lab in
            for line in lines {
                var (sl, sa, sb): (Float, Float, Float) = (0, 0, 0)
                let base = (line - first) * length
                for t in 0..<length {
                    sl += lab[base + t].l
                    sa += lab[base + t].a
                    sb += lab[base + t].b
                }
                l += Double(sl)
                a += Double(sa)
                b += Double(sb)
            }
        }
        let count = Double(max(1, lines.count * length))
        return (l / count, a / count, b / count)
    }
}
