import MosaicTensor

/// The ESRGAN generator (RRDBNet), as Real-ESRGAN's `basicsr/archs/rrdbnet_arch.py` defines it.
///
/// `conv_first`, `blocks` residual-in-residual dense blocks (three dense blocks of five 3x3 convs
/// each, LeakyReLU 0.2, residuals scaled by 0.2), `conv_body` added to the first features, two
/// nearest x2 upsamplings each followed by a conv and LeakyReLU, `conv_hr`, LeakyReLU, `conv_last`.
/// Runs single-threaded: the tiled upscaler evaluates tiles in parallel, one per thread, so the
/// output does not depend on the number of threads.
public struct RRDBNet: Sendable {
    /// The network's shape.
    public let configuration: RRDBNetConfiguration
    private let first: ConvLayer
    private let body: [[[ConvLayer]]]  // [block][dense block][conv]
    private let trunk: ConvLayer
    private let up1: ConvLayer
    private let up2: ConvLayer
    private let hr: ConvLayer
    private let last: ConvLayer

    /// Builds the network from `file`'s weights (fp32, fp16 or bf16; widened to fp32 here).
    public init(configuration c: RRDBNetConfiguration, file: any WeightFile) throws(UpscalerError) {
        configuration = c
        let nf = c.features
        let gc = c.growth
        first = try ConvLayer(
            "conv_first", input: c.channels * c.unshuffle * c.unshuffle, output: nf, file: file, configuration: c)
        var body: [[[ConvLayer]]] = []
        for b in 0..<c.blocks {
            var rrdb: [[ConvLayer]] = []
            for r in 1...3 {
                var rdb: [ConvLayer] = []
                for i in 1...5 {
                    rdb.append(
                        try ConvLayer(
                            "body.\(b).rdb\(r).conv\(i)", input: nf + (i - 1) * gc, output: i == 5 ? nf : gc,
                            file: file, configuration: c))
                }
                rrdb.append(rdb)
            }
            body.append(rrdb)
        }
        self.body = body
        trunk = try ConvLayer("conv_body", input: nf, output: nf, file: file, configuration: c)
        up1 = try ConvLayer("conv_up1", input: nf, output: nf, file: file, configuration: c)
        up2 = try ConvLayer("conv_up2", input: nf, output: nf, file: file, configuration: c)
        hr = try ConvLayer("conv_hr", input: nf, output: nf, file: file, configuration: c)
        last = try ConvLayer("conv_last", input: nf, output: c.channels, file: file, configuration: c)
    }

    /// Runs the network on a planar `[channels, height, width]` image in [0, 1] and returns the
    /// planar `[channels, height * scale, width * scale]` output (not clamped).
    ///
    /// `height` and `width` must be multiples of the unshuffle factor. Scratch is a few buffers
    /// of `features` channels at the output size, so memory grows with the tile, not the image.
    public func forward(_ image: UnsafePointer<Float>, height: Int, width: Int) -> [Float] {
        let c = configuration
        let r = c.unshuffle
        let h = height / r
        let w = width / r
        let plane = h * w
        let nf = c.features

        let features = UnsafeMutablePointer<Float>.allocate(capacity: nf * plane)
        defer { features.deallocate() }
        if r == 1 {
            first.forward(image, height: h, width: w, output: features)
        } else {
            let unshuffled = UnsafeMutablePointer<Float>.allocate(capacity: c.channels * r * r * plane)
            defer { unshuffled.deallocate() }
            Self.pixelUnshuffle(
                image, channels: c.channels, height: height, width: width, factor: r, output: unshuffled)
            first.forward(unshuffled, height: h, width: w, output: features)
        }
        runBody(features, height: h, width: w)

        // Two nearest x2 upsamplings, each followed by a conv and LeakyReLU; then conv_hr, conv_last.
        let up = UnsafeMutablePointer<Float>.allocate(capacity: nf * 4 * plane)
        let upConv = UnsafeMutablePointer<Float>.allocate(capacity: nf * 4 * plane)
        NearestUpsample2D.forward(features, planes: nf, height: h, width: w, output: up)
        up1.forward(up, height: 2 * h, width: 2 * w, output: upConv)
        Self.leakyReLU(upConv, count: nf * 4 * plane)
        up.deallocate()
        let big = UnsafeMutablePointer<Float>.allocate(capacity: nf * 16 * plane)
        defer { big.deallocate() }
        NearestUpsample2D.forward(upConv, planes: nf, height: 2 * h, width: 2 * w, output: big)
        upConv.deallocate()
        let bigConv = UnsafeMutablePointer<Float>.allocate(capacity: nf * 16 * plane)
        defer { bigConv.deallocate() }
        up2.forward(big, height: 4 * h, width: 4 * w, output: bigConv)
        Self.leakyReLU(bigConv, count: nf * 16 * plane)
        hr.forward(bigConv, height: 4 * h, width: 4 * w, output: big)
        Self.leakyReLU(big, count: nf * 16 * plane)
        let count = c.channels * 16 * plane
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let out = buffer.baseAddress { last.forward(big, height: 4 * h, width: 4 * w, output: out) }
            initialized = count
        }
    }

    /// `features += conv_body(blocks(features))`, in place on `[features, height, width]`.
    private func runBody(_ features: UnsafeMutablePointer<Float>, height h: Int, width w: Int) {
        let nf = configuration.features
        let gc = configuration.growth
        let plane = h * w
        let n = nf * plane
        // The dense stack: its first nf channels are the running input, then conv1..conv4's outputs,
        // so each conv reads the concatenation of everything before it as one contiguous block.
        let dense = UnsafeMutablePointer<Float>.allocate(capacity: (nf + 4 * gc) * plane)
        let blockInput = UnsafeMutablePointer<Float>.allocate(capacity: n)
        let conv5 = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer {
            dense.deallocate()
            blockInput.deallocate()
            conv5.deallocate()
        }
        dense.update(from: features, count: n)
        for rrdb in body {
            blockInput.update(from: dense, count: n)
            for rdb in rrdb {
                for i in 0..<4 {
                    let out = dense + (nf + i * gc) * plane
                    rdb[i].forward(dense, height: h, width: w, output: out)
                    Self.leakyReLU(out, count: gc * plane)
                }
                rdb[4].forward(dense, height: h, width: w, output: conv5)
                for j in 0..<n { dense[j] = conv5[j] * 0.2 + dense[j] }
            }
            for j in 0..<n { dense[j] = dense[j] * 0.2 + blockInput[j] }
        }
        trunk.forward(dense, height: h, width: w, output: features, accumulate: true)
    }

    /// LeakyReLU with slope 0.2, in place (`torch.nn.LeakyReLU(0.2)`).
    static func leakyReLU(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count where x[i] < 0 { x[i] *= 0.2 }
    }

    /// `F.pixel_unshuffle`: `output[c * f * f + i * f + j, y, x] = input[c, y * f + i, x * f + j]`.
    static func pixelUnshuffle(
        _ input: UnsafePointer<Float>, channels: Int, height: Int, width: Int, factor f: Int,
        output: UnsafeMutablePointer<Float>
    ) {
        let h = height / f
        let w = width / f
        for c in 0..<channels {
            for i in 0..<f {
                for j in 0..<f {
                    let plane = (c * f * f + i * f + j) * h * w
                    for y in 0..<h {
                        for x in 0..<w {
                            output[plane + y * w + x] = input[(c * height + y * f + i) * width + x * f + j]
                        }
                    }
                }
            }
        }
    }
}
