/// Where in the daemon's life a SIGKILL is aimed.
///
/// A kill at a uniformly random time mostly lands mid-step, because steps take most of the
/// time; the narrow windows (start-up, the commit and checkpoint write after each step, the
/// decode and output write after the last one) need kills timed against what the daemon
/// reports, so each phase says what to wait for before the random delay starts.
enum KillPhase: String, Codable, CaseIterable, Sendable {
    /// 0-300 ms after the process was started: opening the store, recovery, binding, claiming.
    case startup
    /// 0-300 ms after the socket answers: the claim, the render's set-up, the first tiles.
    case early
    /// 0.3-6 s after the socket answers: anywhere inside a step, in any of the first steps.
    case midStep = "mid-step"
    /// 0-150 ms after the running job reports a completed step: the progress commit and the
    /// checkpoint write (widened by `MOSAIC_FAULTS`).
    case stepBoundary = "step-boundary"
    /// 0-3 s after the running job reports its last step: decode, WebP encode, the output
    /// write and the commit that marks the job succeeded.
    case finishing
    /// 0-300 ms after a job succeeds: the next claim and the next job's set-up. It also lets a
    /// job finish, so that later kills reach the later jobs (their samplers) even when every
    /// interruption starts a job over from step 0.
    case handover

    /// Relative frequency in a plan; the narrow windows get more than their share of time.
    var weight: Int {
        switch self {
        case .startup: 15
        case .early: 10
        case .midStep: 30
        case .stepBoundary: 20
        case .finishing: 15
        case .handover: 10
        }
    }

    /// The range of the random delay, in milliseconds, after the phase's starting event.
    var delayRange: ClosedRange<Int> {
        switch self {
        case .startup, .early, .handover: 0...300
        case .midStep: 300...6000
        case .stepBoundary: 0...150
        case .finishing: 0...3000
        }
    }
}
