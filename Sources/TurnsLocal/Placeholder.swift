/// The offline local language model (placeholder until it is written).
public enum TurnsLocalPlaceholder {}
