import Foundation
import TurnsHTTP
import XCTest

/// `CurlTransport` verifies certificates: a self-signed server (`openssl s_server` on 127.0.0.1) is refused.
final class CurlTransportTLSTests: XCTestCase {
    func testSelfSignedCertificateIsRefusedAsATLSError() async throws {
        let openssl = "/usr/bin/openssl"
        guard FileManager.default.isExecutableFile(atPath: openssl) else {
            throw XCTSkip("openssl is not installed; certificate verification is not exercised")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("turns-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        let make = try run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                     "-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                                     "-days", "1", "-keyout", key, "-out", certificate])
        make.waitUntilExit()
        XCTAssertEqual(make.terminationStatus, 0)

        let port = try refusedPort()
        let output = Pipe()
        let server = try run(openssl, ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate,
                                       "-key", key, "-www", "-naccept", "1"], stdout: output)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        // s_server prints ACCEPT once it listens.
        var printed = Data()
        while !String(decoding: printed, as: UTF8.self).contains("ACCEPT") {
            let more = output.fileHandleForReading.availableData
            guard !more.isEmpty else { return XCTFail("openssl s_server did not start") }
            printed += more
        }

        let result = await collect(CurlTransport().execute(HTTPRequest(method: "GET", url: "https://127.0.0.1:\(port)/")))

        XCTAssertNil(result.head, "a server with an untrusted certificate must not be talked to")
        guard case .tls(let message) = result.transportError else {
            return XCTFail("expected a TLS error, got \(String(describing: result.error))")
        }
        XCTAssertTrue(message.contains("certificate"), message)
    }

    private func run(_ executable: String, _ arguments: [String], stdout: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
