import MosaicAPI
import MosaicClient

/// Runs one action per job id, reporting each failure and going on with the rest.
enum EachJob {
    /// Calls `action` for every id; a failure prints one line and the first one's status is the
    /// command's, so `cancel 7 8 9` cancels 9 even if 8 is not yours.
    static func run(_ ids: [Int64], _ action: (Int64) throws(ClientError) -> Void) throws {
        var first: CtlError?
        for id in ids {
            do throws(ClientError) { try action(id) } catch {
                let failure = CtlError(error).about("job \(id)")
                if ids.count == 1 { throw failure }
                Terminal.printError(failure.message)
                first = first ?? failure
            }
        }
        if let first {
            throw CtlError(first.status, "\(ids.count == 1 ? "" : "some jobs failed; first: ")\(first.message)")
        }
    }
}
