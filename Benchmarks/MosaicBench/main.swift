// mosaic-bench [name...]: benchmark programs, timed outside the test suite.
// With no names it runs them all (`make bench`) but `load`, which takes minutes and has
// options of its own: `mosaic-bench load --help`.
@preconcurrency import Foundation
@preconcurrency import Glibc

// A line at a time, also into a pipe or file: these programs run for minutes and print as they go.
setvbuf(stdout, nil, _IOLBF, 0)
let arguments = Array(CommandLine.arguments.dropFirst())
let benchmarks: [(name: String, run: () -> Void)] = [
    ("noise", { NoiseBenchmark.run() }),
    ("render", { RenderBenchmark.run() }),
    ("queue", { QueueBenchmark.run() }),
    ("store", { StoreBenchmark.run() }),
    (
        "checkpoint",
        {
            let environment = ProcessInfo.processInfo.environment
            CheckpointBenchmark.run(
                rounds: Int(environment["MOSAIC_BENCH_ROUNDS"] ?? "") ?? 2,
                parts: CheckpointBenchmark.Parts(environment["MOSAIC_BENCH_CHECKPOINT_PARTS"]))
        }
    ),
    ("unet", { UNetBenchmark.run() }),
    ("vae", { VAEBenchmark.run() }),
    ("upscale", { UpscaleBenchmark.run() }),
]
if arguments.first == "load" {
    LoadBenchmark.main(Array(arguments.dropFirst()))
} else {
    let requested = Set(arguments)
    let unknown = requested.subtracting(benchmarks.map(\.name))
    if !unknown.isEmpty {
        print("mosaic-bench: unknown benchmark(s) \(unknown.sorted()); available: \(benchmarks.map(\.name) + ["load"])")
    }
    for benchmark in benchmarks where requested.isEmpty || requested.contains(benchmark.name) {
        benchmark.run()
    }
}
