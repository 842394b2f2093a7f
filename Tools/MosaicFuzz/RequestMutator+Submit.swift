import MosaicTestSupport

extension RequestMutator {
    /// A submission with a valid render of a few optional fields, then bent.
    func submit(using random: inout SeededGenerator) -> FuzzCase {
        var render = JSONObjectText()
        render.set("prompt", "\"calm sea\"")
        for (name, value) in Self.renderFields where random.chance(0.4) { render.set(name, value) }
        var top = JSONObjectText()
        if random.chance(0.5) { top.set("priority", random.pick(["0", "5", "-3"])) }
        var labels: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            labels.append(mutate(render: &render, top: &top, using: &random))
        }
        top.set("render", render.bytes)
        let (body, bodyLabel) = mutateWhole(top.bytes, using: &random)
        return request(
            "POST", "/v1/jobs", body: body, label: "submit: " + (bodyLabel ?? labels.joined(separator: "; ")),
            using: &random)
    }

    /// A batch of one or two submissions bent as `submit` bends them, each with a count (at most 3
    /// when valid: the paused queue must not fill up).
    func batch(using random: inout SeededGenerator) -> FuzzCase {
        var items: [[UInt8]] = []
        var labels: [String] = []
        for _ in 0..<Int.random(in: 1...2, using: &random) {
            var render = JSONObjectText()
            render.set("prompt", "\"calm sea\"")
            for (name, value) in Self.renderFields where random.chance(0.4) { render.set(name, value) }
            var item = JSONObjectText()
            item.set("count", random.pick(["1", "3", "0", "-1", "10001", "1e3", "\"2\"", "null"]))
            labels.append(mutate(render: &render, top: &item, using: &random))
            item.set("render", render.bytes)
            items.append(item.bytes)
        }
        let list = Array("[".utf8) + items.joined(separator: Array(",".utf8)) + Array("]".utf8)
        var top = JSONObjectText()
        top.set("items", list)
        let (body, bodyLabel) = mutateWhole(top.bytes, using: &random)
        return request(
            "POST", "/v1/batches", body: body, label: "batch: " + (bodyLabel ?? labels.joined(separator: "; ")),
            using: &random)
    }

    /// One change to a submission; returns what it did.
    func mutate(render: inout JSONObjectText, top: inout JSONObjectText, using random: inout SeededGenerator) -> String
    {
        let fields = ["prompt"] + Self.renderFields.map(\.0) + ["quality"]
        switch Int.random(in: 0..<10, using: &random) {
        case 0...4:
            let field = random.pick(fields)
            let junk = JSONJunk.value(using: &random)
            render.set(field, junk.bytes)
            return "render.\(field) = \(junk.label)"
        case 5:
            let junk = JSONJunk.value(using: &random)
            top.set("priority", junk.bytes)
            return "priority = \(junk.label)"
        case 6:
            let name = random.pick(Self.unknownNames)
            if random.chance(0.5) {
                render.set(name, "1")
                return "unknown field render.\(name.prefix(40))"
            }
            top.set(name, "1")
            return "unknown field \(name.prefix(40))"
        case 7:
            let field = random.pick(render.keys)
            render.members.append((JSONJunk.quoted(Array(field.utf8)), Array("\"duplicate\"".utf8)))
            return "duplicate render.\(field)"
        case 8:
            let field = random.pick(["prompt", "render"])
            if field == "prompt" {
                render.remove("prompt")
            } else {
                top.set("render", JSONJunk.value(using: &random).bytes)
            }
            return field == "prompt" ? "no prompt" : "render is junk"
        default:
            let bad = random.pick(JSONJunk.invalidUTF8)
            render.members.append((JSONJunk.quoted(Array("wi".utf8) + bad), Array("64".utf8)))
            return "field name with invalid UTF-8"
        }
    }

    /// Sometimes replaces the whole body: empty, not an object, cut short, with a BOM or with
    /// trailing bytes. Returns the body and a label when it did.
    func mutateWhole(_ body: [UInt8], using random: inout SeededGenerator) -> ([UInt8], String?) {
        guard random.chance(0.2) else { return (body, nil) }
        switch Int.random(in: 0..<7, using: &random) {
        case 0: return ([], "empty body")
        case 1:
            let junk = JSONJunk.value(using: &random)
            return (junk.bytes, "body is \(junk.label)")
        case 2:
            let cut = Int.random(in: 0..<max(1, body.count), using: &random)
            return (Array(body[..<cut]), "body cut at byte \(cut) of \(body.count)")
        case 3: return ([0xEF, 0xBB, 0xBF] + body, "body with a UTF-8 BOM")
        case 4: return (body + Array(" trailing".utf8), "body with trailing bytes")
        case 5: return (body + body, "two bodies in one")
        default: return (random.bytes(Int.random(in: 1...512, using: &random)), "random bytes as body")
        }
    }
}
