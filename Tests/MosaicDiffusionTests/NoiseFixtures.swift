import Foundation

/// Reader for `Fixtures/noise/` (written by scripts/reference/make_noise_fixtures.py).
struct NoiseFixtures: Decodable {
    struct Draw: Decodable {
        let shape: [Int]
        let numel: Int
        let file: String
    }

    /// torch's generator state after a case's last draw.
    struct State: Decodable {
        let initialSeed: String
        let left: Int
        let next: Int
        let doubleNormalValid: Bool
        let doubleNormalBits: String
        let floatNormalValid: Bool
        let wordsFile: String
    }

    /// A fresh `manual_seed(seed)` generator and the draws taken from it in order.
    struct Case: Decodable {
        let name: String
        let seed: String
        let draws: [Draw]
        let stateAfter: State
    }

    enum LoadError: Error, CustomStringConvertible {
        case unreadable(String, any Error)
        case badLength(String, bytes: Int, expected: Int)
        case badNumber(String)

        var description: String {
            switch self {
            case .unreadable(let file, let error): "cannot read fixture \(file): \(error)"
            case .badLength(let file, let bytes, let expected):
                "fixture \(file) has \(bytes) bytes, expected \(expected)"
            case .badNumber(let text): "fixture number \(text) does not parse"
            }
        }
    }

    let torchVersion: String
    let cpuCapability: String
    let cases: [Case]

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/noise", isDirectory: true)

    static func load() throws(LoadError) -> NoiseFixtures {
        let data = try bytes("index.json")
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(NoiseFixtures.self, from: data)
        } catch {
            throw .unreadable("index.json", error)
        }
    }

    static func bytes(_ file: String) throws(LoadError) -> Data {
        do {
            return try Data(contentsOf: directory.appendingPathComponent(file))
        } catch {
            throw .unreadable(file, error)
        }
    }

    /// Little-endian 32-bit words of `file`, which must hold exactly `count` of them.
    static func words(_ file: String, count: Int) throws(LoadError) -> [UInt32] {
        let data = try bytes(file)
        guard data.count == count * 4 else { throw .badLength(file, bytes: data.count, expected: count * 4) }
        return stride(from: 0, to: data.count, by: 4).map { offset in
            (0..<4).reduce(UInt32(0)) { word, k in word | UInt32(data[data.startIndex + offset + k]) << (8 * k) }
        }
    }

    static func uint64(_ text: String, radix: Int = 10) throws(LoadError) -> UInt64 {
        guard let value = UInt64(text, radix: radix) else { throw .badNumber(text) }
        return value
    }
}
