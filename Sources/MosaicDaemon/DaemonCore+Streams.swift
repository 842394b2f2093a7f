import Foundation
import MosaicAPI
import MosaicStore

extension DaemonCore {
    func events(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let id = try readableJob(request, captures).id
        // Subscribe before reading the job again, so no transition falls between the two.
        guard let events = hub.feed(jobId: id, limit: configuration.maxEventStreams) else {
            throw APIError(
                .tooManyRequests,
                "too many event streams are open (\(configuration.maxEventStreams), max_event_streams); try again later"
            )
        }
        let current: Job
        do { current = try job(captures) } catch {
            events.cancel()
            throw error
        }
        // The job as it is first; events published since the subscription follow it.
        var initial = [EncodedEvent(JobEvent(type: .state, jobId: current.id, state: current.state, job: current))]
        if current.state.isFinished {
            initial.append(EncodedEvent(JobEvent(type: .end, jobId: current.id, state: current.state, job: current)))
            events.cancel()
        }
        return HTTPResponse(contentType: "application/x-ndjson", body: .events(initial: initial, following: events))
    }

    func output(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let job = try readableJob(request, captures)
        guard job.state == .succeeded, let path = job.outputPath else {
            throw APIError(.conflict, "job \(job.id) is \(job.state.rawValue); it has no output")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw APIError(.notFound, "the output of job \(job.id) is missing (\(path))")
        }
        return HTTPResponse(contentType: "image/webp", body: .bytes([UInt8](data)))
    }

    func preview(_ request: HTTPRequest, _ captures: [String: String]) throws(APIError) -> HTTPResponse {
        let job = try readableJob(request, captures)
        guard job.state == .running else {
            throw APIError(.conflict, "job \(job.id) is \(job.state.rawValue); previews exist only while a job runs")
        }
        let bytes: [UInt8]?
        do { bytes = try worker.preview(jobId: job.id) } catch {
            throw APIError(.internal, "cannot make the preview: \(error)")
        }
        guard let bytes else { throw APIError(.conflict, "job \(job.id) has not completed a step yet") }
        return HTTPResponse(contentType: "image/webp", body: .bytes(bytes))
    }
}
