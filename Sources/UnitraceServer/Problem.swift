import Foundation
import HTTPTypes
import Hummingbird
import Logging
import UnitraceCore
import UnitraceInventory

/// RFC 9457 problem details: the only error body the API writes.
public struct Problem: Error, Encodable, Sendable {
    /// `/problems/<code>`, one per rule or input error; stable.
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var lines: [ProblemJSON]?
    /// Sent as the `Allow` header of a 405.
    var allow: String?

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, lines
    }

    public init(status: Int, code: String, title: String, detail: String? = nil, lines: [ProblemJSON]? = nil) {
        self.type = "/problems/\(code)"
        self.title = title
        self.status = status
        self.detail = detail
        self.lines = lines
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    func response() -> Response {
        let body = (try? Self.encoder.encode(self)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let allow { headers[.allow] = allow }
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The problem for any error a handler throws. Never echoes SQL, a stack or personal data.
    static func from(_ error: any Error) -> Problem? {
        switch error {
        case let problem as Problem:
            return problem
        case let error as InputError:
            let status: Int
            switch error.code {
            case .unknownUnit, .unknownProduct, .unknownLocation, .unknownEvent, .unknownKey, .unknownWebhook,
                .unknownLot, .unknownHold, .unknownCount, .unknownNotice,
                .unknownTransfer, .unknownContainer, .unknownRun, .unknownRecall:
                status = 404
            case .duplicateProduct, .duplicateLocation: status = 409
            // The server, not the request, lacks the secret key.
            case .secretKeyMissing: status = 503
            default: status = 422
            }
            return Problem(status: status, code: error.code.rawValue, title: error.message)
        case let error as BatchRejected:
            let lines = error.problems.map(ProblemJSON.init)
            let code = Set(lines.map(\.code)).count == 1 ? lines[0].code : "batch-rejected"
            return Problem(
                status: 409, code: code, title: "batch rejected, nothing recorded",
                detail: error.problems.map(\.description).joined(separator: "; "), lines: lines)
        case let error as StoreError:
            switch error.code {
            case .conflict:
                return Problem(status: 409, code: "conflict", title: "another writer changed the same units; retry")
            case .hashMismatch: return Problem(status: 409, code: error.code.rawValue, title: error.message)
            default:
                return Problem(status: 503, code: "store-unavailable", title: "the store is unavailable; retry later")
            }
        case let error as HTTPError:
            switch error.status.code {
            case 413: return Problem(status: 413, code: "too-large", title: "the request body is too large")
            case 400:
                return Problem(
                    status: 400, code: "malformed-request", title: "the request body is not valid JSON for this route",
                    detail: error.body)
            default:
                return Problem(
                    status: Int(error.status.code), code: "http-\(error.status.code)",
                    title: error.body ?? error.status.reasonPhrase)
            }
        case _ where String(describing: Swift.type(of: error)).contains("TooManyBytes"):
            return Problem(status: 413, code: "too-large", title: "the request body is too large")
        case is DecodingError:
            return Problem(
                status: 400, code: "malformed-request", title: "the request body is not valid JSON for this route",
                detail: Inventory.describe(error))
        default:
            return nil
        }
    }
}

/// Turns every thrown error into a problem response; an unexpected one is logged and answered 500 without details.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let methods = Endpoint.methods(at: request.uri.path)
            guard !methods.isEmpty else {
                return Problem(status: 404, code: "not-found", title: "no route \(Limits.quote(request.uri.path))")
                    .response()
            }
            var problem = Problem(
                status: 405, code: "method-not-allowed",
                title: "\(request.method.rawValue) is not allowed here; use \(methods.joined(separator: ", "))")
            problem.allow = methods.joined(separator: ", ")
            return problem.response()
        } catch {
            if let problem = Problem.from(error) { return problem.response() }
            context.logger.error("unexpected failure", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return Problem(status: 500, code: "unexpected", title: "unexpected failure; it has been logged").response()
        }
    }
}
