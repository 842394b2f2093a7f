// mosaic-bench [name...]: benchmark programs, timed outside the test suite.
// With no names it runs them all (`make bench`).
let requested = Set(CommandLine.arguments.dropFirst())
let benchmarks: [(name: String, run: () -> Void)] = [
    ("noise", { NoiseBenchmark.run() }),
    ("render", { RenderBenchmark.run() }),
    ("queue", { QueueBenchmark.run() }),
    ("checkpoint", { CheckpointBenchmark.run() }),
    ("unet", { UNetBenchmark.run() }),
]
let unknown = requested.subtracting(benchmarks.map(\.name))
if !unknown.isEmpty {
    print("mosaic-bench: unknown benchmark(s) \(unknown.sorted()); available: \(benchmarks.map(\.name))")
}
for benchmark in benchmarks where requested.isEmpty || requested.contains(benchmark.name) {
    benchmark.run()
}
