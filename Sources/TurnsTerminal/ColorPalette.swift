import CNcurses
import TurnsUI

/// Maps styles to ncurses attributes and colour pairs, allocating pairs as they are first needed and choosing the
/// nearest colour the terminal has (256, 16 or 8 colours, or none).
struct ColorPalette {
    private let colorCount: Int
    private let pairCount: Int
    private var pairs: [PairKey: Int16] = [:]
    private var nextPair: Int16 = 1

    private struct PairKey: Hashable {
        var foreground: Int16
        var background: Int16
    }

    /// A palette for a terminal without colours.
    init() {
        colorCount = 0
        pairCount = 0
    }

    /// A palette for a terminal with `colorCount` colours and `pairCount` pairs.
    init(colorCount: Int, pairCount: Int) {
        self.colorCount = colorCount
        self.pairCount = min(pairCount, Int(Int16.max))
    }

    /// The ncurses attributes and pair number that draw `style`.
    mutating func attributes(for style: Style) -> (attr_t, Int16) {
        var attributes: attr_t = 0
        if style.attributes.contains(.bold) { attributes |= turns_a_bold() }
        if style.attributes.contains(.underline) { attributes |= turns_a_underline() }
        if style.attributes.contains(.reverse) { attributes |= turns_a_reverse() }
        if style.attributes.contains(.dim) { attributes |= turns_a_dim() }
        if style.attributes.contains(.italic) { attributes |= turns_a_italic() }
        guard colorCount > 0 else { return (attributes, 0) }
        let key = PairKey(foreground: index(style.foreground), background: index(style.background))
        if key.foreground == -1 && key.background == -1 { return (attributes, 0) }
        if let pair = pairs[key] { return (attributes, pair) }
        guard Int(nextPair) < pairCount else { return (attributes, 0) }
        let pair = nextPair
        nextPair += 1
        init_pair(pair, key.foreground, key.background)
        pairs[key] = pair
        return (attributes, pair)
    }

    /// The terminal colour number for a colour (-1 is the terminal's default).
    private func index(_ color: Color) -> Int16 {
        switch color {
        case .default: return -1
        case .named(let named):
            if colorCount >= 16 { return Int16(named.rawValue) }
            return Int16(named.basic.rawValue)
        case .palette(let value):
            if colorCount >= 256 { return Int16(value) }
            if colorCount >= 16 && value < 16 { return Int16(value) }
            return Int16(color.nearestBasic?.rawValue ?? 7)
        }
    }
}
