import Foundation
import GRDB
import MosaicAPI

extension Job {
    /// Reads a `jobs` row (all columns, e.g. `SELECT *` or `RETURNING *`).
    ///
    /// Throws `StoreError.corruptRow` rather than trapping, so a row written by hand or by a
    /// newer daemon cannot crash this one.
    init(row: Row) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        let stateText: String = try row.decode(forColumn: "state")
        guard let state = JobState(rawValue: stateText) else {
            throw StoreError.corruptRow(id: id, column: "state", value: stateText)
        }
        let render = try RenderSpec(row: row)
        var progress: JobProgress?
        if let step: Int = try row.decode(forColumn: "progress_step") {
            progress = JobProgress(
                step: step, steps: try row.decode(forColumn: "progress_steps"),
                tilesDone: try row.decode(forColumn: "tiles_done"),
                tilesTotal: try row.decode(forColumn: "tiles_total"),
                elapsedSeconds: try row.decode(forColumn: "elapsed_seconds"),
                etaSeconds: try row.decode(forColumn: "eta_seconds"),
                stage: try row.decode(forColumn: "progress_stage"),
                stages: try row.decode(forColumn: "progress_stages"),
                phase: try row.decode(String?.self, forColumn: "progress_phase").flatMap(RenderPhase.init(rawValue:)))
        }
        var canceledBy: Owner?
        if let uid: UInt32 = try row.decode(forColumn: "canceled_by_uid") {
            canceledBy = Owner(uid: uid, name: try row.decode(forColumn: "canceled_by_name"))
        }
        self.init(
            id: id, state: state, render: render, priority: try row.decode(forColumn: "priority"),
            owner: Owner(uid: try row.decode(forColumn: "owner_uid"), name: try row.decode(forColumn: "owner_name")),
            attempts: try row.decode(forColumn: "attempts"),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at_ms")),
            startedAt: try row.decode(Int64?.self, forColumn: "started_at_ms").map(Date.init(millisecondsSince1970:)),
            finishedAt: try row.decode(Int64?.self, forColumn: "finished_at_ms").map(Date.init(millisecondsSince1970:)),
            progress: progress, checkpointStep: try row.decode(forColumn: "checkpoint_step"),
            error: try row.decode(forColumn: "error"), canceledBy: canceledBy,
            outputPath: try row.decode(forColumn: "output_path"))
        resumeCount = try row.decode(forColumn: "resume_count")
        batchId = try row.decode(forColumn: "batch_id")
        if let step: Int = try row.decode(forColumn: "resume_step"),
            let note: String = try row.decode(forColumn: "last_resume_note")
        {
            lastResume = ResumeInfo(
                fromStep: step, reusedTiles: try row.decode(Int?.self, forColumn: "last_resume_reused_tiles") ?? 0,
                lostSteps: try row.decode(Int?.self, forColumn: "last_resume_lost_steps") ?? 0, note: note)
        }
    }
}

extension Job {
    /// The jobs of a `SELECT *`, read through a cursor over a cached statement.
    ///
    /// A cursor's rows find a column through the statement's index of names (a dictionary);
    /// the rows `Row.fetchAll` copies compare lowercased names one by one, quadratic in a job's
    /// 40 columns. The statement is prepared once per connection: preparing it (SQLite's
    /// authorizer callback per column included) costs more than running it.
    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Job] {
        try Array(Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments).map { try Job(row: $0) })
    }

    /// The first job of a `SELECT *` (see `fetchAll`).
    static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Job? {
        try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments).map { try Job(row: $0) }.next()
    }
}

extension RenderSpec {
    /// The render columns of `jobs`, in the order of `databaseValues`.
    static let columns = [
        "prompt", "negative_prompt", "model", "width", "height", "steps", "sampler", "guidance", "seed",
        "tiling", "tile_size", "tile_overlap", "tile_weighting", "lossless", "quality", "init_image", "strength",
        "stages", "strengths", "upscaler",
    ]

    /// The values to store in `columns`. The seed keeps its bit pattern: SQLite integers are
    /// signed, and GRDB's UInt64 conversion traps above Int64.max.
    var databaseValues: [(any DatabaseValueConvertible)?] {
        [
            prompt, negativePrompt, model, width, height, steps, sampler, guidance.map { Double($0) },
            seed.map { Int64(bitPattern: $0) }, tiling, tileSize, tileOverlap, tileWeighting, lossless,
            quality.map { Double($0) }, initImage, strength.map { Double($0) }, stages?.description,
            strengths.map(Self.listText), upscaler,
        ]
    }

    /// A list of numbers as one column: `1,0.5,0.4`.
    static func listText(_ values: [Float]) -> String { values.map { "\($0)" }.joined(separator: ",") }

    /// The numbers of a ``listText(_:)`` column; nil when one does not parse.
    static func list(_ text: String) -> [Float]? {
        let values = text.split(separator: ",").compactMap { Float($0) }
        return values.count == text.split(separator: ",").count ? values : nil
    }

    /// Reads the render columns of a `jobs` row.
    init(row: Row) throws {
        self.init(
            prompt: try row.decode(forColumn: "prompt"),
            negativePrompt: try row.decode(forColumn: "negative_prompt"),
            model: try row.decode(forColumn: "model"),
            width: try row.decode(forColumn: "width"), height: try row.decode(forColumn: "height"),
            steps: try row.decode(forColumn: "steps"), sampler: try row.decode(forColumn: "sampler"),
            guidance: try row.decode(Double?.self, forColumn: "guidance").map(Float.init),
            seed: try row.decode(Int64?.self, forColumn: "seed").map { UInt64(bitPattern: $0) },
            tiling: try row.decode(forColumn: "tiling"), tileSize: try row.decode(forColumn: "tile_size"),
            tileOverlap: try row.decode(forColumn: "tile_overlap"),
            tileWeighting: try row.decode(forColumn: "tile_weighting"),
            lossless: try row.decode(forColumn: "lossless"),
            quality: try row.decode(Double?.self, forColumn: "quality").map(Float.init),
            initImage: try row.decode(forColumn: "init_image"),
            strength: try row.decode(Double?.self, forColumn: "strength").map(Float.init))
        let id: Int64 = try row.decode(forColumn: "id")
        if let text: String = try row.decode(forColumn: "stages") {
            guard let parsed = StageRequest(text) else {
                throw StoreError.corruptRow(id: id, column: "stages", value: text)
            }
            stages = parsed
        }
        if let text: String = try row.decode(forColumn: "strengths") {
            guard let parsed = Self.list(text) else {
                throw StoreError.corruptRow(id: id, column: "strengths", value: text)
            }
            strengths = parsed
        }
        upscaler = try row.decode(forColumn: "upscaler")
    }
}
