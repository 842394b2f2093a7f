import Foundation
import Logging
import Testing

@testable import MosaicSystemd

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct JournalLogHandlerTests {
    @Test(arguments: [
        (Logger.Level.trace, "<7>"), (.debug, "<7>"), (.info, "<6>"), (.notice, "<5>"),
        (.warning, "<4>"), (.error, "<3>"), (.critical, "<2>"),
    ])
    func levelsGetSdDaemonPriorityPrefixes(level: Logger.Level, prefix: String) {
        let line = JournalLineFormat.line(level: level, label: "mosaicd", message: "hello", metadata: [:])
        #expect(line == "\(prefix)mosaicd: hello\n")
    }

    @Test func jobComesFirstAsJobIdThenSortedMetadata() {
        let line = JournalLineFormat.line(
            level: .info, label: "mosaicd.worker", message: "tile done",
            metadata: ["tile": "3 of 16", "step": "7", "job": "42", "model": "builtin"])
        #expect(line == "<6>mosaicd.worker: tile done JOB_ID=42 model=builtin step=7 tile=\"3 of 16\"\n")
    }

    @Test func newlinesAndQuotesCannotBreakTheLine() {
        let line = JournalLineFormat.line(
            level: .error, label: "l", message: "failed:\nsecond line",
            metadata: ["prompt": "a \"red\"\ncat", "empty": ""])
        #expect(line == "<3>l: failed:\\nsecond line empty=\"\" prompt=\"a \\\"red\\\"\\ncat\"\n")
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test func loggerWritesMergedMetadataThroughTheHandler() throws {
        let pipe = Pipe()
        let fd = pipe.fileHandleForWriting.fileDescriptor
        var logger = Logger(label: "mosaicd.api") { label in
            JournalLogHandler(
                label: label, metadataProvider: .init { ["request": "r1"] }, logLevel: .debug, fileDescriptor: fd)
        }
        logger[metadataKey: "job"] = "9"
        logger.debug("claimed", metadata: ["request": "r2"])
        logger.trace("filtered out by logLevel")
        logger.warning("slow tile")
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text == "<7>mosaicd.api: claimed JOB_ID=9 request=r2\n<4>mosaicd.api: slow tile JOB_ID=9 request=r1\n")
    }

    @Test func concurrentLongLinesNeverInterleave() throws {
        let pipe = Pipe()
        let fd = pipe.fileHandleForWriting.fileDescriptor
        let reader = pipe.fileHandleForReading
        // Lines longer than PIPE_BUF, from several threads at once, read concurrently so
        // writers block on a full pipe and get short writes.
        let collected = LockedBytes()
        let readerDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            collected.set(reader.readDataToEndOfFile())
            readerDone.signal()
        }
        let letters = Array("abcdefgh")
        DispatchQueue.concurrentPerform(iterations: letters.count) { index in
            let handler = JournalLogHandler(label: "t", fileDescriptor: fd)
            let logger = Logger(label: "t") { _ in handler }
            for _ in 0..<20 {
                logger.info("\(String(repeating: letters[index], count: 6000))")
            }
        }
        try pipe.fileHandleForWriting.close()
        readerDone.wait()
        let lines = String(decoding: collected.get(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == letters.count * 20)
        for line in lines {
            let body = line.dropFirst("<6>t: ".count)
            #expect(line.hasPrefix("<6>t: ") && body.count == 6000 && Set(body).count == 1)
        }
    }

    @Test func journalStreamMatchesOnlyTheSameFile() throws {
        let fd = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(fd) }
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        #expect(JournalLogHandler.streamMatches("\(info.st_dev):\(info.st_ino)", fileDescriptor: fd))
        #expect(!JournalLogHandler.streamMatches("\(info.st_dev):\(info.st_ino + 1)", fileDescriptor: fd))
        #expect(!JournalLogHandler.streamMatches("\(info.st_dev)", fileDescriptor: fd))
        #expect(!JournalLogHandler.streamMatches("x:y", fileDescriptor: fd))
    }
}

/// Bytes handed from the reader thread to the test.
final class LockedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func set(_ newValue: Data) { lock.withLock { data = newValue } }
    func get() -> Data { lock.withLock { data } }
}
