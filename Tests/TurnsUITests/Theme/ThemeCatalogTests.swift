import Foundation
import XCTest
@testable import TurnsUI

final class ThemeCatalogTests: XCTestCase {
    /// A fresh `XDG_CONFIG_HOME` for each test, removed afterwards.
    private var configHome = ""
    private var environment: [String: String] { ["XDG_CONFIG_HOME": configHome, "HOME": "/nonexistent"] }
    private var themesFolder: String { configHome + "/turns/themes" }

    override func setUpWithError() throws {
        configHome = FileManager.default.temporaryDirectory.appendingPathComponent("turns-themes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: themesFolder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: configHome)
    }

    /// Writes a user theme: the bundled dark theme renamed, with `change` applied to its text.
    private func writeUserTheme(_ name: String, _ change: (String) -> String = { $0 }) throws {
        let text = try XCTUnwrap(BundledThemes.files["dark"]).replacingOccurrences(of: "name = \"dark\"", with: "name = \"\(name)\"")
        try change(text).write(toFile: themesFolder + "/\(name).toml", atomically: true, encoding: .utf8)
    }

    func testEachBundledNameGivesItsThemeAndDefaultMeansDark() {
        for name in ["dark", "light", "high-contrast", "monochrome"] {
            let selection = ThemeCatalog.resolve(name: name, environment: environment)
            XCTAssertEqual(selection.theme.name, name)
            XCTAssertNil(selection.warning)
        }
        let selection = ThemeCatalog.resolve(name: "default", environment: environment)
        XCTAssertEqual(selection.theme, Theme.default)
        XCTAssertEqual(selection.theme.name, "dark")
        XCTAssertNil(selection.warning)
    }

    func testLookingUpForAnOpenChatFindsBundledAndUserThemesAndNeverFallsBack() throws {
        try writeUserTheme("mine")
        try writeUserTheme("broken") { $0 + "\nnot toml at all\n" }
        XCTAssertEqual(try ThemeCatalog.lookUp("light", environment: environment).get().name, "light")
        XCTAssertEqual(try ThemeCatalog.lookUp("mine", environment: environment).get().name, "mine")
        XCTAssertEqual(try ThemeCatalog.lookUp("default", environment: environment).get(), Theme.default)
        let failures: [(String, String)] = [
            ("no-such", "unknown theme \"no-such\" (themes: broken, dark, high-contrast, light, mine, monochrome)"),
            ("../etc/passwd", "unknown theme \"../etc/passwd\""),
            ("broken", "theme broken not used: " + themesFolder + "/broken.toml"),
        ]
        for (name, message) in failures {
            guard case .failure(let error) = ThemeCatalog.lookUp(name, environment: environment) else {
                return XCTFail("\(name) was found")
            }
            XCTAssertTrue(error.message.hasPrefix(message), error.message)
            XCTAssertFalse(error.message.contains("using dark"), "a failed switch keeps the theme there is: \(error.message)")
        }
        guard case .failure(let noColor) = ThemeCatalog.lookUp("light", environment: environment.merging(["NO_COLOR": "1"]) { $1 }) else {
            return XCTFail("NO_COLOR let a colour theme in")
        }
        XCTAssertEqual(noColor.message, "NO_COLOR is set, so the chat stays without colours")
    }

    func testNoColorAlwaysGivesMonochrome() throws {
        try writeUserTheme("mine")
        for name in ["dark", "light", "mine", "no-such-theme"] {
            let selection = ThemeCatalog.resolve(name: name, environment: environment.merging(["NO_COLOR": "1"]) { $1 })
            XCTAssertEqual(selection.theme, Theme.monochrome, name)
            XCTAssertNil(selection.warning, name)
        }
        let empty = ThemeCatalog.resolve(name: "light", environment: environment.merging(["NO_COLOR": ""]) { $1 })
        XCTAssertEqual(empty.theme.name, "light", "an empty NO_COLOR does not count")
    }

    func testAUserThemeWinsOverTheBundledOneOfTheSameName() throws {
        try writeUserTheme("light") { $0.replacingOccurrences(of: "human_label = { fg = \"bright-cyan\", bold = true }",
                                                              with: "human_label = { fg = \"#ff8700\", underline = true }") }
        let selection = ThemeCatalog.resolve(name: "light", environment: environment)
        XCTAssertNil(selection.warning)
        XCTAssertEqual(selection.theme.name, "light")
        XCTAssertEqual(selection.theme[.humanLabel], Style(foreground: .palette(208), attributes: .underline))
        XCTAssertEqual(selection.theme[.assistantLabel], Theme.default[.assistantLabel], "the rest is the user's dark copy")
    }

    func testAUserThemeWithANewNameIsFoundAndListed() throws {
        try writeUserTheme("solarized")
        XCTAssertEqual(ThemeCatalog.resolve(name: "solarized", environment: environment).theme.name, "solarized")
        try "not a theme".write(toFile: themesFolder + "/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertEqual(ThemeCatalog.availableNames(environment: environment),
                       ["dark", "high-contrast", "light", "monochrome", "solarized"])
    }

    func testWithoutAUserFolderOnlyTheBundledThemesAreListed() {
        XCTAssertEqual(ThemeCatalog.availableNames(environment: ["XDG_CONFIG_HOME": configHome + "/missing"]),
                       ["dark", "high-contrast", "light", "monochrome"])
    }

    func testTheUserFolderFollowsXDGConfigHomeThenHome() {
        XCTAssertEqual(ThemeCatalog.userDirectory(["XDG_CONFIG_HOME": "/x/config", "HOME": "/home/ann"]), "/x/config/turns/themes")
        XCTAssertEqual(ThemeCatalog.userDirectory(["HOME": "/home/ann"]), "/home/ann/.config/turns/themes")
    }

    func testABrokenUserThemeGivesTheDefaultAndSaysWhy() throws {
        try writeUserTheme("light") { $0.replacingOccurrences(of: "bold = true }\nhuman_text", with: "blink = true }\nhuman_text") }
        let selection = ThemeCatalog.resolve(name: "light", environment: environment)
        XCTAssertEqual(selection.theme, Theme.default)
        XCTAssertEqual(selection.warning, "theme light not used: \(themesFolder)/light.toml:24: role human_label: unknown key "
                       + "\"blink\" (expected fg, bg, bold, italic, underline, reverse, dim); using dark")
    }

    func testAUserThemeNamedDifferentlyFromItsFileIsRejected() throws {
        try writeUserTheme("mine") { $0.replacingOccurrences(of: "name = \"mine\"", with: "name = \"yours\"") }
        let selection = ThemeCatalog.resolve(name: "mine", environment: environment)
        XCTAssertEqual(selection.theme, Theme.default)
        XCTAssertEqual(selection.warning, "theme mine not used: \(themesFolder)/mine.toml:18: name is \"yours\" but the file "
                       + "is mine.toml; make them the same; using dark")
    }

    func testAnUnknownNameGivesTheDefaultAndAOneLineWarning() {
        let selection = ThemeCatalog.resolve(name: "solar", environment: environment)
        XCTAssertEqual(selection.theme, Theme.default)
        XCTAssertEqual(selection.warning,
                       "unknown theme \"solar\" (themes: dark, high-contrast, light, monochrome); using dark")
        XCTAssertEqual(ThemeCatalog.resolve(name: "so\nlar", environment: environment).warning,
                       "unknown theme \"so lar\" (themes: dark, high-contrast, light, monochrome); using dark")
    }

    func testNamesThatArePathsAreUnknown() throws {
        try writeUserTheme("mine")
        for name in ["../themes/mine", "/etc/passwd", ".hidden", ""] {
            let selection = ThemeCatalog.resolve(name: name, environment: environment)
            XCTAssertEqual(selection.theme, Theme.default, name)
            XCTAssertEqual(selection.warning?.hasPrefix("unknown theme"), true, name)
        }
    }
}
