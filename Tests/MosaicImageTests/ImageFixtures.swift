// Reader for Fixtures/decode and Fixtures/lanczos (written by scripts/reference/make_image_fixtures.py
// with Pillow).
import Foundation

enum ImageFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures", isDirectory: true)

    struct DecodeCase: Decodable {
        let name: String
        let file: String
        let format: String
        let refusal: String?
        let width: Int?
        let height: Int?
    }

    struct DecodeIndex: Decodable {
        let pillow: String
        let cases: [DecodeCase]
    }

    struct LanczosTarget: Decodable {
        let width: Int
        let height: Int
        let file: String
    }

    struct LanczosSource: Decodable {
        let name: String
        let width: Int
        let height: Int
        let targets: [LanczosTarget]
    }

    struct LanczosIndex: Decodable {
        let pillow: String
        let sources: [LanczosSource]
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(path)))
    }

    static func decodeIndex() throws -> DecodeIndex {
        try JSONDecoder().decode(DecodeIndex.self, from: Data(bytes("decode/index.json")))
    }

    static func lanczosIndex() throws -> LanczosIndex {
        try JSONDecoder().decode(LanczosIndex.self, from: Data(bytes("lanczos/index.json")))
    }
}
