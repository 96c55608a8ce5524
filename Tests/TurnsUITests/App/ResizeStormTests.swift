import XCTest
import TurnsCore
import TurnsAPI
import TurnsTestSupport
@testable import TurnsUI

/// Regression: after a storm of resizes while an answer streamed, the pane was left blank.
final class ResizeStormTests: XCTestCase {
    func testTheEndOfTheAnswerIsShownAfterManyResizesWhileStreaming() {
        var app = AppHarness(width: 100, height: 30)
        app.type("Tell me about the settings panel<Enter>")
        let words = (0..<300).map { " word\($0)" }
        var next = 0
        for index in 0..<100 {
            app.send(.input(.resize(width: 40 + (index * 7) % 80, height: 10 + (index * 3) % 30)))
            for _ in 0..<3 where next < words.count {
                app.stream(.text(words[next]), at: Double(next))
                next += 1
            }
            _ = app.render()
        }
        while next < words.count { app.stream(.text(words[next]), at: Double(next)); next += 1 }
        app.send(.input(.resize(width: 100, height: 30)))
        app.stream(.finished(stopReason: "stop_sequence", model: nil), at: 400)
        let lines = app.render().lines.map(\.trimmingTrailingSpaces)
        XCTAssertTrue(lines.prefix(28).joined(separator: "\n").contains("word299"), lines.joined(separator: "\n"))
    }
}

extension ResizeStormTests {
    func testResizesWithoutFramesBetweenThemStillShowTheEnd() {
        for seed in 0..<20 {
            var rng = SeededGenerator(seed: UInt64(seed))
            var app = AppHarness(width: 100, height: 30)
            app.type("Tell me about the settings panel<Enter>")
            var next = 0
            for index in 0..<100 {
                app.send(.input(.resize(width: 40 + (index * 7) % 80, height: 10 + (index * 3) % 30)))
                for _ in 0..<Int.random(in: 0...4, using: &rng) where next < 300 {
                    app.stream(.text(" word\(next)"), at: Double(next))
                    next += 1
                }
                if Bool.random(using: &rng) { _ = app.render() }
            }
            while next < 300 { app.stream(.text(" word\(next)"), at: Double(next)); next += 1 }
            app.stream(.finished(stopReason: "stop_sequence", model: nil), at: 400)
            app.send(.input(.resize(width: 100, height: 30)))
            let lines = app.render().lines.map(\.trimmingTrailingSpaces)
            XCTAssertTrue(lines.prefix(28).joined(separator: "\n").contains("word299"),
                          "seed \(seed):\n" + lines.joined(separator: "\n"))
        }
    }
}

extension ResizeStormTests {
    func testRealisticTextWithParagraphsSurvivesAResizeStorm() {
        let pieces = [" A", " good", " test", " is", " to", " ask", ".", "\n\n", "With", " /set", " top_k", " 40", "\n",
                      " it", " chooses", " among", ",", " the", " default", " which", " is", " 1", ".", "\n\n", "Type"]
        for seed in 0..<200 {
            var rng = SeededGenerator(seed: UInt64(seed))
            var app = AppHarness(width: 100, height: 30)
            app.type("Tell me about the settings panel<Enter>")
            var sent = 0
            let total = Int.random(in: 20...300, using: &rng)
            for index in 0..<100 {
                app.send(.input(.resize(width: 40 + (index * 7) % 80, height: 10 + (index * 3) % 30)))
                if Bool.random(using: &rng) {
                    app.send(.input(.resize(width: 40 + (index * 7) % 80, height: 10 + (index * 3) % 30)))
                }
                for _ in 0..<Int.random(in: 0...6, using: &rng) where sent < total {
                    app.stream(.text(pieces[sent % pieces.count]), at: Double(sent))
                    sent += 1
                }
                if sent == total && app.state.activeRequest != nil {
                    app.stream(.finished(stopReason: "stop_sequence", model: nil), at: 400)
                }
                if Int.random(in: 0..<3, using: &rng) == 0 { _ = app.render() }
            }
            while sent < total { app.stream(.text(pieces[sent % pieces.count]), at: Double(sent)); sent += 1 }
            if app.state.activeRequest != nil { app.stream(.finished(stopReason: "stop_sequence", model: nil), at: 400) }
            app.send(.input(.resize(width: 100, height: 30)))
            app.send(.input(.resize(width: 100, height: 30)))
            let answer = app.state.transcript.turns.last!.text
            var fresh = AppHarness(width: 100, height: 30, transcript: app.state.transcript)
            let expected = fresh.render().lines.map(\.trimmingTrailingSpaces)
            let lines = app.render().lines.map(\.trimmingTrailingSpaces)
            XCTAssertEqual(Array(lines.prefix(28)), Array(expected.prefix(28)),
                           "seed \(seed), answer of \(answer.count) characters")
            if lines.prefix(28) != expected.prefix(28) { break }
        }
    }
}
