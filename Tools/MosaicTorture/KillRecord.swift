/// One delivered SIGKILL, as it happened.
struct KillRecord: Codable, Equatable, Sendable {
    /// 1-based, in delivery order.
    var number: Int
    /// The plan it carried out.
    var plan: KillPlan
    /// Milliseconds between the daemon's start and the kill.
    var millisecondsAfterStart: Int
    /// The job running at the last look before the kill, and the steps it had completed (for
    /// a handover kill: the job that had just succeeded).
    var runningJob: Int64?
    var runningStep: Int?
    /// Whether the phase's starting event happened (false: the delay ran from when waiting for
    /// it gave up, for instance because no job was running).
    var phaseReached: Bool
    /// Submitted jobs not yet finished at the last look before the kill: a kill with none
    /// left only tests an idle daemon's start-up.
    var jobsUnfinished: Int
    /// Whether the next daemon came up with the queue intact.
    var survived = false
}
