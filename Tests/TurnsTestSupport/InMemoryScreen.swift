import XCTest

/// A screen that can show itself as lines of text; `ScreenBuffer` conforms in the UI tests.
///
/// Kept as a protocol so this support library does not depend on the UI target.
public protocol TextScreen {
    /// Each row of the screen as plain text, full width.
    var lines: [String] { get }
}

/// Asserts that `screen` shows exactly `expected`, row by row (ratatui's `assert_buffer_lines` style).
///
/// Trailing blanks are not significant, so expected rows can be written without padding; the number of rows must
/// match. On failure the message shows both screens framed with `|` so that spaces are visible.
public func assertScreen(_ screen: some TextScreen, _ expected: [String], _ message: String = "",
                         file: StaticString = #filePath, line: UInt = #line) {
    let actual = screen.lines.map(trimTrailingBlanks)
    let wanted = expected.map(trimTrailingBlanks)
    guard actual != wanted else { return }
    var report = message.isEmpty ? "screen differs" : message
    report += "\n--- expected (\(wanted.count) rows)\n" + wanted.map { "|\($0)|" }.joined(separator: "\n")
    report += "\n--- actual (\(actual.count) rows)\n" + actual.map { "|\($0)|" }.joined(separator: "\n")
    XCTFail(report, file: file, line: line)
}

/// The line without trailing spaces.
func trimTrailingBlanks(_ line: String) -> String {
    var s = Substring(line)
    while s.last == " " { s.removeLast() }
    return String(s)
}
