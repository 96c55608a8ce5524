import Foundation
import NIOCore
import NIOHTTP1

/// Carries out a `FaultShaper`'s actions on a connection, on its event loop: each write flushed on an
/// event-loop turn of its own (so split writes leave in separate system calls), stalls as scheduled tasks,
/// resets as a TCP RST. It waits for the socket to drain before each write, as the normal responder does.
final class FaultWriter {
    /// How a run of actions ended.
    enum Outcome {
        /// Every action was carried out: the responder may send more.
        case drained
        /// An `endStream`: the responder ends the response now.
        case ended
        /// The connection was reset: nothing more.
        case reset
    }

    private var actions: [FaultAction] = []
    private var index = 0
    private var onDone: ((Outcome) -> Void)?
    private var waitingForWritability = false
    private var scheduled: Scheduled<Void>?
    private var cancelled = false

    /// Carries out `actions` in order, then calls `then` (not called when cancelled first).
    func run(_ actions: [FaultAction], context: ChannelHandlerContext, then: @escaping (Outcome) -> Void) {
        self.actions = actions
        index = 0
        onDone = then
        step(context: context)
    }

    /// The socket drained: go on if waiting for it.
    func channelWritable(context: ChannelHandlerContext) {
        guard waitingForWritability, !cancelled else { return }
        waitingForWritability = false
        step(context: context)
    }

    /// The connection is gone: drop every pending action.
    func cancel() {
        cancelled = true
        scheduled?.cancel()
        scheduled = nil
        onDone = nil
    }

    private func step(context: ChannelHandlerContext) {
        guard !cancelled else { return }
        guard context.channel.isWritable else {
            waitingForWritability = true
            return
        }
        guard index < actions.count else { return finish(.drained) }
        let action = actions[index]
        index += 1
        switch action {
        case .write(let bytes):
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
            context.eventLoop.assumeIsolated().execute { [self] in step(context: context) }
        case .stall(let seconds):
            scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [self] in
                scheduled = nil
                step(context: context)
            }
        case .reset:
            Self.reset(context: context)
            finish(.reset)
        case .endStream:
            finish(.ended)
        }
    }

    private func finish(_ outcome: Outcome) {
        let done = onDone
        onDone = nil
        actions = []
        done?(outcome)
    }

    /// Closes the connection with a TCP RST: SO_LINGER with a zero timeout makes `close` abort it.
    static func reset(context: ChannelHandlerContext) {
        if let provider = context.channel as? SocketOptionProvider {
            _ = provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
        }
        context.close(promise: nil)
    }
}
