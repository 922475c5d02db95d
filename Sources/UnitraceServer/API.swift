import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import UnitraceCore
import UnitraceInventory

/// What every controller shares: the use cases, the server's settings and its metrics.
struct API: Sendable {
    let inventory: Inventory
    let configuration: ServerConfiguration
    let metrics: ServerMetrics

    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) throws
        -> Response
    {
        var headers = extra
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func json(data: Data, status: HTTPResponse.Status, replayed: Bool, headers extra: HTTPFields = [:])
        -> Response
    {
        var headers = extra
        headers[.contentType] = "application/json"
        if replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The routes of one resource, as Hummingbird's examples group them: each handler decodes, calls one use
/// case, and encodes; no SQL, no rules.
protocol Controller: Sendable {
    var api: API { get }
    func addRoutes(to routes: Routes)
}

/// Adds routes to the router, each behind its ``Endpoint``'s roles.
struct Routes {
    let router: Router<AppRequestContext>

    func on(_ endpoint: Endpoint, _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response)
    {
        router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context in
            try FormQuery.validate(request.uri.query)
            if endpoint.roles != nil {
                guard let key = context.apiKey else {
                    throw Problem(
                        status: 401, code: "unauthorized", title: "send an API key: Authorization: Bearer ut_…")
                }
                guard endpoint.allows(key.role) else {
                    throw Problem(
                        status: 403, code: "forbidden", title: "the \(key.role.rawValue) role may not call this route")
                }
            }
            return try await handler(request, context)
        }
    }
}

extension Controller {
    var inventory: Inventory { api.inventory }
    var configuration: ServerConfiguration { api.configuration }
    var metrics: ServerMetrics { api.metrics }

    // MARK: Bodies and parameters

    /// Reads and decodes a body, refusing other media types (415), empty bodies, non-objects, keys given twice
    /// and unknown fields. Returns the body and its canonical form (sorted keys, no white space), which is
    /// what an idempotent retry is compared by.
    func decode<Body: StrictBody>(_ type: Body.Type, _ request: Request, _ context: AppRequestContext) async throws -> (
        Body, Data
    ) {
        if let mediaType = request.headers[.contentType] {
            let essence = mediaType.split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard let essence,
                essence == "application/json" || (essence.hasPrefix("application/") && essence.hasSuffix("+json"))
            else {
                throw Problem(
                    status: 415, code: "unsupported-media-type",
                    title: "send the body as application/json, not \(Limits.quote(mediaType))")
            }
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else {
            throw Problem(
                status: 400, code: "malformed-request", title: "the request body is empty; send a JSON object")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem(status: 400, code: "malformed-request", title: "the request body is not a JSON object")
        }
        if let duplicate = StrictJSON.duplicateKey(in: Array(data)) {
            throw Problem(
                status: 400, code: "duplicate-key",
                title: "the key '\(Limits.quote(duplicate))' appears twice in one object; give each key once")
        }
        if let unknown = object.keys.sorted().first(where: { !Body.fields.contains($0) }) {
            throw Problem(status: 422, code: "unknown-field", title: "unknown field '\(Limits.quote(unknown))'")
        }
        for (member, allowed) in Body.nested {
            for case let (index, item as [String: Any]) in (object[member] as? [Any] ?? []).enumerated() {
                if let unknown = item.keys.sorted().first(where: { !allowed.contains($0) }) {
                    throw Problem(
                        status: 422, code: "unknown-field",
                        title: "unknown field '\(Limits.quote(unknown))' in \(member)[\(index)]")
                }
            }
        }
        return (try API.decoder.decode(Body.self, from: data), StrictJSON.canonical(object) ?? data)
    }

    func query(_ request: Request, _ name: String) -> String? {
        FormQuery(request.uri.query).get(name)
    }

    func limit(_ request: Request) throws -> Int {
        guard let text = query(request, "limit") else { return 100 }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw Problem(status: 422, code: "invalid-field", title: "limit must be a whole number from 1 to 1000")
        }
        return value
    }

    /// The event context of a request: the body's who, when, why and documents, and the request itself.
    func context(_ context: AppRequestContext, _ body: some RecordingBody, request: RequestRef?) throws -> EventContext
    {
        let who = body.actor ?? "api:\(context.apiKey?.name ?? "anonymous")"
        return EventContext(
            actor: who, occurredAt: try body.occurredAt.map { text throws(InputError) in try Timestamp(iso8601: text) },
            documents: try (body.documents ?? []).map { text throws(InputError) in try DocumentRef(parsing: text) },
            reason: body.reason, request: request)
    }

    func checkBatch(_ count: Int) throws {
        guard count <= configuration.maxBatchUnits else {
            throw Problem(
                status: 413, code: "batch-too-large",
                title: "the batch names \(count) units; at most \(configuration.maxBatchUnits) are taken in one request"
            )
        }
    }

    // MARK: Idempotency

    /// The request's `Idempotency-Key`, scoped by the API key, with a fingerprint of what was asked.
    func requestRef(_ request: Request, _ context: AppRequestContext, body: Data) throws -> RequestRef? {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...200).contains(key.count) else {
            throw Problem(
                status: 422, code: "invalid-idempotency-key", title: "Idempotency-Key must be 1 to 200 characters")
        }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: body)
        let fingerprint = Hex.lowercase(hasher.finalize())
        return RequestRef(id: "\(context.apiKey?.id ?? "-"):\(key)", fingerprint: fingerprint)
    }

    /// Runs a use case that records events: a retried request gets the first answer back, nothing twice.
    func recording(
        _ request: Request, _ context: AppRequestContext, body: Data, kind: EventKind,
        _ perform: (RequestRef?) async throws -> Outcome
    ) async throws -> Response {
        try await recordingOnce(request, context, body: body) { ref in
            let outcome = try await perform(ref)
            metrics.eventsCaptured.increment(by: Int64(outcome.receipt.events))
            metrics.unitsCaptured.increment(by: Int64(outcome.receipt.units))
            return try API.json(OutcomeJSON(kind, outcome))
        }
    }

    /// The same for a use case that records an event of quantities.
    func recordingStock(
        _ request: Request, _ context: AppRequestContext, body: Data,
        _ perform: (RequestRef?) async throws -> StockOutcome
    ) async throws -> Response {
        try await recordingOnce(request, context, body: body) { ref in
            let outcome = try await perform(ref)
            metrics.eventsCaptured.increment(by: Int64(outcome.receipt.events))
            return try API.json(StockOutcomeJSON(outcome))
        }
    }

    private func recordingOnce(
        _ request: Request, _ context: AppRequestContext, body: Data,
        _ perform: (RequestRef?) async throws -> Response
    ) async throws -> Response {
        let ref = try requestRef(request, context, body: body)
        if let ref, let replay = try await replay(ref) { return replay }
        do {
            return try await perform(ref)
        } catch {
            // A retry that raced its own first attempt finds the first attempt's event.
            if let ref, let replay = try await replay(ref) { return replay }
            throw error
        }
    }

    /// The answer the request `ref` got when it recorded its event, rebuilt from the event.
    func replay(_ ref: RequestRef) async throws -> Response? {
        guard let recorded = try await inventory.event(requestID: ref.id) else { return nil }
        guard recorded.event.request?.fingerprint == ref.fingerprint else {
            throw Problem(
                status: 422, code: "idempotency-key-reused",
                title: "this Idempotency-Key was used for a different request")
        }
        let event = recorded.event
        let receipt = BatchReceipt(
            firstSequence: recorded.sequence, lastSequence: recorded.sequence, events: 1,
            units: event.units.count, lastHash: recorded.hash.hex)
        let data: Data
        if event.units.isEmpty, let quantities = event.quantities, !quantities.isEmpty {
            data = try API.encoder.encode(
                StockOutcomeJSON(
                    StockOutcome(
                        receipt: receipt, kind: event.kind, lines: quantities, lots: event.lots ?? [],
                        source: event.source, location: event.location, destination: event.destination)))
        } else {
            data = try API.encoder.encode(
                OutcomeJSON(event.kind, Outcome(receipt: receipt, units: event.units.map(\.unit))))
        }
        return API.json(data: data, status: .ok, replayed: true)
    }

    /// Runs a write that records no event (catalogue, keys, webhooks), keeping its answer for retries.
    func remembering(
        _ request: Request, _ context: AppRequestContext, body: Data,
        _ perform: () async throws -> (Data, HTTPResponse.Status)
    ) async throws -> Response {
        try await remembering(request, context, body: body) {
            let (data, status) = try await perform()
            return (data, data, status)
        }
    }

    /// The same for a write whose answer carries a secret: the first answer has it, the kept answer (`replay`)
    /// does not, so the secret is never stored in clear and a retry never hands it out again.
    func remembering(
        _ request: Request, _ context: AppRequestContext, body: Data,
        _ perform: () async throws -> (answer: Data, replay: Data, status: HTTPResponse.Status)
    ) async throws -> Response {
        let ref = try requestRef(request, context, body: body)
        if let ref, let stored = try await inventory.storedResponse(requestID: ref.id) {
            guard stored.fingerprint == ref.fingerprint else {
                throw Problem(
                    status: 422, code: "idempotency-key-reused",
                    title: "this Idempotency-Key was used for a different request")
            }
            return API.json(data: stored.body, status: HTTPResponse.Status(code: stored.status), replayed: true)
        }
        let (data, replay, status) = try await perform()
        if let ref {
            try await inventory.keep(
                StoredResponse(requestID: ref.id, fingerprint: ref.fingerprint, status: Int(status.code), body: replay))
        }
        return API.json(data: data, status: status, replayed: false)
    }
}
