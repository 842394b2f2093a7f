/// The one naming of text encoder weights that Mosaic uses: transformers 5's `CLIPTextModel`
/// names without the `text_model.` prefix that older files (and original checkpoints) carry.
/// The int64 `position_ids` buffer is not a weight and is left out.
enum TextEncoderNames {
    /// `file`'s float tensors under normalised names.
    static func normalized(_ file: SafeTensorsWeights) -> RenamedWeights {
        var entries: [String: RenamedWeights.Entry] = [:]
        for name in file.tensorNames where !name.hasSuffix("position_ids") {
            let exposed = name.hasPrefix("text_model.") ? String(name.dropFirst("text_model.".count)) : name
            entries[exposed] = RenamedWeights.Entry(source: name)
        }
        return RenamedWeights(file: file, entries: entries, label: file.file.path)
    }
}
