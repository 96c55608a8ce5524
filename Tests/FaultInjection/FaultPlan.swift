/// The fault one request gets, fixed before its answer starts: what goes wrong, where, and the seed of the
/// details (where writes are cut, which noise is sent). Two plans with equal fields spoil an answer alike.
public struct FaultPlan: Sendable, Hashable {
    /// The request's number on its proxy (the first request is 1).
    public var sequence: UInt64
    /// What goes wrong.
    public var kind: FaultKind
    /// For a mid-stream kind: how many text events go out before it fires (at least 1).
    public var textEventsBefore: Int
    /// How long a stall lasts, in seconds.
    public var stallSeconds: Double
    /// Seeds the shaper's choices (cut points, noise), so a replay sends the same bytes in the same writes.
    public var shapingSeed: UInt64

    /// Creates a plan.
    public init(sequence: UInt64, kind: FaultKind, textEventsBefore: Int = 1, stallSeconds: Double = 3,
                shapingSeed: UInt64 = 0) {
        self.sequence = sequence
        self.kind = kind
        self.textEventsBefore = max(1, textEventsBefore)
        self.stallSeconds = stallSeconds
        self.shapingSeed = shapingSeed
    }

    /// No fault at all.
    public static let none = FaultPlan(sequence: 0, kind: .none)

    /// The `retry-after` value a refusal carries, or nil.
    public var retryAfter: String? {
        kind == .rateLimitedRetryAfter || kind == .overloadedRetryAfter ? "1" : nil
    }

    /// Whether the answer's bytes go through a `FaultShaper` (every kind that is not a refusal, an early reset
    /// or `none`).
    var shapesAnswer: Bool {
        !kind.isRefusal && kind != .none && kind != .resetBeforeHead
    }

    /// The log line for this plan: `fault seq=N api=… stream=… kind=… at=…|- request=…`. Names no secret: the
    /// request id is the proxy's own.
    public func logLine(api: FaultAPI, stream: Bool, requestID: String) -> String {
        let at = kind.isMidStream ? String(textEventsBefore) : "-"
        return "fault seq=\(sequence) api=\(api.rawValue) stream=\(stream) kind=\(kind.rawValue) at=\(at) request=\(requestID)"
    }
}
