import Foundation

extension UnsafeBufferPointer<UInt8> {
    /// True when the bytes are exactly `word`'s. memcmp, because the generic `elementsEqual` showed in every profile
    /// of the decoders, which compare field names, keys and header names this way for every event.
    @inline(__always)
    func equals(_ word: StaticString) -> Bool {
        count == word.utf8CodeUnitCount && (count == 0 || memcmp(baseAddress!, word.utf8Start, count) == 0)
    }
}

