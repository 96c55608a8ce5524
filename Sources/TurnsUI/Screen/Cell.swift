/// One cell of the screen: a grapheme cluster and its style.
///
/// A wide character (CJK, emoji) is stored in its first cell; the cell to its right is a continuation cell with
/// an empty symbol, so that every column of the grid stays addressable.
public struct Cell: Sendable, Hashable {
    /// The grapheme cluster drawn here (zero-width marks travel with it); empty for a continuation cell.
    public var symbol: String
    /// How it looks.
    public var style: Style
    /// True for the right half of a wide character.
    public var isContinuation: Bool

    /// Creates a cell.
    public init(symbol: String, style: Style = .plain, isContinuation: Bool = false) {
        self.symbol = symbol
        self.style = style
        self.isContinuation = isContinuation
    }

    /// A space in the plain style.
    public static let blank = Cell(symbol: " ")

    /// A space in `style`.
    public static func blank(_ style: Style) -> Cell { Cell(symbol: " ", style: style) }
}
