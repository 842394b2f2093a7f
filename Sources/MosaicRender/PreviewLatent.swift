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
        let blockWidth = min(factor, latentWidth), blockHeight = min(factor, latentHeight)
        let width = latentWidth / blockWidth, height = latentHeight / blockHeight
        let canvas = channels * latentWidth * latentHeight
        precondition(latent.count >= canvas && noise.count >= canvas, "latent or noise smaller than the canvas")
        let a = Float(alphaCumprod.squareRoot()), s = Float((1 - alphaCumprod).squareRoot())
        let norm = 1 / Float(blockWidth * blockHeight)
        let values = [Float](unsafeUninitializedCapacity: channels * width * height) { small, initialized in
            guard let l = latent.baseAddress, let n = noise.baseAddress, let out = small.baseAddress else { return }
            ComputeContext(pool: pool).parallelRanges(channels * height, align: 1) { rows in
                for row in rows {
                    let c = row / height, y = row % height
                    for x in 0..<width {
                        var sum: Float = 0
                        for dy in 0..<blockHeight {
                            let source = (c * latentHeight + y * blockHeight + dy) * latentWidth + x * blockWidth
                            for dx in 0..<blockWidth {
                                sum += (inputScale * l[source + dx] - s * n[source + dx]) / a
                            }
                        }
                        out[row * width + x] = sum * norm
                    }
                }
            }
            initialized = channels * width * height
        }
        return PreviewLatent(values: values, channels: channels, width: width, height: height)
    }
}
