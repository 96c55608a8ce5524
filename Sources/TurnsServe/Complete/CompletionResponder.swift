import NIOCore
import NIOHTTP1
import TurnsLocal

/// Answers one checked request from the local model, on the connection's event loop, in the wire form of
/// its `Encoder` (`/v1/complete` SSE and JSON, or Bedrock event-stream frames and JSON).
///
/// - Streamed, paced: NIO scheduled tasks release tokens on a fixed timetable (`tokensPerSecond`), with no
///   sleeping thread; if the reader falls behind, the timetable waits for the socket rather than buffering.
/// - Streamed, unpaced: events are encoded in batches of about 32 KB, each written and flushed; the next batch
///   is produced only while the channel is writable, so a slow reader holds the server to its pace.
/// - Not streamed: the text is generated in batches (yielding the event loop between them) and sent as one
///   JSON body. Pacing does not apply: the answer is sent once complete.
///
/// A closed connection cancels the work (`cancel()`), which stops the generation at once.
final class CompletionResponder<Encoder: AnswerEncoding>: ActiveAnswer {
    private var generation: LocalGeneration
    private var encoder: Encoder
    private let stream: Bool
    /// Time between tokens; nil when unpaced.
    private let interval: TimeAmount?
    private let keepAlive: Bool
    /// Called once the response is completely written (or abandoned), so the connection can take the next request.
    private let onFinished: (ChannelHandlerContext) -> Void

    private var released: [UInt8] = []
    /// The text of a non-streamed answer so far.
    private var bodyText: [UInt8]? = nil
    private var timetableStart = NIODeadline.now()
    private var tokensSent = 0
    private var scheduled: Scheduled<Void>? = nil
    private var waitingForWritability = false
    private var isOver = false

    init(generation: LocalGeneration, encoder: Encoder, stream: Bool, tokensPerSecond: Double,
         keepAlive: Bool, onFinished: @escaping (ChannelHandlerContext) -> Void) {
        self.generation = generation
        self.encoder = encoder
        self.stream = stream
        self.interval = tokensPerSecond > 0 ? .nanoseconds(max(1, Int64((1e9 / tokensPerSecond).rounded()))) : nil
        self.keepAlive = keepAlive
        self.onFinished = onFinished
        released.reserveCapacity(256)
    }

    /// Starts answering: a stream's head and `ping` go out at once; a body is written when the text is complete.
    func start(context: ChannelHandlerContext) {
        guard stream else {
            bodyText = []
            generateBody(context: context)
            return
        }
        var headers = HTTPHeaders(encoder.streamHeaders())
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                      promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: 64)
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

    // MARK: - Streaming

    private func continueStream(context: ChannelHandlerContext) {
        if interval != nil { tick(context: context) } else { pump(context: context) }
    }

    /// Unpaced: one batch, then the next on a later event-loop turn while the reader keeps up.
    private func pump(context: ChannelHandlerContext) {
        guard !isOver else { return }
        var buffer = context.channel.allocator.buffer(capacity: ResponderLimits.batchBytes + 1024)
        var finished = false
        while !finished && buffer.readableBytes < ResponderLimits.batchBytes {
            finished = emitToken(into: &buffer)
        }
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        if finished { return end(context: context) }
        context.flush()
        scheduleNext(context: context) { $0.pump(context: context) }
    }

    /// Paced: release the tokens that are due by now, then wait for the next one's time.
    private func tick(context: ChannelHandlerContext) {
        guard !isOver, let interval else { return }
        let elapsed = NIODeadline.now() - timetableStart
        let due = Int(elapsed.nanoseconds / interval.nanoseconds) + 1
        var buffer = context.channel.allocator.buffer(capacity: 256)
        var finished = false
        var count = 0
        while !finished && tokensSent < due && count < ResponderLimits.batchTokens {
            finished = emitToken(into: &buffer)
            count += 1
        }
        if buffer.readableBytes > 0 {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        }
        if finished { return end(context: context) }
        context.flush()
        guard context.channel.isWritable else {
            waitingForWritability = true
            return
        }
        let next = timetableStart + .nanoseconds(interval.nanoseconds * Int64(tokensSent))
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(deadline: next) { [self] in
            self.scheduled = nil
            self.tick(context: context)
        }
    }

    /// Runs `work` on a later event-loop turn if the channel can take more, or waits for writability.
    private func scheduleNext(context: ChannelHandlerContext, _ work: @escaping (CompletionResponder<Encoder>) -> Void) {
        guard context.channel.isWritable else {
            waitingForWritability = true
            return
        }
        context.eventLoop.assumeIsolated().execute { [self] in work(self) }
    }

    /// Generates one token and encodes what it releases; on the last token, also the final event.
    /// Returns true when the generation is over.
    private func emitToken(into buffer: inout ByteBuffer) -> Bool {
        released.removeAll(keepingCapacity: true)
        let stop = generation.step(into: &released)
        tokensSent += 1
        if !released.isEmpty { encoder.writeTextEvent(released, into: &buffer) }
        guard let stop else { return false }
        encoder.writeFinalEvent(stop, outputTokens: generation.tokenCount, into: &buffer)
        return true
    }

    // MARK: - One JSON body

    private func generateBody(context: ChannelHandlerContext) {
        guard !isOver, var text = bodyText else { return }
        bodyText = nil
        var stop: LocalStop? = nil
        var count = 0
        while stop == nil && count < ResponderLimits.batchTokens {
            stop = generation.step(into: &text)
            count += 1
        }
        guard let stop else {
            bodyText = text
            context.eventLoop.assumeIsolated().execute { [self] in self.generateBody(context: context) }
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: text.count + 256)
        buffer.writeBytes(encoder.body(text: String(decoding: text, as: UTF8.self), stop: stop,
                                       outputTokens: generation.tokenCount))
        var headers = HTTPHeaders(encoder.bodyHeaders(outputTokens: generation.tokenCount))
        headers.add(name: "content-length", value: String(buffer.readableBytes))
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                      promise: nil)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        end(context: context)
    }

    // MARK: - The end

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

/// The batch sizes every `CompletionResponder` works in.
enum ResponderLimits {
    /// Bytes of events encoded before a write and flush when unpaced.
    static let batchBytes = 32 * 1024
    /// Tokens generated per event-loop turn for a non-streamed answer, and at most per paced tick.
    static let batchTokens = 4096
}
