extension String {
    /// The part of the string between two UTF-8 offsets (as `WrappedRow` records them); O(1) for native strings.
    @inlinable
    public func utf8Slice(_ start: Int, _ end: Int) -> Substring {
        let utf8 = self.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: start)
        return self[from..<utf8.index(from, offsetBy: end - start)]
    }
}
