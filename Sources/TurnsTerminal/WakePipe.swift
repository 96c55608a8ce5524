import Foundation

/// Lets other threads wake the UI thread from `poll`: they write a byte; the UI thread drains it and looks at
/// what was handed over. Idle, the UI thread sleeps in `poll` and uses no CPU.
public final class WakePipe: @unchecked Sendable {
    private let readEnd: Int32
    /// The end a signal handler may write a byte to (async-signal-safe).
    public let writeDescriptor: Int32

    /// Creates the pipe (both ends non-blocking, closed on exec).
    public init() {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        readEnd = fds[0]
        writeDescriptor = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readEnd)
        close(writeDescriptor)
    }

    /// Wakes the waiting thread (from any thread; never blocks).
    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Waits until input is ready on `fd`, the pipe is woken (its bytes are then drained), or `timeout` seconds pass
    /// (nil: no limit).
    public func wait(forInputOn fd: Int32, timeout: Double?) {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
        let milliseconds: Int32 = timeout.map { Int32(max(0, min($0 * 1000, 3_600_000)).rounded(.up)) } ?? -1
        if poll(&fds, 2, milliseconds) > 0 && fds[1].revents != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(readEnd, &buffer, buffer.count) > 0 {}
        }
    }
}
