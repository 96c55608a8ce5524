import Foundation

extension UnsafeBufferPointer<UInt8> {
    /// True when the bytes are exactly `word`'s. memcmp, because the generic `elementsEqual` showed in every profile
    /// of the decoders, which compare field names, keys and header names this way for every event.
    @inline(__always)
    func equals(_ word: StaticString) -> Bool {
        count == word.utf8CodeUnitCount && (count == 0 || memcmp(baseAddress!, word.utf8Start, count) == 0)
    }
}

/// True when the `count` bytes at `a` and at `b` are equal: compared eight at a time, inline, because the blocks
/// compared per message (a repeated header block) are short enough that calling memcmp costs more than comparing.
@inline(__always)
func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
    var index = 0
    var difference: UInt64 = 0
    while count - index >= 8 {
        difference |= a.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        index += 8
    }
    while index < count {
        difference |= UInt64(a.load(fromByteOffset: index, as: UInt8.self) ^ b.load(fromByteOffset: index, as: UInt8.self))
        index += 1
    }
    return difference == 0
}
