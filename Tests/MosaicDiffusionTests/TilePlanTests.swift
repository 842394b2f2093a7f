import Testing

@testable import MosaicDiffusion

@Suite struct TilePlanTests {
    /// Latent canvas sides from the smallest (64 px) to the largest (16376 px) image.
    static let sides = [8, 9, 63, 64, 65, 100, 127, 1024, 2047]

    func coverage(_ plan: TilePlan, step: Int) -> [Int] {
        var hits = [Int](repeating: 0, count: plan.canvasWidth * plan.canvasHeight)
        for tile in plan.tiles(step: step) {
            for y in tile.y..<(tile.y + tile.height) {
                for x in tile.x..<(tile.x + tile.width) { hits[y * plan.canvasWidth + x] += 1 }
            }
        }
        return hits
    }

    @Test(arguments: TilingMethod.allCases)
    func everyPixelIsCoveredAndTilesStayInside(method: TilingMethod) throws {
        for w in Self.sides {
            for h in [8, 64, 130] {
                let plan = try TilePlan(
                    method: method, canvasWidth: w, canvasHeight: h, tileSize: 64,
                    overlap: 16, seed: 99)
                for step in [0, 1, 7] {
                    let tiles = plan.tiles(step: step)
                    #expect(
                        tiles.allSatisfy { $0.x >= 0 && $0.y >= 0 && $0.x + $0.width <= w && $0.y + $0.height <= h })
                    let hits = coverage(plan, step: step)
                    #expect(hits.allSatisfy { $0 >= 1 }, "\(method) \(w)x\(h) step \(step)")
                    if method == .shifted { #expect(hits.allSatisfy { $0 == 1 }) }
                }
            }
        }
    }

    @Test func overlapTilesHaveFixedSizeAndTheLastIsAlignedToTheEdge() throws {
        let plan = try TilePlan(
            method: .overlap, canvasWidth: 1000, canvasHeight: 130, tileSize: 64, overlap: 16, seed: 0)
        let tiles = plan.tiles(step: 0)
        #expect(tiles.allSatisfy { $0.width == 64 && $0.height == 64 })
        #expect(tiles.map { $0.x + $0.width }.max() == 1000)
        #expect(tiles.map { $0.y + $0.height }.max() == 130)
        let xs = Set(tiles.map(\.x)).sorted()
        #expect(Array(xs.prefix(3)) == [0, 48, 96])
        #expect(plan.tiles(step: 5) == tiles)
        #expect(plan.nonOverlappingTileCount == 16 * 3)
    }

    @Test func shiftedOffsetsArePureFunctionsOfSeedAndStep() throws {
        let a = try TilePlan(method: .shifted, canvasWidth: 500, canvasHeight: 300, tileSize: 64, overlap: 0, seed: 5)
        let b = try TilePlan(method: .shifted, canvasWidth: 500, canvasHeight: 300, tileSize: 64, overlap: 0, seed: 5)
        let c = try TilePlan(method: .shifted, canvasWidth: 500, canvasHeight: 300, tileSize: 64, overlap: 0, seed: 6)
        var distinct = Set<Int>()
        for step in 0..<30 {
            #expect(a.tiles(step: step) == b.tiles(step: step))
            let shift = a.shift(step: step)
            #expect(shift.x % 8 == 0 && shift.y % 8 == 0 && (0..<64).contains(shift.x) && (0..<64).contains(shift.y))
            distinct.insert(shift.x)
            // Cells are between half and one and a half tiles.
            #expect(a.tiles(step: step).allSatisfy { (32..<96).contains($0.width) && (32..<96).contains($0.height) })
        }
        #expect(distinct.count > 3)
        #expect((0..<30).contains { a.tiles(step: $0) != c.tiles(step: $0) })
    }

    @Test func edgesAreTheInteriorBoundaries() throws {
        let plan = try TilePlan(method: .none, canvasWidth: 200, canvasHeight: 64, tileSize: 64, overlap: 0, seed: 0)
        let edges = plan.edges(step: 0)
        #expect(edges.vertical == [64, 128, 136])
        #expect(edges.horizontal == [])
    }

    @Test func invalidPlansAreRefusedWithTypedErrors() {
        #expect(throws: TilePlanError.tileTooSmall(4)) {
            try TilePlan(method: .overlap, canvasWidth: 10, canvasHeight: 10, tileSize: 4, overlap: 0, seed: 0)
        }
        #expect(throws: TilePlanError.overlapOutOfRange(overlap: 64, tileSize: 64)) {
            try TilePlan(method: .overlap, canvasWidth: 10, canvasHeight: 10, tileSize: 64, overlap: 64, seed: 0)
        }
        #expect(throws: TilePlanError.emptyCanvas(width: 0, height: 10)) {
            try TilePlan(method: .none, canvasWidth: 0, canvasHeight: 10, tileSize: 64, overlap: 0, seed: 0)
        }
    }
}
