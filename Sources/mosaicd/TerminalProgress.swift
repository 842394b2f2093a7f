import Foundation
import MosaicRender
import Synchronization

/// Shows the progress of a one-shot `mosaicd render` on stderr: a redrawn bar on a terminal,
/// plain lines otherwise.
final class TerminalProgress: Sendable {
    private let isTerminal: Bool
    private let lastDraw = Mutex<Double>(0)
    private let label: String

    init(label: String) {
        self.label = label
        isTerminal = isatty(STDERR_FILENO) == 1
    }

    func report(_ progress: RenderProgress) {
        let stepFinished = progress.tilesTotal == 0
        if isTerminal {
            let now = Date().timeIntervalSince1970
            let draw = lastDraw.withLock { last -> Bool in
                guard stepFinished || now - last >= 0.1 else { return false }
                last = now
                return true
            }
            if draw { write("\r\u{1B}[K" + bar(progress)) }
        } else if stepFinished {
            write(line(progress) + "\n")
        }
    }

    func finish(_ message: String) {
        write((isTerminal ? "\r\u{1B}[K" : "") + message + "\n")
    }

    private func bar(_ p: RenderProgress) -> String {
        let fraction =
            (Double(p.stepsDone) + (p.tilesTotal > 0 ? Double(p.tilesDone) / Double(p.tilesTotal) : 0))
            / Double(max(p.stepsTotal, 1))
        let width = 24
        let filled = Int(fraction * Double(width))
        let tiles = p.tilesTotal > 0 ? " tiles \(p.tilesDone)/\(p.tilesTotal)" : ""
        return "\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
            + "step \(p.stepsDone)/\(p.stepsTotal)\(tiles) \(Self.clock(p.elapsed)) elapsed"
            + (p.estimatedRemaining.map { ", ETA \(Self.clock($0))" } ?? "")
    }

    private func line(_ p: RenderProgress) -> String {
        "\(label): step \(p.stepsDone)/\(p.stepsTotal) elapsed \(String(format: "%.1f", p.elapsed))s"
            + (p.estimatedRemaining.map { " eta \(String(format: "%.1f", $0))s" } ?? "")
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%02d:%02d", s / 60, s % 60)
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
