import Foundation
import UnitraceCore
import UnitraceInventory

/// A request body that names the fields it accepts; any other field is refused.
protocol StrictBody: Decodable {
    static var fields: Set<String> { get }
    /// For a member that holds a list of objects: the members those objects may have.
    static var nested: [String: Set<String>] { get }
}

extension StrictBody {
    static var nested: [String: Set<String>] { [:] }
}

/// Who, when, why and with which documents, for every route that records events.
protocol RecordingBody: StrictBody {
    var occurredAt: String? { get }
    var documents: [String]? { get }
    var reason: String? { get }
    var actor: String? { get }
}

/// The members of a body that records a sale, the same for units and for quantities.
protocol SaleFields {
    var customer: String? { get }
    var channel: String? { get }
    var price: String? { get }
    var currency: String? { get }
    var receipt: String? { get }
    var order: String? { get }
}

extension SaleFields {
    /// The sale the body describes (`nil` without a channel), with its receipt and order added to `context`'s
    /// documents.
    func sale(documenting context: inout EventContext) throws(InputError) -> Sale? {
        if let receipt { context.documents.append(try DocumentRef(parsing: "receipt:\(receipt)")) }
        if let order { context.documents.append(try DocumentRef(parsing: "order:\(order)")) }
        return channel.map { Sale(customer: customer, channel: $0, price: price, currency: currency) }
    }
}

struct CommonFields {
    static let names: Set<String> = ["occurredAt", "documents", "reason", "actor"]
}

struct ReceiveBody: RecordingBody {
    static let fields = CommonFields.names.union([
        "product", "location", "units", "count", "serials", "ownSerials", "lot", "attributes", "fields", "lotDetails",
    ])
    static var nested: [String: Set<String>] {
        ["lotDetails": ["madeOn", "expiry", "bestBefore", "supplier", "run"]]
    }
    /// A new lot's origin: `lotDetails` of a receipt.
    struct Details: Codable, Sendable {
        var madeOn: String?
        var expiry: String?
        var bestBefore: String?
        var supplier: String?
        var run: String?

        func details() throws(InputError) -> LotDetails {
            func day(_ text: String?, _ name: String) throws(InputError) -> CalendarDay? {
                try text.map { value throws(InputError) in try CalendarDay(parsing: value, name: name) }
            }
            return LotDetails(
                madeOn: try day(madeOn, "madeOn"), expiry: try day(expiry, "expiry"),
                bestBefore: try day(bestBefore, "bestBefore"), supplier: supplier, run: run)
        }
    }
    var lotDetails: Details?
    var product: String?
    var location: String
    var units: [String]?
    var count: Int?
    var serials: String?
    var ownSerials: Bool?
    var lot: String?
    var attributes: [String: String]?
    var fields: [String: String]?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// The body of move, ship, arrive, sell, return, quarantine, release and scrap.
struct UnitsBody: RecordingBody, SaleFields {
    static let fields = CommonFields.names.union([
        "units", "product", "location", "customer", "channel", "price", "currency", "receipt", "order",
    ])
    var units: [String]
    var product: String?
    var location: String?
    var customer: String?
    var channel: String?
    var price: String?
    var currency: String?
    var receipt: String?
    var order: String?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

struct CorrectBody: RecordingBody {
    static let fields = CommonFields.names.union(["sequence"])
    var sequence: Int64
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

struct CaptureBody: RecordingBody {
    static let fields = CommonFields.names.union(["events"])
    struct Line: Decodable {
        var kind: String
        var units: [String]
        var product: String?
        var location: String?
        var customer: String?
        var channel: String?
        var price: String?
        var currency: String?
        var reason: String?
    }
    var events: [Line]
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

struct ProductBody: StrictBody {
    static let fields: Set<String> = [
        "sku", "name", "gtin", "companyPrefixLength", "tracking", "warrantyMonths", "warrantyFrom", "serialTemplate",
        "attributes", "uom", "shelfLifeDays",
    ]
    var sku: String
    var name: String
    var gtin: String?
    var companyPrefixLength: Int?
    var tracking: String?
    var warrantyMonths: Int?
    var warrantyFrom: String?
    var serialTemplate: String?
    var attributes: [String: String]?
    var uom: String?
    var shelfLifeDays: Int?
}

struct LocationBody: StrictBody {
    static let fields: Set<String> = ["code", "name", "kind", "parent"]
    var code: String
    var name: String
    var kind: String
    var parent: String?
}

struct KeyBody: StrictBody {
    static let fields: Set<String> = ["name", "role"]
    var name: String
    var role: String
}

struct WebhookBody: StrictBody {
    static let fields: Set<String> = ["url", "kinds", "skus", "headEvery"]
    var url: String
    var kinds: [String]?
    var skus: [String]?
    var headEvery: Int?
}

/// A page of a list, with the cursor of the next one.
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
    var next: String?
}

struct KeyView: Encodable, Sendable {
    var id: String
    var name: String
    var role: String
    var createdAt: String
    var revokedAt: String?
    /// Only in the answer to its creation.
    var token: String?

