import Foundation

/// One production run: a line making a product for a while, with its equipment, operator and shift, under a
/// work order. A lot made in the run names it (``Lot/run``), so every unit of that lot traces back to the
/// line, the machine and the shift that made it.
public struct ProductionRun: Hashable, Sendable, Codable {
    public var id: String
    /// The product it makes, when it makes one.
    public var sku: String?
    public var line: String
    public var equipment: String?
    /// Who ran it: an employee reference, not a name.
    public var `operator`: String?
    public var shift: String?
    public var workOrder: String?
    public var start: Timestamp
    public var end: Timestamp?
    /// Who recorded it, and when.
    public var recordedBy: String
    public var recordedAt: Timestamp

    public init(
        id: String, sku: String? = nil, line: String, equipment: String? = nil, operator: String? = nil,
        shift: String? = nil, workOrder: String? = nil, start: Timestamp, end: Timestamp? = nil,
        recordedBy: String, recordedAt: Timestamp
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
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }

    /// Checks every field. - Throws: ``InputError`` naming the first bad one.
    public func validated() throws(InputError) -> ProductionRun {
        try Field.serial(id, name: "run")
        try Field.serial(line, name: "line")
        if let equipment { try Field.serial(equipment, name: "equipment") }
        if let `operator` { try Field.serial(`operator`, name: "operator") }
        if let shift { try Field.serial(shift, name: "shift") }
        if let workOrder { try Field.serial(workOrder, name: "work order") }
        if let end, end.millisecondsSince1970 < start.millisecondsSince1970 {
            throw InputError(
                code: .invalidField, message: "run \(id) ends (\(end.iso8601)) before it starts (\(start.iso8601))")
        }
        return self
    }
}
