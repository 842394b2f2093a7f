// swift-tools-version:6.0
// Mosaic: very large diffusion renders on ordinary CPUs.
// Layers (dependencies point downward only; scripts/check_imports.sh enforces the imports):
//   mosaicctl (ctl/) -> MosaicClient -> MosaicAPI
//   mosaicd -> MosaicDaemon -> MosaicStore (SQLite, GRDB) -> MosaicAPI
//   MosaicDaemon -> MosaicImage (uploads: decode, store as lossless WebP)
//   MosaicStore's schema: EmbedMigrations (build plugin) -> MigrationEmbedder
//   MosaicDaemon -> MosaicSystemd -> CSystemd
//   MosaicDaemon -> MosaicRender, MosaicCheckpoint (a job's checkpoint store and writer)
//   MosaicRender -> MosaicStableDiffusion -> MosaicDiffusion -> MosaicTensor -> COpenBLAS
//   MosaicRender -> MosaicCheckpoint -> MosaicDiffusion, MosaicTensor, CCRC32
//   MosaicRender -> MosaicImage -> CWebP, CPNG, CJPEG
//   MosaicRender -> MosaicUpscale (ESRGAN-family upscalers, .pth/.safetensors) -> MosaicImage, MosaicTensor,
//     MosaicCheckpoint (its CRC-32, for the entries of a .pth)
//   mosaicd (render, seams) -> MosaicRender, MosaicImage, MosaicDiffusion (the render options' types)
// Tools and benchmarks sit on top and are never imported by a library:
//   MosaicBench (mosaic-bench) -> MosaicRender, MosaicStore, MosaicClient, MosaicTestSupport and the layers below
//   MosaicTorture (mosaic-torture) -> MosaicClient, MosaicImage, MosaicTestSupport
//   MosaicFuzz (mosaic-fuzz) -> MosaicClient, MosaicTestSupport
//   MosaicTestSupport (Tests/MosaicTestSupport) -> MosaicClient -> MosaicAPI, GRDB: one seeded
//   generator, one daemon launcher, one raw connection, one fake daemon, large queues, for the
//   tests and the test tools
// Tests: each <Name>Tests target tests <Name>; MosaicLayeringTests runs the import check on the
// repository and on planted violations.
import PackageDescription

