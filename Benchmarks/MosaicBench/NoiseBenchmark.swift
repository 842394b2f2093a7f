import Foundation
import MosaicDiffusion

/// Times `TorchGenerator.fillNormal` on a 1024x1024x4 latent (4 Mi floats).
///
/// Reports wall time and this thread's CPU time: on a loaded machine the wall
/// time includes waiting for a core, the CPU time does not.
enum NoiseBenchmark {
    static func run(repetitions: Int = 10) {
        let count = 4 * 1024 * 1024
        var buffer = [Float](repeating: 0, count: count)
        var generator = TorchGenerator(seed: 42)
        var bestWall = Double.infinity
        var bestCPU = Double.infinity
        var totalWall = 0.0
        for _ in 0..<repetitions {
            let wallStart = DispatchTime.now().uptimeNanoseconds
            let cpuStart = Double(CPUTime.callingThreadNanoseconds()) / 1e9
            buffer.withUnsafeMutableBufferPointer { generator.fillNormal($0) }
            let cpu = Double(CPUTime.callingThreadNanoseconds()) / 1e9 - cpuStart
            let wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9
            bestWall = min(bestWall, wall)
            bestCPU = min(bestCPU, cpu)
            totalWall += wall
        }
        // Print a sample so the work cannot be optimised away.
        let format = "noise: %d floats x %d runs: wall best %.1f ms, mean %.1f ms; thread CPU best %.1f ms; sample %.6f"
        print(
            String(
                format: format, count, repetitions, bestWall * 1e3, totalWall / Double(repetitions) * 1e3,
                bestCPU * 1e3, buffer[count / 2]))
    }
}
