import XCTest
import TurnsTestSupport

/// The base of the tests that drive the real chat in tmux: an isolated home folder per test and a way to open
/// the chat in a terminal of a given size.
class TmuxTestCase: XCTestCase {
    /// The test's home folder (XDG folders inside it); removed after the test.
    var home = ""
    /// The built `turns` executable.
    let turns = ProcessRunner.executable("turns")

    override func setUpWithError() throws {
        try XCTSkipUnless(TmuxSession.isAvailable, "tmux is not installed")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: turns), "build the turns executable first")
        home = ProcessRunner.temporaryDirectory()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Opens the chat with `arguments` in a `width` x `height` terminal; `LANG` is C.UTF-8 unless `env` says otherwise.
    func chat(_ arguments: [String] = [], env extra: [String: String] = [:], width: Int = 100,
              height: Int = 30) throws -> TmuxSession {
        let env = ProcessRunner.isolatedEnvironment(home: home, ["LANG": "C.UTF-8"].merging(extra) { $1 })
        return try TmuxSession([turns] + arguments, environment: env, width: width, height: height)
    }
}
