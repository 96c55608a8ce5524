import CDeflate

/// CRC-32 with the IEEE polynomial (zlib's `crc32`, Go's `crc32.IEEE`), as the AWS event stream uses it.
// libdeflate's (carry-less multiply), not zlib's: zlib's was 25% of the Bedrock path's CPU, past 1.5x the SSE path's.
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `seed` (the CRC of the bytes before them; 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return seed }
        return libdeflate_crc32(seed, base, bytes.count)
    }

    /// The CRC-32 of `bytes`, continuing from `seed`.
    public static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, seed: seed) }
    }
}
