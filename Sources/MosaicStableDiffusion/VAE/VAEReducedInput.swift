import MosaicTensor

/// The reduced copy of a tiled run's input that fast mode runs once to fix every GroupNorm's
/// statistics, as the Tiled VAE extension (multidiffusion-upscaler `vae_optimize.py`,
/// `estimate_group_norm`) does: shrunk to at most one tile, then shifted and scaled per channel
/// to the full input's mean and standard deviation (shrinking smooths the input, which would
/// lower every later variance), and clamped to the full input's range.
///
/// The extension shrinks with `nearest-exact`; this takes area averages (adaptive average
/// pooling), which see every input pixel, so a detail between the sampled pixels still counts.
enum VAEReducedInput {
    /// `input` `[1, C, H, W]` averaged down so its longest side is at most `longestSide` (sides
    /// kept multiples of `multiple`), with the per-channel mean and std of `input`. As it is when
    /// it already fits.
    static func reduce(_ input: Tensor, toLongestSide longestSide: Int, multiple: Int) -> Tensor {
        let (_, channels, height, width) = input.nchw
        let (rows, columns) = size(height: height, width: width, longestSide: longestSide, multiple: multiple)
        guard rows != height || columns != width else { return input }
        var out = Tensor(zeros: [1, channels, rows, columns])
        for c in 0..<channels {
            let plane = input.scalars[(c * height * width)..<((c + 1) * height * width)]
            let base = plane.startIndex
            var reduced = [Double](repeating: 0, count: rows * columns)
            for r in 0..<rows {
                // torch.nn.functional.adaptive_avg_pool2d's windows.
                let y0 = r * height / rows
                let y1 = ((r + 1) * height + rows - 1) / rows
                for q in 0..<columns {
                    let x0 = q * width / columns
                    let x1 = ((q + 1) * width + columns - 1) / columns
                    var sum = 0.0
                    for y in y0..<y1 {
                        for x in x0..<x1 { sum += Double(plane[base + y * width + x]) }
                    }
                    reduced[r * columns + q] = sum / Double((y1 - y0) * (x1 - x0))
                }
            }
            let full = moments(plane.lazy.map(Double.init))
            let small = moments(reduced)
            let gain = small.std > 0 ? full.std / small.std : 1
            let low = Double(plane.min() ?? 0)
            let high = Double(plane.max() ?? 0)
            for i in reduced.indices {
                let matched = (reduced[i] - small.mean) * gain + full.mean
                out.scalars[c * rows * columns + i] = Float(min(max(matched, low), high))
            }
        }
        return out
    }

    /// The reduced size of a `height x width` input: scaled down to a longest side of at most
    /// `longestSide`, each side rounded down to a multiple of `multiple` (at least one multiple).
    static func size(height: Int, width: Int, longestSide: Int, multiple: Int) -> (height: Int, width: Int) {
        guard max(height, width) > longestSide, longestSide > 0 else { return (height, width) }
        let scale = Double(longestSide) / Double(max(height, width))
        func side(_ full: Int) -> Int { max(multiple, Int(Double(full) * scale) / multiple * multiple) }
        return (side(height), side(width))
    }

    /// Mean and population standard deviation.
    static func moments<Values: Collection<Double>>(_ values: Values) -> (mean: Double, std: Double) {
        let n = Double(max(1, values.count))
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        return (mean, variance.squareRoot())
    }
}
