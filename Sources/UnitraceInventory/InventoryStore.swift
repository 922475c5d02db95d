import Foundation
import UnitraceCore

/// Storage for the catalogue, the ledger and its projections, and the server's access data: one protocol per
/// concern, each with its own contract (`StoreContract`) that every engine passes. Implemented by
/// `SQLiteStore` and `PostgresStore`.
///
/// Stores translate, they never decide: every business rule lives in `UnitraceCore` and `Inventory`.
public protocol InventoryStore: LedgerStore, CatalogueStore, UnitStore, AccessStore, StockStore, HoldStore, CountStore,
    RecordStore, ContainerStore, AssemblyStore, RecallStore
{
}

/// The hash-chained ledger: appending a batch (with its projections, in the same transaction) and reading
/// events back.
public protocol LedgerStore: Sendable {
    /// Appends the batch's events to the chain and applies its unit changes, in one transaction.
    /// - Throws: ``StoreError``; on any throw nothing was written. Code `conflict` means another writer
    ///   changed one of the units since they were read: read again and retry.
    func commit(_ batch: CommitBatch) async throws -> BatchReceipt
    /// The last sequence number and hash (0 and the genesis hash for an empty ledger).
    func head() async throws -> LedgerHead
    /// Events with a sequence greater than `sequence`, oldest first, at most `limit`, matching `filter`.
    func events(after sequence: Int64, limit: Int, matching filter: EventFilter) async throws -> [RecordedEvent]
    /// The events at `sequences` that exist, oldest first, each once: a query's candidates in one read.
    func events(at sequences: [Int64]) async throws -> [RecordedEvent]
    /// Every event that names `unit`, oldest first, each reduced to that unit's own line.
    func history(of unit: UnitKey) async throws -> [HistoryEntry]
    /// Which of `ids` are already in the ledger.
    func recordedIDs(among ids: Set<UUID>) async throws -> Set<UUID>
    /// The event with this ledger ID, if it was recorded.
    func event(id: UUID) async throws -> RecordedEvent?
    /// The event recorded for the request `id`, if any.
    func event(requestID id: String) async throws -> RecordedEvent?
    /// The sequences of events that name one of `identifiers` (the identifier index), ascending, after
    /// `sequence`, at most `limit`.
    func sequences(naming identifiers: Set<IdentifierName>, after sequence: Int64, limit: Int) async throws
        -> [Int64]
    /// The identifier index entries of the events in `sequences`, by sequence, then identifier.
    func identifierEntries(in sequences: ClosedRange<Int64>) async throws -> [IdentifierEntry]
    /// Replaces the identifier index entries of the events in `sequences` with `entries`: the repair
    /// ``Inventory/rebuild()`` makes.
    func replaceIdentifierEntries(in sequences: ClosedRange<Int64>, with entries: [IdentifierEntry]) async throws
}

extension LedgerStore {
    public func event(sequence: Int64) async throws -> RecordedEvent? {
        try await events(at: [sequence]).first
    }
}

/// Products and locations.
public protocol CatalogueStore: Sendable {
    /// Adds a product. - Throws: ``StoreError`` with code `conflict` when the SKU or GTIN exists.
    func insertProduct(_ product: Product) async throws
    func product(sku: String) async throws -> Product?
    func products() async throws -> [Product]
    /// Adds a location under its parent. - Throws: ``StoreError`` with code `conflict` when the code exists.
    func insertLocation(_ location: Location) async throws
    func location(code: String) async throws -> Location?
    func locations() async throws -> [Location]
    /// The next number a product's serial template will use (1 for a new product).
    func nextSerialNumber(sku: String) async throws -> Int64
}

