import Foundation

/// The few numpy routines diffusers' `set_timesteps` uses, reproduced with numpy 2.x's float64
/// arithmetic so that timesteps come out identical (including numpy's round-half-to-even).
enum NumPyCompat {
    /// `np.linspace(start, stop, num)` (endpoint included), float64.
    static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        guard num > 1 else { return num == 1 ? [start] : [] }
        let step = (stop - start) / Double(num - 1)
        var y = (0..<num).map { Double($0) * step + start }
        y[num - 1] = stop
        return y
    }

    /// `np.arange(start, stop, step)` with a float step, float64. numpy fills element `i >= 2`
    /// as `start + i * ((start + step) - start)`, which is not always `start + i * step`.
    static func arange(_ start: Double, _ stop: Double, _ step: Double) -> [Double] {
        let length = Int(((stop - start) / step).rounded(.up))
        guard length > 0 else { return [] }
        let second = start + step
        let delta = second - start
        return (0..<length).map { i in
            switch i {
            case 0: start
            case 1: second
            default: start + Double(i) * delta
            }
        }
    }

    /// `np.round(x)`: round half to even.
    static func round(_ x: Double) -> Double {
        x.rounded(.toNearestOrEven)
    }

    /// `np.interp(x, np.arange(len(fp)), fp)` for one point: linear interpolation over integer
    /// abscissae, clamped to the end values.
    static func interpOverIndices(_ x: Double, _ fp: [Float]) -> Double {
        let last = fp.count - 1
        if x <= 0 { return Double(fp[0]) }
        if x >= Double(last) { return Double(fp[last]) }
        let j = Int(x.rounded(.down))
        if Double(j) == x { return Double(fp[j]) }
        let slope = (Double(fp[j + 1]) - Double(fp[j])) / 1.0
        return slope * (x - Double(j)) + Double(fp[j])
    }
}
