import Foundation
import TurnsCore

/// Finds and reads the shared conformance vectors (`../shared/vectors` beside the package, or the folder
/// named by `$TURNS_VECTORS`). The files are never copied into the repository; when the folder is absent,
/// everything here returns nil and tests skip with a notice.
public enum Vectors {
    /// The environment variable that overrides where the vectors are.
    public static let environmentVariable = "TURNS_VECTORS"

    /// The vectors folder, or nil when it cannot be found.
    public static var directory: URL? {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
            // An explicit location is the only one tried, so a wrong one skips rather than misleads.
            candidates.append(URL(fileURLWithPath: override))
        } else {
            appendDefaultCandidates(to: &candidates)
        }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
        }
        return nil
    }

    /// `../shared/vectors` beside the package root (found from this file's path), then beside the working directory.
    private static func appendDefaultCandidates(to candidates: inout [URL]) {
        // The package root is two folders above this file's folder (Tests/TurnsTestSupport).
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent("../shared/vectors").standardizedFileURL)
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("../shared/vectors").standardizedFileURL)
    }

    /// The URL of a file inside the vectors folder (e.g. `"sse/decoder.json"`), or nil when it is absent.
    public static func url(_ relativePath: String) -> URL? {
        guard let file = directory?.appendingPathComponent(relativePath),
              FileManager.default.fileExists(atPath: file.path) else { return nil }
        return file
    }

    /// The bytes of a vector file, or nil when it is absent.
    public static func data(_ relativePath: String) -> [UInt8]? {
        guard let file = url(relativePath), let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return [UInt8](data)
    }

    /// A vector file parsed as JSON, or nil when it is absent; throws when it is not valid JSON.
    public static func json(_ relativePath: String) throws -> JSONValue? {
        guard let bytes = data(relativePath) else { return nil }
        return try JSONValue.parse(bytes: bytes)
    }

    /// Bytes from hexadecimal text (`"0a0d"`), or nil when the text is not an even run of hex digits.
    public static func bytes(hex: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for character in hex.utf8 {
            let nibble: UInt8
            switch character {
            case 0x30...0x39: nibble = character - 0x30
            case 0x41...0x46: nibble = character - 0x41 + 10
            case 0x61...0x66: nibble = character - 0x61 + 10
            default: return nil
            }
            if let h = high { result.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        return high == nil ? result : nil
    }

    /// The notice a test gives when it skips because the vectors are absent.
    public static func missingNotice(_ relativePath: String) -> String {
        "conformance vectors not found (\(relativePath)); put them at ../shared/vectors or set \(environmentVariable)"
    }
}
