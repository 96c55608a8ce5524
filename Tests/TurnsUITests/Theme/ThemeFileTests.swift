import Foundation
import XCTest
@testable import TurnsUI

final class ThemeFileTests: XCTestCase {
    /// A complete theme: every role plain, then `roles` lines replacing the ones they name.
    private func themeText(_ roles: [String] = [], top: String = "name = \"t\"\n") -> String {
        let given = Set(roles.compactMap { $0.split(separator: " ").first.map(String.init) })
        let rest = UIRole.allCases.map(\.key).filter { !given.contains($0) }.map { "\($0) = {}" }
        return top + "[roles]\n" + (roles + rest).joined(separator: "\n") + "\n"
    }

    private func parse(_ text: String) throws -> Theme { try ThemeFile.parse(text, source: "t.toml") }

    private func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let theme = try ThemeFile.parse(text, source: "t.toml")
            XCTFail("parsed as \(theme)", file: file, line: line)
            return ""
        } catch {
            return error.description
        }
    }

    func testRoleKeysAreTheSnakeCaseOfTheRoles() {
        XCTAssertEqual(UIRole.newTextIndicator.key, "new_text_indicator")
        XCTAssertEqual(UIRole.base.key, "base")
        XCTAssertEqual(UIRole(key: "human_label"), .humanLabel)
        XCTAssertNil(UIRole(key: "humanLabel"))
        for role in UIRole.allCases { XCTAssertEqual(UIRole(key: role.key), role) }
    }

    func testReadsNameDescriptionAndEveryColourForm() throws {
        let theme = try parse(themeText([
            "base = { fg = \"default\", bg = \"default\" }",
            "human_label = { fg = \"bright-cyan\" }",
            "assistant_label = { fg = \"black\", bg = \"bright-white\" }",
            "code = { fg = 11, bg = 236 }",
            "error = { fg = \"#ff0000\", bg = \"#808080\" }",
            "notice = { fg = \"#FFFFFF\", bg = \"#000000\" }",
        ], top: "name = \"mine\"\ndescription = \"For tests\"\n"))
        XCTAssertEqual(theme.name, "mine")
        XCTAssertEqual(theme.summary, "For tests")
        XCTAssertEqual(theme[.base], Style())
        XCTAssertEqual(theme[.humanLabel], Style(foreground: .named(.brightCyan)))
        XCTAssertEqual(theme[.assistantLabel], Style(foreground: .named(.black), background: .named(.brightWhite)))
        XCTAssertEqual(theme[.code], Style(foreground: .palette(11), background: .palette(236)))
        XCTAssertEqual(theme[.error], Style(foreground: .palette(196), background: .palette(244)), "cube red, grey 128")
        XCTAssertEqual(theme[.notice], Style(foreground: .palette(231), background: .palette(16)),
                       "hex maps to the fixed palette, never to the terminal's own 0…15")
        XCTAssertEqual(theme[.humanText], Style())
    }

    func testHexColoursGoToTheNearestCubeOrGreyEntry() {
        let cases: [(String, UInt8)] = [
            ("#005fd7", 26), ("#af5f00", 130), ("#5f87af", 67),  // exact cube entries
            ("#e4e4e4", 254), ("#080808", 232), ("#eeeeee", 255),  // exact greys
            ("#010203", 16), ("#7f7f7f", 244), ("#d70001", 160), ("#30a0ff", 75),
        ]
        for (hex, index) in cases {
            XCTAssertEqual(ThemeColor.hexRGB(hex).map(XtermPalette.nearest), index, hex)
        }
        for index in UInt8(16)...UInt8(255) {
            let rgb = XtermPalette.rgb(index)
            let hex = "#" + [rgb.red, rgb.green, rgb.blue].map { String(format: "%02x", $0) }.joined()
            XCTAssertEqual(ThemeColor.hexRGB(hex).map(XtermPalette.nearest), index, "every entry maps to itself: \(hex)")
        }
    }

    func testReadsEachAttribute() throws {
        let theme = try parse(themeText([
            "human_label = { bold = true, italic = true, underline = true, reverse = true, dim = true }",
            "assistant_label = { bold = false, dim = true }",
        ]))
        XCTAssertEqual(theme[.humanLabel].attributes, [.bold, .italic, .underline, .reverse, .dim])
        XCTAssertEqual(theme[.assistantLabel].attributes, .dim)
    }

    func testAcceptsRoleSubTables() throws {
        let text = themeText() + "[roles.code]\nfg = \"red\"\nbold = true\n"
        let theme = try parse(text.replacingOccurrences(of: "code = {}\n", with: ""))
        XCTAssertEqual(theme[.code], Style(foreground: .named(.red), attributes: .bold))
    }

    func testUnknownKeysAreErrorsWithTheirLine() {
        XCTAssertEqual(error("colour = \"red\"\n" + themeText()),
                       "t.toml:1: unknown key \"colour\" (expected name, description and a [roles] table)")
        XCTAssertEqual(error(themeText(["humn_label = {}"])),
                       "t.toml:3: unknown role \"humn_label\" in [roles] (roles: base, human_label, human_text, "
                       + "assistant_label, assistant_text, system_label, system_text, code, code_fence, interrupted, "
                       + "error, new_text_indicator, status_bar, status_busy, status_done, editor, editor_prompt, "
                       + "panel, panel_selected, notice)")
        XCTAssertEqual(error(themeText(["code = { fg = 1, colour = 2 }"])),
                       "t.toml:3: role code: unknown key \"colour\" (expected fg, bg, bold, italic, underline, reverse, dim)")
        let subTable = themeText().replacingOccurrences(of: "code = {}\n", with: "") + "[roles.code]\nfg = 1\nblink = true\n"
        XCTAssertEqual(error(subTable),
                       "t.toml:24: role code: unknown key \"blink\" (expected fg, bg, bold, italic, underline, reverse, dim)",
                       "the line of the key, not of the role")
    }

    func testMissingRolesAreListed() {
        let text = themeText().replacingOccurrences(of: "code = {}\n", with: "")
            .replacingOccurrences(of: "new_text_indicator = {}\n", with: "")
        XCTAssertEqual(error(text), "t.toml:2: [roles] is missing code, new_text_indicator "
                       + "(every role needs an entry; {} is the terminal's own look)")
        XCTAssertEqual(error("name = \"t\"\n"), "t.toml: missing the [roles] table")
        XCTAssertEqual(error(themeText(top: "")), "t.toml: missing name = \"…\"")
    }

    func testBadColoursAreErrors() {
        XCTAssertEqual(error(themeText(["human_label = { fg = \"bright-purple\" }"])),
                       "t.toml:3: role human_label: fg \"bright-purple\" is not a colour (use \"default\", a name such as "
                       + "\"red\" or \"bright-cyan\", 0 to 255, or \"#rrggbb\")")
        XCTAssertEqual(error(themeText(["code = { bg = 300 }"])),
                       "t.toml:3: role code: bg 300 is outside the 256-colour palette (0 to 255)")
        XCTAssertEqual(error(themeText(["code = { bg = -1 }"])),
                       "t.toml:3: role code: bg -1 is outside the 256-colour palette (0 to 255)")
        for bad in ["#12345", "#1234567", "#gg0000", "123456", "Red"] {
            XCTAssertTrue(error(themeText(["code = { fg = \"\(bad)\" }"])).hasPrefix("t.toml:3: role code: fg \"\(bad)\" is not a colour"), bad)
        }
    }

    func testWrongTypesAreErrors() {
        XCTAssertEqual(error(themeText(["code = { fg = true }"])),
                       "t.toml:3: role code: fg must be a colour name, \"#rrggbb\" or 0 to 255, not a boolean")
        XCTAssertEqual(error(themeText(["code = { bold = \"yes\" }"])),
                       "t.toml:3: role code: bold must be true or false, not a string")
        XCTAssertEqual(error(themeText(["code = \"red\""])),
                       "t.toml:3: role code must be a table like { fg = \"red\", bold = true }, not a string")
        XCTAssertEqual(error(themeText(top: "name = 3\n")), "t.toml:1: name must be a non-empty string, not an integer")
        XCTAssertEqual(error(themeText(top: "name = \"t\"\ndescription = [1]\n")),
                       "t.toml:2: description must be a string, not an array")
        XCTAssertEqual(error("name = \"t\"\nroles = 1\n"), "t.toml:2: roles must be a table ([roles]), not an integer")
    }

    func testTOMLSyntaxErrorsKeepTheirLine() {
        XCTAssertEqual(error("name = \"t\"\n[roles]\nbase = { fg = red }\n"),
                       "t.toml:3: invalid value red (strings need quotes)")
        XCTAssertEqual(error(themeText(["code = {}", "code = {}"])), "t.toml:4: key \"code\" is defined twice")
    }

    func testTheNameMustMatchTheFileWhenAsked() throws {
        XCTAssertNoThrow(try ThemeFile.parse(themeText(), source: "t.toml", expectedName: "t"))
        XCTAssertThrowsError(try ThemeFile.parse(themeText(), source: "u.toml", expectedName: "u")) { error in
            XCTAssertEqual("\(error)", "u.toml:1: name is \"t\" but the file is u.toml; make them the same")
        }
    }
}
