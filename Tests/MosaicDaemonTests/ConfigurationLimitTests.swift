import Foundation
import MosaicDaemon
import Testing

/// The limit keys of the config file and `mosaicd serve`: defaults, parsing and range checks.
struct ConfigurationLimitTests {
    @Test func defaultsAreDocumented() {
        let c = DaemonConfiguration.defaults(environment: [:])
        #expect(c.maxJobMemory == .fraction(0.75))
        #expect(c.maxJobDisk == .fraction(0.9))
        #expect(c.maxQueuedJobs == 10_000 && c.maxQueuedJobsPerUser == 1_000)
        #expect(c.readTimeout == 30 && c.idleTimeout == 60)
        #expect(c.maxConnections == 512 && c.maxEventStreams == 256)
        #expect(c.readOthersJobs)
        #expect(c.renderNice == 10)
    }

    @Test func budgetsParseSizesAndShares() {
        #expect(ByteBudget(parsing: "75%") == .fraction(0.75))
        #expect(ByteBudget(parsing: "8G") == .bytes(8 << 30))
        #expect(ByteBudget(parsing: "512m") == .bytes(512 << 20))
        #expect(ByteBudget(parsing: "1.5K") == .bytes(1536))
        #expect(ByteBudget(parsing: "4096") == .bytes(4096))
        for bad in ["0", "-1G", "150%", "0%", "lots", "", "1e300T"] {
            #expect(ByteBudget(parsing: bad) == nil, "\(bad)")
        }
        #expect(ByteBudget.fraction(0.5).resolve(available: 1000) == 500)
        #expect(ByteBudget.bytes(7).resolve(available: 1000) == 7)
    }

    @Test func configFileSetsEveryLimit() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mosaicd-\(UUID().uuidString).conf")
            .path
        try """
        max_job_memory = 2G
        max_job_disk = 50%   # of free disk
        max_queued_jobs = 20
        max_queued_jobs_per_user = 5
        read_timeout = 2.5
        idle_timeout = 10
        max_connections = 64
        max_event_streams = 8
        read_others_jobs = false
        render_nice = 5
        max_upload_bytes = 64M
        max_image_pixels = 4000000
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        var c = DaemonConfiguration.defaults(environment: [:])
        try c.apply(configFile: path)
        #expect(c.maxJobMemory == .bytes(2 << 30) && c.maxJobDisk == .fraction(0.5))
        #expect(c.maxQueuedJobs == 20 && c.maxQueuedJobsPerUser == 5)
        #expect(c.readTimeout == 2.5 && c.idleTimeout == 10)
        #expect(c.maxConnections == 64 && c.maxEventStreams == 8 && !c.readOthersJobs)
        #expect(c.renderNice == 5)
        #expect(c.maxUploadBytes == 64 << 20 && c.maxImagePixels == 4_000_000)
    }

    @Test func outOfRangeValuesNameTheirKey() {
        var c = DaemonConfiguration.defaults(environment: [:])
        for (key, value) in [
            ("max_queued_jobs", "0"), ("read_timeout", "-1"), ("idle_timeout", "nan"),
            ("max_connections", "many"), ("max_job_memory", "0%"), ("read_others_jobs", "maybe"),
            ("max_event_streams", "-2"), ("render_nice", "20"), ("render_nice", "-1"),
            ("max_upload_bytes", "50%"), ("max_upload_bytes", "12"), ("max_image_pixels", "0"),
        ] {
            do {
                try c.set(key, to: value)
                Issue.record("\(key) = \(value) was accepted")
            } catch {
                #expect(error.reason.contains(key), "\(error.reason)")
            }
        }
        #expect(throws: ConfigurationValueError.self) { try c.set("max_jobs", to: "3") }
    }
}
