import Foundation
import MosaicTensor

/// Random weights for any model, with shapes learnt from the model itself: for benchmarks and
/// tests that need a full-size model without a checkpoint.
///
/// `build(dtype:seed:_:)` runs a model's initialiser repeatedly; each unknown name is first
/// answered with an empty tensor, the initialiser's `shapeMismatch` error gives the expected
/// shape, and a random tensor of that shape and precision is made for the next try. Values are
/// uniform in `±1/sqrt(fan_in)` (norm scales `1 ± 0.1`), so activations stay in range.
public final class RandomWeights: WeightSource, @unchecked Sendable {
    private struct Stored {
        let shape: [Int]
        let storage: UnsafeMutableRawBufferPointer
    }

    /// The precision tensors are stored in.
    public let dtype: WeightDType
    private let lock = NSLock()
    private var storedTensors: [String: Stored] = [:]
    private let seed: UInt64

    private init(dtype: WeightDType, seed: UInt64) {
        self.dtype = dtype
        self.seed = seed
    }

    deinit {
        withTensors { all in for t in all.values { t.storage.deallocate() } }
    }

    /// Builds a model with `make` over random weights of `dtype`; returns the model and its weights.
    public static func build<Model>(
        dtype: WeightDType, seed: UInt64 = 1, _ make: (any WeightSource) throws(ModelLoadError) -> Model
    ) throws(ModelLoadError) -> (Model, RandomWeights) {
        let weights = RandomWeights(dtype: dtype, seed: seed)
        while true {
            do {
                return (try make(weights), weights)
            } catch .shapeMismatch(let name, let expected, let actual) where actual.isEmpty && !weights.contains(name) {
                weights.add(name: name, shape: expected)
            }
        }
    }

    /// The tensor `name`, or an empty placeholder (shape `[]`) when it is not made yet.
    public func tensor(named name: String) throws(ModelLoadError) -> WeightTensor {
        let stored = withTensors { $0[name] }
        guard let stored else {
            return WeightTensor(
                name: name, dtype: dtype, shape: [], bytes: UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return WeightTensor(
            name: name, dtype: dtype, shape: stored.shape, bytes: UnsafeRawBufferPointer(stored.storage))
    }

    /// Whether `name` has been made.
    public func contains(_ name: String) -> Bool { withTensors { $0[name] != nil } }

    /// Names made so far, sorted.
    public var tensorNames: [String] { withTensors { $0.keys.sorted() } }

    /// Total elements over all tensors.
    public var parameterCount: Int { withTensors { $0.values.reduce(0) { $0 + $1.shape.reduce(1, *) } } }

    private func withTensors<R>(_ body: (inout [String: Stored]) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&storedTensors)
    }

    private func add(name: String, shape: [Int]) {
        let count = shape.reduce(1, *)
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, count * dtype.byteSize), alignment: 64)
        var state = seed &+ UInt64(withTensors { $0.count }) &* 0xD1B5_4A32_D192_ED03
        let fanIn = max(1, shape.dropFirst().reduce(1, *))
        let isNormScale = shape.count == 1 && name.hasSuffix(".weight")
        let isBias = shape.count == 1 && !isNormScale
        let scale: Float = isNormScale ? 0.1 : (isBias ? 0.05 : 1 / Float(fanIn).squareRoot())
        for i in 0..<count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let uniform = Float(z >> 40) / Float(1 << 23) - 1
            let value = (isNormScale ? 1 : 0) + scale * uniform
            switch dtype {
            case .f32: storage.storeBytes(of: value, toByteOffset: 4 * i, as: Float.self)
            case .f16: storage.storeBytes(of: Float16(value).bitPattern, toByteOffset: 2 * i, as: UInt16.self)
            case .bf16: storage.storeBytes(of: UInt16(value.bitPattern >> 16), toByteOffset: 2 * i, as: UInt16.self)
            }
        }
        withTensors { $0[name] = Stored(shape: shape, storage: storage) }
    }
}
