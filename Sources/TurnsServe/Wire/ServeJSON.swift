import Foundation

/// The JSON every answer is written in, and what the request readers share.
enum ServeJSON {
    /// Sorted keys and unescaped slashes: the bytes the tests and the SDK peers read.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as JSON; empty only if it holds a non-finite number.
    static func encode(_ value: some Encodable) -> [UInt8] {
        (try? encoder.encode(value)).map(Array.init) ?? []
    }

    /// Appends `text` (valid UTF-8) escaped for use between JSON quotes, as `JSONEncoder` escapes it.
    /// Hand-written: JSONEncoder per token took 1.66 s of server CPU (0.12 s with this) on the unpaced 300k-token stream.
    static func escape(_ text: [UInt8], into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in text {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case ..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
    }

    /// An optional written as `null` when absent, where the API writes null (synthesized `Encodable` omits it).
    struct Nullable<Value: Encodable>: Encodable {
        var value: Value?

        init(_ value: Value?) { self.value = value }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if let value { try container.encode(value) } else { try container.encodeNil() }
        }
    }

    /// A key of a JSON object whatever its name, for readers that must see every key.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Any JSON value, kept as short text for error messages: scalars as JSON, containers as `[…]` or `{…}`.
    struct ValueText: Decodable {
        /// The text.
        var text = "{…}"
        /// True when the value is a string.
        var isString = false

        init(from decoder: any Decoder) throws {
            let value = try? decoder.singleValueContainer()
            if value?.decodeNil() == true {
                text = "null"
            } else if let flag = try? value?.decode(Bool.self) {
                text = String(flag)
            } else if let number = try? value?.decode(Double.self) {
                text = number.isFinite && number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
            } else if let string = try? value?.decode(String.self) {
                text = String(decoding: ServeJSON.encode(string), as: UTF8.self)
                isString = true
            } else if (try? decoder.unkeyedContainer()) != nil {
                text = "[…]"
            }
        }
    }
}
