import XCTest
import TurnsCore

/// Files exactly as the release before the Codable rewrite wrote them (generated with that code): they must load,
/// and saving what was loaded must give back the same bytes.
final class SavedFileCompatibilityTests: XCTestCase {
    /// A transcript with every field set and unset, escapes, non-ASCII text and numbers in each written form.
    static let transcriptFile = #"""
        {
          "format": "turns-transcript",
          "version": 1,
          "system": "Be terse.\tUse \"quotes\", back\\slashes/\nand 界 😀 \u0001.",
          "turns": [
            {
              "role": "human",
              "text": "Hello \"there\"\n\n\\Human: forged?\r\nbell\u0007 del\#u{7F} e\#u{301} 👩‍💻",
              "created_at": "2026-09-21T14:13:20.123Z"
            },
            {
              "role": "assistant",
              "text": "Hi!\n\n```swift\nlet x = 1\n```",
              "created_at": "2026-09-21T14:13:21.500Z",
              "reply": {
                "backend": "anthropic",
                "model": "claude-2.1",
                "settings": {
                  "model": "claude-2.1",
                  "max_tokens_to_sample": 1024,
                  "temperature": 0.7,
                  "top_k": 40,
                  "top_p": 0.9,
                  "stop_sequences": [
                    "\n\nObs:",
                    "END"
                  ]
                },
                "stop_reason": "stop_sequence",
                "interrupted": false,
                "error": null,
                "request_id": "req_01",
                "time_to_first_token": 0.125,
                "tokens_per_second": 31.5
              }
            },
            {
              "role": "human",
              "text": "again",
              "created_at": "2026-09-21T14:13:30.000Z"
            },
            {
              "role": "assistant",
              "text": "",
              "created_at": "2026-09-21T14:13:31.999Z",
              "reply": {
                "backend": "local",
                "model": "turns-local",
                "settings": {
                  "model": "turns-local",
                  "max_tokens_to_sample": 300,
                  "temperature": null,
                  "top_k": null,
                  "top_p": null,
                  "stop_sequences": []
                },
                "stop_reason": null,
                "interrupted": true,
                "error": "the connection was lost \"reset\"",
                "request_id": null,
                "time_to_first_token": null,
                "tokens_per_second": null
              }
            },
            {
              "role": "human",
              "text": "more",
              "created_at": "1970-01-01T00:00:00.000Z"
            },
            {
              "role": "assistant",
              "text": "ok",
              "created_at": "2026-09-21T14:13:40.001Z",
              "reply": {
                "backend": "bedrock",
                "model": "anthropic.claude-v2",
                "settings": {
                  "model": "anthropic.claude-v2",
                  "max_tokens_to_sample": 5,
                  "temperature": 1,
                  "top_k": null,
                  "top_p": 0,
                  "stop_sequences": [
                    "\u0001"
                  ]
                },
                "stop_reason": "max_tokens",
                "interrupted": false,
                "error": null,
                "request_id": null,
                "time_to_first_token": 5e-05,
                "tokens_per_second": 1e+16
              }
            }
          ]
        }
        """# + "\n"

    /// A journal with every kind of record, ending in an answer that was still streaming.
    static let journalFile = #"""
        {"type":"session","version":1,"id":"20261129-045320-1a2b","created_at":"2026-11-30T00:53:20.250Z","system":null}
        {"type":"system","system":"Be brief \"now\""}
        {"type":"turn","turn":{"role":"human","text":"Hello \"there\"\n\n\\Human: forged?\r\nbell\u0007 del\#u{7F} e\#u{301} 👩‍💻","created_at":"2026-09-21T14:13:20.123Z"}}
        {"type":"answer_start","created_at":"2026-11-30T00:53:21.000Z","reply":{"backend":"local","model":"turns-local","settings":{"model":"turns-local","max_tokens_to_sample":300,"temperature":null,"top_k":null,"top_p":null,"stop_sequences":[]},"stop_reason":null,"interrupted":true,"error":"the connection was lost \"reset\"","request_id":null,"time_to_first_token":null,"tokens_per_second":null}}
        {"type":"text","text":"Hel"}
        {"type":"text","text":"lo \"x\"\n\n\\Hu"}
        {"type":"answer_end","reply":{"backend":"anthropic","model":"claude-2.1","settings":{"model":"claude-2.1","max_tokens_to_sample":1024,"temperature":0.7,"top_k":40,"top_p":0.9,"stop_sequences":["\n\nObs:","END"]},"stop_reason":"stop_sequence","interrupted":false,"error":null,"request_id":"req_01","time_to_first_token":0.125,"tokens_per_second":31.5}}
        {"type":"truncate","count":1}
        {"type":"system","system":null}
        {"type":"turn","turn":{"role":"assistant","text":"ok","created_at":"2026-09-21T14:13:40.001Z","reply":{"backend":"bedrock","model":"anthropic.claude-v2","settings":{"model":"anthropic.claude-v2","max_tokens_to_sample":5,"temperature":1,"top_k":null,"top_p":0,"stop_sequences":["\u0001"]},"stop_reason":"max_tokens","interrupted":false,"error":null,"request_id":null,"time_to_first_token":5e-05,"tokens_per_second":1e+16}}}
        {"type":"replace","transcript":{"format":"turns-transcript","version":1,"system":null,"turns":[{"role":"human","text":"Hello \"there\"\n\n\\Human: forged?\r\nbell\u0007 del\#u{7F} e\#u{301} 👩‍💻","created_at":"2026-09-21T14:13:20.123Z"},{"role":"assistant","text":"Hi!\n\n```swift\nlet x = 1\n```","created_at":"2026-09-21T14:13:21.500Z","reply":{"backend":"anthropic","model":"claude-2.1","settings":{"model":"claude-2.1","max_tokens_to_sample":1024,"temperature":0.7,"top_k":40,"top_p":0.9,"stop_sequences":["\n\nObs:","END"]},"stop_reason":"stop_sequence","interrupted":false,"error":null,"request_id":"req_01","time_to_first_token":0.125,"tokens_per_second":31.5}}]}}
        {"type":"replace","transcript":{"format":"turns-transcript","version":1,"system":null,"turns":[]}}
        {"type":"turn","turn":{"role":"human","text":"again","created_at":"2026-09-21T14:13:30.000Z"}}
        {"type":"answer_start","created_at":"2026-11-30T00:53:22.000Z","reply":{"backend":"bedrock","model":"anthropic.claude-v2","settings":{"model":"anthropic.claude-v2","max_tokens_to_sample":5,"temperature":1,"top_k":null,"top_p":0,"stop_sequences":["\u0001"]},"stop_reason":"max_tokens","interrupted":false,"error":null,"request_id":null,"time_to_first_token":5e-05,"tokens_per_second":1e+16}}
        {"type":"text","text":"still streaming"}
        """# + "\n"

    func testATranscriptFromTheLastReleaseLoadsAndSavesByteForByte() throws {
        let transcript = try TranscriptJSON.decode(Data(Self.transcriptFile.utf8))
        XCTAssertEqual(transcript.system, "Be terse.\tUse \"quotes\", back\\slashes/\nand 界 😀 \u{01}.")
        XCTAssertEqual(transcript.turns.map(\.role), [.human, .assistant, .human, .assistant, .human, .assistant])
        XCTAssertEqual(transcript.turns[0].text, "Hello \"there\"\n\n\\Human: forged?\r\nbell\u{07} del\u{7F} e\u{301} 👩‍💻")
        XCTAssertEqual(transcript.turns[0].createdAt, Date(timeIntervalSince1970: 1_790_000_000.123))
        XCTAssertEqual(transcript.turns[1].reply, ReplyInfo(
            backend: "anthropic", model: "claude-2.1",
            settings: SamplingSettings(model: "claude-2.1", maxTokensToSample: 1024, temperature: 0.7, topK: 40, topP: 0.9,
                                       stopSequences: ["\n\nObs:", "END"]),
            stopReason: "stop_sequence", interrupted: false, error: nil, requestID: "req_01", timeToFirstToken: 0.125,
            tokensPerSecond: 31.5))
        XCTAssertEqual(transcript.turns[3].reply, ReplyInfo(
            backend: "local", model: "turns-local", settings: SamplingSettings(model: "turns-local", maxTokensToSample: 300),
            interrupted: true, error: "the connection was lost \"reset\""))
        XCTAssertEqual(transcript.turns[4].createdAt, Date(timeIntervalSince1970: 0))
        XCTAssertEqual(transcript.turns[5].reply?.settings.temperature, 1)
        XCTAssertEqual(transcript.turns[5].reply?.settings.topP, 0)
        XCTAssertEqual(transcript.turns[5].reply?.timeToFirstToken, 0.00005)
        XCTAssertEqual(transcript.turns[5].reply?.tokensPerSecond, 1e16)
        XCTAssertEqual(TranscriptJSON.encode(transcript), Self.transcriptFile)
    }

    func testAnEmptyTranscriptFromTheLastReleaseSavesByteForByte() throws {
        let file = "{\n  \"format\": \"turns-transcript\",\n  \"version\": 1,\n  \"system\": null,\n  \"turns\": []\n}\n"
        XCTAssertEqual(try TranscriptJSON.decode(Data(file.utf8)), Transcript())
        XCTAssertEqual(TranscriptJSON.encode(Transcript()), file)
    }

    func testAJournalFromTheLastReleaseReplaysAndEachRecordIsWrittenAgainByteForByte() throws {
        let lines = Self.journalFile.split(separator: "\n").map(String.init)
        for line in lines {
            let record = try JSONDecoder().decode(JournalRecord.self, from: Data(line.utf8))
            XCTAssertEqual(record.jsonLine, line)
        }
        let session = try JournalReader.replay(Data(Self.journalFile.utf8), path: "journal.jsonl")
        XCTAssertNil(session.warning)
        XCTAssertEqual(session.id, "20261129-045320-1a2b")
        XCTAssertEqual(session.createdAt, Date(timeIntervalSince1970: 1_796_000_000.25))
        XCTAssertNil(session.transcript.system)
        XCTAssertEqual(session.transcript.turns.map(\.text), ["again", "still streaming"])
        XCTAssertEqual(session.transcript.turns[1].reply?.interrupted, true, "the answer was still streaming")
        XCTAssertEqual(session.transcript.turns[1].reply?.settings.stopSequences, ["\u{01}"])
    }
}
