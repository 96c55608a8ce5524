@testable import TurnsAPI
import TurnsTestSupport
import XCTest

/// The CRC-32 of the event stream: the carry-less-multiply fold and the table path agree with a bitwise reference.
final class CRC32Tests: XCTestCase {
    func testTheStandardCheckValue() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([]), 0)
        XCTAssertEqual(CRC32.checksum([], seed: 0x1234_5678), 0x1234_5678)
    }

    func testBothPathsAgreeWithABitwiseCRCAtEveryLengthAlignmentAndSeed() throws {
        try XCTSkipUnless(CRC32.canFold, "this CPU has no PCLMULQDQ: only the table path runs here")
        var rng = SeededGenerator(seed: 3232)
        let pool = (0..<400).map { _ in UInt8.random(in: 0...255, using: &rng) }
        pool.withUnsafeBytes { pool in
            // Lengths around every fold boundary (16-byte lanes, the 32-byte minimum, the 64-byte four-lane loop).
            for length in 0...300 {
                for alignment in [0, 1, 7, 15] {
                    let bytes = UnsafeRawBufferPointer(rebasing: pool[alignment..<alignment + length])
                    let seed: UInt32 = length % 3 == 0 ? 0 : UInt32.random(in: 0...UInt32.max, using: &rng)
                    let expected = bitwiseCRC32(bytes, seed: seed)
                    XCTAssertEqual(CRC32.checksum(bytes, seed: seed, folding: true), expected, "fold, length \(length) at +\(alignment)")
                    XCTAssertEqual(CRC32.checksum(bytes, seed: seed, folding: false), expected, "table, length \(length) at +\(alignment)")
                }
            }
        }
    }

    func testAMegabyteFoldsToTheSameCRCAsTheTableAndContinuesAcrossACut() throws {
        try XCTSkipUnless(CRC32.canFold, "this CPU has no PCLMULQDQ: only the table path runs here")
        var rng = SeededGenerator(seed: 1_048_576)
        let bytes = (0..<1_048_576 + 13).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes.withUnsafeBytes { bytes in
            let table = CRC32.checksum(bytes, seed: 0, folding: false)
            XCTAssertEqual(CRC32.checksum(bytes, seed: 0, folding: true), table)
            let cut = 333_333
            let first = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[..<cut]), seed: 0, folding: true)
            XCTAssertEqual(CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[cut...]), seed: first, folding: true), table)
        }
    }

    func testRunsFoldedSideBySideAgreeWithOneByOneWhateverTheirLengths() throws {
        try XCTSkipUnless(CRC32.widestRuns > 1, "this CPU has no VPCLMULQDQ: runs are folded one by one here")
        let widths = [1, 2, 4].filter { $0 <= CRC32.widestRuns }
        var rng = SeededGenerator(seed: 4444)
        let pool = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
        pool.withUnsafeBytes { pool in
            // Groups of runs of equal and of different lengths (whole blocks apart or not, partial blocks of every
            // size), some shorter than a block, so the masked steps and the one-by-one fallback are both reached.
            for trial in 0..<2_000 {
                let count = Int.random(in: 1...9, using: &rng)
                let spread = [0, 3, 16, 40, 300][trial % 5]
                let base = Int.random(in: 0...200, using: &rng)
                let runs = (0..<count).map { _ in
                    let length = max(0, base + Int.random(in: 0...spread, using: &rng) - (trial % 7 == 0 ? 190 : 0))
                    let start = Int.random(in: 0...(pool.count - length), using: &rng)
                    return UnsafeRawBufferPointer(rebasing: pool[start..<start + length])
                }
                let expected = runs.map { bitwiseCRC32($0, seed: 0) }
                for lanes in widths {
                    XCTAssertEqual(CRC32.checksums(of: runs, lanes: lanes), expected, "\(lanes) lanes, runs of \(runs.map(\.count))")
                }
            }
        }
    }

    private func bitwiseCRC32(_ bytes: UnsafeRawBufferPointer, seed: UInt32) -> UInt32 {
        var crc = ~seed
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
