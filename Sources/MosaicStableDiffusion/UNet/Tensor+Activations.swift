import MosaicTensor

extension Tensor {
    /// A tensor of `shape` whose elements are about to be overwritten (not zero-filled).
    static func uninitialized(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        return (try? Tensor(shape: shape, scalars: scalars)) ?? Tensor(zeros: shape)
    }

    /// `[batch, channels, height, width]` of an NCHW tensor (0 for missing dimensions).
    var nchw: (batch: Int, channels: Int, height: Int, width: Int) {
        shape.count == 4 ? (shape[0], shape[1], shape[2], shape[3]) : (0, 0, 0, 0)
    }

    /// Concatenates two NCHW tensors along channels (`torch.cat([a, b], dim=1)`).
    static func concatenateChannels(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (batch, ca, h, w) = a.nchw
        let cb = b.nchw.channels
        var out = Tensor.uninitialized([batch, ca + cb, h, w])
        let plane = h * w
        out.scalars.withUnsafeMutableBufferPointer { o in
            a.scalars.withUnsafeBufferPointer { ap in
                b.scalars.withUnsafeBufferPointer { bp in
                    guard let op = o.baseAddress, let ab = ap.baseAddress, let bb = bp.baseAddress else { return }
                    for n in 0..<batch {
                        (op + n * (ca + cb) * plane).update(from: ab + n * ca * plane, count: ca * plane)
                        (op + (n * (ca + cb) + ca) * plane).update(from: bb + n * cb * plane, count: cb * plane)
                    }
                }
            }
        }
        return out
    }
}

/// Reads weight vectors (biases, norm scales) as fp32 with their shape checked.
enum UNetParameters {
    /// The vector `name` of `count` elements, widened to fp32.
    static func vector(_ weights: any WeightSource, _ name: String, count: Int) throws(ModelLoadError) -> [Float] {
        let tensor = try weights.tensor(named: name)
        guard tensor.shape == [count] else {
            throw .shapeMismatch(
                name: UNetParameters.fullName(name, in: weights),
                expected: [count], actual: tensor.shape)
        }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { buffer in
            if let p = buffer.baseAddress { LayerWeight.widen(tensor, range: 0..<count, into: p) }
        }
        return values
    }

    /// `name` with the prefixes of every (nested) `PrefixedWeights` view in front: the name in the file.
    static func fullName(_ name: String, in weights: any WeightSource) -> String {
        var full = name
        var source: any WeightSource = weights
        while let view = source as? PrefixedWeights {
            full = view.prefix + full
            source = view.base
        }
        return full
    }
}
