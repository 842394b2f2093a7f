import MosaicTensor

/// The model's current prediction of the clean latent, box-averaged down to at most
/// ``maxSide`` latent pixels on the long side: what a preview decodes.
///
/// Made during every step straight from the latent and the fused model output, so no
/// canvas-sized prediction (67 MB at 16376 px) is allocated every step or held between steps.
public struct PreviewLatent: Sendable, Equatable {
    /// The longest side in latent pixels (1024 image pixels for an 8x model).
    public static let maxSide = 128

    /// Channel-major values, `channels x height x width`.
    public let values: [Float]
    /// The model's latent channels.
    public let channels: Int
    /// The width in latent pixels.
    public let width: Int
    /// The height in latent pixels.
    public let height: Int

    /// The side of the square block of canvas pixels one preview pixel averages.
    public static func factor(latentWidth: Int, latentHeight: Int) -> Int {
        max(1, (max(latentWidth, latentHeight) + maxSide - 1) / maxSide)
    }

    /// Averages `x0 = (inputScale * latent - s * noise) / a` over blocks of a
    /// `channels x latentHeight x latentWidth` canvas, with `a = sqrt(alphaCumprod)` and
    /// `s = sqrt(1 - alphaCumprod)`: the clean latent the model predicts, for the model input
    /// `inputScale * latent = a x0 + s eps`, whatever the sampler.
    ///
    /// Blocks are ``factor(latentWidth:latentHeight:)`` square, or the whole side where a side
    /// is shorter (a 16376 x 64 px image's preview is 1016 x 8). The last `latentWidth % factor`
    /// columns and `latentHeight % factor` rows are left out. Preview rows are spread over `pool`.
    public static func predicting(
        latent: UnsafeBufferPointer<Float>, noise: UnsafeBufferPointer<Float>, channels: Int,
        latentWidth: Int, latentHeight: Int, inputScale: Float, alphaCumprod: Double, pool: WorkerPool?
    ) -> PreviewLatent {
        let factor = factor(latentWidth: latentWidth, latentHeight: latentHeight)
        let blockWidth = min(factor, latentWidth)
        let blockHeight = min(factor, latentHeight)
        let width = latentWidth / blockWidth
        let height = latentHeight / blockHeight
        let canvas = channels * latentWidth * latentHeight
        precondition(latent.count >= canvas && noise.count >= canvas, "latent or noise smaller than the canvas")
        let a = Float(alphaCumprod.squareRoot())
        let s = Float((1 - alphaCumprod).squareRoot())
        let norm = 1 / Float(blockWidth * blockHeight)
        // x0 is affine in the latent and the noise, so a block's mean is the affine map of the
        // two block sums: each canvas value is read once, added in SIMD registers, with no
        // division per value, since this pass runs over the whole canvas.
        let values = [Float](unsafeUninitializedCapacity: channels * width * height) { small, initialized in
            guard let l = latent.baseAddress, let n = noise.baseAddress, let out = small.baseAddress else { return }
            ComputeContext(pool: pool).parallelRanges(channels * height, align: 1) { rows in
                var latentSums = [Float](repeating: 0, count: width)
                var noiseSums = [Float](repeating: 0, count: width)
                for row in rows {
                    let c = row / height
                    let y = row % height
                    for x in 0..<width {
                        latentSums[x] = 0
                        noiseSums[x] = 0
                    }
                    for dy in 0..<blockHeight {
                        let rowStart = (c * latentHeight + y * blockHeight + dy) * latentWidth
                        for x in 0..<width {
                            let start = rowStart + x * blockWidth
                            latentSums[x] += sum(l + start, count: blockWidth)
                            noiseSums[x] += sum(n + start, count: blockWidth)
                        }
                    }
                    // In the naive order for one value: a 1 x 1 block gives exactly (iS l - s n) / a.
                    for x in 0..<width {
                        out[row * width + x] = (inputScale * latentSums[x] - s * noiseSums[x]) / a * norm
                    }
                }
            }
            initialized = channels * width * height
        }
        return PreviewLatent(values: values, channels: channels, width: width, height: height)
    }

    /// The sum of `count` floats from `values`, eight lanes at a time.
    @inline(__always)
    private static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
            lanes += UnsafeRawPointer(values + index).loadUnaligned(as: SIMD8<Float>.self)
            index += 8
        }
        var total = lanes.sum()
        while index < count {
            total += values[index]
            index += 1
        }
        return total
    }
}
