import Foundation
import TurnsCore

/// Why a JSON body could not be read as the object the wire expects.
struct WireDecodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, with the byte offset where known.
    var description: String
}

/// Reads the `completion` object of `/v1/complete` (a whole response or one streamed event's data) with a
/// targeted scan: only `completion`, `stop_reason`, `stop`, `model` and `id` become values; every other
/// key is skipped without building anything.
enum CompletionJSON {
    /// Decodes a completion object; unknown keys are ignored, a missing `completion` text counts as empty.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(WireDecodingError) -> Completion {
        var pieces = CompletionPieces()
        try pieces.add(bytes)
        return pieces.take() ?? Completion(completion: "")
    }

    /// Decodes a completion object from an array of bytes.
    static func decode(_ bytes: [UInt8]) throws(WireDecodingError) -> Completion {
        let result: Result<Completion, WireDecodingError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(WireDecodingError) { return .success(try decode(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The completion in a whole 2xx response body, as both wires read it; a body that is not a completion object
    /// is a `.malformedResponse`.
    static func decodeResponse(_ body: [UInt8]) throws(APIError) -> Completion {
        do throws(WireDecodingError) {
            return try decode(body)
        } catch {
            throw APIError(kind: .malformedResponse, status: 200,
                           message: "the response could not be read as a completion: \(error.description)")
        }
    }
}

/// Merges the completion objects of one network read into one piece, working on bytes: the texts are gathered
/// into one buffer and become a single String when the piece is taken, and the model and id (the same in every
/// event) become Strings only when they change. A streamed token thus costs a scan of its event and no allocation.
struct CompletionPieces {
    /// The texts of the objects added since the last `take()`, concatenated; always valid UTF-8.
    private var text: [UInt8] = []
    /// How many objects were added since the last `take()`.
    private(set) var count = 0
    /// The last non-null `stop_reason`, `stop`, `model` and `id` since the last `take()`.
    private var stopReason: String?
    private var stop: String?
    private var model: String?
    private var id: String?
    /// The model and id last seen, kept across takes so a repeated value is not made into a String again.
    private var recentModel = RecurringString()
    private var recentID = RecurringString()
    /// The last object read in full, but for its text: the next one usually differs from it only there. Kept as
    /// plain fields of this struct (not an object) so that checking an event against it costs no reference count.
    private var shape = CompletionShape()
    /// Objects matching `shape` were added since its values were last merged in: they are merged once, when the
    /// shape changes or the piece is taken, instead of once per event.
    private var shapeUsed = false

    /// Adds one completion object. When it cannot be read, nothing of it is kept and the error says why.
    mutating func add(_ json: UnsafeBufferPointer<UInt8>) throws(WireDecodingError) {
        if shape.isSet, addIfShaped(json) { return }
        mergeShapeValues()
        let textStart = text.count
        var scanner = JSONScanner(bytes: json)
        var reason: String?, stopValue: String?, modelValue: String?, idValue: String?
        var textSpan: Range<Int>?
        var textKeys = 0
        do throws(WireDecodingError) {
            try scanner.enterObject()
            while let key = try scanner.nextKey() {
                switch key {
                case .completion:
                    // A repeated key replaces the earlier value, as in any JSON object read into a dictionary.
                    if text.count > textStart { text.removeSubrange(textStart...) }
                    let valueStart = scanner.position
                    if try scanner.readOptionalString(appendingTo: &text) { textSpan = valueStart..<scanner.position }
                    textKeys += 1
                case .stopReason: reason = try scanner.readOptionalString()
                case .stop: stopValue = try scanner.readOptionalString()
                case .model: modelValue = try scanner.readOptionalString { $0.map { recentModel.string(for: $0) } }
                case .id: idValue = try scanner.readOptionalString { $0.map { recentID.string(for: $0) } }
                case .other: try scanner.skipValue(depth: 1)
                }
            }
            try scanner.expectEnd()
        } catch {
            if text.count > textStart { text.removeSubrange(textStart...) }
            throw error
        }
        if textKeys == 1, let textSpan {
            shape = CompletionShape(prefix: UnsafeBufferPointer(rebasing: json[..<(textSpan.lowerBound + 1)]),
                                    suffix: UnsafeBufferPointer(rebasing: json[textSpan.upperBound...]),
                                    stopReason: reason, stop: stopValue, model: modelValue, id: idValue)
        } else {
            shape = CompletionShape()
        }
        count += 1
        if let reason { stopReason = reason }
        if let stopValue { stop = stopValue }
        if let modelValue { model = modelValue }
        if let idValue { id = idValue }
    }

    /// Adds `json` when it is `shape`'s bytes around a different text, reading only that text; false (and nothing
    /// added) otherwise. Sound because the bytes outside the string are those of an object already read in full,
    /// and the string is read by the same strict reader.
    private mutating func addIfShaped(_ json: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefixCount = shape.prefixCount, suffixCount = shape.bytes.count - prefixCount
        guard json.count >= prefixCount + 1 + suffixCount,
              shape.bytes.withUnsafeBufferPointer({ memcmp(json.baseAddress!, $0.baseAddress!, prefixCount) == 0 })
        else { return false }
        let textStart = text.count
        // The prefix ends with the text's opening quote.
        var scanner = JSONScanner(bytes: json, at: prefixCount - 1)
        let matched: Bool
        do throws(WireDecodingError) {
            matched = try scanner.readOptionalString(appendingTo: &text)
                && json.count - scanner.position == suffixCount
                && (suffixCount == 0 || shape.bytes.withUnsafeBufferPointer {
                    memcmp(json.baseAddress! + scanner.position, $0.baseAddress! + prefixCount, suffixCount) == 0
                })
        } catch {
            matched = false
        }
        guard matched else {
            if text.count > textStart { text.removeSubrange(textStart...) }
            return false
        }
        count += 1
        shapeUsed = true
        return true
    }

    /// Merges the values of the objects that matched the shape (its own values) into the piece.
    private mutating func mergeShapeValues() {
        guard shapeUsed else { return }
        shapeUsed = false
        if let value = shape.stopReason { stopReason = value }
        if let value = shape.stop { stop = value }
        if let value = shape.model { model = value }
        if let value = shape.id { id = value }
    }

    /// The objects added since the last call merged into one (texts concatenated, the last non-null other
    /// fields), or nil when none was added.
    mutating func take() -> Completion? {
        guard count > 0 else { return nil }
        mergeShapeValues()
        let piece = Completion(id: id, completion: String(decoding: text, as: UTF8.self),
                               stopReason: stopReason, stop: stop, model: model)
        text.removeAll(keepingCapacity: true)
        count = 0
        stopReason = nil
        stop = nil
        model = nil
        id = nil
        return piece
    }
}

/// A completion object read in full, as the bytes around its text and the other values it held.
struct CompletionShape {
    /// The bytes up to and including the text's opening quote, then the bytes after its closing quote.
    private(set) var bytes: [UInt8] = []
    /// How many of `bytes` come before the text.
    private(set) var prefixCount = 0
    let stopReason: String?
    let stop: String?
    let model: String?
    let id: String?

    /// No shape: every object is read in full.
    init() {
        stopReason = nil
        stop = nil
        model = nil
        id = nil
    }

    init(prefix: UnsafeBufferPointer<UInt8>, suffix: UnsafeBufferPointer<UInt8>,
         stopReason: String?, stop: String?, model: String?, id: String?) {
        bytes.reserveCapacity(prefix.count + suffix.count)
        bytes.append(contentsOf: prefix)
        bytes.append(contentsOf: suffix)
        prefixCount = prefix.count
        self.stopReason = stopReason
        self.stop = stop
        self.model = model
        self.id = id
    }

    /// Whether there is a shape to compare with (its prefix holds at least the text's opening quote).
    var isSet: Bool { prefixCount > 0 }
}

/// A string that usually repeats: made from bytes only when they differ from the previous ones.
struct RecurringString {
    private var bytes: [UInt8] = []
    private var string = ""

    /// The String for `newBytes` (valid UTF-8), reusing the previous one when the bytes are the same.
    mutating func string(for newBytes: UnsafeBufferPointer<UInt8>) -> String {
        let same = newBytes.count == bytes.count
            && (bytes.isEmpty || bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, newBytes.baseAddress!, bytes.count) == 0 })
        if !same {
            bytes = Array(newBytes)
            string = String(decoding: newBytes, as: UTF8.self)
        }
        return string
    }
}

/// The keys of a completion object the scanner looks for.
enum CompletionKey {
    case completion, stopReason, stop, model, id, other

    init(_ key: UnsafeBufferPointer<UInt8>) {
        if key.equals("completion") { self = .completion }
        else if key.equals("stop_reason") { self = .stopReason }
        else if key.equals("stop") { self = .stop }
        else if key.equals("model") { self = .model }
        else if key.equals("id") { self = .id }
        else { self = .other }
    }
}
