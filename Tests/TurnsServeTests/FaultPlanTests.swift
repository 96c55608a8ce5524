@testable import FaultInjection
import Foundation
import NIOCore
import TurnsAPI
import TurnsLocal
@testable import TurnsServe
import XCTest

/// The fault plans of the fault proxy and how a `FaultShaper` applies them to the server's events, without sockets.
final class FaultPlanTests: XCTestCase {
    // MARK: - Plans

    func testTheSameSeedGivesEveryRequestTheSamePlan() {
        let first = FaultPlanner(settings: FaultSettings(seed: 42))
        let second = FaultPlanner(settings: FaultSettings(seed: 42))
        for sequence in UInt64(1)...500 {
            XCTAssertEqual(first.plan(sequence: sequence, api: .anthropic, stream: true),
                           second.plan(sequence: sequence, api: .anthropic, stream: true))
        }
    }

    func testAPlanDependsOnItsSequenceNumberNotOnTheRequestsBeforeIt() {
        let planner = FaultPlanner(settings: FaultSettings(seed: 7))
        let forward = (UInt64(1)...200).map { planner.plan(sequence: $0, api: .bedrock, stream: true) }
        let backward = (UInt64(1)...200).reversed().map { planner.plan(sequence: $0, api: .bedrock, stream: true) }
        XCTAssertEqual(forward, backward.reversed())
    }

    func testAnotherSeedGivesAnotherRun() {
        let kinds = { (seed: UInt64) in
            (UInt64(1)...100).map { FaultPlanner(settings: FaultSettings(seed: seed)).plan(sequence: $0, api: .anthropic,
                                                                                         stream: true).kind }
        }
        XCTAssertNotEqual(kinds(1), kinds(2))
    }

    func testEveryKindThatAppliesComesUpOverAThousandRequests() {
        let planner = FaultPlanner(settings: FaultSettings(seed: 2024))
        for (api, stream) in [(FaultAPI.anthropic, true), (.bedrock, true), (.anthropic, false), (.bedrock, false)] {
            var counts: [FaultKind: Int] = [:]
            for sequence in UInt64(1)...1000 { counts[planner.plan(sequence: sequence, api: api, stream: stream).kind, default: 0] += 1 }
            let applicable = Set(FaultKind.allCases.filter { $0.applies(to: api, stream: stream) })
            XCTAssertEqual(Set(counts.keys), applicable, "\(api) stream=\(stream)")
            // About half the requests are faulted (rate 0.5): well inside 40%–60% for 1,000 draws.
            XCTAssertTrue((400...600).contains(counts[.none] ?? 0), "\(api) stream=\(stream): \(counts[.none] ?? 0) fault-free")
        }
    }

    func testOnlyBedrockStreamsGetABadCRCAndOnlyStreamsGetEventFaults() {
        XCTAssertTrue(FaultKind.badCRC.applies(to: .bedrock, stream: true))
        XCTAssertFalse(FaultKind.badCRC.applies(to: .anthropic, stream: true))
        XCTAssertFalse(FaultKind.badCRC.applies(to: .bedrock, stream: false))
        XCTAssertFalse(FaultKind.errorEvent.applies(to: .anthropic, stream: false))
        XCTAssertFalse(FaultKind.noise.applies(to: .bedrock, stream: false))
        XCTAssertTrue(FaultKind.byteAtATime.applies(to: .anthropic, stream: false))
    }

    func testRateZeroNeverFaultsAndRateOneAlwaysDoes() {
        let never = FaultPlanner(settings: FaultSettings(seed: 5, rate: 0))
        let always = FaultPlanner(settings: FaultSettings(seed: 5, rate: 1))
        for sequence in UInt64(1)...300 {
            XCTAssertEqual(never.plan(sequence: sequence, api: .anthropic, stream: true).kind, .none)
            XCTAssertNotEqual(always.plan(sequence: sequence, api: .anthropic, stream: true).kind, .none)
        }
    }

