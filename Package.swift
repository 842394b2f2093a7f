// swift-tools-version:6.0
// Mosaic: very large diffusion renders on ordinary CPUs.
// Layers (dependencies point downward only):
//   mosaicd -> MosaicRender -> MosaicDiffusion -> MosaicTensor -> COpenBLAS
//                          \-> MosaicImage -> CWebP
import PackageDescription

let package = Package(
    name: "Mosaic",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mosaicd", targets: ["mosaicd"]),
        .executable(name: "mosaic-bench", targets: ["MosaicBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
            name: "CSystemd", path: "Sources/CSystemd", pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]),

        // Tensors and kernels over cblas_sgemm and vectorised Swift.
        .target(name: "MosaicTensor", dependencies: ["COpenBLAS"]),
        // Seeded noise, samplers, tile plans, latent sync, the built-in model.
        .target(name: "MosaicDiffusion", dependencies: ["MosaicTensor"]),
        // RGB images, WebP encode/decode with XMP metadata, the seam metric.
        .target(name: "MosaicImage", dependencies: ["CWebP"]),
        // A render: parameters -> tiles -> sync -> decode -> WebP.
        .target(name: "MosaicRender", dependencies: ["MosaicDiffusion", "MosaicImage", "MosaicTensor"]),
        // The daemon executable (`mosaicd render`, later `mosaicd serve`).
        .executableTarget(
            name: "mosaicd",
            dependencies: [
                "MosaicRender", "CSystemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Benchmark programs (not timed tests).
        .executableTarget(
            name: "MosaicBench",
            dependencies: ["MosaicRender", "MosaicImage", "MosaicDiffusion", "MosaicTensor", "COpenBLAS"],
            path: "Benchmarks/MosaicBench"),

        .testTarget(name: "MosaicTensorTests", dependencies: ["MosaicTensor"]),
        .testTarget(name: "MosaicDiffusionTests", dependencies: ["MosaicDiffusion"], exclude: ["Fixtures"]),
        .testTarget(name: "MosaicImageTests", dependencies: ["MosaicImage"]),
        .testTarget(name: "MosaicRenderTests", dependencies: ["MosaicRender", "MosaicImage"]),
        .testTarget(name: "MosaicdTests", dependencies: ["mosaicd", "MosaicImage", "MosaicRender"]),
    ]
)
