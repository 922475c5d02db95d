import HTTPTypes
import UnitraceCore

/// One route of the API and who may call it. The OpenAPI document must list exactly these (a test checks).
public struct Endpoint: Hashable, Sendable {
    public var method: HTTPRequest.Method
    /// In OpenAPI form: `/api/v1/units/{sku}/{serial}`.
    public var path: String
    /// Roles allowed besides `admin`; `nil` for a public route, which needs no key.
    public var roles: Set<Role>?

    /// The path in Hummingbird's form: `/api/v1/units/:sku/:serial`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : part
        }.joined(separator: "/")
    }

    /// Whether `path` (a request's path) is this route's, with any value in its `{…}` parts.
    func matches(path requested: String) -> Bool {
        let pattern = path.split(separator: "/", omittingEmptySubsequences: false)
        let parts = requested.split(separator: "/", omittingEmptySubsequences: false)
        guard pattern.count == parts.count else { return false }
        return zip(pattern, parts).allSatisfy { expected, part in
            (expected.hasPrefix("{") && !part.isEmpty) || expected == part
        }
    }

    /// The methods the routes at `path` answer, for a 405's `Allow` header (empty: no route has that path).
    public static func methods(at path: String) -> [String] {
        // A literal route wins over a pattern (`/units/lookup` is not `/units/{sku}/{serial}`).
        let matching = all.filter { $0.matches(path: path) }
        let literal = matching.filter { !$0.path.contains("{") }
        let methods = Set((literal.isEmpty ? matching : literal).map(\.method.rawValue))
        return methods.sorted()
    }

    /// Whether a key of `role` may call this route.
    public func allows(_ role: Role) -> Bool {
        role == .admin || (roles?.contains(role) ?? true)
    }
}

extension Endpoint {
    static let readers: Set<Role> = [.operator, .sales, .support, .auditor]
    static let warehouse: Set<Role> = [.operator]
    static let anyKey: Set<Role> = Set(Role.allCases)

    static func get(_ path: String, _ roles: Set<Role>?) -> Endpoint {
        Endpoint(method: .get, path: path, roles: roles)
    }
    static func post(_ path: String, _ roles: Set<Role>?) -> Endpoint {
        Endpoint(method: .post, path: path, roles: roles)
    }
    static func delete(_ path: String, _ roles: Set<Role>?) -> Endpoint {
        Endpoint(method: .delete, path: path, roles: roles)
    }

