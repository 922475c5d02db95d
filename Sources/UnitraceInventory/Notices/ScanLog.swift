import UnitraceCore

/// Where an engine keeps the scans of a count or of a notice's receipt: the table of the owner (whose `state`
/// must be `open` to take scans) and the table of its numbered scans.
public enum ScanLog: String, Sendable {
    case count
    case notice

    public var header: String { self == .count ? "stock_count" : "ship_notice" }
    public var table: String { self == .count ? "count_scan" : "notice_scan" }
    public var owner: String { self == .count ? "count_id" : "notice_id" }
}

/// The tables of the records kept beside the ledger as JSON documents with a state: each has the columns
/// `id`, `state`, `created_at` and `body`.
public enum RecordTable: String, Sendable, CaseIterable {
    case notice = "ship_notice"
    case transfer = "stock_transfer"
    case run = "production_run"
    case recall = "recall"
}

/// A record as an engine stores it.
public struct StoredRecord: Sendable {
    public var table: RecordTable
    public var id: String
    public var state: String
    public var createdAt: Timestamp
    /// The record as JSON (``StoredForms``).
    public var body: String

    public init(table: RecordTable, id: String, state: String, createdAt: Timestamp, body: String) {
        self.table = table
        self.id = id
        self.state = state
        self.createdAt = createdAt
        self.body = body
    }
}

/// A record's move from one state to the next, with its new body: applied only if it is still in `from`.
public struct RecordUpdate: Sendable {
    public var table: RecordTable
    public var id: String
    public var from: String
    public var to: String
    public var body: String

    public init(table: RecordTable, id: String, from: String, to: String, body: String) {
        self.table = table
        self.id = id
        self.from = from
        self.to = to
        self.body = body
    }
}

/// Records beside the ledger (notices, transfers) and the scans of counts and receipts, kept by every engine
/// the same way; the typed stores (``NoticeStore``, ``TransferStore``) are built on it.
public protocol RecordStore: Sendable {
    /// - Throws: ``StoreError`` `conflict` when the id is taken.
    func insertRecord(_ record: StoredRecord) async throws
    func record(_ table: RecordTable, id: String) async throws -> String?
    /// Bodies, newest first, in `state` when given, at most `limit`.
    func records(_ table: RecordTable, state: String?, limit: Int) async throws -> [String]
    /// `false` when the record was not in `update.from`.
    func updateRecord(_ update: RecordUpdate) async throws -> Bool
    /// Appends scans to the open count or notice `id`, numbered after those it has; returns how many it holds.
    /// - Throws: ``StoreError`` `conflict` when it is not open.
    func appendScans(_ scans: [CountScan], to id: String, in log: ScanLog) async throws -> Int
    /// Its scans, in the order they arrived.
    func scans(of id: String, in log: ScanLog) async throws -> [CountScan]
}
