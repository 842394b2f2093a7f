import Foundation
import Testing

@testable import MosaicImage

@Suite struct XMPTests {
    static let json = #"{"prompt":"a <red> & \"blue\" fox\r\nüñí 🦊","seed":42,"steps":[1,2]}"#

    @Test func packetIsWellFormedXMP() {
        let packet = XMPPacket.wrap(json: Self.json)
        #expect(packet.hasPrefix("<?xpacket begin=\"\u{FEFF}\""))
        #expect(packet.hasSuffix("<?xpacket end=\"w\"?>"))
        for marker in [
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">", "<rdf:RDF", "<rdf:Description",
            "xmlns:mosaic=\"urn:x-mosaic:1.0\"", "<mosaic:parameters>",
        ] {
            #expect(packet.contains(marker), "missing \(marker)")
        }
        // Escaped where XML needs it, quotes left readable.
        #expect(packet.contains(#"a &lt;red&gt; &amp; \"blue\" fox\r\n"#))
    }

    /// A raw CR would be normalised to LF by XML parsers, so it travels as a character reference.
    @Test func carriageReturnSurvives() {
        let text = "{\"a\":\r\n1}"
        let packet = XMPPacket.wrap(json: text)
        #expect(packet.contains("{\"a\":&#13;\n1}"))
        #expect(XMPPacket.json(from: packet) == text)
    }

    @Test func jsonRoundTripsThroughThePacket() {
        #expect(XMPPacket.json(from: XMPPacket.wrap(json: Self.json)) == Self.json)
        #expect(XMPPacket.json(from: XMPPacket.wrap(json: "")) == "")
    }

    @Test func readsAttributeFormAndMissingProperty() {
        let attribute = #"<rdf:Description mosaic:parameters="{&quot;a&quot;:1,&#x22;b&#34;:2}"/>"#
        #expect(XMPPacket.json(from: attribute) == #"{"a":1,"b":2}"#)
        #expect(XMPPacket.json(from: "<x:xmpmeta/>") == nil)
    }

    @Test(arguments: [WebPEncoder.Mode.lossless, .lossy(quality: 80)])
    func xmpRoundTripsThroughWebP(mode: WebPEncoder.Mode) throws {
        let image = try TestImages.smooth(width: 40, height: 24, seed: 2)
        let packet = XMPPacket.wrap(json: Self.json)
        let bytes = try WebPEncoder(mode).encode(image, xmp: packet)
        #expect(try WebPDecoder.xmp(in: bytes) == packet)
        #expect(try WebPDecoder.xmp(in: bytes).flatMap(XMPPacket.json(from:)) == Self.json)
        let decoded = try WebPDecoder.decode(bytes)
        if mode == .lossless { #expect(decoded == image) }
        #expect(try WebPDecoder.xmp(in: WebPEncoder(mode).encode(image)) == nil)
    }

    /// `webpmux -get xmp` (libwebp 1.2.4 needs `-o -` to print to stdout) shows the packet.
    @Test(.enabled(if: TestFiles.executable("webpmux") != nil, "webpmux not on PATH"))
    func webpmuxPrintsThePacket() throws {
        let directory = try TestFiles.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/meta.webp"
        let packet = XMPPacket.wrap(json: Self.json)
        let bytes = try WebPEncoder(.lossy(quality: 70)).encode(
            try TestImages.smooth(width: 32, height: 32, seed: 1), xmp: packet)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let webpmux = try #require(TestFiles.executable("webpmux"))
        let (status, output) = try TestFiles.run(webpmux, ["-get", "xmp", path, "-o", "-"])
        #expect(status == 0)
        #expect(output == packet)
        #expect(output.contains(#""seed":42"#))
        #expect(XMPPacket.json(from: output) == Self.json)
    }
}
