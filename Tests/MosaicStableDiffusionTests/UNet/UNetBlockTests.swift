import Foundation
import MosaicTensor
import MosaicTestSupport
import Testing

@testable import MosaicStableDiffusion

/// Each UNet block against `NaiveModules` on random weights and inputs, serial and on two threads.
@Suite struct UNetBlockTests {
    static func random(_ n: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return generator.floats(n)
    }

    static func contexts(_ body: (ComputeContext) throws -> Void) rethrows {
        try body(.serial)
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        try body(ComputeContext(pool: pool))
    }

    @Test(arguments: [(8, 16, 6, 5), (16, 16, 4, 4)])
    func resnetBlockMatchesNaive(shape: (Int, Int, Int, Int)) throws {
        let (cin, cout, h, w) = shape
        let (block, weights) = try RandomWeights.build(dtype: .f32) { ws throws(ModelLoadError) in
            try ResnetBlock2D(ws.scoped("r."), in: cin, out: cout, temb: 12, groups: 4, eps: 1e-5, policy: .stored)
        }
        let x = Self.random(2 * cin * h * w, seed: 1)
        let temb = Self.random(2 * 12, seed: 2)
        let naive = NaiveModules(weights: weights)
        let ref = naive.resnet(
            x.map(Double.init), "r.", temb: temb.map(Double.init), batch: 2, cin: cin, cout: cout,
            h: h, w: w, tembDim: 12, groups: 4)
        let siluTemb = temb.map { $0 / (1 + exp(-$0)) }
        try Self.contexts { context in
            let out = block(try Tensor(shape: [2, cin, h, w], scalars: x), siluTemb: siluTemb, context: context)
            #expect(out.shape == [2, cout, h, w])
            #expect(relativeL2(out.scalars, ref) < 1e-5, "threads \(context.threadCount)")
        }
    }

    @Test(arguments: [false, true])
    func transformerMatchesNaive(linearProjection: Bool) throws {
        let (c, h, w, heads, keys, cross) = (16, 5, 6, 2, 7, 12)
        let (model, weights) = try RandomWeights.build(dtype: .f16) { ws throws(ModelLoadError) in
            try Transformer2DModel(
                ws.scoped("t."), channels: c, heads: heads, layers: 1, crossDim: cross, groups: 4,
                linearProjection: linearProjection, policy: .stored)
        }
        let x = Self.random(2 * c * h * w, seed: 3)
        let encoder = Self.random(2 * keys * cross, seed: 4)
        let ref = NaiveModules(weights: weights).transformer(
            x.map(Double.init), "t.", encoder: encoder.map(Double.init), keys: keys, crossDim: cross, batch: 2, c: c,
            h: h, w: w, heads: heads, groups: 4, linearProjection: linearProjection)
        try Self.contexts { context in
            let out = model(try Tensor(shape: [2, c, h, w], scalars: x), encoder: (encoder, keys), context: context)
            #expect(relativeL2(out.scalars, ref) < 1e-5, "threads \(context.threadCount)")
        }
    }

    @Test func downsampleAndUpsampleMatchNaive() throws {
        let (down, weights) = try RandomWeights.build(dtype: .bf16) { ws throws(ModelLoadError) in
            (
                try Downsample2D(ws.scoped("d."), channels: 6, policy: .stored),
                try Upsample2D(ws.scoped("u."), channels: 6, policy: .cacheFloat32)
            )
        }
        let x = Self.random(2 * 6 * 7 * 8, seed: 5)
        let naive = NaiveModules(weights: weights)
        let refDown = naive.conv(
            x.map(Double.init), "d.conv", batch: 2, cin: 6, cout: 6, h: 7, w: 8, k: 3, stride: 2, pad: 1)
        var upsampled = [Double](repeating: 0, count: 2 * 6 * 14 * 16)
        for p in 0..<12 {
            for y in 0..<14 {
                for xo in 0..<16 { upsampled[(p * 14 + y) * 16 + xo] = Double(x[(p * 7 + y / 2) * 8 + xo / 2]) }
            }
        }
        let refUp = naive.conv(upsampled, "u.conv", batch: 2, cin: 6, cout: 6, h: 14, w: 16, k: 3, pad: 1).out
        try Self.contexts { context in
            let input = try Tensor(shape: [2, 6, 7, 8], scalars: x)
            let d = down.0(input, context: context)
            #expect(d.shape == [2, 6, refDown.h, refDown.w])
            #expect(relativeL2(d.scalars, refDown.out) < 1e-5)
            let u = down.1(input, context: context)
            #expect(u.shape == [2, 6, 14, 16])
            #expect(relativeL2(u.scalars, refUp) < 1e-5)
        }
    }
}
