import ArgumentParser
import Foundation
import MosaicAPI
import MosaicClient

/// `mosaicctl submit --init-image FILE --strength S`: image-to-image from a local file, which
/// mosaicctl uploads for the user (`POST /v1/images`) before it submits the job.
struct InitImageOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Start from this PNG, JPEG or WebP file (image-to-image): it is uploaded, then resized to the job's size (Lanczos).",
            valueName: "file"),
        completion: .file(extensions: ["png", "jpg", "jpeg", "webp"]))
    var initImage: String?

    @Option(help: "How much of the init image is renoised, 0 < S <= 1 (default with --init-image: 0.8).")
    var strength: Float?

    func validate() throws {
        if let strength, !(strength.isFinite && strength > 0 && strength <= 1) {
            throw ValidationError("--strength must be in (0, 1]")
        }
    }

    /// Seconds the upload may wait for the daemon's answer: it decodes, hashes and stores the
    /// picture before it answers, which for 16384 x 16384 px takes minutes on a small machine.
    static let uploadTimeout: Double = 600

    /// Uploads the init image if one is given; the record names it for the job.
    func upload(with client: MosaicClient) throws -> ImageRecord? {
        guard let initImage else { return nil }
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: initImage)))
        } catch {
            throw CtlError(.usage, "cannot read \(initImage): \((error as NSError).localizedDescription)")
        }
        do {
            let patient = MosaicClient(socketPath: client.socketPath, timeout: max(client.timeout, Self.uploadTimeout))
            return try patient.uploadImage(bytes)
        } catch {
            let failure = CtlError(error)
            throw CtlError(failure.status, "\(initImage): \(failure.message)")
        }
    }

    /// After a failed submission: the upload served nothing, so it goes (and the user is told).
    static func withdraw(_ image: ImageRecord, with client: MosaicClient) {
        do {
            _ = try client.removeImage(image.id)
            Terminal.printError("the job was not submitted; removed the uploaded init image \(image.id)")
        } catch {
            Terminal.printError(
                "the job was not submitted, and the uploaded init image \(image.id) could not be removed: \(CtlError(error).message) (mosaicctl images rm \(image.id))"
            )
        }
    }
}
