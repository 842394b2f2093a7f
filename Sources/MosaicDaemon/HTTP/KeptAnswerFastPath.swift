import NIOCore

/// Before the HTTP codec: answers a plain GET (`PlainRequest`) whose whole answer the daemon keeps
/// straight from the request's bytes, and hands everything else to the codec untouched.
///
/// Under 200 polling clients the codec's work was most of the daemon's CPU per kept answer:
/// llhttp, the request and response head types, the pipelining handler, the response encoder
/// and their allocations, about half of what an answer cost with the render thrashing the caches.
/// A poller's request is one read of a few hundred bytes in one fixed shape, and its answer
/// is already in memory with its head (`KeptResponse.wire`), so this handler writes that buffer
/// and starts the connection's idle timeout.
///
/// Answers stay in order and the codec stays in step:
/// - A plain GET is answered here only when no answer is owed on the connection: requests
///   handed to the codec are counted, and `answerEnded` (called by `RequestEndHandler` when an
///   answer's end is written) counts them off. (`HTTPServerPipelineHandler` also stops reading
///   while an answer is owed, but a request read in the same pass over the socket gets here.)
/// - A read that is not exactly one whole plain request (a partial request, a pipelined pair,
///   chunked framing, anything unusual) may leave the codec in the middle of a message, so from
///   then on the connection goes through the codec only. A whole request with a body (a submit)
///   does not: the codec reads it to its end.
final class KeptAnswerFastPath: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let peer: PeerCredentials
    private let lookup: HTTPServer.KeptAnswer
    private let deadline: ConnectionDeadline
    /// Requests handed to the codec whose answers have not ended yet.
    private var answersOwed = 0
    /// Whether the codec may hold part of a message: then it gets every byte from now on.
    private var codecOnly = false
    /// Whether the last thing done with a request was an answer written here, which may still
    /// wait for the socket when the input ends.
    private var lastAnswerWasHere = false
    /// Whether anything was handed on since the last read completed.
    private var handedOnInThisRead = false

    init(peer: PeerCredentials, lookup: @escaping HTTPServer.KeptAnswer, deadline: ConnectionDeadline) {
        self.peer = peer; self.lookup = lookup; self.deadline = deadline
    }

    /// An answer given by the codec's side has been written to its end.
    func answerEnded() {
        if answersOwed > 0 { answersOwed -= 1 }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !codecOnly else { return handOn(data, context: context) }
        let buffer = unwrapInboundIn(data)
        guard let shape = buffer.withUnsafeReadableBytes({ PlainRequest.shape($0) }) else {
            codecOnly = true
            lastAnswerWasHere = false
            return handOn(data, context: context)
        }
        if answersOwed == 0, case .get(let target) = shape, let answer = lookup(target, peer) {
            deadline.enter(.idle)
            context.writeAndFlush(wrapOutboundOut(answer.wire), promise: nil)
            lastAnswerWasHere = true
            return
        }
        // The codec reads this request whole and answers it; the next plain GET after that
        // answer's end may be answered here again.
        answersOwed += 1
        lastAnswerWasHere = false
        handOn(data, context: context)
    }

    private func handOn(_ data: NIOAny, context: ChannelHandlerContext) {
        handedOnInThisRead = true
        context.fireChannelRead(data)
    }

    /// The end of a read goes on only if something read was handed on: after a read answered
    /// here, the handlers after this one have nothing new (and `NIOAsyncChannelHandler` would
    /// only look for reads to deliver, a tenth of what a kept answer cost the event loop).
    func channelReadComplete(context: ChannelHandlerContext) {
        guard handedOnInThisRead else { return }
        handedOnInThisRead = false
        context.fireChannelReadComplete()
    }

    /// A client that sends its request and shuts down its sending side still gets the answer:
    /// the handlers after this one close the connection at the end of input when they owe no
    /// answer, so after an answer written here they hear of it once the writes so far are out
    /// (an empty write completes after them, writes completing in order).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event, lastAnswerWasHere else {
            return context.fireUserInboundEventTriggered(event)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { _ in context.fireUserInboundEventTriggered(event) }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: written)
    }
}
