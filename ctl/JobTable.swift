import Foundation
import MosaicAPI

/// Jobs as the aligned table people read: ID, STATE, PRI, OWNER, SIZE, STEPS, PROGRESS, AGE, PROMPT.
struct JobTable {
    /// The jobs, in the order shown.
    let jobs: [Job]
    /// The time ages are counted to.
    var now = Date()

    /// The lines; the prompt is cut to fit `columns` (a terminal), or to 60 characters.
    func render(columns: Int?) -> [String] {
        var table = TextTable(
            headers: ["ID", "STATE", "PRI", "OWNER", "SIZE", "STEPS", "PROGRESS", "AGE", "PROMPT"],
            rightAligned: [0, 2, 5, 7])
        for job in jobs {
            table.add([
                String(job.id), job.state.rawValue, String(job.priority), job.owner.name, Format.size(job.render),
                job.render.steps.map(String.init) ?? "-", progress(job),
                Format.age(now.timeIntervalSince(job.createdAt)), job.render.prompt,
            ])
        }
        let promptWidth = max(20, (columns ?? (table.leadingWidth + 60)) - table.leadingWidth)
        var fitted = TextTable(headers: table.headers, rightAligned: table.rightAligned)
        for row in table.rows { fitted.add(row.dropLast() + [Format.truncate(row[row.count - 1], to: promptWidth)]) }
        return fitted.render()
    }

    private func progress(_ job: Job) -> String {
        switch job.state {
        case .queued: return "-"
        case .succeeded: return "100%"
        case .running:
            guard let progress = job.progress else { return "starting" }
            return Format.percent(progress) + (progress.etaSeconds.map { " ETA \(Format.clock($0))" } ?? "")
        case .failed, .canceled:
            return job.progress.map { "\(Format.percent($0)) at stop" } ?? "-"
        }
    }
}
