import CNcurses
/// The ncurses edge (placeholder until it is written).
public enum TurnsTerminalPlaceholder {}