    init(_ key: APIKey, token: String? = nil) {
        id = key.id
        name = key.name
        role = key.role.rawValue
        createdAt = key.createdAt.iso8601
        revokedAt = key.revokedAt?.iso8601
        self.token = token
    }
}

struct WebhookView: Encodable, Sendable {
    var id: String
    var url: String
    var kinds: [String]
    var skus: [String]
    var createdAt: String
    var headEvery: Int?
    /// Only in the answer to its creation.
    var secret: String?

    init(_ subscription: WebhookSubscription, showSecret: Bool = false) {
        headEvery = subscription.headEvery
        id = subscription.id
        url = subscription.url
        kinds = subscription.kinds.map(\.rawValue)
        skus = subscription.skus
        createdAt = subscription.createdAt.iso8601
        secret = showSecret ? subscription.secret : nil
    }
}

struct DeliveryView: Encodable, Sendable {
    var id: Int64
    var sequence: Int64
    var attempt: Int
    var at: String
    var status: Int?
    var error: String?
    var delivered: Bool

    init(_ delivery: WebhookDelivery) {
        id = delivery.id
        sequence = delivery.sequence
        attempt = delivery.attempt
        at = delivery.at.iso8601
        status = delivery.status
        error = delivery.error
        delivered = delivery.delivered
    }
}

struct HealthView: Encodable, Sendable {
    var status: String
    var events: Int64
}

/// The lines of a request body, for `import`.
struct BodyLines: LineSource {
    var lines: [Substring]
    var index = 0

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    mutating func nextLine() throws -> String? {
        guard index < lines.count else { return nil }
        defer { index += 1 }
        return String(lines[index])
    }
}

/// One quantity line of a stock request.
struct StockLineBody: Codable, Sendable {
    var product: String
    var lot: String?
    var quantity: String
    var madeOn: String?
    var expiry: String?
    var bestBefore: String?
    var supplier: String?
    var run: String?

    static let fields: Set<String> = [
        "product", "lot", "quantity", "madeOn", "expiry", "bestBefore", "supplier", "run",
    ]

    func request() throws(InputError) -> StockLineRequest {
        func day(_ text: String?, _ name: String) throws(InputError) -> CalendarDay? {
            try text.map { value throws(InputError) in try CalendarDay(parsing: value, name: name) }
        }
        let details = LotDetails(
            madeOn: try day(madeOn, "madeOn"), expiry: try day(expiry, "expiry"),
            bestBefore: try day(bestBefore, "bestBefore"), supplier: supplier, run: run)
        return StockLineRequest(
            sku: product, lot: lot, quantity: quantity, details: details.isEmpty ? nil : details)
    }
}

/// The events that change quantities: which members each route needs is the route's to say.
struct StockBody: RecordingBody, SaleFields {
    static let fields = CommonFields.names.union([
        "lines", "location", "from", "to", "customer", "headedTo", "channel", "price", "currency", "receipt", "order",
    ])
    static var nested: [String: Set<String>] { ["lines": StockLineBody.fields] }
    var lines: [StockLineBody]
    var location: String?
    var from: String?
    var to: String?
    var customer: String?
    var headedTo: String?
    var channel: String?
    var price: String?
    var currency: String?
    var receipt: String?
    var order: String?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

struct AdjustBody: RecordingBody {
    static let fields = CommonFields.names.union(["product", "lot", "location", "to", "by"])
    var product: String
    var lot: String?
    var location: String
    var to: String?
    var by: String?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

struct PickBody: StrictBody {
    struct Line: Codable, Sendable {
        var product: String
        var quantity: String
        var lot: String?
    }
    static let fields: Set<String> = ["lines", "location"]
    static var nested: [String: Set<String>] { ["lines": ["product", "quantity", "lot"]] }
    var lines: [Line]
    var location: String?
}

struct ReorderRuleBody: StrictBody {
    static let fields: Set<String> = ["product", "location", "point", "quantity"]
    var product: String
    var location: String
    var point: String
    var quantity: String
}

struct HoldBody: StrictBody {
    static let fields: Set<String> = [
        "unit", "product", "lot", "location", "quantity", "customer", "order", "until", "actor",
    ]
    var unit: String?
    var product: String?
    var lot: String?
    var location: String?
    var quantity: String?
    var customer: String?
    var order: String?
    var until: String
    var actor: String?
}

struct CountOpenBody: StrictBody {
    static let fields: Set<String> = ["location", "products", "actor"]
    var location: String
    var products: [String]?
    var actor: String?
}

struct CountScansBody: StrictBody {
    struct Quantity: Codable, Sendable {
        var product: String
        var lot: String?
        var quantity: String
    }
    static let fields: Set<String> = ["scans", "quantities", "location", "actor"]
    static var nested: [String: Set<String>] { ["quantities": ["product", "lot", "quantity"]] }
    var scans: [String]?
    var quantities: [Quantity]?
    var location: String?
    var actor: String?
}

struct CountApproveBody: RecordingBody {
    static let fields = CommonFields.names
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

struct NoticeBody: StrictBody {
    static let fields: Set<String> = [
        "id", "type", "supplier", "order", "orderedOn", "expectedOn", "location", "lines", "actor",
    ]
    static var nested: [String: Set<String>] {
        ["lines": ["product", "serial", "lot", "quantity", "expiry", "madeOn"]]
    }
    var id: String
    var type: String?
    var supplier: String
    var order: String?
    var orderedOn: String?
    var expectedOn: String?
    var location: String?
    var lines: [NoticeRequest.Line]
    var actor: String?

