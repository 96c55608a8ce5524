import Foundation
import TurnsLocal

/// Chooses each request's `FaultPlan` from the seed and the request's sequence number alone, so a run of a
/// fault proxy can be replayed: the same seed gives the same plan to the n-th request, whatever came before.
public struct FaultPlanner: Sendable {
    /// The seed, rate and stall length.
    public let settings: FaultSettings

    /// Creates a planner.
    public init(settings: FaultSettings) {
        self.settings = settings
    }

    /// The plan of request number `sequence` on `api`, streamed or not.
    public func plan(sequence: UInt64, api: FaultAPI, stream: Bool) -> FaultPlan {
        var random = SeededRandom(seed: Self.requestSeed(seed: settings.seed, sequence: sequence))
        // Every draw is made whatever the outcome, so one choice never shifts the others.
        let faulted = random.nextUnit() < settings.rate
        let pick = random.next()
        let position = 1 + Int(random.next() % 6)
        let shapingSeed = random.next()
        let kind: FaultKind
        if let forced = settings.forced {
            kind = forced.applies(to: api, stream: stream) ? forced : .none
        } else if faulted {
            let choices = FaultKind.allCases.filter { $0 != .none && $0.applies(to: api, stream: stream) }
            kind = choices[Int(pick % UInt64(choices.count))]
        } else {
            kind = .none
        }
        return FaultPlan(sequence: sequence, kind: kind, textEventsBefore: position, stallSeconds: settings.stallSeconds,
                         shapingSeed: shapingSeed)
    }

    /// One request's seed: the run's seed and the sequence number mixed so that neighbours differ in every bit.
    static func requestSeed(seed: UInt64, sequence: UInt64) -> UInt64 {
        var z = seed ^ (sequence &* 0xD1B5_4A32_D192_ED03)
        z = (z ^ (z >> 32)) &* 0x9E37_79B9_7F4A_7C15
        return z ^ (z >> 29)
    }
}

/// A proxy's fault injection: the planner, the running sequence number and the log. Shared by every
/// connection, so the counter is behind a lock.
final class FaultInjector: @unchecked Sendable {
    private let planner: FaultPlanner
    private let lock = NSLock()
    private var lastSequence: UInt64 = 0

    init(settings: FaultSettings) {
        planner = FaultPlanner(settings: settings)
    }

    /// The status every completion request is refused with, if one is forced.
    var forcedStatus: Int? { planner.settings.forcedStatus }

    /// The next request's plan, logged before it is used.
    func plan(api: FaultAPI, stream: Bool, requestID: String) -> FaultPlan {
        let sequence = lock.withLock { () -> UInt64 in
            lastSequence += 1
            return lastSequence
        }
        let plan = planner.plan(sequence: sequence, api: api, stream: stream)
        planner.settings.log?(plan.logLine(api: api, stream: stream, requestID: requestID))
        return plan
    }
}
