import Foundation
import Testing

@testable import MosaicDiffusion

@Suite struct TorchGeneratorTests {
    /// Reference MT19937 outputs for the default seed 5489 (C++ std::mt19937).
    @Test func mersenneTwisterMatchesStandardSequence() {
        var generator = TorchGenerator(seed: 5489)
        let first = (0..<5).map { _ in generator.nextUInt32() }
        #expect(first == [3_499_211_612, 581_869_302, 3_890_346_734, 3_586_334_585, 545_404_204])
        for _ in 5..<9999 { _ = generator.nextUInt32() }
        // std::mt19937's 10000th output, required by the C++ standard.
        #expect(generator.nextUInt32() == 4_123_659_995)
    }

    @Test func onlyLowSeedBitsSeedTheEngine() {
        var a = TorchGenerator(seed: 7)
        var b = TorchGenerator(seed: (1 << 32) + 7)
        #expect(b.initialSeed == (1 << 32) + 7)
        #expect(a.normal(count: 64).map(\.bitPattern) == b.normal(count: 64).map(\.bitPattern))
    }

    /// Every fixture case: same draws bit for bit, and the same generator state after.
    @Test func matchesTorchFixtures() throws {
        let fixtures = try NoiseFixtures.load()
        #expect(fixtures.cpuCapability == "AVX2")
        #expect(fixtures.cases.count >= 25)
        for fixture in fixtures.cases {
            var generator = TorchGenerator(seed: try NoiseFixtures.uint64(fixture.seed))
            for (k, draw) in fixture.draws.enumerated() {
                let expected = try NoiseFixtures.words(draw.file, count: draw.numel)
                let actual = generator.normal(count: draw.numel).map(\.bitPattern)
                let mismatches = actual.indices.filter { actual[$0] != expected[$0] }
                let context = "\(fixture.name) draw \(k) \(draw.shape): \(mismatches.count) of \(draw.numel) differ"
                #expect(mismatches.isEmpty, "\(context), first at \(mismatches.first ?? -1)")
            }
            try expectState(generator, equals: fixture.stateAfter, in: fixture.name)
        }
    }

    private func expectState(_ generator: TorchGenerator, equals state: NoiseFixtures.State, in name: String) throws {
        let words = try NoiseFixtures.words(state.wordsFile, count: MersenneTwister.stateSize)
        #expect(generator.initialSeed == (try NoiseFixtures.uint64(state.initialSeed)), "\(name)")
        #expect(generator.engine.words == words, "\(name): Mersenne Twister words differ")
        // torch counts down: `left` outputs remain before the next twist, plus one.
        #expect(generator.engine.index == 625 - state.left, "\(name): position differs")
        #expect(!state.floatNormalValid, "\(name): torch cached a float sample")
        if state.doubleNormalValid {
            let bits = try NoiseFixtures.uint64(state.doubleNormalBits, radix: 16)
            #expect(generator.cachedDoubleNormal?.bitPattern == bits, "\(name): cached normal differs")
        } else {
            #expect(generator.cachedDoubleNormal == nil, "\(name): unexpected cached normal")
        }
    }

    @Test func fillNormalEqualsNormalCount() {
        var a = TorchGenerator(seed: 42)
        var b = a
        let viaArray = a.normal(count: 1000)
        var buffer = [Float](repeating: .nan, count: 1000)
        buffer.withUnsafeMutableBufferPointer { b.fillNormal($0) }
        #expect(viaArray.map(\.bitPattern) == buffer.map(\.bitPattern))
        #expect(a == b)
    }

    @Test func emptyDrawConsumesNothing() {
        var generator = TorchGenerator(seed: 3)
        let before = generator
        #expect(generator.normal(count: 0).isEmpty)
        #expect(generator.normal(count: -5).isEmpty)
        #expect(generator == before)
    }

