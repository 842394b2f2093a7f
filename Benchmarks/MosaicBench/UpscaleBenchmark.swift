import Foundation
import MosaicImage
import MosaicTensor
import MosaicTestSupport
import MosaicUpscale

/// `mosaic-bench upscale`: seconds per input megapixel of a full-size Real-ESRGAN x4plus-shaped
/// RRDBNet (nf 64, gc 32, nb 23; random fp32 weights built in memory) on a random image, tiled
/// as the daemon would run it (192 px tiles, 16 px padding, one tile per pool thread). There is
/// no baseline to compare against: the figure is absolute. CPU seconds are printed beside the
/// wall-clock ones, since on a shared machine the wall clock also measures the neighbours.
///
/// Environment: `MOSAIC_BENCH_UPSCALE_SIZE` (input side, default 256), `MOSAIC_BENCH_THREADS` (2).
enum UpscaleBenchmark {
    static func run() {
        let env = ProcessInfo.processInfo.environment
        let side = Int(env["MOSAIC_BENCH_UPSCALE_SIZE"] ?? "") ?? 256
        let threads = Int(env["MOSAIC_BENCH_THREADS"] ?? "") ?? 2
        let configuration = RRDBNetConfiguration(
            keyStyle: .realESRGAN, features: 64, growth: 32, blocks: 23, unshuffle: 1)
        let upscaler: RRDBUpscaler
        let image: RGBImage
        do {
            let weights = RandomWeightFile(configuration: configuration, seed: 12)
            upscaler = RRDBUpscaler(network: try RRDBNet(configuration: configuration, file: weights))
            var rng = SeededGenerator(seed: 13)
            image = try RGBImage(width: side, height: side, pixels: rng.bytes(side * side * 3))
        } catch {
            print("upscale: cannot build the model: \(error)")
            return
        }
        let pool = WorkerPool(threadCount: threads)
        defer { pool.shutdown() }
        let started = Date()
        let cpuStarted = CPUTime.ownSeconds()
        let output: RGBImage
        do {
            output = try upscaler.upscale(image, pool: pool)
        } catch {
            print("upscale: failed: \(error)")
            return
        }
        let seconds = Date().timeIntervalSince(started)
        let cpuSeconds = CPUTime.ownSeconds() - cpuStarted
        let megapixels = Double(side * side) / 1e6
        print(
            String(
                format: "upscale: x4plus-shaped RRDBNet, %dx%d -> %dx%d px, %d threads: %.1f s (%.1f CPU s), "
                    + "%.0f s (%.0f CPU s) per input megapixel",
                side, side, output.width, output.height, threads, seconds, cpuSeconds, seconds / megapixels,
                cpuSeconds / megapixels))
    }
}

/// An RRDBNet's weights drawn at random (uniform, Kaiming-like bound), in memory.
struct RandomWeightFile: WeightFile {
    let path = "random"
    let shapes: [String: [Int]]
    private let seed: UInt64

    init(configuration: RRDBNetConfiguration, seed: UInt64) {
        var shapes: [String: [Int]] = [:]
        for (name, shape) in configuration.expectedShapes() { shapes[configuration.fileKey(name)] = shape }
        self.shapes = shapes
        self.seed = seed
    }

    func floats(_ name: String) throws(UpscalerError) -> [Float] {
        guard let shape = shapes[name] else { throw .missingWeight(name) }
        // FNV-1a of the name: String's hashValue changes from run to run.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var rng = SeededGenerator(seed: seed ^ hash)
        let fanIn = shape.count == 4 ? shape[1] * shape[2] * shape[3] : 1
        let bound = 1 / Float(fanIn).squareRoot()
        return rng.floats(shape.reduce(1, *)).map { $0 * bound }
    }
}
