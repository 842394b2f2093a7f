import Foundation
import MosaicTensor

/// diffusers' `DiagonalGaussianDistribution`: the encoder's posterior over latents, from the
/// `2 * latent_channels` moments split into `mean` and `logvar` (clamped to [-30, 20]).
///
/// Reference: diffusers 0.42.1 `src/diffusers/models/autoencoders/vae.py`.
public struct DiagonalGaussianDistribution: Sendable {
    /// `[batch, latent_channels, H/8, W/8]`.
    public let mean: Tensor
    /// `[batch, latent_channels, H/8, W/8]`, clamped to [-30, 20].
    public let logvar: Tensor

    /// Splits `moments` (`[batch, 2 * C, h, w]`) along channels as `torch.chunk(moments, 2, dim=1)`.
    init(moments: Tensor) {
        let (batch, doubled, height, width) = moments.nchw
        let channels = doubled / 2
        let plane = height * width
        var mean = Tensor(zeros: [batch, channels, height, width])
        var logvar = mean
        for b in 0..<batch {
            for c in 0..<channels {
                for p in 0..<plane {
                    let target = (b * channels + c) * plane + p
                    mean.scalars[target] = moments.scalars[(b * doubled + c) * plane + p]
                    logvar.scalars[target] = min(
                        max(moments.scalars[(b * doubled + channels + c) * plane + p], -30), 20)
                }
            }
        }
        self.mean = mean
        self.logvar = logvar
    }

    /// The standard deviation `exp(0.5 * logvar)`.
    public var std: Tensor {
        var out = logvar
        for i in out.scalars.indices { out.scalars[i] = Foundation.exp(0.5 * out.scalars[i]) }
        return out
    }

    /// The posterior's mode (its mean), what `latent_dist.mode()` returns.
    public func mode() -> Tensor { mean }
}