    func testAForcedKindIsUsedWhereItAppliesAndNothingElsewhere() {
        let planner = FaultPlanner(settings: FaultSettings(seed: 1, rate: 0, forced: .badCRC))
        XCTAssertEqual(planner.plan(sequence: 1, api: .bedrock, stream: true).kind, .badCRC)
        XCTAssertEqual(planner.plan(sequence: 2, api: .anthropic, stream: true).kind, .none)
        let overload = FaultPlanner(settings: FaultSettings(seed: 1, rate: 0, forced: .overloaded))
        XCTAssertEqual(overload.plan(sequence: 1, api: .messages, stream: true).kind, .overloaded)
        XCTAssertEqual(FaultPlanner(settings: FaultSettings(seed: 1, rate: 0, forced: .resetMidStream))
            .plan(sequence: 1, api: .messages, stream: true).kind, .none, "a Messages answer is only refused")
    }

    func testMidStreamFaultsComeAfterOneToSixTextEvents() {
        let planner = FaultPlanner(settings: FaultSettings(seed: 11, rate: 1))
        let positions = Set((UInt64(1)...500).map { planner.plan(sequence: $0, api: .anthropic, stream: true).textEventsBefore })
        XCTAssertEqual(positions, Set(1...6))
    }

    func testTheInjectorNumbersRequestsFromOneAndLogsEachPlanBeforeItIsUsed() {
        let lines = LockedLines()
        let injector = FaultInjector(settings: FaultSettings(seed: 3, rate: 1, forced: .resetMidStream,
                                                             log: { lines.append($0) }))
        let first = injector.plan(api: .anthropic, stream: true, requestID: "req_one")
        let second = injector.plan(api: .bedrock, stream: false, requestID: "req_two")
        XCTAssertEqual(first.sequence, 1)
        XCTAssertEqual(second.sequence, 2)
        XCTAssertEqual(lines.all, [
            "fault seq=1 api=anthropic stream=true kind=reset-mid-stream at=\(first.textEventsBefore) request=req_one",
            "fault seq=2 api=bedrock stream=false kind=reset-mid-stream at=\(second.textEventsBefore) request=req_two",
        ])
    }

    // MARK: - Shaping SSE

    /// An SSE stream as the server encodes it: ping, text events, the final event.
    private func sseEvents(_ texts: [String]) -> (start: [UInt8], texts: [[UInt8]], final: [UInt8]) {
        var encoder = AnswerEncoder(api: .complete, id: "compl_test", model: "claude-2.1", requestID: "req_test")
        func bytes(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
            var buffer = ByteBufferAllocator().buffer(capacity: 256)
            write(&buffer)
            return Array(buffer.readableBytesView)
        }
        return (bytes { encoder.writeStreamStart(into: &$0) },
                texts.map { text in bytes { encoder.writeTextEvent(Array(text.utf8), into: &$0) } },
                bytes { encoder.writeFinalEvent(LocalStop(reason: .stopSequence, sequence: "\n\nHuman:"), outputTokens: 9,
                                                into: &$0) })
    }

    private let texts = [" Hello", " wörld", " 界😀", "\n\nNew", " line", " done", " here", "."]

    /// Every action for the whole stream, as the responder asks for them.
    private func shape(_ plan: FaultPlan, format: FaultFormat = .sse, texts: [String]? = nil) -> [FaultAction] {
        let events = format == .sse ? sseEvents(texts ?? self.texts) : bedrockEvents(texts ?? self.texts)
        var shaper = FaultShaper(plan: plan, format: format)
        var actions = shaper.streamStart(events.start)
        for text in events.texts where !shaper.isCut { actions += shaper.textEvent(text) }
        if !shaper.isCut { actions += shaper.finalEvent(events.final) }
        return actions
    }

    private func written(_ actions: [FaultAction]) -> [[UInt8]] {
        actions.compactMap { if case .write(let bytes) = $0 { return bytes } else { return nil } }
    }

    /// What the client's SSE parser makes of the writes, fed one write per read: the text and the error.
    private func parseSSE(_ writes: [[UInt8]]) -> (text: String, stop: String?, error: APIError?) {
        var parser = CompletionStreamParser()
        var text = ""
        var stop: String?
        for write in writes {
            let batch = parser.feed(write)
            text += batch.delta?.text ?? ""
            stop = batch.delta?.stopReason ?? stop
            if let error = batch.error { return (text, stop, error) }
        }
        return (text, stop, parser.finish())
    }

