// A pickle reader that rebuilds a dict of tensors and nothing else. Python's unpickler calls
// whatever a file names (a REDUCE of `os.system` runs a shell command); this one knows the
// opcodes of protocols 2 to 5 that torch.save emits for a state dict, accepts only the globals of
// `AllowedGlobal`, and evaluates REDUCE only on those, so a file can describe data but never run
// code. Anything else is an error that names the opcode or the global.

/// Reads a torch.save pickle into a `PickleValue`, refusing every global outside the allowlist.
struct RestrictedUnpickler {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var stack: [PickleValue] = []
    private var memo: [Int: PickleValue] = [:]

    /// The largest number of values the stack or memo may hold (a hostile file cannot exhaust memory).
    static let valueLimit = 1 << 22

    /// Prepares to read `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Runs the pickle to its STOP and returns the value it leaves.
    mutating func load() throws(UpscalerError) -> PickleValue {
        while true {
            let start = position
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()  // PROTO
            case 0x95: _ = try take(8)  // FRAME: a length hint
            case 0x2e:  // STOP
                guard let value = stack.popLast(), stack.isEmpty else {
                    throw invalid("STOP with a stack of \(stack.count)", start)
                }
                return value
            case 0x7d: try push(.dict(PickleDict()))  // EMPTY_DICT
            case 0x5d: try push(.list(PickleList()))  // EMPTY_LIST
            case 0x29: try push(.tuple([]))  // EMPTY_TUPLE
            case 0x28: try push(.mark)  // MARK
            case 0x4e: try push(.none)  // NONE
            case 0x88: try push(.bool(true))  // NEWTRUE
            case 0x89: try push(.bool(false))  // NEWFALSE
            case 0x4b: try push(.int(Int(try byte())))  // BININT1
            case 0x4d: try push(.int(Int(try uint(2))))  // BININT2
            case 0x4a: try push(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))  // BININT
            case 0x8a: try push(.int(try long(count: Int(try byte()), at: start)))  // LONG1
            case 0x47: try push(.float(Double(bitPattern: UInt64(bigEndian: try rawUInt64()))))  // BINFLOAT
            case 0x58: try push(.string(try text(count: try length(4, at: start))))  // BINUNICODE
            // SHORT_BINUNICODE, SHORT_BINSTRING, SHORT_BINBYTES
            case 0x8c, 0x55, 0x43: try push(.string(try text(count: Int(try byte()))))
            case 0x8d: try push(.string(try text(count: try length(8, at: start))))  // BINUNICODE8
            case 0x54, 0x42: try push(.string(try text(count: try length(4, at: start))))  // BINSTRING, BINBYTES
            case 0x71: try put(Int(try byte()))  // BINPUT
            case 0x72: try put(Int(try uint(4)))  // LONG_BINPUT
            case 0x94: try put(memo.count)  // MEMOIZE
            case 0x68: try get(Int(try byte()), at: start)  // BINGET
            case 0x6a: try get(Int(try uint(4)), at: start)  // LONG_BINGET
            case 0x63:  // GLOBAL "module\nname\n"
                let module = try line()
                let name = try line()
                try push(.global(try Self.allowed(module, name)))
            case 0x93:  // STACK_GLOBAL
                let name = try pop(start)
                let module = try pop(start)
                guard case .string(let n) = name, case .string(let m) = module else {
                    throw invalid("STACK_GLOBAL needs two strings", start)
                }
                try push(.global(try Self.allowed(m, n)))
            case 0x74: try push(.tuple(try popMark(start)))  // TUPLE
            case 0x85: try push(.tuple(try popCount(1, start)))  // TUPLE1
            case 0x86: try push(.tuple(try popCount(2, start)))  // TUPLE2
            case 0x87: try push(.tuple(try popCount(3, start)))  // TUPLE3
            case 0x73:  // SETITEM
                let pair = try popCount(2, start)
                try dictOnTop(start).items.append((pair[0], pair[1]))
            case 0x75:  // SETITEMS
                let items = try popMark(start)
                guard items.count % 2 == 0 else { throw invalid("SETITEMS with an odd count", start) }
                let dict = try dictOnTop(start)
                for i in stride(from: 0, to: items.count, by: 2) { dict.items.append((items[i], items[i + 1])) }
            case 0x61:  // APPEND
                let item = try pop(start)
                try listOnTop(start).items.append(item)
            case 0x65:  // APPENDS
                let items = try popMark(start)
                try listOnTop(start).items.append(contentsOf: items)
            case 0x51:  // BINPERSID
                try push(.storage(try Self.storage(from: try pop(start), at: start)))
            case 0x52:  // REDUCE
                let arguments = try pop(start)
                let callable = try pop(start)
                try push(try Self.reduce(callable, arguments, at: start))
            case 0x62:  // BUILD: the state of an OrderedDict (a state dict's `_metadata`) is not needed.
                _ = try pop(start)
                guard !stack.isEmpty else { throw invalid("BUILD on an empty stack", start) }
            default:
                throw .unsupportedOpcode(opcode: opcode, offset: start)
            }
        }
    }

    private static func allowed(_ module: String, _ name: String) throws(UpscalerError) -> AllowedGlobal {
        guard let global = AllowedGlobal(module: module, name: name) else {
            throw .forbiddenGlobal("\(module).\(name)")
        }
        return global
    }

    private static func storage(from id: PickleValue, at offset: Int) throws(UpscalerError) -> TorchStorage {
        guard case .tuple(let fields) = id, fields.count == 5, case .string("storage") = fields[0],
            case .global(.storageType(let dtype)) = fields[1], case .string(let key) = fields[2],
            case .int(let count) = fields[4], count >= 0
        else {
            throw .invalidPickle(reason: "persistent id is not ('storage', type, key, location, numel)", offset: offset)
        }
        return TorchStorage(dtype: dtype, key: key, count: count)
    }

    private static func reduce(_ callable: PickleValue, _ arguments: PickleValue, at offset: Int)
        throws(UpscalerError) -> PickleValue
    {
        guard case .global(let global) = callable, case .tuple(let args) = arguments else {
            throw .invalidPickle(reason: "REDUCE needs an allowed global and a tuple", offset: offset)
        }
        switch global {
        case .orderedDict:
            guard args.isEmpty else { throw .invalidPickle(reason: "OrderedDict with arguments", offset: offset) }
            return .dict(PickleDict())
        case .rebuildTensor:
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let start) = args[1],
                let shape = Self.ints(args[2]), let stride = Self.ints(args[3]), shape.count == stride.count
            else { throw .invalidPickle(reason: "_rebuild_tensor_v2 with unexpected arguments", offset: offset) }
            return .tensor(TorchTensorRecord(storage: storage, offset: start, shape: shape, stride: stride))
        case .rebuildParameter:
            guard let data = args.first, case .tensor = data else {
                throw .invalidPickle(reason: "_rebuild_parameter without a tensor", offset: offset)
            }
            return data
        case .storageType:
            throw .invalidPickle(reason: "a storage type is not callable", offset: offset)
        }
    }

    private static func ints(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case .int(let v) = item else { return nil }
            result.append(v)
        }
        return result
    }

    // MARK: - Stack and memo

    private mutating func push(_ value: PickleValue) throws(UpscalerError) {
        guard stack.count < Self.valueLimit else { throw invalid("stack deeper than \(Self.valueLimit)", position) }
        stack.append(value)
    }

    private mutating func pop(_ at: Int) throws(UpscalerError) -> PickleValue {
        guard let value = stack.popLast() else { throw invalid("stack underflow", at) }
        if case .mark = value { throw invalid("unexpected MARK", at) }
        return value
    }

    private mutating func popCount(_ count: Int, _ at: Int) throws(UpscalerError) -> [PickleValue] {
        var values: [PickleValue] = []
        for _ in 0..<count { values.append(try pop(at)) }
        return values.reversed()
    }

    private mutating func popMark(_ at: Int) throws(UpscalerError) -> [PickleValue] {
        guard let mark = stack.lastIndex(where: { if case .mark = $0 { true } else { false } }) else {
            throw invalid("no MARK", at)
        }
        let values = Array(stack[(mark + 1)...])
        stack.removeSubrange(mark...)
        return values
    }

    private func dictOnTop(_ at: Int) throws(UpscalerError) -> PickleDict {
        guard case .dict(let dict) = stack.last else { throw invalid("SETITEM(S) without a dict", at) }
        return dict
    }

    private func listOnTop(_ at: Int) throws(UpscalerError) -> PickleList {
        guard case .list(let list) = stack.last else { throw invalid("APPEND(S) without a list", at) }
        return list
    }

    private mutating func put(_ index: Int) throws(UpscalerError) {
        guard let top = stack.last else { throw invalid("PUT on an empty stack", position) }
        guard memo.count < Self.valueLimit else { throw invalid("memo larger than \(Self.valueLimit)", position) }
        memo[index] = top
    }

    private mutating func get(_ index: Int, at: Int) throws(UpscalerError) {
        guard let value = memo[index] else { throw invalid("GET of unset memo \(index)", at) }
        try push(value)
    }

    // MARK: - Bytes

    private func invalid(_ reason: String, _ offset: Int) -> UpscalerError {
        .invalidPickle(reason: reason, offset: offset)
    }

    private mutating func take(_ count: Int) throws(UpscalerError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else { throw invalid("truncated", position) }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    private mutating func byte() throws(UpscalerError) -> UInt8 { try take(1)[0] }

    private mutating func uint(_ count: Int) throws(UpscalerError) -> UInt64 {
        var value: UInt64 = 0
        for (i, b) in try take(count).enumerated() { value |= UInt64(b) << UInt64(8 * i) }
        return value
    }

    private mutating func rawUInt64() throws(UpscalerError) -> UInt64 { try take(8).loadUnaligned(as: UInt64.self) }

    private mutating func length(_ size: Int, at: Int) throws(UpscalerError) -> Int {
        let value = try uint(size)
        guard value <= UInt64(bytes.count) else { throw invalid("length \(value) past the end", at) }
        return Int(value)
    }

    /// A little-endian two's-complement integer of `count` bytes (LONG1), at most 8.
    private mutating func long(count: Int, at: Int) throws(UpscalerError) -> Int {
        guard count <= 8 else { throw invalid("integer of \(count) bytes", at) }
        guard count > 0 else { return 0 }
        var value = try uint(count)
        if count < 8, value & (1 << UInt64(8 * count - 1)) != 0 { value |= ~0 << UInt64(8 * count) }
        return Int(Int64(bitPattern: value))
    }

    private mutating func text(count: Int) throws(UpscalerError) -> String {
        String(decoding: try take(count), as: UTF8.self)
    }

    private mutating func line() throws(UpscalerError) -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0a) else { throw invalid("unterminated GLOBAL", position) }
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        position = end + 1
        return value
    }
}
