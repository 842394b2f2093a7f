/// Configuration read off an original-layout checkpoint's tensor shapes, as diffusers'
/// `create_*_diffusers_config_from_ldm` functions do from the LDM YAML (whose numbers are
/// themselves visible in the shapes).
struct SingleFileInference {
    let file: SafeTensorsWeights
    let path: String

    /// The shape of a file tensor, checking its rank.
    func shape(_ name: String, rank: Int) throws(ModelLoadError) -> [Int] {
        guard let info = file.file.info(name) else { throw .missingTensor(name: name, file: path) }
        guard info.shape.count == rank else {
            throw .shapeMismatch(name: name, expected: Array(repeating: -1, count: rank), actual: info.shape)
        }
        return info.shape
    }

    /// The UNet configuration of `unet` (diffusers names).
    func unetConfig(
        _ unet: RenamedWeights, layersPerBlock: Int, version: StableDiffusionVersion,
        options: SingleFileCheckpoint.Options
    ) throws(ModelLoadError) -> UNetConfig {
        let convIn = try unet.shape(of: "conv_in.weight")
        let convOut = try unet.shape(of: "conv_out.weight")
        var channels: [Int] = []
        var down: [String] = []
        var up: [String] = []
        var block = 0
        while unet.contains("down_blocks.\(block).resnets.0.conv1.weight") {
            channels.append(try unet.shape(of: "down_blocks.\(block).resnets.0.conv1.weight")[0])
            down.append(
                unet.contains("down_blocks.\(block).attentions.0.proj_in.weight")
                    ? "CrossAttnDownBlock2D" : "DownBlock2D")
            up.append(
                unet.contains("up_blocks.\(block).attentions.0.proj_in.weight") ? "CrossAttnUpBlock2D" : "UpBlock2D")
            block += 1
        }
        guard !channels.isEmpty, convIn.count == 4, convOut.count == 4 else {
            throw .unknownArchitecture("\(path): the UNet has no down blocks")
        }
        guard convIn[1] == 4 else {
            throw .unknownArchitecture(
                "\(path): UNet with \(convIn[1]) input channels (inpainting or depth models are not supported)")
        }
        guard let attention = unet.tensorNames.first(where: { $0.hasSuffix(".attn2.to_k.weight") }),
            let projIn = unet.tensorNames.first(where: { $0.hasSuffix(".proj_in.weight") })
        else { throw .unknownArchitecture("\(path): the UNet has no cross-attention") }
        let crossAttentionDim = try unet.shape(of: attention)[1]
        let linear = try unet.shape(of: projIn).count == 2
        let firstAttention = projIn.dropLast("proj_in.weight".count)
        let depth = Set(
            unet.tensorNames.compactMap { name -> Int? in
                guard name.hasPrefix(firstAttention + "transformer_blocks.") else { return nil }
                return Int(name.dropFirst(firstAttention.count + "transformer_blocks.".count).split(separator: ".")[0])
            }
        ).count
        let heads =
            options.attentionHeadDim
            ?? (version == .v1 ? .single(8) : .perBlock(channels.map { max(1, $0 / 64) }))
        return UNetConfig(
            inChannels: convIn[1], outChannels: convOut[0], blockOutChannels: channels, downBlockTypes: down,
            upBlockTypes: up, layersPerBlock: layersPerBlock, crossAttentionDim: crossAttentionDim,
            attentionHeadDim: heads, transformerLayersPerBlock: .single(max(1, depth)), useLinearProjection: linear,
            upcastAttention: version == .v2, sampleSize: version == .v2 ? 96 : 64)
    }