    func testOneByteWritesCarryTheSameBytesAndTheSameAnswer() {
        let actions = shape(FaultPlan(sequence: 1, kind: .byteAtATime))
        let writes = written(actions)
        XCTAssertEqual(writes.count, actions.count)
        XCTAssertTrue(writes.allSatisfy { $0.count == 1 })
        let events = sseEvents(texts)
        XCTAssertEqual(writes.flatMap { $0 }, events.start + events.texts.flatMap { $0 } + events.final)
        let parsed = parseSSE(writes)
        XCTAssertEqual(parsed.text, texts.joined())
        XCTAssertEqual(parsed.stop, "stop_sequence")
        XCTAssertNil(parsed.error)
    }

    func testSplitWritesUseCRLFAndCutEveryPairAndEveryMultiByteCharacter() {
        let writes = written(shape(FaultPlan(sequence: 1, kind: .splitWrites, shapingSeed: 99)))
        let events = sseEvents(texts)
        let all = writes.flatMap { $0 }
        XCTAssertEqual(all, FaultShaper.crlfLines(events.start + events.texts.flatMap { $0 } + events.final))
        XCTAssertFalse(all.enumerated().contains { $0.element == 0x0A && (  $0.offset == 0 || all[$0.offset - 1] != 0x0D) },
                       "every line ends with CRLF")
        // Every CR is the last byte of its write, and every multi-byte character is cut after its first byte.
        for write in writes {
            XCTAssertFalse(write.dropLast().contains(0x0D), "a CR is always the last byte of its write")
        }
        let crWrites = writes.filter { $0.last == 0x0D }.count
        XCTAssertEqual(crWrites, all.filter { $0 == 0x0D }.count)
        let leadByteEndings = writes.filter { ($0.last ?? 0) >= 0xC0 }.count
        XCTAssertEqual(leadByteEndings, all.filter { $0 >= 0xC0 }.count, "each multi-byte character is split")
        let parsed = parseSSE(writes)
        XCTAssertEqual(parsed.text, texts.joined())
        XCTAssertEqual(parsed.stop, "stop_sequence")
        XCTAssertNil(parsed.error)
    }

    func testNoiseIsCommentsPingsAndUnknownEventsTheClientSkips() {
        let writes = written(shape(FaultPlan(sequence: 1, kind: .noise, shapingSeed: 4), texts: Array(repeating: " x", count: 40)))
        let noise = writes.filter { FaultShaper.sseNoise.contains($0) }
        XCTAssertGreaterThan(noise.count, 5)
        XCTAssertGreaterThan(Set(noise).count, 2, "more than one kind of noise")
        let parsed = parseSSE(writes)
        XCTAssertEqual(parsed.text, String(repeating: " x", count: 40))
        XCTAssertNil(parsed.error)
    }

    func testAnErrorEventComesAfterThePlannedTextAndEndsTheStream() {
        let actions = shape(FaultPlan(sequence: 1, kind: .errorEvent, textEventsBefore: 3))
        XCTAssertEqual(actions.last, .endStream)
        XCTAssertEqual(written(actions).last, FaultShaper.errorEvent)
        let parsed = parseSSE(written(actions))
        XCTAssertEqual(parsed.text, texts.prefix(3).joined())
        XCTAssertEqual(parsed.error?.kind, .overloaded)
        XCTAssertEqual(parsed.error?.errorType, "overloaded_error")
    }

    func testAMidStreamResetFollowsThePlannedTextEvents() {
        let actions = shape(FaultPlan(sequence: 1, kind: .resetMidStream, textEventsBefore: 2))
        let events = sseEvents(texts)
        XCTAssertEqual(actions, [.write(events.start), .write(events.texts[0]), .write(events.texts[1]), .reset])
    }

    func testAMidStreamStallPausesAndTheStreamGoesOn() {
        let actions = shape(FaultPlan(sequence: 1, kind: .stallMidStream, textEventsBefore: 1, stallSeconds: 2))
        XCTAssertEqual(actions.filter { $0 == .stall(seconds: 2) }.count, 1)
        XCTAssertEqual(actions[2], .stall(seconds: 2))
        XCTAssertEqual(parseSSE(written(actions)).text, texts.joined())
    }

    func testAMidStreamFaultLaterThanTheTextFiresBeforeTheLastEvent() {
        let actions = shape(FaultPlan(sequence: 1, kind: .resetMidStream, textEventsBefore: 6), texts: [" a", " b"])
        XCTAssertEqual(actions.last, .reset)
        XCTAssertEqual(parseSSE(written(actions)).text, " a b")
        XCTAssertNotNil(parseSSE(written(actions)).error, "the stream ends without its final event")
    }

