// Lanczos-3 resizing as Pillow's `Image.resize(size, Image.LANCZOS)` computes it, since
// diffusers' image processor resizes init images that way and an img2img render must start
// from the same pixels. Pillow's libImaging/Resample.c semantics, which decide every rounding:
// - separable: a horizontal pass into an 8-bit intermediate image, then a vertical pass (each
//   only when that side changes);
// - the kernel's support is 3 source pixels, times the scale when shrinking (`filterscale`),
//   and each output pixel's window is [center - support + 0.5, center + support + 0.5),
//   truncated to integers and clamped to the image;
// - the weights of a window are normalised to sum to 1 in Double, then made 22-bit fixed point
//   (rounded half away from zero), summed in integers from a bias of half a unit, shifted
//   back and clamped to 0...255.
// Rows are independent in both passes, so the result is the same for any thread count.
import Dispatch
import Foundation

/// Resizes `RGBImage`s with Lanczos-3, matching Pillow bit for bit.
public enum LanczosResampler {
    /// Pillow's `PRECISION_BITS` for 8-bit images: 32 - 8 - 2.
    static let precisionBits = 22
    /// The Lanczos-3 kernel's support in source pixels at scale 1.
    static let support = 3.0

    /// The fixed-point weights of one axis: output pixel `i` reads `counts[i]` source pixels
    /// from `starts[i]`, with weights `weights[i * width ..< i * width + counts[i]]`.
    struct Coefficients {
        var starts: [Int]
        var counts: [Int]
        var width: Int
        var weights: [Int32]
    }

    /// `image` resized to `width` x `height`, using up to `threads` threads.
    ///
    /// - Throws: `ImageError.invalidDimensions` for a side below 1 or too large to hold.
    public static func resize(_ image: RGBImage, width: Int, height: Int, threads: Int = 1) throws(ImageError)
        -> RGBImage
    {
        _ = try RGBImage.byteCount(width: width, height: height)
        if width == image.width, height == image.height { return image }
        let vertical = coefficients(inSize: image.height, outSize: height)
        var source = image
        if width != image.width {
            // Only the rows the vertical pass reads, as Pillow does; it changes no value.
            let first = vertical.starts.first ?? 0
            let last = zip(vertical.starts, vertical.counts).map { $0 + $1 }.max() ?? image.height
            let rows = height == image.height ? 0..<image.height : first..<last
            source = horizontal(
                image, rows: rows, coefficients: coefficients(inSize: image.width, outSize: width), threads: threads)
            if height == image.height { return source }
            return verticalPass(source, offset: rows.lowerBound, coefficients: vertical, threads: threads)
        }
        return verticalPass(source, offset: 0, coefficients: vertical, threads: threads)
    }

    /// Pillow's `precompute_coeffs` and `normalize_coeffs_8bpc` for one axis.
    static func coefficients(inSize: Int, outSize: Int) -> Coefficients {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = Self.support * filterScale
        let width = Int(support.rounded(.up)) * 2 + 1
        var result = Coefficients(
            starts: [], counts: [], width: width, weights: [Int32](repeating: 0, count: outSize * width))
        var window = [Double](repeating: 0, count: width)
        // Pillow multiplies by the reciprocal; dividing would round differently.
        let reciprocal = 1.0 / filterScale
        for output in 0..<outSize {
            let center = (Double(output) + 0.5) * scale
            // Int(_:) truncates toward zero, as C's (int) cast does.
            let start = max(0, Int(center - support + 0.5))
            let count = min(inSize, Int(center + support + 0.5)) - start
            var sum = 0.0
            for x in 0..<count {
                let weight = lanczos((Double(x + start) - center + 0.5) * reciprocal)
                window[x] = weight
                sum += weight
            }
            let unit = Double(1 << precisionBits)
            for x in 0..<count {
                let weight = sum != 0 ? window[x] / sum : window[x]
                result.weights[output * width + x] = Int32(weight < 0 ? -0.5 + weight * unit : 0.5 + weight * unit)
            }
            result.starts.append(start)
            result.counts.append(count)
        }
        return result
    }

    /// Pillow's `lanczos_filter`: sinc(x) * sinc(x / 3) on [-3, 3).
    static func lanczos(_ x: Double) -> Double {
        guard -support <= x, x < support else { return 0 }
        return sinc(x) * sinc(x / support)
    }

    /// sin(pi x) / (pi x), 1 at 0.
    static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let angle = x * Double.pi
        return sin(angle) / angle
    }

    /// The fixed-point sum back to a sample: shift out the precision, clamp to 0...255.
    @inline(__always) static func clip8(_ sum: Int) -> UInt8 {
        UInt8(clamping: sum >> precisionBits)
    }

    /// The horizontal pass over `rows` of `image`.
    static func horizontal(_ image: RGBImage, rows: Range<Int>, coefficients: Coefficients, threads: Int) -> RGBImage {
        let outWidth = coefficients.counts.count
        var out = [UInt8](repeating: 0, count: outWidth * rows.count * 3)
        let bias = 1 << (precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                let (source, target) = (SendableSamples(source), SendableBuffer(target))
                forEachBand(rows.count, threads: threads) { band in
                    for row in band {
                        let input = (rows.lowerBound + row) * image.width * 3
                        let output = row * outWidth * 3
                        for x in 0..<outWidth {
                            let start = coefficients.starts[x]
                            let base = x * coefficients.width
                            var (red, green, blue) = (bias, bias, bias)
                            for k in 0..<coefficients.counts[x] {
                                let weight = Int(coefficients.weights[base + k])
                                let at = input + (start + k) * 3
                                red += Int(source[at]) * weight
                                green += Int(source[at + 1]) * weight
                                blue += Int(source[at + 2]) * weight
                            }
                            target[output + x * 3] = clip8(red)
                            target[output + x * 3 + 1] = clip8(green)
                            target[output + x * 3 + 2] = clip8(blue)
                        }
                    }
                }
            }
        }
        return RGBImage(uncheckedWidth: outWidth, height: rows.count, pixels: out)
    }

    /// The vertical pass; `offset` is the first source row `image` holds.
    static func verticalPass(_ image: RGBImage, offset: Int, coefficients: Coefficients, threads: Int) -> RGBImage {
        let outHeight = coefficients.counts.count
        let rowSize = image.width * 3
        var out = [UInt8](repeating: 0, count: rowSize * outHeight)
        let bias = 1 << (precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                let (source, target) = (SendableSamples(source), SendableBuffer(target))
                forEachBand(outHeight, threads: threads) { band in
                    var sums = [Int](repeating: 0, count: rowSize)
                    for y in band {
                        let start = coefficients.starts[y] - offset
                        let base = y * coefficients.width
                        for i in 0..<rowSize { sums[i] = bias }
                        for k in 0..<coefficients.counts[y] {
                            let weight = Int(coefficients.weights[base + k])
                            let input = (start + k) * rowSize
                            for i in 0..<rowSize { sums[i] += Int(source[input + i]) * weight }
                        }
                        for i in 0..<rowSize { target[y * rowSize + i] = clip8(sums[i]) }
                    }
                }
            }
        }
        return RGBImage(uncheckedWidth: image.width, height: outHeight, pixels: out)
    }

    /// Runs `body` over `count` rows split into at most `threads` contiguous bands.
    static func forEachBand(_ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let bands = max(1, min(threads, count))
        if bands == 1 { return body(0..<count) }
        DispatchQueue.concurrentPerform(iterations: bands) { band in
            body(count * band / bands..<count * (band + 1) / bands)
        }
    }
}
