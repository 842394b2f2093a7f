import MosaicTestSupport
import Testing

@testable import MosaicTensor

@Suite struct ConvAndLinearTests {
    @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 33, 65), (100, 40, 96), (300, 64, 128)])
    func linearMatchesReference(shape: (Int, Int, Int)) {
        let (rows, inF, outF) = shape
        var rng = SeededGenerator(seed: UInt64(rows * 1000 + inF * 10 + outF))
        let x = rng.floats(rows * inF)
        let w = rng.floats(outF * inF)
        let b = rng.floats(outF)
        for threads in [1, 2] {
            for useBias in [false, true] {
                var out = [Float](repeating: .nan, count: rows * outF)
                let run = { (ctx: ComputeContext) in
                    x.withUnsafeBufferPointer { xp in
                        w.withUnsafeBufferPointer { wp in
                            b.withUnsafeBufferPointer { bp in
                                out.withUnsafeMutableBufferPointer { op in
                                    Linear.forward(
                                        xp.baseAddress!, rows: rows, inFeatures: inF, weight: wp.baseAddress!,
                                        bias: useBias ? bp.baseAddress! : nil, outFeatures: outF,
                                        output: op.baseAddress!, context: ctx)
                                }
                            }
                        }
                    }
                }
                if threads == 1 { run(.serial) } else { withTwoThreads(run) }
                let ref = NNReference.linear(x, rows: rows, inF: inF, w: w, b: useBias ? b : nil, outF: outF)
                #expect(relativeL2(out, ref) < 1e-5, "linear \(shape) threads \(threads) bias \(useBias)")
            }
        }
    }

    static let convCases: [(Conv2DGeometry, Int, Int, Int)] = [
        (Conv2DGeometry(inChannels: 3, outChannels: 4, kernel: 3, padding: 1), 1, 8, 8),
        (Conv2DGeometry(inChannels: 5, outChannels: 7, kernel: 3, padding: 1), 2, 9, 13),
        (Conv2DGeometry(inChannels: 4, outChannels: 6, kernel: 3, stride: 2, padding: 1), 2, 10, 11),
        (
            Conv2DGeometry(
                inChannels: 4, outChannels: 6, kernelHeight: 3, kernelWidth: 3, stride: 2,
                padTop: 0, padBottom: 1, padLeft: 0, padRight: 1), 2, 8, 8
        ),
        (Conv2DGeometry(inChannels: 8, outChannels: 5, kernel: 1), 2, 7, 6),
        (Conv2DGeometry(inChannels: 3, outChannels: 2, kernel: 1, stride: 2), 1, 7, 7),
        (
            Conv2DGeometry(
                inChannels: 2, outChannels: 3, kernelHeight: 2, kernelWidth: 5, stride: 1,
                padTop: 2, padBottom: 0, padLeft: 1, padRight: 3), 1, 6, 9
        ),
        (Conv2DGeometry(inChannels: 16, outChannels: 24, kernel: 3, padding: 1), 2, 20, 20),
        (Conv2DGeometry(inChannels: 3, outChannels: 4, kernel: 3, padding: 0), 1, 3, 3),
    ]

    @Test(arguments: 0..<convCases.count)
    func conv2dMatchesReference(index: Int) {
        let (g, batch, h, w) = Self.convCases[index]
        var rng = SeededGenerator(seed: UInt64(index + 1))
        let x = rng.floats(batch * g.inChannels * h * w)
        let weight = rng.floats(g.weightCount)
        let bias = rng.floats(g.outChannels)
        let ref = NNReference.conv2d(x, batch: batch, h: h, w: w, g: g, weight: weight, bias: bias)
        // Budgets force one row per block, a few rows, and everything at once; 1 and 2 threads.
        for budget in [1, g.patchSize * g.outputWidth(w) * 2, Conv2D.defaultColumnBudget] {
            for threads in [1, 2] {
                var out = [Float](repeating: .nan, count: ref.count)
                let run = { (ctx: ComputeContext) in
                    x.withUnsafeBufferPointer { xp in
                        weight.withUnsafeBufferPointer { wp in
                            bias.withUnsafeBufferPointer { bp in
                                out.withUnsafeMutableBufferPointer { op in
                                    Conv2D.forward(
                                        xp.baseAddress!, batch: batch, height: h, width: w, geometry: g,
                                        weight: wp.baseAddress!, bias: bp.baseAddress!, output: op.baseAddress!,
                                        context: ctx, columnBudget: budget)
                                }
                            }
                        }
                    }
                }
                if threads == 1 { run(.serial) } else { withTwoThreads(run) }
                #expect(relativeL2(out, ref) < 1e-5, "conv case \(index) budget \(budget) threads \(threads)")
            }
        }
    }

    @Test func conv2dLargeSplitsAcrossThreads() {
        // Big enough for ParallelGEMM to split (m*n*k >= 2^20) on both paths.
        let g = Conv2DGeometry(inChannels: 32, outChannels: 48, kernel: 3, padding: 1)
        var rng = SeededGenerator(seed: 99)
        let x = rng.floats(32 * 24 * 24)
        let weight = rng.floats(g.weightCount)
        let ref = NNReference.conv2d(x, batch: 1, h: 24, w: 24, g: g, weight: weight, bias: nil)
        var out = [Float](repeating: .nan, count: ref.count)
        withTwoThreads { ctx in
            x.withUnsafeBufferPointer { xp in
                weight.withUnsafeBufferPointer { wp in
                    out.withUnsafeMutableBufferPointer { op in
                        Conv2D.forward(
                            xp.baseAddress!, batch: 1, height: 24, width: 24, geometry: g, weight: wp.baseAddress!,
                            bias: nil, output: op.baseAddress!, context: ctx)
                    }
                }
            }
        }
        #expect(relativeL2(out, ref) < 1e-5)
    }
}
