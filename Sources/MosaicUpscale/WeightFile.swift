import Foundation

/// The tensors of an upscaler file, by name: their shapes up front, their values as fp32 on demand.
///
/// Listing a models directory only needs the shapes (to recognise the architecture), so a
/// file's values are read only when the upscaler is built.
public protocol WeightFile: Sendable {
    /// The path the file was opened from.
    var path: String { get }
    /// Every tensor's shape, by name.
    var shapes: [String: [Int]] { get }
    /// The values of tensor `name`, widened to fp32, in row-major order.
    func floats(_ name: String) throws(UpscalerError) -> [Float]
}
