import Foundation
import MosaicAPI

/// `--json` output: each value as one line of the API's own JSON (snake_case, ISO 8601 dates).
enum JSONOutput {
    /// Prints `value` as one JSON line on stdout.
    static func print(_ value: some Encodable) throws {
        let data: Data
        do { data = try APICoding.encoder().encode(value) } catch {
            throw CtlError(.failure, "cannot encode JSON output: \(error)")
        }
        Terminal.print(String(decoding: data, as: UTF8.self))
    }
}
