import Foundation
import UnitraceCore

/// What a person or a client says about a production run.
public struct RunRequest: Hashable, Sendable {
    public var id: String
    public var sku: String?
    public var line: String
    public var equipment: String?
    public var `operator`: String?
    public var shift: String?
    public var workOrder: String?
    public var start: Timestamp?
    public var end: Timestamp?

    public init(
        id: String, sku: String? = nil, line: String, equipment: String? = nil, operator: String? = nil,
        shift: String? = nil, workOrder: String? = nil, start: Timestamp? = nil, end: Timestamp? = nil
    ) {
        self.id = id
        self.sku = sku
        self.line = line
        self.equipment = equipment
        self.operator = `operator`
        self.shift = shift
        self.workOrder = workOrder
        self.start = start
        self.end = end
    }
}

extension RecordStore {
    func insertRun(_ run: ProductionRun) async throws {
        try await insertRecord(
            StoredRecord(
                table: .run, id: run.id, state: "recorded", createdAt: run.recordedAt, body: try StoredForms.json(run)))
    }

    func run(id: String) async throws -> ProductionRun? {
        try await record(.run, id: id).map { try StoredForms.decode(ProductionRun.self, $0, what: "run \(id)") }
    }

    func runs(limit: Int) async throws -> [ProductionRun] {
        try await records(.run, state: nil, limit: limit).map {
            try StoredForms.decode(ProductionRun.self, $0, what: "a production run")
        }
    }
}

extension Inventory {
    /// Records a production run. Its lots name it when they are received (`--run`).
    /// - Throws: ``InputError`` for a bad field or an unknown product, `conflict` when the id is taken.
    public func addRun(_ request: RunRequest, context: EventContext) async throws -> ProductionRun {
        if let sku = request.sku { _ = try await requireProduct(sku) }
        let now = environment.now()
        let run = try ProductionRun(
            id: request.id, sku: request.sku, line: request.line, equipment: request.equipment,
            operator: request.operator, shift: request.shift, workOrder: request.workOrder,
            start: request.start ?? context.occurredAt ?? now, end: request.end, recordedBy: context.actor,
            recordedAt: now
        ).validated()
        do {
            try await store.insertRun(run)
        } catch let error as StoreError where error.code == .conflict {
            throw InputError(code: .invalidField, message: "run \(run.id) is already recorded")
        }
        return run
    }

    /// - Throws: ``InputError`` `unknown-run`.
    public func run(_ id: String) async throws -> ProductionRun {
        guard let run = try await store.run(id: id) else {
            throw InputError(code: .unknownRun, message: "unknown production run '\(Limits.quote(id))'")
        }
        return run
    }

    /// Runs, newest first.
    public func runs(limit: Int = 100) async throws -> [ProductionRun] {
        try Field.positive(limit, name: "limit", maximum: 10_000)
        return try await store.runs(limit: limit)
    }
}

/// A production run as JSON, for the CLI's `--json` and the API.
public struct RunJSON: Encodable, Sendable {
    public var id: String
    public var product: String?
    public var line: String
    public var equipment: String?
    public var `operator`: String?
    public var shift: String?
    public var workOrder: String?
    public var start: String
    public var end: String?
    public var recordedBy: String
    public var recordedAt: String

    public init(_ run: ProductionRun) {
        id = run.id
        product = run.sku
        line = run.line
        equipment = run.equipment
        self.operator = run.operator
        shift = run.shift
        workOrder = run.workOrder
        start = run.start.iso8601
        end = run.end?.iso8601
        recordedBy = run.recordedBy
        recordedAt = run.recordedAt.iso8601
    }

    /// `RUN-0412  line MOTOR-L1  equipment WINDER-3  operator OP-77  shift early  2026-09-28T06:00… → …`
    public var summary: String {
        var parts = [id, "line \(line)"]
        if let product { parts.append("product \(product)") }
        if let equipment { parts.append("equipment \(equipment)") }
        if let `operator` { parts.append("operator \(`operator`)") }
        if let shift { parts.append("shift \(shift)") }
        if let workOrder { parts.append("work order \(workOrder)") }
        parts.append("\(start) → \(end ?? "open")")
        return parts.joined(separator: "  ")
    }
}
