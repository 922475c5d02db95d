import UnitraceCore

/// The reads every interface needs besides the passport and searches: the catalogue, the ledger page by
/// page, and the access records. Interfaces call these, never the store.
extension Inventory {
    // MARK: Catalogue

    public func products() async throws -> [Product] {
        try await store.products()
    }

    /// - Throws: ``InputError`` `unknown-product`.
    public func product(sku: String) async throws -> Product {
        try await requireProduct(sku)
    }

    public func locations() async throws -> [Location] {
        try await store.locations()
    }

    // MARK: Ledger

    /// A page of the ledger, oldest first, after sequence `after`.
    /// - Throws: ``InputError`` `unknown-product` when the filter names a product that does not exist.
    public func events(after: Int64, limit: Int, matching filter: EventFilter) async throws -> [RecordedEvent] {
        if let sku = filter.sku { _ = try await requireProduct(sku) }
        return try await store.events(after: after, limit: limit, matching: filter)
    }

    /// The event an API request with this idempotency reference recorded, if it recorded one.
    public func event(requestID: String) async throws -> RecordedEvent? {
        try await store.event(requestID: requestID)
    }

    // MARK: Access and idempotency

    public func keys(after: String?, limit: Int) async throws -> [APIKey] {
        try await store.keys(after: after, limit: limit)
    }

    public func subscriptions(after: String?, limit: Int) async throws -> [WebhookSubscription] {
        try await store.subscriptions(after: after, limit: limit)
    }

    /// The delivery attempts of one subscription, oldest first.
    /// - Throws: ``InputError`` `unknown-webhook`.
    public func deliveries(subscription id: String, after: Int64?, limit: Int) async throws -> [WebhookDelivery] {
        guard try await store.subscriptions(after: nil, limit: 10_000).contains(where: { $0.id == id }) else {
            throw InputError(code: .unknownWebhook, message: "no webhook subscription with id '\(Limits.quote(id))'")
        }
        return try await store.deliveries(subscription: id, after: after, limit: limit)
    }

    /// How many webhook deliveries wait to be sent.
    public func outboxBacklog() async throws -> Int {
        try await store.outboxBacklog()
    }

    /// The answer kept for a retried request that recorded no event.
    public func storedResponse(requestID: String) async throws -> StoredResponse? {
        try await store.storedResponse(requestID: requestID)
    }

    public func keep(_ response: StoredResponse) async throws {
        try await store.storeResponse(response)
    }
}