    /// Encode mid-stream (inside a twist block, with a cached double sample),
    /// decode, and check both copies continue identically.
    @Test func codableRoundTripContinuesStream() throws {
        var original = TorchGenerator(seed: (1 << 63) + 12345)
        _ = original.normal(count: 468)
        _ = original.normal(count: 3)
        #expect(original.cachedDoubleNormal != nil)
        let data = try JSONEncoder().encode(original)
        var restored = try JSONDecoder().decode(TorchGenerator.self, from: data)
        #expect(restored == original)
        for count in [1, 300, 5, 4096, 17] {
            #expect(restored.normal(count: count).map(\.bitPattern) == original.normal(count: count).map(\.bitPattern))
        }
        #expect(restored.nextUInt32() == original.nextUInt32())
        #expect(restored == original)
    }

    @Test func decodingRejectsBadState() throws {
        let good = try JSONEncoder().encode(TorchGenerator(seed: 1))
        var object = try #require(try JSONSerialization.jsonObject(with: good) as? [String: Any])
        object["index"] = 625
        let badIndex = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TorchGenerator.self, from: badIndex) }
        object["index"] = 0
        object["words"] = [1, 2, 3]
        let badWords = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TorchGenerator.self, from: badWords) }
    }

    /// The Double-emulated multiply-add must equal a fused one on every input the
    /// kernel can see: log gets 1 - k/2^24, sincos gets (float)(2 pi) * k/2^24,
    /// k in 0..<2^24. A strided sample by default; every k with
    /// MOSAIC_NOISE_EXHAUSTIVE=1 (use a release build:
    /// `swift test -c release -Xswiftc -enable-testing --filter emulatedFMA`).
    @Test func emulatedFMAMatchesFusedOnKernelDomain() {
        let exhaustive = ProcessInfo.processInfo.environment["MOSAIC_NOISE_EXHAUSTIVE"] == "1"
        let stride = exhaustive ? 1 : 4099  // every 4099th k: about 4100 inputs per function
        let twoPi = Float(bitPattern: 0x40C9_0FDB)
        var logMismatches = 0
        var sincosMismatches = 0
        var checked = 0
        for k in Swift.stride(from: 0, to: 1 << 24, by: stride) {
            let d = Float(k) * 0x1p-24
            let u1 = 1 - d
            if CephesAVX2.log(u1, EmulatedFMA.self).bitPattern != CephesAVX2.log(u1, ExactFMA.self).bitPattern {
                logMismatches += 1
            }
            let theta = twoPi * d
            let fast = CephesAVX2.sincos(theta, EmulatedFMA.self)
            let exact = CephesAVX2.sincos(theta, ExactFMA.self)
            if fast.sin.bitPattern != exact.sin.bitPattern || fast.cos.bitPattern != exact.cos.bitPattern {
                sincosMismatches += 1
            }
            checked += 1
        }
        if exhaustive { #expect(checked == 1 << 24) }
        #expect(logMismatches == 0, "log: \(logMismatches) of \(checked) inputs differ")
        #expect(sincosMismatches == 0, "sincos: \(sincosMismatches) of \(checked) inputs differ")
    }

    /// Whole blocks through both multiply-adds, from the real uniform stream.
    @Test func emulatedBlocksMatchFusedBlocks() {
        var generator = TorchGenerator(seed: 99)
        let fast = UnsafeMutablePointer<Float>.allocate(capacity: 16)
        let exact = UnsafeMutablePointer<Float>.allocate(capacity: 16)
        defer {
            fast.deallocate()
            exact.deallocate()
        }
        var differing = 0
        for _ in 0..<2000 {
            generator.engine.fillUniform(fast, count: 16)
            exact.update(from: fast, count: 16)
            CephesAVX2.transform16(fast, using: EmulatedFMA.self)
            CephesAVX2.transform16(exact, using: ExactFMA.self)
            differing += (0..<16).filter { fast[$0].bitPattern != exact[$0].bitPattern }.count
        }
        #expect(differing == 0)
    }
}
