import Foundation
import Testing

@testable import MosaicDaemon

/// Paths and queries are percent-decoded only where they need it, as Foundation decodes them.
struct HTTPRequestTests {
    static let peer = PeerCredentials(pid: 1, uid: 1000, gid: 1000)

    @Test func pathsAndQueriesAreDecoded() {
        let request = HTTPRequest(
            method: .GET, uri: "/v1/jobs/a%20b+c?state=running,queued&note=a+b%21&bad=%zz&flag", body: [],
            peer: Self.peer)
        #expect(request.pathComponents == ["v1", "jobs", "a b+c"])
        #expect(request.queryValues("state") == ["running,queued"])
        #expect(request.queryValue("note") == "a b!")
        #expect(request.queryValue("bad") == "%zz")
        #expect(request.queryValue("flag") == "")
        let plain = HTTPRequest(method: .GET, uri: "/v1/jobs?limit=50", body: [], peer: Self.peer)
        #expect(plain.pathComponents == ["v1", "jobs"] && plain.queryValue("limit") == "50")
    }

    @Test func decodingAgreesWithFoundationOnRandomText() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("ab+%2F%41% z%e2%82%ac/".utf8)
        for _ in 0..<2000 {
            let text = String(
                decoding: (0..<Int.random(in: 0...12, using: &random)).map { _ in
                    alphabet.randomElement(using: &random)!
                }, as: UTF8.self)
            let slow = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
            #expect(HTTPRequest.decode(Substring(text), plusIsSpace: true) == slow, "\(text)")
            #expect(
                HTTPRequest.decode(Substring(text), plusIsSpace: false) == (text.removingPercentEncoding ?? text),
                "\(text)")
        }
    }
}