    func testResetsAndStallsAfterTheHead() {
        let start = sseEvents(texts).start
        XCTAssertEqual(shape(FaultPlan(sequence: 1, kind: .resetAfterHead)), [.write(start), .reset])
        let stalled = shape(FaultPlan(sequence: 1, kind: .stallBeforeText, stallSeconds: 1.5))
        XCTAssertEqual(Array(stalled.prefix(2)), [.write(start), .stall(seconds: 1.5)])
        XCTAssertEqual(parseSSE(written(stalled)).text, texts.joined())
    }

    // MARK: - Shaping Bedrock frames and JSON bodies

    private func bedrockEvents(_ texts: [String]) -> (start: [UInt8], texts: [[UInt8]], final: [UInt8]) {
        var encoder = AnswerEncoder(api: .complete, bedrock: true, id: "", model: "", requestID: "req", inputTokens: 5)
        func bytes(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
            var buffer = ByteBufferAllocator().buffer(capacity: 256)
            write(&buffer)
            return Array(buffer.readableBytesView)
        }
        let textFrames = texts.map { text in bytes { encoder.writeTextEvent(Array(text.utf8), into: &$0) } }
        let final = bytes { encoder.writeFinalEvent(LocalStop(reason: .maxTokens, sequence: nil), outputTokens: 9, into: &$0) }
        return ([], textFrames, final)
    }

    private func parseFrames(_ writes: [[UInt8]]) -> (text: String, error: APIError?) {
        var decoder = BedrockStreamDecoder()
        var text = ""
        for write in writes {
            let batch = decoder.feed(write)
            text += batch.delta?.text ?? ""
            if let error = batch.error { return (text, error) }
        }
        return (text, decoder.finish())
    }

    func testABadCRCFrameFollowsThePlannedTextAndTheClientCallsItMalformed() {
        let actions = shape(FaultPlan(sequence: 1, kind: .badCRC, textEventsBefore: 4), format: .eventStream)
        XCTAssertEqual(actions.last, .endStream)
        let parsed = parseFrames(written(actions))
        XCTAssertEqual(parsed.text, texts.prefix(4).joined())
        XCTAssertEqual(parsed.error?.kind, .malformedResponse)
    }

    func testAThrottlingExceptionFollowsThePlannedTextOnBedrock() {
        let parsed = parseFrames(written(shape(FaultPlan(sequence: 1, kind: .errorEvent, textEventsBefore: 2),
                                               format: .eventStream)))
        XCTAssertEqual(parsed.text, texts.prefix(2).joined())
        XCTAssertEqual(parsed.error?.kind, .rateLimit)
        XCTAssertEqual(parsed.error?.errorType, "throttlingException")
    }

    func testFramesSplitAnywhereAndUnknownEventsStillGiveTheAnswer() {
        for kind in [FaultKind.splitWrites, .byteAtATime, .noise] {
            let writes = written(shape(FaultPlan(sequence: 1, kind: kind, shapingSeed: 8), format: .eventStream))
            let parsed = parseFrames(writes)
            XCTAssertEqual(parsed.text, texts.joined(), "\(kind)")
            XCTAssertNil(parsed.error, "\(kind)")
        }
    }

    func testABodyIsCutHalfwayByAMidStreamResetAndSplitInsideCharacters() {
        let body = Array("{\"completion\":\" wörld 界\",\"stop_reason\":\"max_tokens\"}".utf8)
        var reset = FaultShaper(plan: FaultPlan(sequence: 1, kind: .resetMidStream), format: .json)
        XCTAssertEqual(reset.body(body), [.write(Array(body[..<(body.count / 2)])), .reset])
        XCTAssertTrue(reset.isCut)
        var split = FaultShaper(plan: FaultPlan(sequence: 1, kind: .splitWrites, shapingSeed: 3), format: .json)
        let writes = written(split.body(body))
        XCTAssertEqual(writes.flatMap { $0 }, body, "a JSON body keeps its bytes (no CRLF there)")
        XCTAssertEqual(writes.filter { ($0.last ?? 0) >= 0xC0 }.count, 2)
    }
}

/// Lines collected from another thread.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    var all: [String] { lock.withLock { lines } }
}
