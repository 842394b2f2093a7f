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
        if let stage = request.queryValue("stage") { return try stageOutput(of: job, stage: stage) }
        guard job.state == .succeeded, let path = job.outputPath else {
            throw APIError(.conflict, "job \(job.id) is \(job.state.rawValue); it has no output")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw APIError(.notFound, "the output of job \(job.id) is missing (\(path))")
        }
        return HTTPResponse(contentType: "image/webp", body: .bytes([UInt8](data)))
    }

    /// `GET /v1/jobs/{id}/output?stage=K`: the image of stage K (from 1) of a staged job, as
    /// soon as that stage has ended, while later ones run; the last stage's is the output.
    func stageOutput(of job: Job, stage text: String) throws(APIError) -> HTTPResponse {
        let count: Int
        if case .sides(let sides) = job.render.stages { count = sides.count } else { count = 1 }
        guard let stage = Int(text), (1...count).contains(stage) else {
            throw APIError(
                .badRequest,
                "invalid stage: '\(text)' (job \(job.id) has \(count) stage\(count == 1 ? "" : "s"): 1...\(count))")
        }
        let path: String
        if stage == count {
            guard job.state == .succeeded, let output = job.outputPath else {
                throw APIError(.conflict, "job \(job.id) is \(job.state.rawValue); its last stage has no image")
            }
            path = output
        } else {
            path = worker.stageImagePath(job.id, stage: stage - 1)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw APIError(.notFound, "stage \(stage) of job \(job.id) has no image (yet)")
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
