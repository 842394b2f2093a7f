import Foundation
import Testing

@testable import MosaicStableDiffusion

/// The diffusers folders (fp32 and fp16 files) and the original-layout single files of the
/// fixtures hold the same fp16-exact random weights: every layout must give the same names,
/// shapes and bit-identical fp32 values.
@Suite struct LoaderFixtureTests {
    static let models = ["sd1", "sd2"]

    static func assertIdentical(_ a: any WeightSource, _ b: any WeightSource, _ label: String) throws {
        let onlyA = Set(a.tensorNames).subtracting(b.tensorNames).sorted()
        let onlyB = Set(b.tensorNames).subtracting(a.tensorNames).sorted()
        #expect(
            onlyA.isEmpty && onlyB.isEmpty,
            "\(label): only in the first: \(onlyA.prefix(8)), only in the second: \(onlyB.prefix(8))")
        #expect(!a.tensorNames.isEmpty)
        for name in a.tensorNames where b.contains(name) {
            let x = try a.tensor(named: name)
            let y = try b.tensor(named: name)
            #expect(x.shape == y.shape, "\(label) \(name): \(x.shape) vs \(y.shape)")
            let same = x.floats().map(\.bitPattern) == y.floats().map(\.bitPattern)
            #expect(same, "\(label) \(name): values differ")
        }
    }

    @Test(arguments: models) func fp32AndFp16FoldersGiveIdenticalWeights(model: String) throws {
        let full = try StableDiffusionFolder(path: Fixtures.folder(model))
        let half = try StableDiffusionFolder(path: Fixtures.folder(model), variant: "fp16")
        #expect(try full.unet.tensor(named: "conv_in.weight").dtype == .f32)
        #expect(try half.unet.tensor(named: "conv_in.weight").dtype == .f16)
        try Self.assertIdentical(full.unet, half.unet, "\(model) unet")
        try Self.assertIdentical(full.vae, half.vae, "\(model) vae")
        try Self.assertIdentical(full.textEncoder, half.textEncoder, "\(model) text encoder")
    }

    @Test(arguments: models) func singleFileGivesTheFolderWeightsAndConfigs(model: String) throws {
        let folder = try StableDiffusionFolder(path: Fixtures.folder(model))
        let single = try SingleFileCheckpoint(
            path: Fixtures.singleFile(model), options: .init(configDirectory: Fixtures.folder(model)))
        #expect(single.version == folder.version)
        try Self.assertIdentical(folder.unet, single.unet, "\(model) unet")
        try Self.assertIdentical(folder.vae, single.vae, "\(model) vae")
        try Self.assertIdentical(folder.textEncoder, single.textEncoder, "\(model) text encoder")
        #expect(single.unetConfig == folder.unetConfig)
        #expect(single.vaeConfig == folder.vaeConfig)
        #expect(single.textEncoderConfig == folder.textEncoderConfig)
        #expect(single.schedulerConfig.predictionType == folder.schedulerConfig.predictionType)
        // Only what real checkpoints carry and SD does not use is left over.
        let unused =
            model == "sd1"
            ? ["alphas_cumprod", "cond_stage_model.transformer.text_model.embeddings.position_ids"]
            : ["alphas_cumprod", "cond_stage_model.model.logit_scale", "cond_stage_model.model.text_projection"]
        #expect(single.unusedTensorNames == unused)
    }

    @Test(arguments: models) func singleFileConfigIsInferredFromShapes(model: String) throws {
        let folder = try StableDiffusionFolder(path: Fixtures.folder(model))
        let single = try SingleFileCheckpoint(path: Fixtures.singleFile(model))
        let (u, f) = (single.unetConfig, folder.unetConfig)
        #expect(u.blockOutChannels == f.blockOutChannels)
        #expect(u.downBlockTypes == f.downBlockTypes)
        #expect(u.upBlockTypes == f.upBlockTypes)
        #expect(u.layersPerBlock == f.layersPerBlock)
        #expect(u.crossAttentionDim == f.crossAttentionDim)
        #expect(u.useLinearProjection == f.useLinearProjection)
        #expect(u.inChannels == 4 && u.outChannels == 4)
        #expect(single.vaeConfig.blockOutChannels == folder.vaeConfig.blockOutChannels)
        #expect(single.vaeConfig.layersPerBlock == folder.vaeConfig.layersPerBlock)
        #expect(single.vaeConfig.latentChannels == 4)
        let (t, g) = (single.textEncoderConfig, folder.textEncoderConfig)
        #expect(t.hiddenSize == g.hiddenSize && t.numHiddenLayers == g.numHiddenLayers)
        #expect(t.intermediateSize == g.intermediateSize && t.vocabSize == 49408 && t.maxPositionEmbeddings == 77)
        #expect(t.hiddenAct == g.hiddenAct)
        // Not visible in the weights: the documented defaults, and the override.
        let expected: SchedulerConfigFile.PredictionType = model == "sd1" ? .epsilon : .vPrediction
        #expect(single.schedulerConfig.predictionType == expected)
        #expect(folder.schedulerConfig.predictionType == expected)
        let overridden = try SingleFileCheckpoint(
            path: Fixtures.singleFile(model), options: .init(predictionType: .epsilon))
        #expect(overridden.schedulerConfig.predictionType == .epsilon)
        #expect(single.unetConfig.attentionHeadDim == (model == "sd1" ? .single(8) : .perBlock([1, 1, 1])))
    }

    @Test func versionsAndTokenizerPaddingFollowTheModel() throws {
        let sd1 = try StableDiffusionLoader.open(path: Fixtures.folder("sd1"))
        let sd2 = try StableDiffusionLoader.open(path: Fixtures.folder("sd2"))
        #expect(sd1.version == .v1 && sd2.version == .v2)
        #expect(sd1.tokenizerFiles.padToken == "<|endoftext|>")
        #expect(sd2.tokenizerFiles.padToken == "!")
        let single1 = try StableDiffusionLoader.open(path: Fixtures.singleFile("sd1"))
        let single2 = try StableDiffusionLoader.open(path: Fixtures.singleFile("sd2"))
        #expect(single1.version == .v1 && single2.version == .v2)
        #expect(single1.tokenizerFiles.padToken == "<|endoftext|>" && single2.tokenizerFiles.padToken == "!")
        #expect(FileManager.default.fileExists(atPath: single1.tokenizerFiles.vocabularyPath))
    }

    @Test(arguments: models) func referenceTensorsHaveTheDocumentedShapes(model: String) throws {
        #expect(try Fixtures.floats(model, "unet.safetensors", "out_t981").shape == [2, 4, 8, 8])
        #expect(try Fixtures.floats(model, "text_encoder.safetensors", "last_hidden_state").shape == [4, 77, 24])
        #expect(try Fixtures.floats(model, "vae.safetensors", "decoder_out").shape == [1, 3, 64, 64])
        #expect(try Fixtures.floats(model, "pipeline.safetensors", "dpmpp_2m_karras_image").shape == [1, 64, 64, 3])
        #expect(try Fixtures.int64s(model, "text_encoder.safetensors", "input_ids").shape == [4, 77])
    }

    @Test func scopedViewsReadThroughThePrefix() throws {
        let folder = try StableDiffusionFolder(path: Fixtures.folder("sd1"))
        let block = folder.unet.scoped("down_blocks.0.")
        #expect(block.contains("resnets.0.conv1.weight"))
        let direct = try folder.unet.floats("down_blocks.0.resnets.0.conv1.weight")
        #expect(try block.floats("resnets.0.conv1.weight", shape: [16, 16, 3, 3]) == direct)
        #expect(block.scoped("resnets.0.").contains("conv1.weight"))
        #expect(block.tensorNames.allSatisfy { folder.unet.contains("down_blocks.0." + $0) })
        #expect(
            throws: ModelLoadError.shapeMismatch(
                name: "down_blocks.0.resnets.0.conv1.weight", expected: [16, 16, 3], actual: [16, 16, 3, 3])
        ) {
            try block.floats("resnets.0.conv1.weight", shape: [16, 16, 3])
        }
    }
}
