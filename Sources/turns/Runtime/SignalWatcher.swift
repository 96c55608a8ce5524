import Foundation

/// Calls a handler when the process receives one of the given signals (instead of dying of them).
// A handler that writes to a pipe, not DispatchSource: on Linux that one reads a signalfd with the signal blocked in
// its own threads only, so a thread started earlier (curl's, the embedded server's) could take the signal and drop it.
final class SignalWatcher: @unchecked Sendable {
    private let signals: [Int32]

    /// Starts watching `signals`; the handler runs on a background thread each time one arrives.
    init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        let relay = Self.relay
        relay.lock.withLock { for number in signals { relay.handlers[number] = handler } }
        for number in signals {
            signal(number) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(SignalWatcher.writeEnd, &byte, 1)
            }
        }
    }

    /// Stops watching and restores the default behaviour of the signals.
    func cancel() {
        for number in signals { signal(number, SIG_DFL) }
        let relay = Self.relay
        relay.lock.withLock { for number in signals { relay.handlers[number] = nil } }
    }

    /// The pipe's end the signal handler writes to (set once, before any handler is installed).
    private nonisolated(unsafe) static var writeEnd: Int32 = -1
    private static let relay = Relay()

    /// The pipe and the thread that reads it, made once and kept for the life of the process.
    private final class Relay: @unchecked Sendable {
        let lock = NSLock()
        var handlers: [Int32: @Sendable (Int32) -> Void] = [:]

        init() {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { fatalError("cannot make a pipe for signals: errno \(errno)") }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            SignalWatcher.writeEnd = ends[1]
            let readEnd = ends[0]
            let thread = Thread { [self] in
                var byte: UInt8 = 0
                while true {
                    let count = read(readEnd, &byte, 1)
                    if count < 0 && errno == EINTR { continue }
                    guard count == 1 else { return }
                    lock.withLock { handlers[Int32(byte)] }?(Int32(byte))
                }
            }
            thread.name = "turns.signals"
            thread.start()
        }
    }
}
