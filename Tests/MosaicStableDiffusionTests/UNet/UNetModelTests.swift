import Foundation
import MosaicTensor
import Testing

@testable import MosaicStableDiffusion

/// Whole tiny UNets (SD 1.x- and 2.x-shaped) on random weights: shapes, determinism across thread
/// counts and weight policies, typed errors. (Agreement with diffusers: the fixture tests.)
@Suite struct UNetModelTests {
    static let sd1 = UNetConfig(
        blockOutChannels: [32, 64], downBlockTypes: ["CrossAttnDownBlock2D", "DownBlock2D"],
        upBlockTypes: ["UpBlock2D", "CrossAttnUpBlock2D"], layersPerBlock: 1, crossAttentionDim: 24,
        attentionHeadDim: .single(4), normNumGroups: 8)
    static let sd2 = UNetConfig(
        blockOutChannels: [32, 64, 64],
        downBlockTypes: ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
        upBlockTypes: ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"], layersPerBlock: 2,
        crossAttentionDim: 16,
        attentionHeadDim: .perBlock([2, 4, 4]), useLinearProjection: true, normNumGroups: 8, flipSinToCos: true)

    @Test(arguments: [0, 1])
    func tinyUNetRunsAndIsDeterministic(which: Int) throws {
        let config = which == 0 ? Self.sd1 : Self.sd2
        let (unet, weights) = try RandomWeights.build(dtype: .f16) { ws throws(ModelLoadError) in
            try UNet2DConditionModel(config: config, weights: ws, policy: .stored)
        }
        let cached = try UNet2DConditionModel(config: config, weights: weights, policy: .cacheFloat32)
        let sample = try Tensor(shape: [2, 4, 8, 12], scalars: UNetBlockTests.random(2 * 4 * 8 * 12, seed: 9))
        let states = try Tensor(
            shape: [2, 5, config.crossAttentionDim],
            scalars: UNetBlockTests.random(2 * 5 * config.crossAttentionDim, seed: 10))
        let serial = try unet(sample, timesteps: [981, 1], encoderHiddenStates: states, context: .serial)
        #expect(serial.shape == [2, 4, 8, 12])
        #expect(serial.scalars.allSatisfy { $0.isFinite })
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        let parallel = try unet(
            sample, timesteps: [981, 1], encoderHiddenStates: states, context: ComputeContext(pool: pool))
        // Two threads split the GEMMs into other shapes, so the sums run in another order: float
        // rounding, about 1e-6 with OpenBLAS's AVX-512 kernels (under 1e-6 with its generic ones).
        #expect(relativeL2(parallel.scalars, serial.scalars.map(Double.init)) < 1e-5)
        let fromCache = try cached(sample, timesteps: [981, 1], encoderHiddenStates: states, context: .serial)
        #expect(relativeL2(fromCache.scalars, serial.scalars.map(Double.init)) < 1e-6)
        // The batch is independent per image: image 1 alone gives the same numbers.
        let single = try unet(
            try Tensor(shape: [1, 4, 8, 12], scalars: Array(sample.scalars[(4 * 8 * 12)...])),
            timesteps: [1],
            encoderHiddenStates: try Tensor(
                shape: [1, 5, config.crossAttentionDim],
                scalars: Array(states.scalars[(5 * config.crossAttentionDim)...])), context: .serial)
        #expect(relativeL2(single.scalars, serial.scalars[(4 * 8 * 12)...].map(Double.init)) < 1e-5)
    }

    @Test func rejectsBadShapesWithContext() throws {
        let (unet, _) = try RandomWeights.build(dtype: .f32) { ws throws(ModelLoadError) in
            try UNet2DConditionModel(config: Self.sd1, weights: ws)
        }
        let states = Tensor(zeros: [1, 5, 24])
        #expect(throws: UNetError.invalidSample(shape: [1, 4, 7, 8], inChannels: 4, multiple: 2)) {
            try unet(Tensor(zeros: [1, 4, 7, 8]), timesteps: [1], encoderHiddenStates: states, context: .serial)
        }
        #expect(throws: UNetError.invalidEncoderHiddenStates(shape: [1, 5, 24], batch: 2, crossAttentionDim: 24)) {
            try unet(Tensor(zeros: [2, 4, 8, 8]), timesteps: [1], encoderHiddenStates: states, context: .serial)
        }
        #expect(throws: UNetError.invalidTimesteps(count: 2, batch: 1)) {
            try unet(Tensor(zeros: [1, 4, 8, 8]), timesteps: [1, 2], encoderHiddenStates: states, context: .serial)
        }
    }

    @Test func reportsMissingAndMisshapenWeights() throws {
        let (_, weights) = try RandomWeights.build(dtype: .f32) { ws throws(ModelLoadError) in
            try UNet2DConditionModel(config: Self.sd1, weights: ws)
        }
        var wider = Self.sd1
        wider.crossAttentionDim = 32
        #expect(
            throws: ModelLoadError.shapeMismatch(
                name: "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight",
                expected: [32, 32], actual: [32, 24])
        ) {
            try UNet2DConditionModel(config: wider, weights: weights)
        }
    }

    /// The analytic FLOP count of the SD 1.5 UNet at 64x64, batch 2 (PyTorch counts 1.61 TFLOP).
    @Test func flopCountOfSD15() {
        let config = UNetConfig(
            blockOutChannels: [320, 640, 1280, 1280],
            downBlockTypes: ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
            upBlockTypes: ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
            layersPerBlock: 2, crossAttentionDim: 768, attentionHeadDim: .single(8))
        let flops = UNetFLOPs.forward(config: config, batch: 2, height: 64, width: 64, tokens: 77)
        #expect(abs(flops / 1.61e12 - 1) < 0.05, "\(flops / 1e12) TFLOP")
    }
}
