import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import UnitraceCore
import UnitraceInventory

/// The handlers of every route. Each one decodes, calls one use case, and encodes; no SQL, no rules.
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

    static func json(data: Data, status: HTTPResponse.Status, replayed: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

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
        return (try Self.decoder.decode(Body.self, from: data), StrictJSON.canonical(object) ?? data)
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
        let ref = try requestRef(request, context, body: body)
        if let ref, let replay = try await replay(ref, kind: kind) { return replay }
        do {
            let outcome = try await perform(ref)
            metrics.eventsCaptured.increment(by: Int64(outcome.receipt.events))
            metrics.unitsCaptured.increment(by: Int64(outcome.receipt.units))
            return try Self.json(OutcomeJSON(kind, outcome))
        } catch {
            // A retry that raced its own first attempt finds the first attempt's event.
            if let ref, let replay = try await replay(ref, kind: kind) { return replay }
            throw error
        }
    }

    func replay(_ ref: RequestRef, kind: EventKind) async throws -> Response? {
        guard let recorded = try await inventory.store.event(requestID: ref.id) else { return nil }
        guard recorded.event.request?.fingerprint == ref.fingerprint else {
            throw Problem(
                status: 422, code: "idempotency-key-reused",
                title: "this Idempotency-Key was used for a different request")
        }
        let receipt = BatchReceipt(
            firstSequence: recorded.sequence, lastSequence: recorded.sequence, events: 1,
            units: recorded.event.units.count, lastHash: recorded.hash.hex)
        let outcome = Outcome(receipt: receipt, units: recorded.event.units.map(\.unit))
        let data = try Self.encoder.encode(OutcomeJSON(recorded.event.kind, outcome))
        return Self.json(data: data, status: .ok, replayed: true)
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
        if let ref, let stored = try await inventory.store.storedResponse(requestID: ref.id) {
            guard stored.fingerprint == ref.fingerprint else {
                throw Problem(
                    status: 422, code: "idempotency-key-reused",
                    title: "this Idempotency-Key was used for a different request")
            }
            return Self.json(data: stored.body, status: HTTPResponse.Status(code: stored.status), replayed: true)
        }
        let (data, replay, status) = try await perform()
        if let ref {
            try await inventory.store.storeResponse(
                StoredResponse(requestID: ref.id, fingerprint: ref.fingerprint, status: Int(status.code), body: replay))
        }
        return Self.json(data: data, status: status, replayed: false)
    }

    // MARK: Catalogue

    func listProducts(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let after = query(request, "after") ?? ""
        let products = try await inventory.store.products().filter { $0.sku > after }.prefix(limit)
        return try Self.json(Page(items: Array(products), next: products.count == limit ? products.last?.sku : nil))
    }

    func addProduct(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(ProductBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            guard let tracking = TrackingMode(rawValue: body.tracking ?? "serialized") else {
                throw InputError(code: .invalidField, message: "tracking must be serialized, lot or bulk")
            }
            guard let basis = WarrantyBasis(rawValue: body.warrantyFrom ?? "sale") else {
                throw InputError(code: .invalidField, message: "warrantyFrom must be sale or manufacture")
            }
            let product = try await inventory.addProduct(
                Product(
                    sku: body.sku, name: body.name, gtin: body.gtin, companyPrefixLength: body.companyPrefixLength,
                    tracking: tracking, warranty: body.warrantyMonths.map { WarrantyPolicy(months: $0, basis: basis) },
                    serialTemplate: try body.serialTemplate.map { text throws(InputError) in try SerialTemplate(text) },
                    attributes: body.attributes ?? [:]))
            return (try Self.encoder.encode(product), .created)
        }
    }

    func showProduct(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let sku = try context.parameters.require("sku")
        guard let product = try await inventory.store.product(sku: sku) else {
            throw InputError(code: .unknownProduct, message: "unknown product '\(Limits.quote(sku))'")
        }
        return try Self.json(product)
    }

    func listLocations(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let after = query(request, "after") ?? ""
        let locations = try await inventory.store.locations().filter { $0.code > after }.sorted { $0.code < $1.code }
            .prefix(limit)
        return try Self.json(Page(items: Array(locations), next: locations.count == limit ? locations.last?.code : nil))
    }

    func addLocation(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(LocationBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            guard let kind = LocationKind(rawValue: body.kind), !kind.isBuiltIn else {
                throw InputError(
                    code: .invalidField,
                    message: "kind '\(Limits.quote(body.kind))' is not a kind of location one can add")
            }
            let location = try await inventory.addLocation(
                Location(code: body.code, name: body.name, kind: kind, parent: body.parent))
            return (try Self.encoder.encode(location), .created)
        }
    }

    // MARK: Units

    func findUnits(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var query = UnitQuery(
            sku: self.query(request, "product"), location: self.query(request, "location"),
            lot: self.query(request, "lot"))
        query.limit = try limit(request)
        if let status = self.query(request, "status") {
            guard let value = UnitStatus(rawValue: status) else {
                throw InputError(code: .invalidField, message: "unknown status '\(Limits.quote(status))'")
            }
            query.status = value
        }
        for text in FormQuery(request.uri.query).getAll("attr") {
            let (key, value) = try Field.attribute(text)
            query.attributes[key] = value
        }
        if let after = self.query(request, "after") {
            guard let key = UnitKey(parsing: after) else {
                throw InputError(code: .invalidField, message: "after must be SKU/SERIAL, got '\(Limits.quote(after))'")
            }
            query.after = key
        }
        let units = try await inventory.find(query)
        return try Self.json(
            Page(items: units.map(UnitJSON.init), next: units.count == query.limit ? units.last?.key.description : nil))
    }

    func lookupUnit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let scan = query(request, "scan"), !scan.isEmpty else {
            throw Problem(status: 422, code: "invalid-field", title: "give the scan as ?scan=…")
        }
        return try Self.json(PassportJSON(try await inventory.passport(scan, product: query(request, "product"))))
    }

    func showUnit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = UnitKey(sku: try context.parameters.require("sku"), serial: try context.parameters.require("serial"))
        return try Self.json(PassportJSON(try await inventory.passport(key.description)))
    }

    func receive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(ReceiveBody.self, request, context)
        try checkBatch(max(body.units?.count ?? 0, body.count ?? 0))
        if let spec = body.serials {
            try checkBatch(try SerialEntry.expand(spec, nextFree: 1, limit: configuration.maxBatchUnits + 1).count)
        }
        let lines = try ReceiveLine.parseAll(body.units ?? [])
        return try await recording(request, context, body: raw, kind: .receive) { ref in
            let eventContext = try self.context(context, body, request: ref)
            return try await inventory.receive(
                ReceiveRequest(
                    sku: body.product, location: body.location, lines: lines, count: body.count,
                    ownSerials: body.ownSerials ?? false, lot: body.lot, attributes: body.attributes ?? [:],
                    serials: body.serials, fields: body.fields ?? [:]),
                context: eventContext)
        }
    }

    /// move, ship, arrive, sell, return, quarantine, release, scrap.
    func act(_ kind: EventKind, _ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(UnitsBody.self, request, context)
        try checkBatch(body.units.count)
        return try await recording(request, context, body: raw, kind: kind) { ref in
            var eventContext = try self.context(context, body, request: ref)
            func required(_ value: String?, _ name: String) throws -> String {
                guard let value else {
                    throw Problem(status: 422, code: "invalid-field", title: "\(kind.rawValue) needs \(name)")
                }
                return value
            }
            switch kind {
            case .move:
                return try await inventory.move(
                    body.units, product: body.product, to: try required(body.location, "location"),
                    context: eventContext)
            case .ship:
                return try await inventory.ship(
                    body.units, product: body.product, toLocation: body.location, toCustomer: body.customer,
                    context: eventContext)
            case .arrive:
                return try await inventory.arrive(
                    body.units, product: body.product, at: body.location, context: eventContext)
            case .sell:
                if let receipt = body.receipt {
                    eventContext.documents.append(try DocumentRef(parsing: "receipt:\(receipt)"))
                }
                if let order = body.order { eventContext.documents.append(try DocumentRef(parsing: "order:\(order)")) }
                let sale = Sale(
                    customer: body.customer, channel: try required(body.channel, "channel"), price: body.price,
                    currency: body.currency)
                return try await inventory.sell(body.units, product: body.product, sale: sale, context: eventContext)
            case .return:
                guard body.reason?.isEmpty == false else {
                    throw Problem(status: 422, code: "invalid-field", title: "return needs reason")
                }
                return try await inventory.returnUnits(
                    body.units, product: body.product, to: try required(body.location, "location"),
                    context: eventContext)
            case .quarantine:
                guard body.reason?.isEmpty == false else {
                    throw Problem(status: 422, code: "invalid-field", title: "quarantine needs reason")
                }
                return try await inventory.quarantine(body.units, product: body.product, context: eventContext)
            case .release: return try await inventory.release(body.units, product: body.product, context: eventContext)
            case .scrap:
                guard body.reason?.isEmpty == false else {
                    throw Problem(status: 422, code: "invalid-field", title: "scrap needs reason")
                }
                return try await inventory.scrap(body.units, product: body.product, context: eventContext)
            case .receive, .correct, .observe:
                throw Problem(status: 404, code: "not-found", title: "no such route")
            }
        }
    }

    func correct(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(CorrectBody.self, request, context)
        return try await recording(request, context, body: raw, kind: .correct) { ref in
            let eventContext = try self.context(context, body, request: ref)
            return try await inventory.correct(sequence: body.sequence, context: eventContext)
        }
    }

    // MARK: Ledger

    func capture(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(CaptureBody.self, request, context)
        try checkBatch(body.events.reduce(0) { $0 + $1.units.count })
        let requests = try body.events.map { line -> CaptureRequest in
            guard let kind = EventKind(rawValue: line.kind) else {
                throw InputError(code: .invalidField, message: "unknown event kind '\(Limits.quote(line.kind))'")
            }
            let sale = line.channel.map {
                Sale(customer: line.customer, channel: $0, price: line.price, currency: line.currency)
            }
            return CaptureRequest(
                kind: kind, units: line.units, product: line.product, location: line.location,
                customer: kind == .ship ? line.customer : nil, sale: sale, reason: line.reason)
        }
        return try await recording(request, context, body: raw, kind: requests.first?.kind ?? .move) { ref in
            let eventContext = try self.context(context, body, request: ref)
            return try await inventory.capture(requests, context: eventContext)
        }
    }

    func listEvents(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let afterText = query(request, "after") ?? "0"
        guard let after = Int64(afterText), after >= 0 else {
            throw Problem(status: 422, code: "invalid-field", title: "after must be a sequence number")
        }
        var filter = EventFilter(sku: query(request, "product"))
        if let sku = filter.sku, try await inventory.store.product(sku: sku) == nil {
            throw InputError(code: .unknownProduct, message: "unknown product '\(Limits.quote(sku))'")
        }
        if let scan = query(request, "unit") { filter.unit = try await inventory.unit(scan) }
        let events = try await inventory.store.events(after: after, limit: limit, matching: filter)
        let items = events.map { LedgerRecord.event($0.event, sequence: $0.sequence, hash: $0.hash) }
        return try Self.json(
            Page(items: items, next: events.count == limit ? events.last.map { String($0.sequence) } : nil))
    }

    func stock(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var query = StockQuery(sku: self.query(request, "product"), location: self.query(request, "location"))
        if let status = self.query(request, "status") {
            guard let value = UnitStatus(rawValue: status) else {
                throw InputError(code: .invalidField, message: "unknown status '\(Limits.quote(status))'")
            }
            query.status = value
        }
        return try Self.json(Page(items: try await inventory.stock(query), next: nil))
    }

    func verify(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try Self.json(try await inventory.verify())
    }

    /// Records a JSON Lines ledger file (as `unitrace export` writes it), batch by batch.
    func importLedger(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Problem(status: 400, code: "malformed-request", title: "the request body is not valid UTF-8 text")
        }
        var source = BodyLines(text: text)
        do {
            return try Self.json(try await inventory.importLedger(from: &source))
        } catch let failed as ImportFailed {
            var problem =
                Problem.from(failed.error) ?? Problem(status: 422, code: "import-failed", title: "\(failed.error)")
            problem.detail = failed.description
            throw problem
        }
    }

    /// What a scan means: the same answer as `unitrace id parse --json`.
    func parseIdentifier(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let text = query(request, "text"), !text.isEmpty else {
            throw Problem(status: 422, code: "invalid-field", title: "give the scan as ?text=…")
        }
        let kindText = query(request, "as") ?? "auto"
        guard let kind = IdentifierKind(rawValue: kindText) else {
            throw Problem(
                status: 422, code: "invalid-field",
                title: "as must be one of \(IdentifierKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let length = try query(request, "companyPrefixLength").map { text -> Int in
            guard let value = Int(text) else {
                throw Problem(status: 422, code: "invalid-field", title: "companyPrefixLength must be a number")
            }
            return value
        }
        return try Self.json(
            try Identifiers.parse(
                text, as: kind, syntaxOnly: query(request, "syntaxOnly") == "true", companyPrefixLength: length))
    }

    // MARK: Keys and webhooks

    func listKeys(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let keys = try await inventory.store.keys(after: query(request, "after"), limit: limit)
        return try Self.json(Page(items: keys.map { KeyView($0) }, next: keys.count == limit ? keys.last?.id : nil))
    }

    func createKey(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(KeyBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            guard let role = Role(rawValue: body.role) else {
                throw InputError(
                    code: .invalidField,
                    message: "role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let (key, token) = try await inventory.createKey(name: body.name, role: role)
            return (
                try Self.encoder.encode(KeyView(key, token: token)), try Self.encoder.encode(KeyView(key)), .created
            )
        }
    }

    func revokeKey(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard id != context.apiKey?.id else {
            throw Problem(
                status: 409, code: "revoking-own-key",
                title: "a key cannot revoke itself; revoke it with another admin key or `unitrace key revoke`")
        }
        try await inventory.revokeKey(id: id)
        return Response(status: .noContent)
    }

    func listWebhooks(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let subscriptions = try await inventory.store.subscriptions(after: query(request, "after"), limit: limit)
        return try Self.json(
            Page(
                items: subscriptions.map { WebhookView($0) },
                next: subscriptions.count == limit ? subscriptions.last?.id : nil))
    }

    func addWebhook(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(WebhookBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let kinds = try (body.kinds ?? []).map { text -> EventKind in
                guard let kind = EventKind(rawValue: text) else {
                    throw InputError(code: .invalidField, message: "unknown event kind '\(Limits.quote(text))'")
                }
                return kind
            }
            let subscription = try await inventory.subscribe(
                url: body.url, kinds: kinds, skus: body.skus ?? [], headEvery: body.headEvery)
            return (
                try Self.encoder.encode(WebhookView(subscription, showSecret: true)),
                try Self.encoder.encode(WebhookView(subscription)), .created
            )
        }
    }

    func removeWebhook(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await inventory.unsubscribe(id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    func webhookDeliveries(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await inventory.store.subscriptions(after: nil, limit: 10_000).contains(where: { $0.id == id }) else {
            throw InputError(code: .unknownWebhook, message: "no webhook subscription with id '\(Limits.quote(id))'")
        }
        let limit = try limit(request)
        let after = try query(request, "after").map { text -> Int64 in
            guard let value = Int64(text) else {
                throw Problem(status: 422, code: "invalid-field", title: "after must be a number")
            }
            return value
        }
        let deliveries = try await inventory.store.deliveries(subscription: id, after: after, limit: limit)
        return try Self.json(
            Page(
                items: deliveries.map(DeliveryView.init),
                next: deliveries.count == limit ? deliveries.last.map { String($0.id) } : nil))
    }

    // MARK: Operations

    func health(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        do {
            let head = try await inventory.store.head()
            return try Self.json(HealthView(status: "ok", events: head.sequence))
        } catch {
            throw Problem(status: 503, code: "store-unavailable", title: "the store is unavailable")
        }
    }

    func metricsText(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        metrics.webhookBacklog.set(Double(try await inventory.store.outboxBacklog()))
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
    }

    func openAPI(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let data = try? Data(contentsOf: url)
        else {
            throw Problem(status: 503, code: "unavailable", title: "the API description is not installed")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
