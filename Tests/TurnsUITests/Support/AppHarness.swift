import XCTest
import TurnsCore
import TurnsAPI
import TurnsTestSupport
@testable import TurnsUI

/// Drives an `AppState` the way the run loop does: key macros in, effects out, screens rendered.
struct AppHarness {
    var state: AppState
    /// The effects other than journal records, in order.
    var effects: [Effect] = []
    /// What the conversation journaled, in order.
    var journal: [JournalRecord] = []
    var screen = ScreenBuffer(width: 0, height: 0)

    init(width: Int = 40, height: Int = 10, backend: String = "local",
         settings: SamplingSettings = SamplingSettings(model: "claude-2.1", maxTokensToSample: 300),
         transcript: Transcript = Transcript()) {
        state = AppState(backend: backend, settings: settings, transcript: transcript, width: width, height: height,
                         theme: .monochrome)
    }

    /// Sends the keys of a macro like `"hello<Enter>"`.
    mutating func type(_ macro: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            for step in try KeyMacro.parse(macro) { send(.input(AppHarness.event(for: step))) }
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    mutating func send(_ action: Action) {
        for effect in reduce(&state, action) {
            if case .journal(let record) = effect { journal.append(record) } else { effects.append(effect) }
        }
    }

    /// An event of the active request.
    mutating func stream(_ event: StreamEvent, at time: Double = 0) {
        send(.stream(request: state.activeRequest ?? -1, event: event, time: time))
    }

    /// The screen as the terminal would show it.
    mutating func render() -> ScreenBuffer {
        AppView.render(state, into: &screen)
        return screen
    }

    /// The status bar's text.
    var status: String { StatusBar.line(state.statusBar, width: state.width) }

    /// Maps a macro step to the input event the terminal edge would report.
    static func event(for step: KeyMacro.Step) -> InputEvent {
        switch step {
        case .character(let c):
            return .key(KeyPress(.character(c)))
        case .key(let name, let ctrl, let alt, let shift):
            var modifiers: Modifiers = []
            if ctrl { modifiers.insert(.ctrl) }
            if alt { modifiers.insert(.alt) }
            if shift { modifiers.insert(.shift) }
            let key: Key
            switch name {
            case "Enter": key = .enter
            case "Esc": key = .escape
            case "Tab": key = .tab
            case "BS": key = .backspace
            case "Del": key = .delete
            case "Up": key = .up
            case "Down": key = .down
            case "Left": key = .left
            case "Right": key = .right
            case "Home": key = .home
            case "End": key = .end
            case "PgUp": key = .pageUp
            case "PgDn": key = .pageDown
            case let f where f.hasPrefix("F") && Int(f.dropFirst()) != nil: key = .function(Int(f.dropFirst())!)
            default: key = .character(Character(name.lowercased()))
            }
            return .key(KeyPress(key, modifiers))
        }
    }
}
