import NIOCore
import TurnsAPI

/// Writes Bedrock `chunk` events straight into a `ByteBuffer` in `application/vnd.amazon.eventstream` framing
/// (PROTOCOL.md C.6): the prelude and its CRC, the three fixed headers, the payload `{"bytes":"<base64>"}` and
/// the message CRC.
///
/// The bytes are those `EventStreamEncoder.encode(BedrockServer.chunkMessage(…))` gives (a test holds them equal).
/// Hand-written: `JSONEncoder`, Foundation base64 and `EventStreamEncoder` per token took 3.2 s of server CPU (0.21 s
/// with this and `JSONEscaping`) on the unpaced 300k-token Bedrock stream.
enum ChunkFrame {
    /// The header block of every chunk: `:event-type` `chunk`, `:content-type` `application/json`,
    /// `:message-type` `event` (all strings, type 7), in the order Bedrock sends them.
    static let headerBlock: [UInt8] = {
        var block: [UInt8] = []
        for (name, value) in [(":event-type", "chunk"), (":content-type", "application/json"), (":message-type", "event")] {
            block.append(UInt8(name.utf8.count))
            block += name.utf8
            block.append(7)
            block.append(UInt8(value.utf8.count >> 8))
            block.append(UInt8(value.utf8.count & 0xFF))
            block += value.utf8
        }
        return block
    }()

    private static let payloadStart = Array("{\"bytes\":\"".utf8)
    private static let payloadEnd = Array("\"}".utf8)
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends one complete `chunk` message whose `bytes` carry `modelJSON` (the model's JSON for one piece).
    static func write(modelJSON: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
        let encodedLength = (modelJSON.count + 2) / 3 * 4
        let payloadLength = payloadStart.count + encodedLength + payloadEnd.count
        let total = EventStreamDecoder.minimumMessageLength + headerBlock.count + payloadLength
        buffer.reserveCapacity(minimumWritableBytes: total)
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(total))
        buffer.writeInteger(UInt32(headerBlock.count))
        let preludeCRC = checksum(of: buffer, from: start, count: 8, seed: 0)
        buffer.writeInteger(preludeCRC)
        buffer.writeBytes(headerBlock)
        buffer.writeBytes(payloadStart)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: encodedLength) { out in
            writeBase64(modelJSON, into: out)
            return encodedLength
        }
        buffer.writeBytes(payloadEnd)
        let messageCRC = checksum(of: buffer, from: start + 8, count: total - 12, seed: preludeCRC)
        buffer.writeInteger(messageCRC)
    }

    /// The CRC-32 of `count` written bytes starting at writer position `offset`, continuing from `seed`.
    private static func checksum(of buffer: ByteBuffer, from offset: Int, count: Int, seed: UInt32) -> UInt32 {
        buffer.withUnsafeReadableBytes { readable in
            let first = offset - buffer.readerIndex
            return CRC32.checksum(UnsafeRawBufferPointer(rebasing: readable[first..<first + count]), seed: seed)
        }
    }

    /// Standard padded base64 of `bytes` into `out`, which holds exactly `(bytes.count + 2) / 3 * 4` bytes or more.
    private static func writeBase64(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        alphabet.withUnsafeBufferPointer { table in
            var read = 0
            var write = 0
            let count = bytes.count
            while count - read >= 3 {
                let group = UInt32(bytes[read]) << 16 | UInt32(bytes[read + 1]) << 8 | UInt32(bytes[read + 2])
                out[write] = table[Int(group >> 18)]
                out[write + 1] = table[Int((group >> 12) & 63)]
                out[write + 2] = table[Int((group >> 6) & 63)]
                out[write + 3] = table[Int(group & 63)]
                read += 3
                write += 4
            }
            guard read < count else { return }
            let second: UInt32 = read + 1 < count ? UInt32(bytes[read + 1]) : 0
            let group = UInt32(bytes[read]) << 16 | second << 8
            out[write] = table[Int(group >> 18)]
            out[write + 1] = table[Int((group >> 12) & 63)]
            out[write + 2] = read + 1 < count ? table[Int((group >> 6) & 63)] : UInt8(ascii: "=")
            out[write + 3] = UInt8(ascii: "=")
        }
    }
}
