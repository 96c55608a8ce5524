import NIOCore
import NIOHTTP1
import TurnsLocal

/// Answers one checked request from the local model on the connection's event loop, in the wire form of its
/// `AnswerEncoder`.
///
/// - Streamed: each turn of the event loop encodes a batch of events (up to about 32 KB) and writes and flushes it.
///   Paced (`tokensPerSecond`), a batch holds the tokens due by now and the next turn is scheduled for the next
///   token's time, with no sleeping thread; unpaced, the next turn comes at once. Either way the next batch waits
///   while the channel is not writable, so a slow reader holds the server to its pace instead of buffering.
/// - Not streamed: the text is generated in batches (yielding the event loop between them) and sent as one JSON body.
///
/// A closed connection cancels the work (`cancel()`), which stops the generation at once.
final class CompletionResponder {
    /// Bytes of events encoded before a write and flush.
    static let batchBytes = 32 * 1024
    /// Tokens generated per event-loop turn, at most.
    static let batchTokens = 4096

    private var generation: LocalGeneration
    private var encoder: AnswerEncoder
    private let stream: Bool
    /// Time between tokens; nil when unpaced.
    private let interval: Int64?
    private let keepAlive: Bool
    /// Called once the response is completely written (or abandoned), so the connection can take the next request.
    private let onFinished: (ChannelHandlerContext) -> Void

    /// The text of the event being encoded, or of the whole body so far.
    private var released: [UInt8] = []
    private var timetableStart = NIODeadline.now()
    private var tokensSent = 0
    private var scheduled: Scheduled<Void>? = nil
    private var waitingForWritability = false
    private var isOver = false

    init(generation: LocalGeneration, encoder: AnswerEncoder, stream: Bool, tokensPerSecond: Double,
         keepAlive: Bool, onFinished: @escaping (ChannelHandlerContext) -> Void) {
        self.generation = generation
        self.encoder = encoder
        self.stream = stream
        self.interval = tokensPerSecond > 0 ? max(1, Int64((1e9 / tokensPerSecond).rounded())) : nil
        self.keepAlive = keepAlive
        self.onFinished = onFinished
    }

    /// Starts answering: a stream's head and opening events go out at once; a body when the text is complete.
    func start(context: ChannelHandlerContext) {
        guard stream else { return generateBody(context: context) }
        writeHead(encoder.streamHeaders(), context: context)
        var buffer = context.channel.allocator.buffer(capacity: 256)
        encoder.writeStreamStart(into: &buffer)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        timetableStart = .now()
        continueStream(context: context)
    }

    /// The channel became writable again: resume a stream that was waiting for the reader.
    func channelWritable(context: ChannelHandlerContext) {
        guard waitingForWritability, !isOver else { return }
        waitingForWritability = false
        continueStream(context: context)
    }

    /// The connection is gone: stop generating and drop any scheduled work.
    func cancel() {
        isOver = true
        scheduled?.cancel()
        scheduled = nil
    }

    /// One batch of the tokens due, then the next batch on a later turn once it is due and the reader keeps up.
    private func continueStream(context: ChannelHandlerContext) {
        guard !isOver else { return }
        let due = interval.map { Int((NIODeadline.now() - timetableStart).nanoseconds / $0) + 1 } ?? Int.max
        var buffer = context.channel.allocator.buffer(capacity: interval == nil ? Self.batchBytes + 1024 : 256)
        var finished = false
        var count = 0
        while !finished && tokensSent < due && count < Self.batchTokens && buffer.readableBytes < Self.batchBytes {
            released.removeAll(keepingCapacity: true)
            let stop = generation.step(into: &released)
            tokensSent += 1
            count += 1
            if !released.isEmpty { encoder.writeTextEvent(released, into: &buffer) }
            if let stop {
                encoder.writeFinalEvent(stop, outputTokens: generation.tokenCount, into: &buffer)
                finished = true
            }
        }
        if buffer.readableBytes > 0 { context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil) }
        if finished { return end(context: context) }
        context.flush()
        guard context.channel.isWritable else {
            waitingForWritability = true
            return
        }
        let loop = context.eventLoop.assumeIsolated()
        guard let interval else { return loop.execute { [self] in self.continueStream(context: context) } }
        scheduled = loop.scheduleTask(deadline: timetableStart + .nanoseconds(interval * Int64(tokensSent))) { [self] in
            self.scheduled = nil
            self.continueStream(context: context)
        }
    }

    /// Generates a batch of the body's text per event-loop turn, then writes the whole answer.
    private func generateBody(context: ChannelHandlerContext) {
        guard !isOver else { return }
        var stop: LocalStop? = nil
        for _ in 0..<Self.batchTokens where stop == nil { stop = generation.step(into: &released) }
        guard let stop else {
            return context.eventLoop.assumeIsolated().execute { [self] in self.generateBody(context: context) }
        }
        var buffer = context.channel.allocator.buffer(capacity: released.count + 256)
        buffer.writeBytes(encoder.body(text: String(decoding: released, as: UTF8.self), stop: stop,
                                       outputTokens: generation.tokenCount))
        writeHead(encoder.bodyHeaders(outputTokens: generation.tokenCount) + [("content-length", String(buffer.readableBytes))],
                  context: context)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        end(context: context)
    }

    private func writeHead(_ headers: [(String, String)], context: ChannelHandlerContext) {
        let headers = HTTPHeaders(headers + [("connection", keepAlive ? "keep-alive" : "close")])
        context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                      promise: nil)
    }

    private func end(context: ChannelHandlerContext) {
        isOver = true
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: written)
        if !keepAlive {
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
        onFinished(context)
    }
}
