import Foundation
import MosaicTestSupport
import Testing

@testable import MosaicImage

@Suite struct SeamMetricTests {
    static let size = 1024
    static let tile = 128

    static func measure(_ image: RGBImage) throws -> SeamReport {
        let edges = SeamMetric.gridEdges(extent: size, tile: tile)
        return try SeamMetric.measure(image, xEdges: edges, yEdges: edges, controlOffset: tile / 2)
    }

    @Test func smoothImageHasNoSeams() throws {
        let image = try TestImages.smooth(width: Self.size, height: Self.size, seed: 42)
        let report = try Self.measure(image)
        #expect(report.vertical.edgeCount == 7 && report.horizontal.edgeCount == 7)
        #expect(report.vertical.controlCount == 7 && report.horizontal.controlCount == 7)
        #expect((0.9...1.1).contains(report.score), "score \(report.score)")
        print(
            "smooth 1024x1024, 128-px grid: score \(report.score), edge \(report.edgeRatio), control \(report.controlRatio)"
        )
        let edgeBands = try #require(report.vertical.edgeBandDifference)
        let controlBands = try #require(report.vertical.controlBandDifference)
        #expect(edgeBands < 3 * controlBands + 0.01)
    }

    @Test func tileOffsetsAreSeams() throws {
        let smooth = try TestImages.smooth(width: Self.size, height: Self.size, seed: 42)
        let tiled = try TestImages.withTileOffsets(smooth, tile: Self.tile, amplitude: 12, seed: 7)
        let report = try Self.measure(tiled)
        let baseline = try Self.measure(smooth)
        #expect(report.score > 1.5, "score \(report.score)")
        print("tile offsets ±12: score \(report.score), edge \(report.edgeRatio), control \(report.controlRatio)")
        #expect(report.edgeRatio > report.controlRatio)
        // Band means follow the content's own gradients too, so compare against the same image
        // without offsets: the steps add to the edges and leave the mid-tile controls alone.
        // (Random per-tile offsets partly cancel along a 1024-px edge, hence the small margin.)
        for (seamy, clean) in [(report.vertical, baseline.vertical), (report.horizontal, baseline.horizontal)] {
            let edge = try #require(seamy.edgeBandDifference)
            let cleanEdge = try #require(clean.edgeBandDifference)
            #expect(edge > cleanEdge + 0.002, "band difference at edges \(edge) vs \(cleanEdge) without seams")
            let control = try #require(seamy.controlBandDifference)
            let cleanControl = try #require(clean.controlBandDifference)
            #expect(abs(control - cleanControl) < 0.002)
        }
        #expect(report.worstEdge != nil)
    }

    /// Offsets that are constant down each column of tiles: coherent steps along vertical edges,
    /// which the band means must show, while horizontal edges stay clean.
    @Test func columnOffsetsShowInBandDifferences() throws {
        let smooth = try TestImages.smooth(width: Self.size, height: Self.size, seed: 42)
        let striped = try TestImages.withTileOffsets(
            smooth, tile: Self.tile, tileHeight: Self.size, amplitude: 12, seed: 3)
        let report = try Self.measure(striped)
        let baseline = try Self.measure(smooth)
        let edge = try #require(report.vertical.edgeBandDifference)
        let cleanEdge = try #require(baseline.vertical.edgeBandDifference)
        #expect(edge > cleanEdge + 0.015, "vertical band difference \(edge) vs \(cleanEdge)")
        let horizontal = try #require(report.horizontal.edgeRatio)
        #expect((0.9...1.1).contains(horizontal), "horizontal edge ratio \(horizontal)")
        #expect(report.vertical.edgeRatio ?? 0 > 1.5)
    }

    @Test func flatImageScoresOne() throws {
        let flat = try RGBImage(width: 300, height: 200, pixels: [UInt8](repeating: 90, count: 300 * 200 * 3))
        let report = try SeamMetric.measure(flat, xEdges: [100, 200], yEdges: [100], controlOffset: 50)
        #expect(report.score == 1)
        #expect(report.vertical.edgeBandDifference == 0)
    }

    @Test func singleStepIsFoundOnlyWhereItIs() throws {
        // Left half black, right half grey: a seam at x = 64 and nowhere else.
        let width = 128
        let pixels = (0..<(width * 32)).flatMap { i in [UInt8](repeating: i % width < 64 ? 0 : 128, count: 3) }
        let image = try RGBImage(width: width, height: 32, pixels: pixels)
        let report = try SeamMetric.measure(image, xEdges: [64], yEdges: [], xControls: [32, 96], yControls: [])
        #expect(report.vertical.edges.first?.ratio ?? 0 > 100)
        #expect(report.controlRatio == 1)
        #expect(report.horizontal.edgeRatio == nil)
    }

    @Test func skipsPositionsOutsideTheImage() throws {
        let image = try TestImages.smooth(width: 64, height: 64, seed: 1)
        #expect(throws: SeamMetricError.noMeasurableEdges) {
            try SeamMetric.measure(image, xEdges: [0, 64, 90], yEdges: [-3], controlOffset: 10)
        }
        #expect(throws: SeamMetricError.noMeasurableControls) {
            try SeamMetric.measure(image, xEdges: [32], yEdges: [], controlOffset: 40)
        }
        let report = try SeamMetric.measure(image, xEdges: [32, 32, 0], yEdges: [], controlOffset: 16)
        #expect(report.edgeCount == 1 && report.controlCount == 2)  // controls 48 and 16
    }

    @Test func medianSelection() {
        #expect(Median.of([Float]()) == nil)
        #expect(Median.of([3]) == 3)
        #expect(Median.of([4, 1, 3, 2]) == 2.5)
        var rng = SeededGenerator(seed: 9)
        for n in 1...60 {
            let values = (0..<n).map { _ in Float(rng.next() % 7) }
            let sorted = values.sorted()
            let expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            #expect(Median.of(values) == expected)
        }
    }

    @Test func fastCubeRootMatchesLibm() {
        var worst: Double = 0
        var x: Float = 1e-6
        while x <= 1 {
            let exact = cbrt(Double(x))
            worst = max(worst, abs(Double(OKLab.cubeRoot(x)) - exact) / exact)
            x *= 1.001
        }
        #expect(worst < 1e-6, "max relative error \(worst)")
        #expect(OKLab.cubeRoot(0) == 0 && abs(OKLab.cubeRoot(1) - 1) < 1e-6)
    }

    @Test func oklabOfWhiteAndBlack() {
        let pixels: [UInt8] = [255, 255, 255, 0, 0, 0]
        pixels.withUnsafeBufferPointer { px in
            OKLab.linear.withUnsafeBufferPointer { table in
                let white = OKLab.convert(px, at: 0, table: table)
                let black = OKLab.convert(px, at: 3, table: table)
                #expect(abs(white.l - 1) < 1e-3 && abs(white.a) < 1e-3 && abs(white.b) < 1e-3)
                #expect(black == .zero)
            }
        }
    }
}
