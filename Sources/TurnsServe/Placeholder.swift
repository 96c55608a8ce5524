/// The loopback server (placeholder until it is written).
public enum TurnsServePlaceholder {}
