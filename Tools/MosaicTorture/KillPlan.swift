import MosaicTestSupport

/// One planned SIGKILL: where to aim it, how long to wait after the phase's starting event,
/// and how many threads the daemon gets when it is restarted afterwards.
struct KillPlan: Codable, Equatable, Sendable {
    /// What the delay is measured from.
    var phase: KillPhase
    /// Milliseconds to wait after the phase's starting event.
    var delayMilliseconds: Int
    /// `--threads` of the daemon started after this kill.
    var threadsAfterRestart: Int

    /// The whole plan of a run, drawn up front from `seed` so that it does not depend on how the
    /// run unfolds: the same seed gives the same phases, delays and thread counts.
    ///
    /// With `varyThreads`, each restart picks 1 or 2 threads (`threads` and the other one), so
    /// a job's attempts run on different pool sizes and must still give the same pixels.
    static func schedule(kills: Int, seed: UInt64, threads: Int, varyThreads: Bool) -> [KillPlan] {
        var generator = SeededGenerator(seed: seed)
        let phases = KillPhase.allCases
        let totalWeight = phases.reduce(0) { $0 + $1.weight }
        let alternative = threads == 1 ? 2 : 1
        // Every phase once, in a seeded order, then phases drawn by weight: a short run still
        // aims at every window.
        let opening = phases.shuffled(using: &generator)
        return (0..<max(0, kills)).map { index in
            var phase = KillPhase.midStep
            if index < opening.count {
                phase = opening[index]
            } else {
                var pick = Int.random(in: 0..<totalWeight, using: &generator)
                for candidate in phases {
                    if pick < candidate.weight {
                        phase = candidate
                        break
                    }
                    pick -= candidate.weight
                }
            }
            let delay = Int.random(in: phase.delayRange, using: &generator)
            let restartThreads = varyThreads && Bool.random(using: &generator) ? alternative : threads
            return KillPlan(phase: phase, delayMilliseconds: delay, threadsAfterRestart: restartThreads)
        }
    }
}
