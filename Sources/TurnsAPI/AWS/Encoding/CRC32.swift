import CByteKernels

/// CRC-32 with the IEEE polynomial (zlib's `crc32`, Go's `crc32.IEEE`), as the AWS event stream uses it.
///
/// The loop is C (`turns_crc32`): on x86-64 with PCLMULQDQ, runs of 32 bytes or more are folded sixteen bytes per
/// carry-less multiply, several times faster than any table; the rest, and every byte on other CPUs, goes through
/// slicing-by-8 tables.
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `seed` (the CRC of the bytes before them; 0 to start).
    @inline(__always)
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        checksum(bytes, seed: seed, folding: true)
    }

    /// The CRC-32 of `bytes`, continuing from `seed`.
    public static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, seed: seed) }
    }

    /// The CRC-32 of `bytes` with the vector fold allowed or not (tests compare the two paths).
    @inline(__always)
    static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32, folding: Bool) -> UInt32 {
        guard let base = bytes.baseAddress else { return seed }
        return turns_crc32(seed, base.assumingMemoryBound(to: UInt8.self), bytes.count, folding ? 1 : 0)
    }

    /// Whether this CPU folds with carry-less multiplication.
    static var canFold: Bool { turns_crc32_can_fold() != 0 }

    /// How many runs this CPU folds per multiply: 4 (AVX-512), 2 (AVX2 with VPCLMULQDQ) or 1 (the event-stream scan
    /// checksums its messages this many at a time).
    static var widestRuns: Int { Int(turns_crc32_widest_runs()) }

    /// The CRC-32 (from 0) of each run, `lanes` (1, 2 or 4) to a multiply where the CPU can (tests compare the paths).
    static func checksums(of runs: [UnsafeRawBufferPointer], lanes: Int) -> [UInt32] {
        let starts = runs.map { $0.baseAddress?.assumingMemoryBound(to: UInt8.self) }
        let counts = runs.map(\.count)
        var crcs = [UInt32](repeating: 0, count: runs.count)
        starts.withUnsafeBufferPointer { starts in
            counts.withUnsafeBufferPointer { counts in
                crcs.withUnsafeMutableBufferPointer { crcs in
                    turns_crc32_runs(starts.baseAddress, counts.baseAddress, crcs.baseAddress, runs.count, Int32(lanes))
                }
            }
        }
        return crcs
    }
}
