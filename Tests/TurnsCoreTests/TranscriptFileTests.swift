import XCTest
@testable import TurnsCore
import TurnsTestSupport

/// Generates conversations with every awkward feature: unicode, newlines, marker look-alikes, empty and long turns.
enum ConversationGenerator {
    static func make(using rng: inout SeededGenerator) -> Transcript {
        let system: String? = Bool.random(using: &rng) ? TrickyText.random(using: &rng) : nil
        var turns: [Turn] = []
        let count = Int.random(in: 0...8, using: &rng)
        for index in 0..<count {
            var text = TrickyText.random(using: &rng)
            if Int.random(in: 0..<20, using: &rng) == 0 { text = String(repeating: "long 界 line\n", count: 5000) }
            let date = Date(timeIntervalSince1970: Double(Int.random(in: 1_600_000_000_000...1_900_000_000_000,
                                                                      using: &rng)) / 1000)
            let role: Role = index % 2 == 0 ? .human : .assistant
            var reply: ReplyInfo?
            if role == .assistant {
                reply = ReplyInfo(backend: "local", model: "turns-local",
                                  settings: SamplingSettings(model: "turns-local", maxTokensToSample: 300,
                                                             temperature: Bool.random(using: &rng) ? 0.7 : nil,
                                                             topK: Bool.random(using: &rng) ? 40 : nil,
                                                             stopSequences: Bool.random(using: &rng) ? ["\n\nObs:"] : []),
                                  stopReason: Bool.random(using: &rng) ? "stop_sequence" : nil,
                                  interrupted: Bool.random(using: &rng),
                                  error: Bool.random(using: &rng) ? "the connection was lost" : nil,
                                  requestID: "req_\(index)", timeToFirstToken: 0.125, tokensPerSecond: 31.5)
            }
            turns.append(Turn(role: role, text: text, createdAt: date, reply: reply))
        }
        return Transcript(system: system, turns: turns)
    }
}

final class TranscriptRoundTripTests: XCTestCase {
    func testJSONLoadJSONIsIdenticalForGeneratedConversations() throws {
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<300 {
            let transcript = ConversationGenerator.make(using: &rng)
            let json = TranscriptJSON.encode(transcript)
            let loaded = try TranscriptJSON.decode(Data(json.utf8))
            XCTAssertEqual(TranscriptJSON.encode(loaded), json)
            XCTAssertEqual(loaded.turns.map(\.text), transcript.turns.map(\.text))
        }
    }