    public static let health = get("/health", nil)
    /// Public: an API description holds no data, and clients and tools fetch it before they hold a key.
    public static let openAPI = get("/openapi.yaml", nil)
    public static let metrics = get("/metrics", [.auditor])
    public static let listProducts = get("/api/v1/products", readers)
    public static let addProduct = post("/api/v1/products", [])
    public static let showProduct = get("/api/v1/products/{sku}", readers)
    public static let listLocations = get("/api/v1/locations", readers)
    public static let addLocation = post("/api/v1/locations", [])
    public static let findUnits = get("/api/v1/units", readers)
    public static let lookupUnit = get("/api/v1/units/lookup", readers)
    public static let showUnit = get("/api/v1/units/{sku}/{serial}", readers)
    public static let receive = post("/api/v1/units/receive", warehouse)
    public static let move = post("/api/v1/units/move", warehouse)
    public static let ship = post("/api/v1/units/ship", warehouse)
    public static let arrive = post("/api/v1/units/arrive", warehouse)
    public static let sell = post("/api/v1/units/sell", [.sales])
    public static let returnUnits = post("/api/v1/units/return", [.operator, .sales, .kiosk])
    public static let quarantine = post("/api/v1/units/quarantine", warehouse)
    public static let release = post("/api/v1/units/release", warehouse)
    public static let scrap = post("/api/v1/units/scrap", warehouse)
    public static let correct = post("/api/v1/units/correct", [])
    public static let captureEvents = post("/api/v1/events", warehouse)
    public static let listEvents = get("/api/v1/events", [.auditor])
    public static let stock = get("/api/v1/stock", readers)
    public static let stockLevels = get("/api/v1/stock/levels", readers)
    public static let stockReceive = post("/api/v1/stock/receive", warehouse)
    public static let stockMove = post("/api/v1/stock/move", warehouse)
    public static let stockShip = post("/api/v1/stock/ship", warehouse)
    public static let stockArrive = post("/api/v1/stock/arrive", warehouse)
    public static let stockSell = post("/api/v1/stock/sell", [.sales])
    public static let stockReturn = post("/api/v1/stock/return", [.operator, .sales])
    public static let stockScrap = post("/api/v1/stock/scrap", warehouse)
    public static let stockAdjust = post("/api/v1/stock/adjust", warehouse)
    public static let lots = get("/api/v1/products/{sku}/lots", readers)
    public static let lot = get("/api/v1/products/{sku}/lots/{code}", readers)
    public static let expiring = get("/api/v1/expiring", readers)
    public static let pick = post("/api/v1/pick", [.operator, .sales, .support])
    public static let reorder = get("/api/v1/reorder", readers)
    public static let reorderRules = post("/api/v1/reorder/rules", warehouse)
    public static let sales = get("/api/v1/sales", readers)
    public static let listHolds = get("/api/v1/holds", readers)
    public static let addHold = post("/api/v1/holds", [.operator, .sales])
    public static let releaseHold = delete("/api/v1/holds/{id}", [.operator, .sales])
    public static let availability = get("/api/v1/availability", readers)
    public static let listCounts = get("/api/v1/counts", readers)
    public static let openCount = post("/api/v1/counts", warehouse)
    public static let countSample = get("/api/v1/counts/sample", readers)
    public static let showCount = get("/api/v1/counts/{id}", readers)
    public static let countScans = post("/api/v1/counts/{id}/scans", warehouse)
    public static let closeCount = post("/api/v1/counts/{id}/close", warehouse)
    public static let approveCount = post("/api/v1/counts/{id}/approve", warehouse)
    public static let listNotices = get("/api/v1/asns", readers)
    public static let addNotice = post("/api/v1/asns", warehouse)
    public static let noticeLeadTimes = get("/api/v1/asns/lead-times", readers)
    public static let showNotice = get("/api/v1/asns/{id}", readers)
    public static let noticeScans = post("/api/v1/asns/{id}/scans", warehouse)
    public static let acceptNotice = post("/api/v1/asns/{id}/accept", warehouse)
    public static let refuseNotice = post("/api/v1/asns/{id}/refuse", warehouse)
    public static let listTransfers = get("/api/v1/transfers", readers)
    public static let requestTransfer = post("/api/v1/transfers", warehouse)
    public static let showTransfer = get("/api/v1/transfers/{id}", readers)
    public static let shipTransfer = post("/api/v1/transfers/{id}/ship", warehouse)
    public static let arriveTransfer = post("/api/v1/transfers/{id}/arrive", warehouse)
    public static let cancelTransfer = post("/api/v1/transfers/{id}/cancel", warehouse)
    public static let showContainer = get("/api/v1/containers/{sscc}", readers)
    public static let pack = post("/api/v1/containers/{sscc}/pack", warehouse)
    public static let unpack = post("/api/v1/containers/{sscc}/unpack", warehouse)
    public static let install = post("/api/v1/units/install", warehouse)
    public static let remove = post("/api/v1/units/remove", warehouse)
    public static let traceDown = get("/api/v1/trace/down", readers)
    public static let traceUp = get("/api/v1/trace/up", readers)
    public static let traceBack = get("/api/v1/trace/back", readers)
    public static let inspect = post("/api/v1/inspections", warehouse)
    public static let causes = get("/api/v1/quality/causes", readers)
    public static let damageTimeline = get("/api/v1/quality/timeline", readers)
    public static let listRuns = get("/api/v1/runs", readers)
    public static let addRun = post("/api/v1/runs", warehouse)
    public static let showRun = get("/api/v1/runs/{id}", readers)
    public static let produce = post("/api/v1/productions", warehouse)
    public static let listRecalls = get("/api/v1/recalls", readers)
    public static let createRecall = post("/api/v1/recalls", warehouse)
    public static let showRecall = get("/api/v1/recalls/{id}", readers)
    public static let recallOutcomes = post("/api/v1/recalls/{id}/outcomes", [.operator, .support])
    public static let closeRecall = post("/api/v1/recalls/{id}/close", warehouse)
    public static let verify = get("/api/v1/verify", [.auditor])
    public static let audit = get("/api/v1/audit", [.auditor])
    public static let importLedger = post("/api/v1/import", [])
    public static let parseIdentifier = get("/api/v1/identifiers/parse", readers)
    public static let listKeys = get("/api/v1/keys", [])
    public static let createKey = post("/api/v1/keys", [])
    public static let revokeKey = delete("/api/v1/keys/{id}", [])
    public static let listWebhooks = get("/api/v1/webhooks", [])
    public static let addWebhook = post("/api/v1/webhooks", [])
    public static let removeWebhook = delete("/api/v1/webhooks/{id}", [])
    public static let webhookDeliveries = get("/api/v1/webhooks/{id}/deliveries", [])
    public static let epcisCapture = post("/epcis/capture", warehouse)
    public static let epcisCaptureJob = get("/epcis/capture/{captureID}", readers)
    public static let epcisEvents = get("/epcis/events", readers)
    public static let epcisEvent = get("/epcis/events/{eventID}", readers)

    /// Every route, in the order of the OpenAPI document.
    public static let all: [Endpoint] = [
        health, openAPI, metrics, listProducts, addProduct, showProduct, listLocations, addLocation, findUnits,
        lookupUnit, showUnit, receive, move, ship, arrive, sell, returnUnits, quarantine, release, scrap, correct,
        captureEvents, listEvents, stock, stockLevels, stockReceive, stockMove, stockShip, stockArrive, stockSell,
        stockReturn, stockScrap, stockAdjust, lots, lot, expiring, pick, reorder, reorderRules, sales, listHolds,
        addHold,
        releaseHold, availability, listCounts, openCount, countSample, showCount, countScans, closeCount, approveCount,
        listNotices, addNotice, noticeLeadTimes, showNotice, noticeScans, acceptNotice, refuseNotice, listTransfers,
        requestTransfer, showTransfer, shipTransfer, arriveTransfer, cancelTransfer, showContainer, pack, unpack,
        install, remove, traceDown, traceUp, traceBack, inspect, causes, damageTimeline, listRuns, addRun, showRun,
        produce,
        listRecalls, createRecall, showRecall, recallOutcomes, closeRecall, verify, audit,
        importLedger, parseIdentifier, listKeys, createKey, revokeKey,
        listWebhooks, addWebhook, removeWebhook, webhookDeliveries, epcisCapture, epcisCaptureJob, epcisEvents,
        epcisEvent,
    ]
}
