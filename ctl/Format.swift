import Foundation
import MosaicAPI

/// Short human forms of times, sizes and progress for tables and progress lines.
enum Format {
    /// `02:05`, or `1:02:05` from an hour on.
    static func clock(_ seconds: Double) -> String {
        let s = Int(max(0, seconds).rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%02d:%02d", s / 60, s % 60)
    }

    /// The largest whole unit: `45s`, `12m`, `3h`, `5d`.
    static func age(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return "\(s / 60)m"
        case ..<86_400: return "\(s / 3600)h"
        default: return "\(s / 86_400)d"
        }
    }

    /// Two units for longer spans: `3h 2m`, `2d 4h`.
    static func uptime(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        switch s {
        case ..<3600: return "\(s / 60)m \(s % 60)s"
        case ..<86_400: return "\(s / 3600)h \(s / 60 % 60)m"
        default: return "\(s / 86_400)d \(s / 3600 % 24)h"
        }
    }

    /// A local timestamp with milliseconds: `2026-11-27 07:30:00.123`.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.string(from: date)
    }

    /// `WxH`, with `?` for the daemon's default.
    /// Bytes in binary units, one decimal: `9.1 GiB`.
    static func bytes(_ count: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var index = 0
        while value >= 1024, index < units.count - 1 {
            value /= 1024
            index += 1
        }
        return index == 0 ? "\(count) bytes" : String(format: "%.1f %@", value, units[index])
    }

    static func size(_ render: RenderSpec) -> String {
        "\(render.width.map(String.init) ?? "?")x\(render.height.map(String.init) ?? "?")"
    }

    /// The fraction of the render done, counting the tiles of the current step.
    static func fraction(_ progress: JobProgress) -> Double {
        guard progress.steps > 0 else { return 0 }
        let tiles = progress.tilesTotal > 0 ? Double(progress.tilesDone) / Double(progress.tilesTotal) : 0
        return min(1, (Double(progress.step) + (progress.step < progress.steps ? tiles : 0)) / Double(progress.steps))
    }

    /// `step 12/30`; in a staged job `stage 2/5 step 3/15`, or `stage 2/5 decode` while it decodes.
    static func position(_ progress: JobProgress) -> String {
        let stage = progress.stages.map { "stage \((progress.stage ?? 0) + 1)/\($0) " } ?? ""
        if progress.phase == .decode { return stage + "decode" }
        return stage + "step \(progress.step)/\(progress.steps)"
    }

    /// `41%`.
    static func percent(_ progress: JobProgress) -> String { "\(Int((fraction(progress) * 100).rounded(.down)))%" }

    /// At most `width` characters, with an ellipsis when cut; newlines become spaces.
    static func truncate(_ text: String, to width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard flat.count > width else { return flat }
        return String(flat.prefix(max(width - 1, 0))) + "…"
    }
}
