import Foundation
import Testing

@testable import MosaicDaemon

/// The cgroup headroom that caps the memory budget, read from a made-up /sys/fs/cgroup tree.
struct CgroupMemoryTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString.prefix(8))")
        .path

    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func v2TakesTheTightestAncestor() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("self", "0::/system.slice/mosaicd.service\n")
        try write("system.slice/mosaicd.service/memory.max", "max\n")
        try write("system.slice/mosaicd.service/memory.current", "1000\n")
        try write("system.slice/memory.max", "8000\n")
        try write("system.slice/memory.current", "5000\n")
        try write("memory.max", "max\n")
        try write("memory.current", "1\n")
        #expect(CgroupMemory.headroom(selfCgroup: root + "/self", root: root) == 3000)
        try write("system.slice/mosaicd.service/memory.max", "2500\n")
        #expect(CgroupMemory.headroom(selfCgroup: root + "/self", root: root) == 1500)
    }

    @Test func v1ReadsTheMemoryController() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("self", "4:memory:/box\n3:cpu:/\n0::/\n")
        try write("memory/box/memory.limit_in_bytes", "4096\n")
        try write("memory/box/memory.usage_in_bytes", "1024\n")
        #expect(CgroupMemory.headroom(selfCgroup: root + "/self", root: root) == 3072)
        // "No limit" in v1 is about 2^63.
        try write("memory/box/memory.limit_in_bytes", "9223372036854771712\n")
        #expect(CgroupMemory.headroom(selfCgroup: root + "/self", root: root) == nil)
    }

    @Test func noCgroupFileMeansNoCap() {
        #expect(CgroupMemory.headroom(selfCgroup: root + "/missing", root: root) == nil)
    }
}
