import MosaicAPI
import MosaicTestSupport

/// The renders a torture run submits, cycling through samplers and tilings.
///
/// `euler_a` draws fresh noise every step, so a resume must restore the generator's position;
/// `dpmpp_2m` and its Karras variant keep the previous step's prediction, so a resume must
/// restore that history; `shifted` moves its grid by a function of the step, so the step count
/// must be restored exactly. Staged jobs (a base render at half the size, then image-to-image at
/// the full size) must resume inside either stage and in their decodes. Lossless output makes
/// the pixels comparable bit for bit.
enum TortureJobs {
    private struct Template {
        let prompt: String
        let sampler: String
        let tiling: String
        let tileSize: Int
        let tileOverlap: Int
        let tileWeighting: String
        /// Width and height as fractions (in quarters) of the base size.
        let widthQuarters: Int
        let heightQuarters: Int
        let extraSteps: Int
        /// Render in two stages: half the long edge, then the full size at strength 0.6.
        var staged = false
    }

    private static let templates = [
        Template(
            prompt: "vast misty ocean at dusk, waves", sampler: "euler_a", tiling: "overlap", tileSize: 64,
            tileOverlap: 16, tileWeighting: "gaussian", widthQuarters: 4, heightQuarters: 4, extraSteps: 0),
        Template(
            prompt: "rocky desert, golden strata", sampler: "dpmpp_2m", tiling: "shifted", tileSize: 64,
            tileOverlap: 0, tileWeighting: "gaussian", widthQuarters: 4, heightQuarters: 3, extraSteps: 4),
        Template(
            prompt: "dark forest, moss, rain", sampler: "dpmpp_2m_karras", tiling: "overlap", tileSize: 48,
            tileOverlap: 12, tileWeighting: "uniform", widthQuarters: 3, heightQuarters: 4, extraSteps: -4),
        Template(
            prompt: "stormy sea, dramatic, vivid", sampler: "euler_a", tiling: "shifted", tileSize: 32,
            tileOverlap: 0, tileWeighting: "gaussian", widthQuarters: 4, heightQuarters: 4, extraSteps: 0),
        Template(
            prompt: "snow meadow, bright, smooth", sampler: "ddim", tiling: "none", tileSize: 64,
            tileOverlap: 0, tileWeighting: "gaussian", widthQuarters: 4, heightQuarters: 3, extraSteps: 0),
        Template(
            prompt: "lava towers, night, grainy", sampler: "euler", tiling: "overlap", tileSize: 64,
            tileOverlap: 8, tileWeighting: "gaussian", widthQuarters: 3, heightQuarters: 4, extraSteps: 4),
        Template(
            prompt: "misty harbour, calm, muted", sampler: "dpmpp_2m", tiling: "overlap", tileSize: 32,
            tileOverlap: 8, tileWeighting: "gaussian", widthQuarters: 4, heightQuarters: 3, extraSteps: 2,
            staged: true),
    ]

    /// `count` renders around `size` px and `steps` steps, seeds drawn from `seed`.
    static func specs(count: Int, seed: UInt64, size: Int, steps: Int) -> [RenderSpec] {
        var generator = SeededGenerator(seed: seed ^ 0x6A0B_5EED)
        return (0..<max(0, count)).map { index in
            let template = templates[index % templates.count]
            let width = scaled(size, template.widthQuarters)
            let height = scaled(size, template.heightQuarters)
            let longEdge = max(width, height)
            return RenderSpec(
                prompt: template.prompt, width: width, height: height, steps: max(1, steps + template.extraSteps),
                // Below 2^63, so the seed reads the same wherever it is stored signed.
                sampler: template.sampler, seed: generator.next() >> 1, tiling: template.tiling,
                tileSize: template.tileSize, tileOverlap: template.tileOverlap, tileWeighting: template.tileWeighting,
                lossless: true, stages: template.staged ? .sides([max(64, longEdge / 2 / 8 * 8), longEdge]) : nil,
                strengths: template.staged ? [1, 0.6] : nil)
        }
    }

    /// `quarters`/4 of `size`, on the multiple of 8 that image sizes must be, at least 64.
    private static func scaled(_ size: Int, _ quarters: Int) -> Int {
        max(64, size * quarters / 4 / 8 * 8)
    }

    /// One line about a job's render, for the report.
    static func summary(of spec: RenderSpec) -> String {
        "\(spec.width ?? 0)x\(spec.height ?? 0) \(spec.sampler ?? "?") \(spec.tiling ?? "?") "
            + "\(spec.steps ?? 0) steps" + (spec.stages.map { $0 == .none ? "" : ", stages \($0)" } ?? "")
    }
}
