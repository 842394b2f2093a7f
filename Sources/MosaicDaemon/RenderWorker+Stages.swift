import Foundation
import MosaicAPI
import MosaicRender

extension RenderWorker {
    /// Where stage `index` (from 0) of job `id` keeps its image: `<id>.stage-<index + 1>.webp`
    /// beside the outputs, lossless. The last stage's image is the job's output.
    func stageImagePath(_ id: Int64, stage index: Int) -> String {
        outputDirectory.appendingPathComponent("\(id).stage-\(index + 1).webp").path
    }

    /// The first stage of `job` to run: the one after the last stage whose image is kept (a
    /// stage image is written atomically, so one that exists is whole).
    func keptStages(of job: Job, _ staged: StagedRender) -> Int {
        var first = 0
        for index in 0..<(staged.count - 1)
        where FileManager.default.fileExists(atPath: stageImagePath(job.id, stage: index)) {
            first = index + 1
        }
        return first
    }

    /// The stored pixels of the job's init image (lossless WebP), if it names one.
    func initImagePath(of job: Job) throws(RenderError) -> String? {
        guard let id = job.render.initImage else { return nil }
        let found: ImageRecord?
        do { found = try images.record(id: id) } catch { throw .initImage("cannot look up image \(id): \(error)") }
        guard let record = found else { throw .initImage("image \(id) no longer exists") }
        return images.path(digest: record.digest)
    }

    /// The upscaler between the job's stages.
    func upscaler(for staged: StagedRender) throws(RenderError) -> any StageUpscaler {
        try staged.upscaler(catalog: catalog)
    }

    /// Deletes the kept stage images of `job` (a canceled or failed job keeps none).
    func removeStageImages(of job: Job) {
        guard case .sides(let sides) = job.render.stages else { return }
        for index in sides.indices { try? FileManager.default.removeItem(atPath: stageImagePath(job.id, stage: index)) }
    }
}
