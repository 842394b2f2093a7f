import MosaicTensor

/// A 3x3, stride-1, padding-1 convolution with bias, its weights widened to fp32 at load.
struct ConvLayer: Sendable {
    let geometry: Conv2DGeometry
    let weight: [Float]
    let bias: [Float]

    /// Reads `<name>.weight` and `<name>.bias` (canonical names) from `file`.
    init(_ name: String, input: Int, output: Int, file: any WeightFile, configuration: RRDBNetConfiguration)
        throws(UpscalerError)
    {
        geometry = Conv2DGeometry(inChannels: input, outChannels: output, kernel: 3, stride: 1, padding: 1)
        weight = try file.floats(configuration.fileKey("\(name).weight"))
        bias = try file.floats(configuration.fileKey("\(name).bias"))
        guard weight.count == geometry.weightCount, bias.count == output else {
            throw .shapeMismatch(
                name: configuration.fileKey("\(name).weight"), expected: [output, input, 3, 3], actual: [weight.count])
        }
    }

    /// `output = conv(input)` (or `output += conv(input)` with `accumulate`) for one `height x width` image.
    func forward(
        _ input: UnsafePointer<Float>, height: Int, width: Int, output: UnsafeMutablePointer<Float>,
        accumulate: Bool = false
    ) {
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                guard let w = w.baseAddress, let b = b.baseAddress else { return }
                Conv2D.forward(
                    input, batch: 1, height: height, width: width, geometry: geometry, weight: w, bias: b,
                    output: output, accumulate: accumulate, context: .serial)
            }
        }
    }
}