    var request: NoticeRequest {
        NoticeRequest(
            id: id, type: type, supplier: supplier, order: order, orderedOn: orderedOn, expectedOn: expectedOn,
            location: location, lines: lines)
    }
}

struct NoticeScansBody: StrictBody {
    static let fields: Set<String> = ["scans", "quantities", "actor"]
    static var nested: [String: Set<String>] { ["quantities": ["product", "lot", "quantity"]] }
    var scans: [String]?
    var quantities: [CountScansBody.Quantity]?
    var actor: String?
}

struct NoticeAcceptBody: RecordingBody {
    static let fields = CommonFields.names.union(["part", "location"])
    var part: Bool?
    var location: String?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// Refusing a delivery takes only who, when, why (required) and documents.
typealias NoticeRefuseBody = CountApproveBody

struct TransferBody: RecordingBody {
    static let fields = CommonFields.names.union(["units", "quantities", "from", "to", "toCustomer", "order"])
    static var nested: [String: Set<String>] { ["quantities": ["product", "lot", "quantity"]] }
    var units: [String]?
    var quantities: [CountScansBody.Quantity]?
    var from: String
    var to: String?
    var toCustomer: String?
    var order: String?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// What a pack puts into a container, or an unpack takes out of it.
struct PackBody: RecordingBody {
    static let fields = CommonFields.names.union(["units", "quantities", "containers", "location", "all"])
    static var nested: [String: Set<String>] { ["quantities": ["product", "lot", "quantity"]] }
    var units: [String]?
    var quantities: [CountScansBody.Quantity]?
    var containers: [String]?
    var location: String?
    var all: Bool?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// A production run.
struct RunBody: RecordingBody {
    static let fields = CommonFields.names.union([
        "id", "product", "line", "equipment", "operator", "shift", "workOrder", "start", "end",
    ])
    var id: String
    var product: String?
    var line: String
    var equipment: String?
    var `operator`: String?
    var shift: String?
    var workOrder: String?
    var start: String?
    var end: String?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// A recall: its id, why, and its criteria.
struct RecallBody: RecordingBody {
    static let fields = CommonFields.names.union(["id", "criteria"])
    static var nested: [String: Set<String>] {
        [
            "criteria": [
                "products", "lots", "runs", "lines", "equipment", "operators", "suppliers", "madeFrom", "madeThrough",
                "serials", "componentLots", "components",
            ]
        ]
    }
    var id: String
    var criteria: RecallCriteriaJSON
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// What became of some of a recall's units.
struct RecallOutcomeBody: RecordingBody {
    static let fields = CommonFields.names.union(["units", "outcome", "note"])
    var units: [String]
    var outcome: String
    var note: String?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// Closing a recall, forced with a reason while units are open.
struct RecallCloseBody: RecordingBody {
    static let fields = CommonFields.names.union(["force"])
    var force: Bool?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// What an install fits into a parent unit, or a removal takes out of it.
struct AssemblyBody: RecordingBody {
    static let fields = CommonFields.names.union(["parent", "components", "location", "repair"])
    var parent: String
    var components: [String]
    var location: String?
    var repair: Bool?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// A transfer's shipment, arrival or cancellation takes who, when, why and documents.
typealias TransferStepBody = CountApproveBody

/// An inspection of units, or of a lot as a whole.
struct InspectionBody: RecordingBody {
    static let fields = CommonFields.names.union([
        "units", "product", "lot", "procedure", "result", "measurements", "inspector", "equipment", "defect",
        "certificate", "location", "quarantine",
    ])
    var units: [String]?
    var product: String?
    var lot: String?
    var procedure: String
    var result: String
    /// Each `NAME=VALUE[UNIT][@LOW..HIGH]`, as the CLI's `--measure`.
    var measurements: [String]?
    var inspector: String?
    var equipment: String?
    var defect: String?
    var certificate: String?
    var location: String?
    var quarantine: Bool?
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}

/// A production: inputs consumed, a new lot made.
struct ProductionBody: RecordingBody {
    static let fields = CommonFields.names.union([
        "product", "location", "lot", "run", "madeOn", "expiry", "serials", "count", "quantity", "uom", "inputs",
    ])
    var product: String
    var location: String
    var lot: String
    var run: String?
    var madeOn: String?
    var expiry: String?
    var serials: [String]?
    var count: Int?
    var quantity: String?
    var uom: String?
    /// Each `SKU/LOT=QUANTITY[UOM]`, as the CLI's `--input`.
    var inputs: [String]
    var occurredAt: String?
    var documents: [String]?
    var reason: String?
    var actor: String?
}
