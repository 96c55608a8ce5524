import Foundation

/// A JSON value for building request bodies and reading answers and vectors in the tests, through Codable.
/// Objects read back with their keys sorted.
public enum TestJSON: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([TestJSON])
    case object([(String, TestJSON)])

    /// Reads `text` as JSON.
    public static func parse(_ text: String) throws -> TestJSON { try parse(bytes: Array(text.utf8)) }

    /// Reads `bytes` as JSON.
    public static func parse(bytes: [UInt8]) throws -> TestJSON { try JSONDecoder().decode(TestJSON.self, from: Data(bytes)) }

    /// The JSON text, object keys in the order given, slashes unescaped.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The value of `key` in an object.
    public subscript(key: String) -> TestJSON? { objectValue?.first { $0.0 == key }?.1 }

    /// The pairs of an object.
    public var objectValue: [(String, TestJSON)]? { if case .object(let pairs) = self { return pairs } else { return nil } }
    /// The elements of an array.
    public var arrayValue: [TestJSON]? { if case .array(let items) = self { return items } else { return nil } }
    /// The text of a string.
    public var stringValue: String? { if case .string(let text) = self { return text } else { return nil } }
    /// A number that is a whole integer.
    public var intValue: Int? { if case .number(let number) = self { return Int(exactly: number) } else { return nil } }

    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String { TestJSON.string(text).jsonText }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer()
        if value.decodeNil() {
            self = .null
        } else if let flag = try? value.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? value.decode(Double.self) {
            self = .number(number)
        } else if let text = try? value.decode(String.self) {
            self = .string(text)
        } else if let items = try? value.decode([TestJSON].self) {
            self = .array(items)
        } else {
            self = .object(try value.decode([String: TestJSON].self).sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var value = encoder.singleValueContainer()
            try value.encodeNil()
        case .bool(let flag):
            var value = encoder.singleValueContainer()
            try value.encode(flag)
        case .number(let number):
            var value = encoder.singleValueContainer()
            if let whole = Int(exactly: number) { try value.encode(whole) } else { try value.encode(number) }
        case .string(let text):
            var value = encoder.singleValueContainer()
            try value.encode(text)
        case .array(let items):
            var list = encoder.unkeyedContainer()
            for item in items { try list.encode(item) }
        case .object(let pairs):
            var fields = encoder.container(keyedBy: Key.self)
            for (key, value) in pairs { try fields.encode(value, forKey: Key(stringValue: key)) }
        }
    }

    public static func == (lhs: TestJSON, rhs: TestJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: return false
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
