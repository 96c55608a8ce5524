import CByteKernels

/// CRC-32 with the IEEE polynomial (zlib's `crc32`, Go's `crc32.IEEE`), as the AWS event stream uses it.
///
/// On x86-64 with PCLMULQDQ, runs of 32 bytes or more are folded sixteen bytes per carry-less multiply
/// (`turns_crc32_fold`), several times faster than any table; the rest, and every byte on other CPUs, goes through
/// slicing-by-8: eight 256-entry tables that consume eight bytes per step.
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `seed` (the CRC of the bytes before them; 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        checksum(bytes, seed: seed, folding: canFold)
    }

    /// The CRC-32 of `bytes`, continuing from `seed`.
    public static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, seed: seed) }
    }

    /// The CRC-32 of `bytes` with the vector fold used or not (tests compare the two paths).
    static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32, folding: Bool) -> UInt32 {
        guard let base = bytes.baseAddress else { return seed }
        var state = ~seed
        var start = 0
        if folding && bytes.count >= foldMinimum {
            let whole = bytes.count & ~15
            var folded: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &folded) { out in
                turns_crc32_fold(base.assumingMemoryBound(to: UInt8.self), whole, state,
                                 out.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            // The folded lane stands for everything before it: the table finishes it from a zero state.
            state = withUnsafeBytes(of: &folded) { slice(0, $0.baseAddress!, 16) }
            start = whole
        }
        state = slice(state, base + start, bytes.count - start)
        return ~state
    }

    /// Whether this CPU folds with carry-less multiplication.
    static let canFold = turns_crc32_fold_available() != 0

    /// The shortest run worth folding: one fold step and the 16-byte finish cost less than four table steps below it.
    static let foldMinimum = 32

    /// Runs the table CRC (no inversions) over `count` bytes at `bytes` from `state`.
    @inline(__always)
    private static func slice(_ state: UInt32, _ bytes: UnsafeRawPointer, _ count: Int) -> UInt32 {
        var crc = state
        var index = 0
        tables.withUnsafeBufferPointer { table in
            // Eight bytes per step: the first four fold into the running CRC, all eight index the tables.
            while count - index >= 8 {
                let low = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
                crc = table[7 * 256 + Int(low & 0xFF)]
                    ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)]
                    ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)]
                    ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = table[Int((crc ^ UInt32(bytes.load(fromByteOffset: index, as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return crc
    }

    /// The reflected IEEE polynomial.
    static let polynomial: UInt32 = 0xEDB8_8320

    /// Table k (entries k·256 ..< (k+1)·256) gives the CRC contribution of a byte followed by k zero bytes.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(slice - 1) * 256 + byte]
                tables[slice * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()
}