/// The units' projected state, as the ledger's batches leave it, and the indexes that find them.
public protocol UnitStore: Sendable {
    /// Current state of `units`, read in one transaction. Missing keys are unknown units.
    func states(of units: Set<UnitKey>) async throws -> [UnitKey: UnitState]
    /// For each scanned text, the units it may name: units whose serial equals it (in any product)
    /// and the unit that carries it as an alias.
    func candidates(for scans: Set<String>) async throws -> [String: [UnitKey]]
    /// The unit that holds each alias value that is already taken.
    func aliasOwners(of values: Set<String>) async throws -> [String: UnitKey]
    /// Units that match `query`, ordered by SKU then serial.
    func find(_ query: UnitQuery) async throws -> [UnitState]
    /// Unit counts by product, location and status.
    func stock(_ query: StockQuery) async throws -> [StockLine]
    /// Every unit's projected state, ordered by SKU then serial, after `key`, at most `limit`.
    func allUnits(after key: UnitKey?, limit: Int) async throws -> [UnitState]
    /// Each unit's rows in the lookup indexes (the alias and attribute tables, not the unit row), ordered by
    /// SKU then serial, after `key`, at most `limit`: `verify` compares them with the ledger.
    func indexEntries(after key: UnitKey?, limit: Int) async throws -> [UnitIndexEntry]
    /// Rows of the lookup indexes and of the event lines that name no unit at all.
    func strayIndexRows() async throws -> Int
}

/// What the server keeps beside the ledger: API keys, webhook subscriptions and their outbox, and the answers
/// kept for idempotent requests.
public protocol AccessStore: Sendable {
    /// Stores a new API key with the SHA-256 of its secret.
    func insertKey(_ key: APIKey, secretHash: String) async throws
    func key(id: String) async throws -> (key: APIKey, secretHash: String)?
    /// Keys ordered by id, after `id`, at most `limit`.
    func keys(after id: String?, limit: Int) async throws -> [APIKey]
    /// Marks a key revoked; `false` when there is no such key.
    func revokeKey(id: String, at time: Timestamp) async throws -> Bool
    func insertSubscription(_ subscription: WebhookSubscription) async throws
    /// Subscriptions ordered by id, after `id`, at most `limit`.
    func subscriptions(after id: String?, limit: Int) async throws -> [WebhookSubscription]
    /// Replaces a subscription's stored secret (to seal one an earlier release kept in clear).
    func replaceSecret(ofSubscription id: String, with secret: String) async throws
    /// Removes a subscription and its pending deliveries; `false` when there is no such subscription.
    func deleteSubscription(id: String) async throws -> Bool
    /// Outbox entries due at `now`, oldest first.
    func dueDeliveries(now: Timestamp, limit: Int) async throws -> [PendingDelivery]
    /// Logs an attempt; a delivered entry leaves the outbox, a failed one waits until `retryAt` (or is dropped
    /// when `retryAt` is `nil`).
    func recordAttempt(_ attempt: WebhookDelivery, outboxID: Int64, retryAt: Timestamp?) async throws
    func deliveries(subscription: String, after id: Int64?, limit: Int) async throws -> [WebhookDelivery]
    /// Entries waiting in the outbox.
    func outboxBacklog() async throws -> Int
    /// A response kept for an `Idempotency-Key` of a request that wrote no event.
    func storedResponse(requestID: String) async throws -> StoredResponse?
    func storeResponse(_ response: StoredResponse) async throws
}

/// What the lookup indexes hold for one unit.
public struct UnitIndexEntry: Hashable, Sendable {
    public var key: UnitKey
    public var aliases: Set<Alias>
    public var attributes: [String: String]

    public init(key: UnitKey, aliases: Set<Alias>, attributes: [String: String]) {
        self.key = key
        self.aliases = aliases
        self.attributes = attributes
    }

    /// From the JSON arrays of `[kind, value]` and `[key, value]` pairs the engines aggregate.
    public init(key: UnitKey, aliasPairs: String, attributePairs: String) throws {
        let aliases = try StoredForms.decode([[String]].self, aliasPairs, what: "aliases of \(key)")
        let attributes = try StoredForms.decode([[String]].self, attributePairs, what: "attributes of \(key)")
        var set = Set<Alias>()
        for pair in aliases where pair.count == 2 {
            set.insert(Alias(kind: Alias.Kind(rawValue: pair[0]) ?? .other, value: pair[1]))
        }
        var map: [String: String] = [:]
        for pair in attributes where pair.count == 2 { map[pair[0]] = pair[1] }
        self.init(key: key, aliases: set, attributes: map)
    }
}

/// The answer given to a request that carried an `Idempotency-Key`.
public struct StoredResponse: Hashable, Sendable {
    public var requestID: String
    public var fingerprint: String
    public var status: Int
    public var body: Data

