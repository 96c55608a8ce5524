import Foundation
import XCTest
@testable import TurnsUI

final class BundledThemeTests: XCTestCase {
    /// `Sources/TurnsUI/Themes` of this checkout: this file is Tests/TurnsUITests/Theme/BundledThemeTests.swift.
    private static let themesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/TurnsUI/Themes")

    /// Every theme file of the repository: name to bytes.
    private func repositoryFiles() throws -> [String: Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.themesFolder.path).filter { $0.hasSuffix(".toml") }
        var files: [String: Data] = [:]
        for name in names {
            files[String(name.dropLast(5))] = try Data(contentsOf: Self.themesFolder.appendingPathComponent(name))
        }
        return files
    }

    func testEveryThemeFileParsesWithEveryRoleAndNoUnknownKey() throws {
        let files = try repositoryFiles()
        XCTAssertFalse(files.isEmpty, "no theme files in \(Self.themesFolder.path)")
        for (name, data) in files {
            let text = try XCTUnwrap(String(data: data, encoding: .utf8), "\(name).toml is not UTF-8")
            // ThemeFile rejects unknown keys at every level and lists missing roles; this surfaces its message.
            XCTAssertNoThrow(try ThemeFile.parse(text, source: "themes/\(name).toml", expectedName: name))
        }
    }

    func testTheRequiredThemesAreBundled() throws {
        XCTAssertTrue(Set(["dark", "light", "high-contrast", "monochrome"]).isSubset(of: try repositoryFiles().keys))
    }

    func testTheBinaryEmbedsTheThemeFilesByteForByte() throws {
        let files = try repositoryFiles()
        XCTAssertEqual(Set(BundledThemes.files.keys), Set(files.keys), "a theme file is missing from BundledThemes.files")
        for (name, data) in files {
            XCTAssertEqual(BundledThemes.files[name].map { Data($0.utf8) }, data, "\(name).toml")
        }
    }

    func testTheBuiltInThemesAreTheBundledFiles() throws {
        let files = try repositoryFiles()
        func parsed(_ name: String) throws -> Theme {
            try ThemeFile.parse(String(decoding: try XCTUnwrap(files[name]), as: UTF8.self), source: name)
        }
        XCTAssertEqual(Theme.default, try parsed("dark"))
        XCTAssertEqual(Theme.monochrome, try parsed("monochrome"))
        XCTAssertEqual(Theme.default.name, "dark")
    }

    func testDarkIsTheLookTheChatWasDesignedWith() {
        let dark = Theme.default
        XCTAssertEqual(dark[.base], Style())
        XCTAssertEqual(dark[.humanLabel], Style(foreground: .named(.brightCyan), attributes: .bold))
        XCTAssertEqual(dark[.assistantLabel], Style(foreground: .named(.brightGreen), attributes: .bold))
        XCTAssertEqual(dark[.code], Style(foreground: .named(.brightYellow), background: .palette(236)))
        XCTAssertEqual(dark[.statusBar], Style(foreground: .named(.white), background: .palette(238)))
        XCTAssertEqual(dark[.panelSelected], Style(foreground: .named(.black), background: .named(.cyan)))
    }

    func testMonochromeHasNoColours() {
        for role in UIRole.allCases {
            XCTAssertEqual(Theme.monochrome[role].foreground, .default, "\(role)")
            XCTAssertEqual(Theme.monochrome[role].background, .default, "\(role)")
        }
        XCTAssertEqual(Theme.monochrome[.panelSelected].attributes, .reverse)
    }

    // MARK: - Terminals with few colours

    /// The terminal's own colours each coloured theme is made for (themes whose roles all name both colours need
    /// none, but list them anyway): text is checked against these where a role leaves a colour to the terminal.
    private let terminalColours: [String: (foreground: NamedColor, background: NamedColor)] = [
        "dark": (.white, .black), "light": (.black, .white), "high-contrast": (.white, .black),
    ]

    /// Colours as an 8-colour terminal shows them (what `ColorPalette` does with fewer than 16).
    private func eightColours(_ color: Color) -> NamedColor? { color.nearestBasic }

    /// Colours as a 16-colour terminal shows them: the 16 names as they are, palette entries past 15 reduced.
    private func sixteenColours(_ color: Color) -> NamedColor? {
        switch color {
        case .default: return nil
        case .named(let named): return named
        case .palette(let index): return index < 16 ? NamedColor(rawValue: index) : color.nearestBasic
        }
    }

    /// Each piece of text the views draw, as (what, text colour, background colour).
    private func textOnBackground(_ theme: Theme) -> [(String, Color, Color)] {
        var pairs = UIRole.allCases.map { ("\($0)", theme[$0].foreground, theme[$0].background) }
        // Views that draw one role's text on another role's background (StatusBar, SettingsPanelView).
        pairs.append(("error on the status bar", theme[.error].foreground, theme[.statusBar].background))
        pairs.append(("error in the panel", theme[.error].foreground, theme[.panel].background))
        pairs.append(("notice in the panel", theme[.notice].foreground, theme[.panel].background))
        return pairs
    }

    /// What would not read on a terminal that shows colours as `reduce` does; empty when all is well.
    private func unreadable(_ theme: Theme, on terminal: (foreground: NamedColor, background: NamedColor),
                            _ reduce: (Color) -> NamedColor?) -> [String] {
        var problems: [String] = []
        for (what, foreground, background) in textOnBackground(theme) {
            let text = reduce(foreground) ?? terminal.foreground
            let cell = reduce(background) ?? terminal.background
            if text == cell { problems.append("\(what) is \(text) on \(cell)") }
        }
        if reduce(theme[.humanLabel].foreground) == reduce(theme[.assistantLabel].foreground) {
            problems.append("the Human and Assistant labels look the same")
        }
        return problems
    }

    private func checkBundledThemes(_ reduce: (Color) -> NamedColor?, colours: String) throws {
        for (name, theme) in ThemeCatalog.bundledThemes where name != "monochrome" {
            let terminal = try XCTUnwrap(terminalColours[name], "say which terminal colours \(name) is made for")
            XCTAssertEqual(unreadable(theme, on: terminal, reduce), [], "\(name) on \(colours) colours")
        }
    }

    func testEveryThemeStaysReadableOnEightColours() throws {
        try checkBundledThemes(eightColours, colours: "8")
    }

    func testEveryThemeStaysReadableOnSixteenColours() throws {
        try checkBundledThemes(sixteenColours, colours: "16")
    }

    func testTheReadabilityCheckCatchesGreyOnlyDistinctions() {
        var theme = Theme.default
        // The dark theme's first code fence: bright-black (a grey) on palette grey 236, both black on 8 colours.
        theme.styles[.codeFence] = Style(foreground: .named(.brightBlack), background: .palette(236))
        theme.styles[.assistantLabel] = Style(foreground: .palette(51), attributes: .bold)  // a cyan, like Human's
        theme.styles[.panel] = Style(foreground: .named(.white), background: .named(.red))  // error text is red too
        XCTAssertEqual(unreadable(theme, on: (.white, .black), eightColours), [
            "codeFence is black on black", "error in the panel is red on red",
            "the Human and Assistant labels look the same",
        ])
        XCTAssertEqual(unreadable(theme, on: (.white, .black), sixteenColours), [],
                       "16 colours keep bright-black, bright-red and bright-cyan apart from their basic colours")
    }
}
