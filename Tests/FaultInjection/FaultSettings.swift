/// How a `FaultProxy` spoils the answers it forwards.
public struct FaultSettings: Sendable {
    /// The seed every request's plan derives from, with the request's sequence number.
    public var seed: UInt64
    /// The share of requests that get a fault, 0 to 1 (the rest are answered normally).
    public var rate: Double
    /// How long a stall lasts, in seconds: longer than the client's idle timeout, to make it fire.
    public var stallSeconds: Double
    /// When set, every request gets this kind where it applies (and none where it does not): for tests.
    public var forced: FaultKind?
    /// When set, every completion request is refused with this HTTP status and no error code (`FaultRefusal`), so a
    /// client's class for the status alone shows (`scripts/sdk-compat` compares it with the SDK's).
    public var forcedStatus: Int?
    /// Receives one line per request (`FaultPlan.logLine`), written before the answer starts; nil: no log.
    public var log: (@Sendable (String) -> Void)?

    /// Creates settings; see each property.
    public init(seed: UInt64, rate: Double = 0.5, stallSeconds: Double = 3, forced: FaultKind? = nil,
                forcedStatus: Int? = nil, log: (@Sendable (String) -> Void)? = nil) {
        self.forcedStatus = forcedStatus
        self.seed = seed
        self.rate = min(max(rate, 0), 1)
        self.stallSeconds = stallSeconds
        self.forced = forced
        self.log = log
    }
}
