/// The shape of a 2-D convolution: channels, kernel, stride and (possibly asymmetric) padding.
public struct Conv2DGeometry: Sendable, Equatable {
    /// Input channels.
    public var inChannels: Int
    /// Output channels.
    public var outChannels: Int
    /// Kernel height.
    public var kernelHeight: Int
    /// Kernel width.
    public var kernelWidth: Int
    /// Stride along both axes.
    public var stride: Int
    /// Zero rows added above the input.
    public var padTop: Int
    /// Zero rows added below the input.
    public var padBottom: Int
    /// Zero columns added left of the input.
    public var padLeft: Int
    /// Zero columns added right of the input.
    public var padRight: Int

    /// A `kernel x kernel` convolution with the same padding on every side (`torch.nn.Conv2d`).
    public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.init(
            inChannels: inChannels, outChannels: outChannels, kernelHeight: kernel, kernelWidth: kernel,
            stride: stride, padTop: padding, padBottom: padding, padLeft: padding, padRight: padding)
    }

    /// A convolution with every field given (asymmetric padding, as diffusers' `Downsample2D`
    /// with `padding=0` pads right and bottom by one).
    public init(
        inChannels: Int, outChannels: Int, kernelHeight: Int, kernelWidth: Int, stride: Int,
        padTop: Int, padBottom: Int, padLeft: Int, padRight: Int
    ) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = max(1, stride)
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
    }

    /// Output height for an input of `height` rows.
    public func outputHeight(_ height: Int) -> Int { (height + padTop + padBottom - kernelHeight) / stride + 1 }
    /// Output width for an input of `width` columns.
    public func outputWidth(_ width: Int) -> Int { (width + padLeft + padRight - kernelWidth) / stride + 1 }
    /// Rows of the unfolded (im2col) matrix: `inChannels * kernelHeight * kernelWidth`.
    public var patchSize: Int { inChannels * kernelHeight * kernelWidth }
    /// Whether the convolution is a plain matrix product over pixels (1x1, stride 1, no padding).
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padTop == 0 && padBottom == 0
            && padLeft == 0 && padRight == 0
    }
    /// Weight elements, `[outChannels, inChannels, kernelHeight, kernelWidth]`.
    public var weightCount: Int { outChannels * patchSize }
    /// Multiply-adds times two for one image of `height x width`.
    public func flops(height: Int, width: Int) -> Double {
        2 * Double(outChannels) * Double(patchSize) * Double(outputHeight(height) * outputWidth(width))
    }
}
