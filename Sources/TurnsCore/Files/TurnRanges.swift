import Foundation

/// Where each element of a transcript's top-level `"turns"` array lies, so the turns are decoded a thousand at a
/// time: JSONDecoder's index of a whole 50,000-turn file took the `--load` peak RSS over its budget (98 vs 87 MB).
struct TurnRanges: Sendable {
    /// The array, brackets included.
    var array: Range<Int>
    /// Each element (with the white space around it).
    var elements: [Range<Int>] = []

    /// Scans `bytes`; nil when they hold no single top-level `"turns"` array (the caller then decodes them whole).
    init?(_ bytes: Data) {
        guard let found = bytes.withUnsafeBytes({ Self.scan($0) }) else { return nil }
        self = found
    }

    private init(array: Range<Int>, elements: [Range<Int>]) {
        self.array = array
        self.elements = elements
    }

    /// Decodes the file without its turns (the format, version and system are checked there), then the turns.
    func decode(_ bytes: Data, with decoder: JSONDecoder) throws -> Transcript {
        let start = bytes.startIndex
        var header = Data(bytes[start..<(start + array.lowerBound)])
        header += Data("[]".utf8)
        header += bytes[(start + array.upperBound)...]
        var transcript = try decoder.decode(TranscriptJSON.Document.self, from: header).transcript
        transcript.turns.reserveCapacity(elements.count)
        let batches = stride(from: 0, to: elements.count, by: 1000).map { $0..<min($0 + 1000, elements.count) }
        // Eight batches per core at once: on one core a 50,000-turn file took the first frame past its 0.5 s budget,
        // and holding every batch until the end took the peak RSS past its own.
        let width = 8 * max(1, ProcessInfo.processInfo.activeProcessorCount)
        for group in stride(from: 0, to: batches.count, by: width).map({ batches[$0..<min($0 + width, batches.count)] }) {
            var decoded = [Result<[Turn], any Error>](repeating: .success([]), count: group.count)
            decoded.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let results = buffer  // each batch writes only its own slot
                DispatchQueue.concurrentPerform(iterations: group.count) { index in
                    let batch = group[group.startIndex + index]
                    results[index] = Result { try JSONDecoder().decode([Turn].self, from: json(of: batch, in: bytes)) }
                }
            }
            for result in decoded { transcript.turns += try result.get() }
        }
        return transcript
    }

    /// The turns of `batch` as one JSON array.
    private func json(of batch: Range<Int>, in bytes: Data) -> Data {
        var json = Data("[".utf8)
        for (offset, element) in elements[batch].enumerated() {
            if offset > 0 { json.append(UInt8(ascii: ",")) }
            json += bytes[(bytes.startIndex + element.lowerBound)..<(bytes.startIndex + element.upperBound)]
        }
        json.append(UInt8(ascii: "]"))
        return json
    }

    /// Tracks strings and nesting: the elements are split at the commas one level inside the `"turns"` array.
    private static func scan(_ bytes: UnsafeRawBufferPointer) -> TurnRanges? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var depth = 0
        var index = 0
        var lastKey = 0..<0
        var found: TurnRanges?
        var inTurns = false
        var elementStart = 0
        func elementIsBlank() -> Bool {
            !bytes[elementStart..<index].contains { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        }
        while index < bytes.count {
            switch bytes[index] {
            case quote:
                // memchr finds the closing quote (a byte at a time, the scan was ~12% of --load's first frame); one
                // after an odd run of backslashes is escaped, and the search goes on past it.
                let start = index + 1
                index = start
                while true {
                    guard index < bytes.count else { return nil }
                    guard let next = memchr(bytes.baseAddress! + index, Int32(quote), bytes.count - index) else { return nil }
                    index = UnsafeRawPointer(next) - bytes.baseAddress!
                    var backslashes = 0
                    while index - backslashes > start && bytes[index - backslashes - 1] == backslash { backslashes += 1 }
                    if backslashes.isMultiple(of: 2) { break }
                    index += 1
                }
                if depth == 1 { lastKey = start..<index }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 2 && bytes[index] == UInt8(ascii: "[") && bytes[lastKey].elementsEqual("turns".utf8) {
                    guard found == nil else { return nil }
                    found = TurnRanges(array: index..<index, elements: [])
                    inTurns = true
                    elementStart = index + 1
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if inTurns && depth == 2 {
                    if !elementIsBlank() { found!.elements.append(elementStart..<index) }
                    found!.array = found!.array.lowerBound..<(index + 1)
                    inTurns = false
                }
                depth -= 1
            case UInt8(ascii: ","):
                if inTurns && depth == 2 {
                    guard !elementIsBlank() else { return nil }  // not JSON; and hostile commas would each cost a range
                    found!.elements.append(elementStart..<index)
                    elementStart = index + 1
                }
            default:
                break
            }
            index += 1
        }
        return depth == 0 ? found : nil
    }
}
