import Foundation
import MosaicAPI
import MosaicRender

/// Refuses jobs that the machine cannot finish: their estimated peak memory or disk use
/// (`ResourceEstimator`) exceeds the configured budget.
///
/// A job is checked twice: at submission (422 with the estimate and the budget) and again when
/// the worker claims it, against what the machine has then, so a job queued while memory or
/// disk was plentiful is failed with a clear message instead of being killed halfway.
public struct AdmissionControl: Sendable {
    /// The memory budget (`max_job_memory`).
    public let memoryBudget: ByteBudget
    /// The disk budget (`max_job_disk`), of the state directory's free space.
    public let diskBudget: ByteBudget
    let stateDirectory: String
    let estimator: ResourceEstimator
    let catalog: ModelCatalog
    /// Available memory when the daemon started: submissions made while a render holds memory
    /// are measured against an idle machine, as they will run on one.
    let memoryAtStart: Int

    /// Creates the policy; measures the machine's available memory now.
    public init(
        memoryBudget: ByteBudget, diskBudget: ByteBudget, stateDirectory: String, threads: Int,
        catalog: ModelCatalog
    ) {
        self.memoryBudget = memoryBudget
        self.diskBudget = diskBudget
        self.stateDirectory = stateDirectory
        self.catalog = catalog
        estimator = ResourceEstimator(threads: threads)
        memoryAtStart = MachineResources.availableMemory()
    }

    /// The budget in bytes, at submission (`atClaim` false) or when a job is about to start.
    public func budget(atClaim: Bool) -> ResourceBudget {
        let memory = atClaim ? MachineResources.availableMemory() : memoryAtStart
        return ResourceBudget(
            memoryBytes: memoryBudget.resolve(available: memory),
            diskBytes: diskBudget.resolve(available: MachineResources.freeDisk(at: stateDirectory)))
    }

    /// The estimate of a render, or nil when its model is unknown (validation reports that).
    public func estimate(_ parameters: RenderParameters, lossless: Bool) -> ResourceEstimate? {
        guard let model = try? catalog.model(named: parameters.model) else { return nil }
        return estimator.estimate(parameters, model: model, lossless: lossless)
    }

    /// Throws 422 with the estimate and the budget when the render does not fit.
    public func check(_ parameters: RenderParameters, lossless: Bool, atClaim: Bool) throws(APIError) {
        guard let estimate = estimate(parameters, lossless: lossless) else { return }
        let budget = budget(atClaim: atClaim)
        var over: [String] = []
        if estimate.memoryBytes > budget.memoryBytes {
            over.append(
                "estimated peak memory \(ByteCount.format(estimate.memoryBytes)) exceeds the budget of "
                    + "\(ByteCount.format(budget.memoryBytes)) (max_job_memory = \(describe(memoryBudget, of: "available memory")))"
            )
        }
        if estimate.diskBytes > budget.diskBytes {
            over.append(
                "estimated disk use \(ByteCount.format(estimate.diskBytes)) exceeds the budget of "
                    + "\(ByteCount.format(budget.diskBytes)) (max_job_disk = \(describe(diskBudget, of: "free disk")))")
        }
        guard !over.isEmpty else { return }
        let size = "\(parameters.width)x\(parameters.height)"
        throw APIError(
            .unprocessable, "the \(size) render is too large for this machine: " + over.joined(separator: "; "),
            estimate: Self.wire(estimate), budget: budget)
    }

    func describe(_ budget: ByteBudget, of what: String) -> String {
        if case .fraction = budget { return "\(budget) of \(what)" }
        return budget.description
    }

    /// The estimate as the API sends it.
    static func wire(_ estimate: ResourceEstimate) -> JobResourceEstimate {
        JobResourceEstimate(
            memoryBytes: estimate.memoryBytes, diskBytes: estimate.diskBytes,
            memoryTerms: Dictionary(estimate.memoryTerms.map { ($0.name, $0.bytes) }, uniquingKeysWith: +),
            diskTerms: Dictionary(estimate.diskTerms.map { ($0.name, $0.bytes) }, uniquingKeysWith: +))
    }
}
