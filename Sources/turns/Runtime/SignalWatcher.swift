import Dispatch
import Foundation

/// Calls a handler when the process receives one of the given signals (instead of dying of them).
final class SignalWatcher: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    /// Starts watching `signals`; the handler runs on a background queue each time one arrives.
    init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "turns.signals")
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops watching and restores the default behaviour of the signals.
    func cancel() {
        for source in sources {
            source.cancel()
            signal(Int32(source.handle), SIG_DFL)
        }
        sources.removeAll()
    }
}
