import Foundation
import MosaicTensor
import Testing

@testable import MosaicStableDiffusion

/// The UNet against diffusers' `UNet2DConditionModel` outputs recorded by the fixture script
/// (`sdN/reference/unet.safetensors`), for the SD 1.x- and 2.x-shaped models, from the fp32 and fp16
/// diffusers folders and the fp16 single file, serial and on two threads: at most 1e-4 relative L2.
@Suite struct UNetFixtureTests {
    static let layouts: [(String, String)] = [
        ("sd1", "fp32"), ("sd1", "fp16"), ("sd1", "single"),
        ("sd2", "fp32"), ("sd2", "fp16"), ("sd2", "single"),
    ]

    @Test(arguments: 0..<layouts.count)
    func unetMatchesDiffusers(index: Int) throws {
        let (model, layout) = Self.layouts[index]
        let checkpoint: any StableDiffusionCheckpoint =
            switch layout {
            case "fp32": try StableDiffusionFolder(path: Fixtures.folder(model))
            case "fp16": try StableDiffusionFolder(path: Fixtures.folder(model), variant: "fp16")
            default:
                try SingleFileCheckpoint(
                    path: Fixtures.singleFile(model),
                    options: .init(configDirectory: Fixtures.folder(model)))
            }
        let unet = try UNet2DConditionModel(config: checkpoint.unetConfig, weights: checkpoint.unet)
        let reference = try SafeTensorsWeights(path: Fixtures.reference(model, "unet.safetensors"))
        let sample = try Tensor(shape: reference.shape(of: "sample"), scalars: reference.floats("sample"))
        let states = try Tensor(
            shape: reference.shape(of: "encoder_hidden_states"),
            scalars: reference.floats("encoder_hidden_states"))
        let pool = WorkerPool(threadCount: 2)
        defer { pool.shutdown() }
        for step in [981, 1] {
            let timestep = try reference.floats("timestep_\(step)")
            let expected = try reference.floats("out_t\(step)").map(Double.init)
            for context in [ComputeContext.serial, ComputeContext(pool: pool)] {
                let out = try unet(sample, timesteps: timestep, encoderHiddenStates: states, context: context)
                #expect(out.shape == [2, 4, 8, 8])
                let error = relativeL2(out.scalars, expected)
                #expect(
                    error <= 1e-4, "\(model) \(layout) t=\(step) threads \(context.threadCount): relative L2 \(error)")
            }
        }
    }
}
