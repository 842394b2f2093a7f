import MosaicTensor

/// transformers' `CLIPTextEmbeddings`: `token_embedding(input_ids) + position_embedding(arange(T))`.
///
/// The token table stays in its stored precision (49408 rows; an fp16 ViT-H table is 100 MB) and
/// only the rows of the prompt's tokens are widened.
///
/// Reference: transformers 5.24.0 `src/transformers/models/clip/modeling_clip.py`.
struct CLIPTextEmbeddings: Sendable {
    /// `token_embedding.weight`, `[vocab_size, hidden_size]`.
    let tokenEmbedding: WeightTensor
    /// `position_embedding.weight`, `[max_position_embeddings, hidden_size]`, as fp32.
    let positionEmbedding: [Float]
    /// Width of one embedding.
    let hiddenSize: Int
    /// Rows of the token table.
    let vocabSize: Int
    /// Rows of the position table.
    let maxPositions: Int

    /// Loads `token_embedding.weight` and `position_embedding.weight` with their shapes checked.
    init(_ weights: any WeightSource, config: CLIPTextConfig) throws(ModelLoadError) {
        hiddenSize = config.hiddenSize
        vocabSize = config.vocabSize
        maxPositions = config.maxPositionEmbeddings
        let table = try weights.tensor(named: "token_embedding.weight")
        guard table.shape == [vocabSize, hiddenSize] else {
            throw .shapeMismatch(
                name: UNetParameters.fullName("token_embedding.weight", in: weights),
                expected: [vocabSize, hiddenSize], actual: table.shape)
        }
        tokenEmbedding = table
        let positions = try weights.tensor(named: "position_embedding.weight")
        guard positions.shape == [maxPositions, hiddenSize] else {
            throw .shapeMismatch(
                name: UNetParameters.fullName("position_embedding.weight", in: weights),
                expected: [maxPositions, hiddenSize], actual: positions.shape)
        }
        positionEmbedding = positions.floats()
    }

    /// `[batch * tokens, hidden]` embeddings of `ids` (every row `tokens` long, already checked).
    func callAsFunction(_ ids: [[Int]], tokens: Int) -> [Float] {
        let width = hiddenSize
        let rowBytes = width * tokenEmbedding.dtype.byteSize
        let dtype = tokenEmbedding.dtype
        var out = [Float](repeating: 0, count: ids.count * tokens * width)
        out.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let table = tokenEmbedding.bytes.baseAddress else { return }
            for (b, row) in ids.enumerated() {
                for (t, id) in row.enumerated() {
                    let dst = base + (b * tokens + t) * width
                    let src = table + id * rowBytes
                    switch dtype {
                    case .f32: HalfConversion.float32ToFloat32(src, dst, count: width)
                    case .f16: HalfConversion.float16ToFloat32(src, dst, count: width)
                    case .bf16: HalfConversion.bfloat16ToFloat32(src, dst, count: width)
                    }
                    for i in 0..<width { dst[i] += positionEmbedding[t * width + i] }
                }
            }
        }
        return out
    }
}
