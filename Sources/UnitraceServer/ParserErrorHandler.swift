import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser refused (headers over the limit, a malformed request line) with a
/// problem+json body like every other error, then closes the connection, instead of an empty 400.
final class ParserErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let problem: Problem
        switch parserError {
        case .headerOverflow:
            problem = Problem(
                status: 431, code: "headers-too-large",
                title: "the request's headers are larger than the server takes (80 KB)")
        default:
            problem = Problem(status: 400, code: "malformed-request", title: "the request is not valid HTTP/1.1")
        }
        let body = (try? Problem.encoder.encode(problem)) ?? Data()
        let head = HTTPResponse(
            status: HTTPResponse.Status(code: problem.status),
            headerFields: [
                .contentType: "application/problem+json", .connection: "close", .contentLength: String(body.count),
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