// The numeric targets are optimised in debug builds too: unoptimised Swift runs their loops 10 to
// 100 times slower, which would put a Stable Diffusion render in the tests out of reach. Debug
// builds keep -enable-testing, so @testable imports still work.
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Mosaic",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mosaicd", targets: ["mosaicd"]),
        .executable(name: "mosaicctl", targets: ["mosaicctl"]),
        .executable(name: "mosaic-bench", targets: ["MosaicBench"]),
        .executable(name: "mosaic-torture", targets: ["MosaicTorture"]),
        .executable(name: "mosaic-fuzz", targets: ["MosaicFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CWebP", path: "Sources/CWebP", pkgConfig: "libwebpmux",
            providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(
            name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CJPEG", path: "Sources/CJPEG", pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(
            name: "CSystemd", path: "Sources/CSystemd", pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]),

        // CRC-32 folded with carry-less multiplication (PCLMULQDQ), for checkpoints and journals.
        .target(name: "CCRC32"),
        // Tensors and kernels over cblas_sgemm and vectorised Swift.
        .target(name: "MosaicTensor", dependencies: ["COpenBLAS"], swiftSettings: kernelSettings),
        // Seeded noise, samplers, tile plans, latent sync, the built-in model.
        .target(name: "MosaicDiffusion", dependencies: ["MosaicTensor"]),
        // Stable Diffusion 1.x/2.x: weight loading, configs, CLIP tokenizer.
        .target(
            name: "MosaicStableDiffusion", dependencies: ["MosaicDiffusion", "MosaicTensor"], exclude: ["Resources"],
            swiftSettings: kernelSettings),
        // RGB images, WebP encode/decode with XMP metadata, PNG/JPEG/WebP uploads, Lanczos
        // resizing, the seam metric.
        .target(name: "MosaicImage", dependencies: ["CWebP", "CPNG", "CJPEG"], swiftSettings: kernelSettings),
        // Upscaler models (RRDBNet: ESRGAN, Real-ESRGAN) from .safetensors and .pth, tiled.
        .target(
            name: "MosaicUpscale", dependencies: ["MosaicTensor", "MosaicImage", "MosaicCheckpoint"],
            swiftSettings: kernelSettings),
        // Durable files: POSIX helpers, direct and atomic writes, CRC-32, SHA-256, the safetensors
        // writer, checkpoints, tile journals and fault injection.
        .target(name: "MosaicCheckpoint", dependencies: ["MosaicDiffusion", "MosaicTensor", "CCRC32"]),
        // A render: parameters -> tiles -> sync -> decode -> WebP; previews, models, render threads.
        .target(
            name: "MosaicRender",
            dependencies: [
                "MosaicCheckpoint", "MosaicDiffusion", "MosaicStableDiffusion", "MosaicImage", "MosaicTensor",
                "MosaicUpscale",
            ]),
        // Wire types shared by the daemon and its clients (JSON over HTTP/1.1).
        .target(name: "MosaicAPI"),
        // The job queue in SQLite (GRDB): schema from migrations/, embedded at build time.
        .target(
            name: "MosaicStore",
            dependencies: ["MosaicAPI", .product(name: "GRDB", package: "GRDB.swift")],
            plugins: ["EmbedMigrations"]),
        .executableTarget(name: "MigrationEmbedder", path: "Plugins/MigrationEmbedder"),
        .plugin(
            name: "EmbedMigrations", capability: .buildTool(), dependencies: ["MigrationEmbedder"],
            path: "Plugins/EmbedMigrations"),
        // systemd glue: sd_notify, watchdog, socket activation, journald log prefixes.
        .target(
            name: "MosaicSystemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]),
        // The daemon: HTTP API on a Unix socket, render worker, events, metrics.
        .target(
            name: "MosaicDaemon",
            dependencies: [
                "MosaicAPI", "MosaicStore", "MosaicRender", "MosaicCheckpoint", "MosaicSystemd", "MosaicImage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The typed client of the daemon's API, used by mosaicctl and by the tests.
        .target(name: "MosaicClient", dependencies: ["MosaicAPI"]),
        // The daemon executable: `mosaicd serve` (default), `mosaicd render`, `mosaicd seams`.
        .executableTarget(
            name: "mosaicd",
            dependencies: [
                "MosaicRender", "MosaicDaemon", "MosaicSystemd", "MosaicImage", "MosaicDiffusion",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The command-line client.
        .executableTarget(
            name: "mosaicctl",
            dependencies: [
                "MosaicClient", "MosaicAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "ctl", exclude: ["README.md"]),
        // Benchmark programs (not timed tests).
        .executableTarget(
            name: "MosaicBench",
            dependencies: [
                "MosaicRender", "MosaicCheckpoint", "MosaicImage", "MosaicDiffusion", "MosaicTensor", "COpenBLAS",
                "MosaicClient", "MosaicStore", "MosaicAPI", "MosaicStableDiffusion", "MosaicUpscale",
                "MosaicTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/MosaicBench"),
        // The crash torture test: SIGKILLs a real mosaicd mid-render, checks every job ends
        // once and bit-identical to an uninterrupted render.
        .executableTarget(
            name: "MosaicTorture",
            dependencies: [
                "MosaicClient", "MosaicAPI", "MosaicImage", "MosaicTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/MosaicTorture"),
        // The fuzzer: hostile requests against a real mosaicd while it renders (docs/fuzzing.md).
        .executableTarget(
            name: "MosaicFuzz",
            dependencies: [
                "MosaicClient", "MosaicAPI", "MosaicTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/MosaicFuzz"),

        // Shared by the test targets and the test tools (mosaic-fuzz, mosaic-torture): one seeded
        // generator, one daemon launcher, one raw connection, one fake daemon.
        .target(
            name: "MosaicTestSupport",
            dependencies: ["MosaicClient", "MosaicAPI", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/MosaicTestSupport"),
        .testTarget(name: "MosaicTensorTests", dependencies: ["MosaicTensor", "MosaicTestSupport"]),
        .testTarget(
            name: "MosaicDiffusionTests", dependencies: ["MosaicDiffusion", "MosaicTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MosaicStableDiffusionTests",
            dependencies: ["MosaicStableDiffusion", "MosaicTensor", "MosaicImage", "MosaicTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "MosaicImageTests", dependencies: ["MosaicImage", "MosaicTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MosaicUpscaleTests",
            dependencies: ["MosaicUpscale", "MosaicImage", "MosaicTensor", "MosaicCheckpoint", "MosaicTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "MosaicCheckpointTests",
            dependencies: ["MosaicCheckpoint", "MosaicRender", "MosaicDiffusion", "MosaicTensor", "MosaicTestSupport"]),
        .testTarget(
            name: "MosaicRenderTests",
            dependencies: ["MosaicRender", "MosaicCheckpoint", "MosaicImage", "MosaicTensor", "MosaicTestSupport"]),
        // Runs scripts/check_imports.sh on the repository and on trees with planted violations.
        .testTarget(name: "MosaicLayeringTests", dependencies: ["MosaicTestSupport"]),
        .testTarget(
            name: "MosaicdTests", dependencies: ["mosaicd", "MosaicImage", "MosaicRender", "MosaicTestSupport"]),
        .testTarget(name: "MosaicStoreTests", dependencies: ["MosaicStore", "MosaicAPI", "MosaicTestSupport"]),
        .testTarget(name: "MosaicSystemdTests", dependencies: ["MosaicSystemd", "MosaicTestSupport"]),
        .testTarget(name: "MosaicAPITests", dependencies: ["MosaicAPI", "MosaicTestSupport"]),
        .testTarget(name: "MosaicClientTests", dependencies: ["MosaicClient", "MosaicAPI", "MosaicTestSupport"]),
        .testTarget(
            name: "MosaicctlTests", dependencies: ["mosaicctl", "MosaicClient", "MosaicAPI", "MosaicTestSupport"]),
        .testTarget(name: "MosaicTortureTests", dependencies: ["MosaicTorture", "MosaicAPI", "MosaicTestSupport"]),
        .testTarget(name: "MosaicFuzzTests", dependencies: ["MosaicFuzz", "MosaicTestSupport"]),
        .testTarget(name: "MosaicBenchTests", dependencies: ["MosaicBench", "MosaicAPI", "MosaicTestSupport"]),
        // The daemon's own tests; the end-to-end ones start the built `mosaicd`.
        .testTarget(
            name: "MosaicDaemonTests",
            dependencies: [
                "mosaicd", "MosaicClient", "MosaicAPI", "MosaicImage", "MosaicRender", "MosaicDaemon",
                "MosaicStore", "MosaicTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
