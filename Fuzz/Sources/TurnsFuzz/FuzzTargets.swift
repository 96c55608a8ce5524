import Foundation
import TurnsAPI
import TurnsCore
import TurnsUI

/// Which parser this run feeds (`TURNS_FUZZ_TARGET`), read once.
let fuzzTarget = ProcessInfo.processInfo.environment["TURNS_FUZZ_TARGET"] ?? "sse"

/// One fuzz input: fed to the chosen parser, split in two at a point the input chooses (for the incremental
/// decoders). It must never crash; errors are fine.
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    switch fuzzTarget {
    case "sse":
        // Three reads: lines, events and the text of an event split across them.
        let second = split + (bytes.count > 1 ? Int(bytes[1]) % (bytes.count - split + 1) : 0)
        var parser = CompletionStreamParser()
        _ = parser.feed(Array(bytes[..<split]))
        _ = parser.feed(Array(bytes[split..<second]))
        _ = parser.feed(Array(bytes[second...]))
        _ = parser.finish()
    case "eventstream":
        var decoder = EventStreamDecoder()
        decoder.append(Array(bytes[..<split]))
        while let _ = try? decoder.next() {}
        decoder.append(Array(bytes[split...]))
        while let _ = try? decoder.next() {}
        // The Bedrock decoder takes the same messages, with base64 and completion JSON inside.
        var bedrock = BedrockStreamDecoder()
        _ = bedrock.feed(Array(bytes[..<split]))
        _ = bedrock.feed(Array(bytes[split...]))
        _ = bedrock.finish()
    case "prompt":
        let text = String(decoding: bytes, as: UTF8.self)
        let parsed = PromptFormat.parse(text)
        let again = PromptFormat.serialize(system: parsed.system, turns: parsed.turns,
                                           openAssistant: parsed.endsWithOpenAssistant)
        _ = PromptFormat.parse(again)
        _ = PromptFormat.validate(text)
    case "transcript":
        // Whatever reads as a transcript is written and read back as the same transcript (the writer's escaping
        // meets every string the reader accepts).
        guard let transcript = try? TranscriptJSON.decode(Data(bytes)) else { break }
        let again = try? TranscriptJSON.decode(Data(TranscriptJSON.encode(transcript).utf8))
        precondition(again == transcript, "a transcript did not survive being written and read back")
    case "journal":
        _ = try? JournalReader.replay(Data(bytes), path: "fuzz")
    case "config":
        _ = try? ConfigFile.parse(String(decoding: bytes, as: UTF8.self), path: "fuzz.toml")
    case "theme":
        _ = try? ThemeFile.parse(String(decoding: bytes, as: UTF8.self), source: "fuzz.toml")
    default:
        fatalError("unknown TURNS_FUZZ_TARGET \(fuzzTarget)")
    }
    return 0
}