    public init(requestID: String, fingerprint: String, status: Int, body: Data) {
        self.requestID = requestID
        self.fingerprint = fingerprint
        self.status = status
        self.body = body
    }
}

/// The end of the chain.
public struct LedgerHead: Hashable, Sendable {
    public var sequence: Int64
    public var hash: LedgerHash.Digest

    public init(sequence: Int64, hash: LedgerHash.Digest) {
        self.sequence = sequence
        self.hash = hash
    }
}

/// Everything one use case writes: events in order, and the state each touched unit ends in.
public struct CommitBatch: Sendable {
    public struct Item: Sendable {
        public var event: Event
        /// The canonical encoding, computed once outside the write transaction.
        public var canonical: Data
        /// For an import: the sequence and hash the source ledger gave this event. When the event lands at
        /// that same sequence the store must compute the same hash, or refuse the batch.
        public var expected: (sequence: Int64, hash: LedgerHash.Digest)?

        public init(event: Event, expected: (sequence: Int64, hash: LedgerHash.Digest)? = nil) {
            self.event = event
            self.canonical = LedgerHash.canonicalEncoding(of: event)
            self.expected = expected
        }
    }

    public struct UnitChange: Sendable {
        /// The state read before validation (`nil` for a unit the batch creates). The store refuses the
        /// batch with `conflict` if the unit no longer has this version.
        public var before: UnitState?
        public var after: UnitState
        /// Index in `items` of the last event that touched the unit; its sequence becomes the version.
        public var lastItem: Int

        public init(before: UnitState?, after: UnitState, lastItem: Int) {
            self.before = before
            self.after = after
            self.lastItem = lastItem
        }
    }

    public var items: [Item]
    public var changes: [UnitChange]
    /// Webhook subscriptions to notify of items: (subscription id, index in `items`). Written to the outbox
    /// in the same transaction, so no event is sent for a batch that was rolled back, and none is lost.
    public var notifications: [(subscription: String, item: Int)] = []
    /// Serial counters to advance: SKU → (value read, new value).
    public var serialCounters: [String: SerialCounterChange]
    /// What the events change besides unit state (``Projections``), computed here, outside the transaction.
    public var projections: [ProjectionChange]
    /// Holds the batch's sales fulfil (``Hold``): closed in its transaction, so a sale and the end of the
    /// hold it fulfilled are never apart.
    public var fulfilledHolds: [String] = []
    /// The count whose adjustments these events are: marked approved in the same transaction, and the store
    /// throws `conflict` unless it is still closed.
    public var approvedCount: String?
    /// Records these events move on (a notice they receive, a transfer they ship): updated in the same
    /// transaction, and the store throws `conflict` unless each is still in the state it was read in.
    public var recordUpdates: [RecordUpdate] = []
    /// The containers the events pack, empty or move, each once, as the batch leaves them.
    public var containerChanges: [ContainerChange] = []
    /// A recall made with these events (the quarantine of its units in stock): stored in the same transaction,
    /// so a unit is never quarantined for a recall that is not there, nor recalled without its quarantine.
    public var newRecall: NewRecall?
    /// Units joining open recalls with these events, written in the same transaction.
    public var recallAdditions: [RecallAddition] = []

    /// `corrected` holds, by id, the events the batch's error declarations correct: their projections are
    /// undone.
    public init(
        items: [Item], changes: [UnitChange], serialCounters: [String: SerialCounterChange] = [:],
        corrected: [UUID: Event] = [:]
    ) {
        self.items = items
        self.changes = changes
        self.serialCounters = serialCounters
        self.projections =
            Projections.changes(of: items.map(\.event), corrected: corrected) + Projections.unitCounts(of: changes)
    }
}

extension CommitBatch {
    /// The place of each event in the chain when the batch is appended after `head`: its sequence and hash.
    /// Every engine calls this under its append lock, so the rule is written once.
    /// - Throws: ``StoreError`` `hashMismatch` when an imported event lands at the sequence its source gave
    ///   it but hashes to another value: it was altered.
    public func chained(after head: LedgerHead) throws -> [(sequence: Int64, hash: LedgerHash.Digest)] {
        var previous = head.hash
        return try items.enumerated().map { index, item in
            let sequence = head.sequence + Int64(index) + 1
            let hash = LedgerHash.next(previous: previous, canonical: item.canonical)
            if let expected = item.expected, expected.sequence == sequence, expected.hash != hash {
                throw StoreError(
                    .hashMismatch,
                    "event \(item.event.id) does not hash to the value its source recorded at sequence \(sequence): it was altered"
                )
            }
            previous = hash
            return (sequence, hash)
        }
    }
}

