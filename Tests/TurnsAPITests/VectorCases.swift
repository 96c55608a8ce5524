import TurnsCore
import TurnsTestSupport
import XCTest

/// One case of a shared SSE vector file: the network reads and the expected result.
struct VectorCase {
    var name: String
    var chunks: [[UInt8]]
    var expected: TestJSON

    /// All the bytes of the case, as one stream.
    var joined: [UInt8] { chunks.flatMap { $0 } }

    /// Every way of reading the case the tests try: the given reads, every split in two, and byte by byte.
    var readings: [(label: String, reads: [[UInt8]])] {
        let all = joined
        var result: [(String, [[UInt8]])] = [("given chunks", chunks)]
        for k in 0...all.count {
            result.append(("split at \(k)", [Array(all[..<k]), Array(all[k...])]))
        }
        result.append(("one byte per read", all.map { [$0] }))
        return result
    }

    /// The cases of `file` (e.g. `"sse/decoder.json"`), with `expectedKey` holding each expected result;
    /// a missing file fails the test.
    static func load(_ file: String, expectedKey: String) throws -> [VectorCase] {
        let document = try XCTUnwrap(try Vectors.json(file), Vectors.missingNotice(file))
        let cases = try XCTUnwrap(document["cases"]?.arrayValue, "\(file) has no cases")
        return try cases.map { item in
            let name = try XCTUnwrap(item["name"]?.stringValue)
            let hexChunks = try XCTUnwrap(item["chunks_hex"]?.arrayValue, "\(name) has no chunks_hex")
            let chunks = try hexChunks.map { try XCTUnwrap(Vectors.bytes(hex: $0.stringValue ?? "-"), "bad hex in \(name)") }
            let expected = try XCTUnwrap(item[expectedKey], "\(name) has no \(expectedKey)")
            return VectorCase(name: name, chunks: chunks, expected: expected)
        }
    }
}
