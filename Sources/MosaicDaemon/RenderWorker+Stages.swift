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
        for index in 0..<(staged.count - 1) where FileManager.default.fileExists(atPath: stageImagePath(job.id, stage: index)) {
            first = index + 1
        }
        return first
    }

    /// Deletes the kept stage images of `job` (a canceled or failed job keeps none).
    func removeStageImages(of job: Job) {
        guard case .sides(let sides) = job.render.stages else { return }
        for index in sides.indices { try? FileManager.default.removeItem(atPath: stageImagePath(job.id, stage: index)) }
    }
}