    func testALongTranscriptLoadsWholeAndInOrder() throws {
        let turns = (0..<2_345).map { index in
            Turn(role: index % 2 == 0 ? .human : .assistant, text: "turn \(index) {\"[,]\"}",
                 createdAt: Date(timeIntervalSince1970: Double(index)))
        }
        let json = TranscriptJSON.encode(Transcript(system: "s", turns: turns))
        let loaded = try TranscriptJSON.decode(Data(json.utf8))
        XCTAssertEqual(loaded.turns.count, 2_345)
        XCTAssertEqual(loaded.turns[1_234].text, "turn 1234 {\"[,]\"}")
        XCTAssertEqual(TranscriptJSON.encode(loaded), json)
        let broken = json.replacingOccurrences(of: #""turn 1500 {\"[,]\"}""#, with: "7")
        XCTAssertThrowsError(try TranscriptJSON.decode(Data(broken.utf8))) {
            XCTAssertEqual(($0 as? TranscriptDecodingError)?.problem, "turn 1501: \"text\" must be a string")
        }
    }

    func testRunsOfBackslashesBeforeAQuoteEndTheRightStrings() throws {
        // An odd run escapes the quote, an even run ends the string: the file is split into turns by these quotes.
        let texts = ["\\", "\\\\", "\"", "\\\"", "a\\\\\"b\"", "\"\"", "[\"],{\\", "end\\"]
        let turns = texts.enumerated().map { index, text in
            Turn(role: index % 2 == 0 ? .human : .assistant, text: text, createdAt: Date(timeIntervalSince1970: 1))
        }
        let json = TranscriptJSON.encode(Transcript(system: "s\\", turns: turns))
        XCTAssertEqual(TurnRanges(Data(json.utf8))?.elements.count, texts.count, "split into its turns, not read whole")
        let loaded = try TranscriptJSON.decode(Data(json.utf8))
        XCTAssertEqual(loaded.turns.map(\.text), texts)
        XCTAssertEqual(loaded.system, "s\\")
    }

    func testKeysMayComeInAnyOrder() throws {
        let json = #"{"turns": [{"created_at": "1970-01-01T00:00:01Z", "text": "hi", "role": "human"}], "system": null, "version": 1, "format": "turns-transcript"}"#
        XCTAssertEqual(try TranscriptJSON.decode(Data(json.utf8)).turns.map(\.text), ["hi"])
    }

    func testTxtLoadTxtIsByteIdenticalForWhatTurnsWrites() {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<300 {
            let transcript = ConversationGenerator.make(using: &rng)
            let txt = TranscriptFiles.promptFileText(transcript)
            let again = TranscriptFiles.promptFileText(TranscriptFiles.fromPromptText(txt))
            XCTAssertTrue(again == txt, "txt round trip differs for \(String(txt.prefix(200)).debugDescription)")
        }
    }

    func testAHandWrittenPromptLoadsAsTheRightTurnsAndAsksForAnAnswer() throws {
        let folder = ProcessRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/prompt.txt"
        try "You are a pirate.\n\nHuman: Hello\n\nAssistant: Arr!\n\nHuman: Where is the gold?\n\nAssistant:"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let transcript = try TranscriptFiles.load(from: path)
        XCTAssertEqual(transcript.system, "You are a pirate.")
        XCTAssertEqual(transcript.turns.map(\.role), [.human, .assistant, .human])
        XCTAssertEqual(transcript.turns.map(\.text), ["Hello", "Arr!", "Where is the gold?"])
        XCTAssertTrue(TranscriptFiles.asksForAnswer(transcript))
    }

    func testMarkdownHasAHeaderAHeadingPerTurnAndIntactCodeBlocks() {
        let transcript = Transcript(system: "Be brief.", turns: [
            Turn(role: .human, text: "Show code"),
            Turn(role: .assistant, text: "```swift\nlet x = 1\n    indented\n```",
                 reply: ReplyInfo(backend: "local", model: "m", settings: SamplingSettings(model: "m"),
                                  stopReason: "stop_sequence")),
        ])
        let md = TranscriptFiles.render(transcript, as: .md, context: .init(
            backend: "local", settings: SamplingSettings(model: "m", maxTokensToSample: 10, temperature: 0.5),
            date: Date(timeIntervalSince1970: 0)))
        XCTAssertEqual(md, """
        # Conversation

        - Date: 1970-01-01T00:00:00.000Z
        - Backend: local
        - Model: m
        - Settings: max_tokens_to_sample 10, temperature 0.5

        ## System

        Be brief.

        ## Human

        Show code

        ## Assistant (stop_sequence)

        ```swift
        let x = 1
            indented
        ```

        """)
    }
}

/// A file system whose chosen step fails, to show a failed save never damages the existing file.
struct FailingFileSystem: SaveFileSystem {
    let failing: String
    let real = POSIXSaveFileSystem()

    func create(_ path: String) throws(SaveStepError) -> Int32 {
        if failing == "create" { throw SaveStepError(step: "create", reason: "injected") }
        return try real.create(path)
    }
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SaveStepError) {
        if failing == "write" {
            // Write half, then fail, like a full disk.
            try real.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]))
            throw SaveStepError(step: "write", reason: "No space left on device")
        }
        try real.write(fd, bytes)
    }
    func fsync(_ fd: Int32) throws(SaveStepError) {
        if failing == "fsync" { throw SaveStepError(step: "fsync", reason: "injected") }
        try real.fsync(fd)
    }
    func close(_ fd: Int32) throws(SaveStepError) {
        try real.close(fd)
        if failing == "close" { throw SaveStepError(step: "close", reason: "injected") }
    }
    func rename(_ from: String, _ to: String) throws(SaveStepError) {
        if failing == "rename" { throw SaveStepError(step: "rename", reason: "injected") }
        try real.rename(from, to)
    }
    func syncDirectory(_ path: String) throws(SaveStepError) {
        if failing == "syncDirectory" { throw SaveStepError(step: "fsync folder", reason: "injected") }
        try real.syncDirectory(path)
    }
    func remove(_ path: String) { real.remove(path) }
}

