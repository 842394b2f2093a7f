/// The shape of an RRDBNet (the ESRGAN generator), read off a weight file's key names and tensor shapes.
///
/// Two key layouts name the same network: Real-ESRGAN's (`conv_first`, `body.N.rdbK.convI`,
/// `conv_body`, `conv_up1`, `conv_up2`, `conv_hr`, `conv_last`) and classic ESRGAN's
/// (`model.0`, `model.1.sub.N.RDBK.convI.0`, `model.1.sub.NB`, `model.3`, `model.6`, `model.8`,
/// `model.10`). Real-ESRGAN's x2plus and x1 nets pixel-unshuffle the image first (by 2 or 4), so
/// `conv_first` takes 12 or 48 channels; the body always upsamples by 4.
public struct RRDBNetConfiguration: Sendable, Equatable {
    /// The key layout a file uses.
    public enum KeyStyle: String, Sendable {
        /// Real-ESRGAN's names (also written by basicsr).
        case realESRGAN = "Real-ESRGAN"
        /// The original ESRGAN's `model.N` names.
        case classicESRGAN = "ESRGAN"
    }

    /// The key layout.
    public var keyStyle: KeyStyle
    /// Feature channels (`nf`, 64 in released models).
    public var features: Int
    /// Growth channels of the dense blocks (`gc`, 32 in released models).
    public var growth: Int
    /// Residual-in-residual dense blocks (`nb`, 23 in released models).
    public var blocks: Int
    /// Image channels in and out (3: RGB).
    public var channels: Int
    /// The factor of the pixel unshuffle before `conv_first` (1, 2 or 4).
    public var unshuffle: Int

    /// The image is `scale` times larger on each side after the network.
    public var scale: Int { 4 / unshuffle }

    /// A name for listings: `RRDBNet` with the key layout and the sizes.
    public var architecture: String {
        "RRDBNet (\(keyStyle.rawValue) keys, nf \(features), gc \(growth), nb \(blocks))"
    }

    /// The file key of the canonical (Real-ESRGAN) weight name `name`, e.g. `body.0.rdb1.conv1.weight`.
    public func fileKey(_ name: String) -> String {
        guard keyStyle == .classicESRGAN else { return name }
        let parts = name.split(separator: ".").map(String.init)
        guard let kind = parts.last else { return name }
        if parts[0] == "body", parts.count == 5 {
            return "model.1.sub.\(parts[1]).RDB\(parts[2].dropFirst(3)).\(parts[3]).0.\(kind)"
        }
        let layer: String
        switch parts[0] {
        case "conv_first": layer = "model.0"
        case "conv_body": layer = "model.1.sub.\(blocks)"
        case "conv_up1": layer = "model.3"
        case "conv_up2": layer = "model.6"
        case "conv_hr": layer = "model.8"
        case "conv_last": layer = "model.10"
        default: return name
        }
        return "\(layer).\(kind)"
    }

    /// Recognises the network from its tensors' names and shapes; `path` is for messages.
    ///
    /// Every key must belong to the network and every shape must match; anything else (another
    /// architecture, ESRGAN+ or SPSR keys, a grayscale net, another upscale factor) is an error
    /// that names the key.
    public init(shapes: [String: [Int]], path: String) throws(UpscalerError) {
        func refuse(_ reason: String) -> UpscalerError { .unrecognisedArchitecture(path: path, reason: reason) }
        let style: KeyStyle
        if shapes["conv_first.weight"] != nil {
            style = .realESRGAN
        } else if shapes["model.0.weight"] != nil {
            style = .classicESRGAN
        } else {
            throw refuse("no 'conv_first.weight' (Real-ESRGAN) or 'model.0.weight' (ESRGAN) key")
        }
        let firstKey = style == .realESRGAN ? "conv_first.weight" : "model.0.weight"
        let lastKey = style == .realESRGAN ? "conv_last.weight" : "model.10.weight"
        let rdbKey = style == .realESRGAN ? "body.0.rdb1.conv1.weight" : "model.1.sub.0.RDB1.conv1.0.weight"
        guard let first = shapes[firstKey], first.count == 4, first[2] == 3, first[3] == 3 else {
            throw refuse("'\(firstKey)' is not a 3x3 convolution weight")
        }
        guard let last = shapes[lastKey], last.count == 4 else {
            throw refuse("no 3x3 convolution '\(lastKey)' (an upscale factor other than 4, 2 or 1?)")
        }
        guard let rdb = shapes[rdbKey], rdb.count == 4 else { throw refuse("no dense block weight '\(rdbKey)'") }
        let channels = last[0]
        guard channels == 3 else { throw refuse("'\(lastKey)' gives \(channels) channels; only RGB (3) is supported") }
        let unshuffle: Int
        switch first[1] {
        case channels: unshuffle = 1
        case channels * 4: unshuffle = 2
        case channels * 16: unshuffle = 4
        default: throw refuse("'\(firstKey)' takes \(first[1]) channels: not 3, 12 or 48")
        }
        guard style == .realESRGAN || unshuffle == 1 else {
            throw refuse("'\(firstKey)' takes \(first[1]) channels; classic ESRGAN keys are 3-channel x4 only")
        }
        let blockPrefix = style == .realESRGAN ? "body." : "model.1.sub."
        var blocks = 0
        while shapes.keys.contains(where: { $0.hasPrefix("\(blockPrefix)\(blocks).") }) { blocks += 1 }
        if style == .classicESRGAN { blocks -= 1 }  // model.1.sub.NB is conv_body
        guard blocks >= 1 else { throw refuse("no residual-in-residual dense blocks") }
        self.init(
            keyStyle: style, features: first[0], growth: rdb[0], blocks: blocks, channels: channels,
            unshuffle: unshuffle)
        let expected = expectedShapes()
        for (name, shape) in expected {
            let key = fileKey(name)
            guard let actual = shapes[key] else { throw UpscalerError.missingWeight(key) }
            guard actual == shape else { throw UpscalerError.shapeMismatch(name: key, expected: shape, actual: actual) }
        }
        let known = Set(expected.map { fileKey($0.name) })
        if let extra = shapes.keys.sorted().first(where: { !known.contains($0) }) {
            throw refuse("unexpected key '\(extra)'")
        }
    }

    /// A configuration from its fields (for tests and benchmarks).
    public init(keyStyle: KeyStyle, features: Int, growth: Int, blocks: Int, channels: Int = 3, unshuffle: Int) {
        self.keyStyle = keyStyle
        self.features = features
        self.growth = growth
        self.blocks = blocks
        self.channels = channels
        self.unshuffle = unshuffle
    }

    /// Every weight of the network by its canonical name, with its shape, in forward order.
    public func expectedShapes() -> [(name: String, shape: [Int])] {
        var result: [(name: String, shape: [Int])] = []
        func conv(_ name: String, _ input: Int, _ output: Int) {
            result.append(("\(name).weight", [output, input, 3, 3]))
            result.append(("\(name).bias", [output]))
        }
        let nf = features
        let gc = growth
        conv("conv_first", channels * unshuffle * unshuffle, nf)
        for b in 0..<blocks {
            for r in 1...3 {
                for i in 1...5 { conv("body.\(b).rdb\(r).conv\(i)", nf + (i - 1) * gc, i == 5 ? nf : gc) }
            }
        }
        for name in ["conv_body", "conv_up1", "conv_up2", "conv_hr"] { conv(name, nf, nf) }
        conv("conv_last", nf, channels)
        return result
    }
}