    /// The autoencoder configuration of `vae` (diffusers names).
    func vaeConfig(_ vae: RenamedWeights) throws(ModelLoadError) -> VAEConfig {
        var channels: [Int] = []
        while vae.contains("encoder.down_blocks.\(channels.count).resnets.0.conv1.weight") {
            channels.append(try vae.shape(of: "encoder.down_blocks.\(channels.count).resnets.0.conv1.weight")[0])
        }
        var layers = 0
        while vae.contains("encoder.down_blocks.0.resnets.\(layers).conv1.weight") { layers += 1 }
        guard !channels.isEmpty, layers > 0 else {
            throw .unknownArchitecture("\(path): the VAE has no encoder blocks")
        }
        return VAEConfig(
            inChannels: try vae.shape(of: "encoder.conv_in.weight")[1],
            outChannels: try vae.shape(of: "decoder.conv_out.weight")[0],
            blockOutChannels: channels, layersPerBlock: layers,
            latentChannels: try vae.shape(of: "decoder.conv_in.weight")[1],
            useQuantConv: vae.contains("quant_conv.weight"), usePostQuantConv: vae.contains("post_quant_conv.weight"))
    }

    /// The text encoder configuration of `text` (Mosaic's text encoder names).
    func textConfig(_ text: RenamedWeights, version: StableDiffusionVersion) throws(ModelLoadError) -> CLIPTextConfig {
        let embedding = try text.shape(of: "embeddings.token_embedding.weight")
        let positions = try text.shape(of: "embeddings.position_embedding.weight")
        var layers = 0
        while text.contains("encoder.layers.\(layers).mlp.fc1.weight") { layers += 1 }
        guard embedding.count == 2, positions.count == 2, layers > 0 else {
            throw .unknownArchitecture("\(path): the text encoder has no layers")
        }
        let hidden = embedding[1]
        return CLIPTextConfig(
            vocabSize: embedding[0], hiddenSize: hidden,
            intermediateSize: try text.shape(of: "encoder.layers.0.mlp.fc1.weight")[0],
            numHiddenLayers: layers, numAttentionHeads: max(1, hidden / 64), maxPositionEmbeddings: positions[0],
            hiddenAct: version == .v2 ? "gelu" : "quick_gelu", projectionDim: version == .v2 ? 512 : 768)
    }

    /// Configs from a diffusers folder, checked against what the shapes say.
    func configs(
        from directory: String, inferred: (unet: UNetConfig, vae: VAEConfig, text: CLIPTextConfig)
    ) throws(ModelLoadError) -> (
        unet: UNetConfig, vae: VAEConfig, text: CLIPTextConfig, scheduler: SchedulerConfigFile?
    ) {
        let unetPath = FileSystem.join(directory, "unet/config.json")
        let vaePath = FileSystem.join(directory, "vae/config.json")
        let textPath = FileSystem.join(directory, "text_encoder/config.json")
        let schedulerPath = FileSystem.join(directory, "scheduler/scheduler_config.json")
        let unet = try UNetConfig.load(path: unetPath)
        let vae = try VAEConfig.load(path: vaePath)
        let text = try CLIPTextConfig.load(path: textPath)
        let scheduler = FileSystem.exists(schedulerPath) ? try SchedulerConfigFile.load(path: schedulerPath) : nil
        func same<T: Equatable>(_ key: String, _ file: String, _ config: T, _ weights: T) throws(ModelLoadError) {
            guard config == weights else {
                throw .invalidConfig(path: file, reason: "\(key) is \(config) but \(path)'s tensors give \(weights)")
            }
        }
        let i = inferred
        try same("block_out_channels", unetPath, unet.blockOutChannels, i.unet.blockOutChannels)
        try same("layers_per_block", unetPath, unet.layersPerBlock, i.unet.layersPerBlock)
        try same("cross_attention_dim", unetPath, unet.crossAttentionDim, i.unet.crossAttentionDim)
        try same("use_linear_projection", unetPath, unet.useLinearProjection, i.unet.useLinearProjection)
        try same("block_out_channels", vaePath, vae.blockOutChannels, i.vae.blockOutChannels)
        try same("layers_per_block", vaePath, vae.layersPerBlock, i.vae.layersPerBlock)
        try same("hidden_size", textPath, text.hiddenSize, i.text.hiddenSize)
        try same("num_hidden_layers", textPath, text.numHiddenLayers, i.text.numHiddenLayers)
        return (unet, vae, text, scheduler)
    }
}
