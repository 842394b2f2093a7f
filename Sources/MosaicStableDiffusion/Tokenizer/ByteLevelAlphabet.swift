/// GPT-2's byte-to-unicode table (`bytes_to_unicode` in CLIP and transformers): printable
/// Latin-1 bytes map to themselves, the other 68 to U+0100 onwards, so every byte sequence is a
/// string of visible characters and BPE never sees whitespace or control characters.
///
/// Reference: tokenizers 0.23.3 `tokenizers/src/pre_tokenizers/byte_level.rs` (`bytes_char`).
enum ByteLevelAlphabet {
    /// The symbol of each byte value.
    static let symbols: [String] = {
        var printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var codePoints = printable
        var next = 0
        for byte in 0..<256 where !printable.contains(byte) {
            printable.append(byte)
            codePoints.append(256 + next)
            next += 1
        }
        var table = [String](repeating: "", count: 256)
        for (byte, point) in zip(printable, codePoints) {
            table[byte] = Unicode.Scalar(UInt32(point)).map { String(Character($0)) } ?? ""
        }
        return table
    }()
}
