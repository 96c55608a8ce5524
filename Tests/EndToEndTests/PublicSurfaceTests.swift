import Foundation
import XCTest

/// The chat and `--print` reach the engine through TurnsAPI's public surface only (issue 8, acceptance 3).
///
/// The proof is the compiler's: a module sees only the `public` (and `open`) declarations of another module
/// unless it imports it with `@testable` (which debug builds allow, release builds refuse), opts in to an
/// `@_spi` group, or the declarations are `package`-visible. So `turns` and `TurnsUI` compiling is the proof
/// once none of those three side doors exists, which is what these tests check in the sources. Release builds
/// (`make release`) would reject a `@testable import` outright anyway.
final class PublicSurfaceTests: XCTestCase {
    /// The package root: two folders above this file's folder.
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The Swift files under `folder` (relative to the package root), as (path, text).
    private func sources(_ folder: String) throws -> [(path: String, text: String)] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else {
            throw CocoaError(.fileReadNoSuchFile)
        }
        var files: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            files.append((folder + url.path.dropFirst(base.path.count), try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }

    /// Lines of `text` that are code, not comments (a line comment or a doc comment is skipped whole).
    private func codeLines(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { !$0.drop(while: { $0 == " " }).hasPrefix("//") }
    }

    func testTheChatAndPrintModeImportTurnsAPIWithoutTestableOrSPI() throws {
        let files = try sources("Sources/turns") + sources("Sources/TurnsUI")
        XCTAssertGreaterThan(files.count, 20, "the sources were not found under \(root.path)")
        let importers = files.filter { file in codeLines(file.text).contains { $0.contains("import TurnsAPI") } }
        XCTAssertGreaterThan(importers.count, 3, "the chat and --print do import TurnsAPI")
        for file in files {
            for line in codeLines(file.text) {
                XCTAssertFalse(line.contains("@testable"), "\(file.path): \(line)")
                XCTAssertFalse(line.contains("@_spi"), "\(file.path): \(line)")
                XCTAssertFalse(line.contains("@_private"), "\(file.path): \(line)")
            }
        }
    }

    func testTurnsAPIAndTheModulesItExportsOfferNoSPIOrPackageOnlyDeclarations() throws {
        let declaration = try NSRegularExpression(pattern: #"^\s*(@\w+(\([^)]*\))?\s+)*package\s+(func|var|let|init|struct|class|enum|protocol|typealias|static|subscript|extension|actor|final)\b"#)
        for folder in ["Sources/TurnsAPI", "Sources/TurnsCore", "Sources/TurnsHTTP"] {
            let files = try sources(folder)
            XCTAssertFalse(files.isEmpty, folder)
            for file in files {
                for line in codeLines(file.text) {
                    XCTAssertFalse(line.contains("@_spi"), "\(file.path): \(line)")
                    let text = String(line)
                    let range = NSRange(text.startIndex..., in: text)
                    XCTAssertNil(declaration.firstMatch(in: text, range: range), "\(file.path): \(line)")
                }
            }
        }
    }

    func testNoTargetBuildsWithFlagsThatWouldOpenInternals() throws {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        XCTAssertFalse(manifest.contains("-enable-testing"), "testability must not be forced on in the manifest")
        XCTAssertFalse(manifest.contains("-enable-private-imports"))
        XCTAssertFalse(manifest.contains("unsafeFlags"))
    }
}
