/// The pure UI layer (placeholder until it is written).
public enum TurnsUIPlaceholder {}
