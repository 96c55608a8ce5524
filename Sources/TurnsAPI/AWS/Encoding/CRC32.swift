import CZlib

/// CRC-32 with the IEEE polynomial (zlib's `crc32`, Go's `crc32.IEEE`), as the AWS event stream uses it.
// zlib's, not a byte-wise table in Swift: that one cost ~0.1 s of CPU per 300k-token Bedrock stream (~6 cycles a
// byte), which alone put the Bedrock path past 1.5x the SSE path's CPU.
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `seed` (the CRC of the bytes before them; 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return seed }
        return UInt32(crc32(UInt(seed), base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
    }

    /// The CRC-32 of `bytes`, continuing from `seed`.
    public static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, seed: seed) }
    }
}
