import Foundation

/// Reads the conformance vectors kept in `Tests/Vectors` (their origins and licences are in its README).
public enum Vectors {
    /// The vectors folder: `Tests/Vectors`, found from this file's path (Tests/TurnsTestSupport/Vectors.swift).
    public static let directory: URL? = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Vectors")

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
    public static func json(_ relativePath: String) throws -> TestJSON? {
        guard let bytes = data(relativePath) else { return nil }
        return try TestJSON.parse(bytes: bytes)
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

    /// The failure a test reports when a vector file is missing from `Tests/Vectors`.
    public static func missingNotice(_ relativePath: String) -> String {
        "conformance vector missing: Tests/Vectors/\(relativePath)"
    }
}
