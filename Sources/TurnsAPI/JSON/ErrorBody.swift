import Foundation

/// The `type` and `message` of an error body: `{"type":"error","error":{"type":…,"message":…}}` or the
/// older `{"error":{…}}`. When the body is not that JSON, its text (tidied) is the message.
struct ErrorBody {
    /// `error.type`, when present.
    var type: String?
    /// `error.message`, or the tidied body text.
    var message: String

    /// The longest message kept from a body that is not the documented JSON.
    static let maxRawMessageLength = 300

    init(_ bytes: some Collection<UInt8>) {
        let details = try? JSONDecoder().decode(Envelope.self, from: Data(bytes)).error
        type = details?.type
        message = details?.message ?? Self.tidy(String(decoding: bytes, as: UTF8.self))
    }

    /// The JSON shape; a field of another type counts as absent.
    private struct Envelope: Decodable {
        var error: Details?
    }

    private struct Details: Decodable {
        var type: String?
        var message: String?

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: LenientKey.self)
            type = fields.string("type")
            message = fields.string("message")
        }
    }

    /// A readable one-line message from arbitrary body text: an HTML page's title when it has one,
    /// otherwise the text without tags, white space collapsed, cut to a sane length.
    static func tidy(_ text: String) -> String {
        var source = Substring(text)
        let looksLikeHTML = text.first(where: { !$0.isWhitespace }) == "<"
        if looksLikeHTML, let open = text.range(of: "<title>", options: [.caseInsensitive]),
           let close = text.range(of: "</title>", options: [.caseInsensitive], range: open.upperBound..<text.endIndex) {
            source = text[open.upperBound..<close.lowerBound]
        }
        let plain = looksLikeHTML ? source.replacingOccurrences(of: "<[^>]*>?", with: " ", options: .regularExpression)
            : String(source)
        let words = plain.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.count > maxRawMessageLength ? words.prefix(maxRawMessageLength) + "…" : words
    }
}

/// Any key of a JSON object, for reading a few fields by name.
struct LenientKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer<LenientKey> {
    /// The string at `key`, or nil when it is absent or not a string.
    func string(_ key: String) -> String? {
        try? decodeIfPresent(String.self, forKey: LenientKey(stringValue: key))
    }
}
