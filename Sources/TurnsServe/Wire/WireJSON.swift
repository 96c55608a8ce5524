import Foundation

/// The JSON both APIs' answers are written in, and what request readers share.
enum WireJSON {
    /// An encoder writing sorted keys and unescaped slashes.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` as JSON from `encoder` (a new one from `encoder()` by default); empty only if it holds a non-finite
    /// number.
    static func encode(_ value: some Encodable, with encoder: JSONEncoder = encoder()) -> [UInt8] {
        (try? encoder.encode(value)).map(Array.init) ?? []
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
        var text: String
        /// True when the value is a string.
        var isString = false

        init(from decoder: any Decoder) throws {
            if let value = try? decoder.singleValueContainer() {
                if value.decodeNil() {
                    text = "null"
                    return
                }
                if let flag = try? value.decode(Bool.self) {
                    text = String(flag)
                    return
                }
                if let number = try? value.decode(Double.self) {
                    text = number.isFinite && number == number.rounded() && abs(number) < 1e15
                        ? String(Int(number)) : String(number)
                    return
                }
                if let string = try? value.decode(String.self) {
                    text = String(decoding: WireJSON.encode(string), as: UTF8.self)
                    isString = true
                    return
                }
            }
            text = (try? decoder.unkeyedContainer()) != nil ? "[…]" : "{…}"
        }
    }
}
