import Synchronization

/// How long one tile evaluation takes, per model and tile size, as measured by the renders since
/// the daemon started: the rate behind `POST /v1/plan`'s time estimate.
final class TileRates: Sendable {
    struct Key: Hashable {
        let model: String
        let tileSize: Int
    }

    struct Rate {
        var seconds = 0.0
        var tiles = 0
    }

    private let rates = Mutex<[Key: Rate]>([:])

    /// Records one tile evaluation of `seconds` (reused tiles are not measurements).
    func record(model: String, tileSize: Int, seconds: Double) {
        guard seconds > 0 else { return }
        rates.withLock { rates in
            rates[Key(model: model, tileSize: tileSize), default: Rate()].seconds += seconds
            rates[Key(model: model, tileSize: tileSize), default: Rate()].tiles += 1
        }
    }

    /// The mean seconds per tile of `model` at `tileSize` and the tiles measured; from another
    /// tile size of the same model scaled by the tiles' areas when this one has none.
    func secondsPerTile(model: String, tileSize: Int) -> (seconds: Double, tiles: Int)? {
        rates.withLock { rates in
            if let rate = rates[Key(model: model, tileSize: tileSize)], rate.tiles > 0 {
                return (rate.seconds / Double(rate.tiles), rate.tiles)
            }
            let other = rates.filter { $0.key.model == model && $0.value.tiles > 0 }.max {
                $0.value.tiles < $1.value.tiles
            }
            guard let other else { return nil }
            let area = Double(tileSize * tileSize) / Double(other.key.tileSize * other.key.tileSize)
            return (other.value.seconds / Double(other.value.tiles) * area, other.value.tiles)
        }
    }
}