final class SafeSaveTests: XCTestCase {
    private var folder = ""
    override func setUp() { folder = ProcessRunner.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    private let context = TranscriptFiles.Context(backend: "local", settings: SamplingSettings())

    func testASaveInterruptedAtEveryStepNeverDamagesTheExistingFile() throws {
        let path = folder + "/chat.json"
        let original = Transcript(turns: [Turn(role: .human, text: "keep me")])
        try TranscriptFiles.save(original, to: path, context: context)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let replacement = Transcript(turns: [Turn(role: .human, text: String(repeating: "new ", count: 10_000))])
        for step in ["create", "write", "fsync", "close", "rename"] {
            XCTAssertThrowsError(try TranscriptFiles.save(replacement, to: path, context: context,
                                                          writer: AtomicFileWriter(fileSystem: FailingFileSystem(failing: step)))) {
                let message = ($0 as? TranscriptFileError)?.description ?? ""
                XCTAssertTrue(message.contains("not saved"), message)
                XCTAssertTrue(message.contains("unchanged"), message)
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "after a failed \(step)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0 != "chat.json" }
            XCTAssertEqual(leftovers, [], "temporary files left after a failed \(step)")
        }
        // A failure to sync the folder comes after the rename: the new file is whole.
        try TranscriptFiles.save(replacement, to: path, context: context,
                                 writer: AtomicFileWriter(fileSystem: FailingFileSystem(failing: "syncDirectory")))
        XCTAssertEqual(try TranscriptFiles.load(from: path).turns.map(\.text), replacement.turns.map(\.text))
    }

    func testSavedFilesAre0600AndNewFoldersAre0700() throws {
        let path = folder + "/new/sub/chat.txt"
        try TranscriptFiles.save(Transcript(turns: [Turn(role: .human, text: "hi")]), to: path, context: context)
        let file = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let dir = try FileManager.default.attributesOfItem(atPath: folder + "/new/sub")[.posixPermissions] as? Int
        XCTAssertEqual(file, 0o600)
        XCTAssertEqual(dir, 0o700)
    }
}

final class BadTranscriptInputTests: XCTestCase {
    private var folder = ""
    override func setUp() { folder = ProcessRunner.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    private func loadError(_ name: String, _ bytes: [UInt8]) -> String? {
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do { _ = try TranscriptFiles.load(from: path); return nil } catch {
            return error.description.replacingOccurrences(of: folder + "/", with: "")
        }
    }

    func testEachBadFileGivesAOneLineErrorNamingFileAndProblem() throws {
        let good = TranscriptJSON.encode(Transcript(turns: [Turn(role: .human, text: "hi")]))
        XCTAssertEqual(loadError("corrupt.json", Array("{\"format\": \"turns-transcript\", oops}".utf8)),
                       "corrupt.json: corrupt JSON: invalid value around character 31")
        XCTAssertEqual(loadError("truncated.json", Array(good.utf8.prefix(40))),
                       "truncated.json: the file is truncated (it ends in the middle of the JSON)")
        XCTAssertEqual(loadError("latin1.txt", [0x0A, 0x0A, 0x48, 0x75, 0x6D, 0x61, 0x6E, 0x3A, 0x20, 0xE9]),
                       "latin1.txt: not UTF-8 text")
        XCTAssertEqual(loadError("future.json", Array(good.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 9").utf8)),
                       "future.json: unsupported transcript version 9 (this turns reads version 1)")
        XCTAssertEqual(loadError("other.json", Array("{\"hello\": 1}".utf8)),
                       "other.json: not a turns transcript (no \"format\": \"turns-transcript\")")
        XCTAssertEqual(loadError("empty.json", []), "empty.json: the file is empty")
        XCTAssertEqual(loadError("notes.md", Array("# hi".utf8)),
                       "notes.md: Markdown transcripts are for reading; load the .json or .txt")
        XCTAssertEqual(loadError("missing.json", nil), "missing.json: no such file or directory")
        for message in [loadError("corrupt.json", Array("{".utf8))].compactMap({ $0 }) {
            XCTAssertFalse(message.contains("\n"))
        }
    }

    func testABadTurnIsNamedByNumberAndField() {
        func file(_ turn: String) -> [UInt8] {
            Array(#"{"format": "turns-transcript", "version": 1, "system": null, "turns": [{"role": "human", "text": "a", "created_at": "2026-11-21T23:55:00.123Z"}, \#(turn)]}"#.utf8)
        }
        XCTAssertEqual(loadError("date.json", file(#"{"role": "human", "text": "b", "created_at": "yesterday"}"#)),
                       "date.json: turn 2: \"created_at\" must be a timestamp like 2026-11-21T23:55:00.123Z")
        XCTAssertEqual(loadError("role.json", file(#"{"role": "robot", "text": "b", "created_at": "2026-11-21T23:55:00Z"}"#)),
                       "role.json: turn 2: \"role\" must be \"human\" or \"assistant\"")
        XCTAssertEqual(loadError("text.json", file(#"{"role": "human", "created_at": "2026-11-21T23:55:00Z"}"#)),
                       "text.json: turn 2: \"text\" is missing")
        XCTAssertEqual(loadError("topk.json", file(#"{"role": "assistant", "text": "b", "created_at": "2026-11-21T23:55:00Z", "reply": {"backend": "local", "model": "m", "settings": {"model": "m", "max_tokens_to_sample": 5, "top_k": "ten"}}}"#)),
                       "topk.json: turn 2: reply settings \"top_k\" must be an integer")
        XCTAssertEqual(loadError("system.json", Array(#"{"format": "turns-transcript", "version": 1, "system": 3, "turns": []}"#.utf8)),
                       "system.json: \"system\" must be a string")
    }

    func testAFileOverTheSizeLimitIsRefusedWithoutReadingIt() throws {
        let path = folder + "/huge.json"
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(TranscriptFiles.maximumSize + 1))
        try handle.close()
        XCTAssertThrowsError(try TranscriptFiles.load(from: path)) {
            XCTAssertEqual(($0 as? TranscriptFileError)?.problem, "too large (256 MB; the limit is 256 MB)")
        }
    }

    private func loadError(_ name: String, _ bytes: [UInt8]?) -> String? {
        guard let bytes else {
            do { _ = try TranscriptFiles.load(from: folder + "/" + name); return nil } catch {
                return error.description.replacingOccurrences(of: folder + "/", with: "")
            }
        }
        return loadError(name, bytes as [UInt8])
    }
}

final class SessionJournalTests: XCTestCase {
    private var folder = ""
    override func setUp() { folder = ProcessRunner.temporaryDirectory() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    private let reply = ReplyInfo(backend: "local", model: "m", settings: SamplingSettings(model: "m"))

    func testAJournalReplaysTurnsStreamedTextAndEdits() throws {
        var path = ""
        do {
            let journal = try SessionJournal(folder: folder, system: "sys")
            path = journal.path
            journal.append(.turn(Turn(role: .human, text: "one")))
            journal.append(.answerStart(createdAt: Date(), reply: reply))
            journal.append(.text("Hel"))
            journal.append(.text("lo\n\nHu"))
            journal.append(.text("man: forged"))
            var done = reply
            done.stopReason = "stop_sequence"
            journal.append(.answerEnd(reply: done))
            journal.append(.turn(Turn(role: .human, text: "two")))
            journal.append(.truncate(count: 2))
            journal.append(.turn(Turn(role: .human, text: "three")))
            journal.append(.answerStart(createdAt: Date(), reply: reply))
            journal.append(.text("partial"))
            journal.flush()
        }
        let session = try JournalReader.read(path: path)
        XCTAssertNil(session.warning)
        XCTAssertEqual(session.transcript.system, "sys")
        XCTAssertEqual(session.transcript.turns.map(\.text), ["one", "Hello\n\n\\Human: forged", "three", "partial"])
        XCTAssertEqual(session.transcript.turns[1].reply?.stopReason, "stop_sequence")
        XCTAssertEqual(session.transcript.turns[3].reply?.interrupted, true)
    }

    func testALoadedConversationOfManyMegabytesIsJournaledAsOneRecord() throws {
        let turns = (0..<3_000).map { Turn(role: $0 % 2 == 0 ? .human : .assistant, text: "turn \($0) " + String(repeating: "界", count: 300),
                                           createdAt: Date(timeIntervalSince1970: Double($0))) }
        let journal = try SessionJournal(folder: folder, system: nil)
        journal.append(.replace(Transcript(system: "s", turns: turns)))
        journal.append(.turn(Turn(role: .human, text: "after", createdAt: Date(timeIntervalSince1970: 0))))
        let lines = try String(contentsOfFile: journal.path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let session = try JournalReader.read(path: journal.path)
        XCTAssertNil(session.warning)
        XCTAssertEqual(session.transcript.turns, turns + [Turn(role: .human, text: "after", createdAt: Date(timeIntervalSince1970: 0))])
    }

    func testATornLastRecordLoadsUpToItAndSaysSo() throws {
        let journal = try SessionJournal(folder: folder, system: nil)
        journal.append(.turn(Turn(role: .human, text: "kept")))
        let path = journal.path
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"type\":\"turn\",\"turn\":{\"role\":\"hu".utf8))
        try handle.close()
        let session = try JournalReader.read(path: path)
        XCTAssertEqual(session.transcript.turns.map(\.text), ["kept"])
        XCTAssertEqual(session.warning,
                       "the last record was torn (the program stopped mid-write); restored everything before it")
    }

    func testJournalFilesAreCreated0600AndListedNewestFirst() throws {
        let first = try SessionJournal(folder: folder, system: nil, now: Date(timeIntervalSince1970: 1_700_000_000))
        let second = try SessionJournal(folder: folder, system: nil, now: Date(timeIntervalSince1970: 1_800_000_000))
        XCTAssertEqual(JournalReader.sessionFiles(in: folder), [second.path, first.path])
        let mode = try FileManager.default.attributesOfItem(atPath: first.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }
}

/// Token counts kept with an answer: written only when counted, read back as written.
final class ReplyUsageTests: XCTestCase {
    func testAReplysTokenCountsRoundTripAndAReplyWithoutThemWritesNoUsage() throws {
        var reply = ReplyInfo(backend: "anthropic", model: "claude-sonnet-4-5",
                              settings: SamplingSettings(model: "claude-sonnet-4-5", maxTokensToSample: 10))
        let plain = Transcript(system: nil, turns: [Turn(role: .assistant, text: "Hi", createdAt: Date(timeIntervalSince1970: 0), reply: reply)])
        XCTAssertFalse(TranscriptJSON.encode(plain).contains("usage"))
        reply.inputTokens = 31
        reply.outputTokens = 3
        let counted = Transcript(system: nil, turns: [Turn(role: .assistant, text: "Hi", createdAt: Date(timeIntervalSince1970: 0), reply: reply)])
        let text = TranscriptJSON.encode(counted)
        XCTAssertTrue(text.contains("\"usage\": {\n"), text)
        XCTAssertTrue(text.contains("\"input_tokens\": 31,\n"), text)
        XCTAssertEqual(try TranscriptJSON.decode(Data(text.utf8)), counted)
    }
}