public struct SerialCounterChange: Hashable, Sendable {
    public var expected: Int64
    public var next: Int64

    public init(expected: Int64, next: Int64) {
        self.expected = expected
        self.next = next
    }
}

/// What a commit recorded.
public struct BatchReceipt: Hashable, Sendable, Codable {
    public var firstSequence: Int64
    public var lastSequence: Int64
    public var events: Int
    public var units: Int
    public var lastHash: String

    public init(firstSequence: Int64, lastSequence: Int64, events: Int, units: Int, lastHash: String) {
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.events = events
        self.units = units
        self.lastHash = lastHash
    }
}

/// One event in a unit's history, reduced to that unit's line.
public struct HistoryEntry: Hashable, Sendable {
    public var sequence: Int64
    public var event: Event
    /// How many units the whole event named.
    public var unitCount: Int

    public init(sequence: Int64, event: Event, unitCount: Int) {
        self.sequence = sequence
        self.event = event
        self.unitCount = unitCount
    }
}

/// Which units `find` returns. Every condition given must hold.
public struct UnitQuery: Hashable, Sendable {
    public var sku: String?
    public var status: UnitStatus?
    /// A location code: units there or anywhere beneath it.
    public var location: String?
    /// Each must match the unit's own attributes or its product's.
    public var attributes: [String: String]
    public var lot: String?
    public var after: UnitKey?
    public var limit: Int

    public init(
        sku: String? = nil, status: UnitStatus? = nil, location: String? = nil, attributes: [String: String] = [:],
        lot: String? = nil, after: UnitKey? = nil, limit: Int = 100
    ) {
        self.sku = sku
        self.status = status
        self.location = location
        self.attributes = attributes
        self.lot = lot
        self.after = after
        self.limit = limit
    }
}

public struct StockQuery: Hashable, Sendable {
    public var sku: String?
    /// A location code: counts there and beneath it, each at its own location.
    public var location: String?
    public var status: UnitStatus?

    public init(sku: String? = nil, location: String? = nil, status: UnitStatus? = nil) {
        self.sku = sku
        self.location = location
        self.status = status
    }
}

public struct StockLine: Hashable, Sendable, Codable {
    public var sku: String
    public var location: String
    public var status: UnitStatus
    public var count: Int

    public init(sku: String, location: String, status: UnitStatus, count: Int) {
        self.sku = sku
        self.location = location
        self.status = status
        self.count = count
    }
}

/// Which events an export or a scan of the ledger returns.
public struct EventFilter: Hashable, Sendable {
    /// Events that name a unit of this product.
    public var sku: String?
    /// Events that name this unit.
    public var unit: UnitKey?
    /// Events that occurred at or after this instant.
    public var from: Timestamp?
    /// Events that occurred before this instant.
    public var until: Timestamp?

    public init(sku: String? = nil, unit: UnitKey? = nil, from: Timestamp? = nil, until: Timestamp? = nil) {
        self.sku = sku
        self.unit = unit
        self.from = from
        self.until = until
    }

    public static let all = EventFilter()
    public var isAll: Bool { self == .all }
}

/// A failure of the store itself, not of the input.
public struct StoreError: Error, Hashable, Sendable {
    public enum Code: String, Sendable {
        /// The store cannot be reached or opened (exit 69).
        case unavailable
        /// No store at that place yet: run `unitrace init`.
        case missing
        /// `init` found a file already there and left it alone.
        case alreadyExists = "already-exists"
        /// The store was written by a newer Unitrace.
        case newerSchema = "newer-schema"
        /// The file is not a Unitrace store.
        case notAStore = "not-a-store"
        /// A concurrent writer changed what the batch was validated against.
        case conflict
        /// An imported event does not hash to the value its source recorded.
        case hashMismatch = "hash-mismatch"
        /// A stored value cannot be read back (the file was edited by hand).
        case corrupt
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension StoreError: CustomStringConvertible {
    public var description: String { message }
}
