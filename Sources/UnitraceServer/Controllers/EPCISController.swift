import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// The capture and query parts of GS1's EPCIS 2.0 REST binding, under `/epcis`.
struct EPCISController: Controller {
    let api: API

    /// The versions every answer names, as the binding asks.
    static let versionHeaders: HTTPFields = [
        HTTPField.Name("GS1-EPCIS-Version")!: "2.0.0", HTTPField.Name("GS1-CBV-Version")!: "2.0.0",
    ]

    func addRoutes(to routes: Routes) {
        routes.on(.epcisCapture, capture)
        routes.on(.epcisCaptureJob, captureJob)
        routes.on(.epcisEvents, events)
        routes.on(.epcisEvent, event)
    }

    // MARK: Capture

    /// A capture job as the binding describes it. Jobs finish before their answer: a document is recorded
    /// in one transaction, all or nothing (`captureErrorBehaviour` `rollback`).
    struct CaptureJob: Codable {
        var captureID: String
        var createdAt: String
        var finishedAt: String
        var running = false
        var success: Bool
        var captureErrorBehaviour = "rollback"
        var errors: [EPCISProblem]
        /// What was recorded: events, observations, events applied to tracked units, events already recorded.
        var events: Int
        var observations: Int
        var applied: Int
        var skipped: Int
    }

    struct EPCISProblem: Codable {
        var type: String
        var title: String
        var status: Int
        var detail: String?
    }

    func capture(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        if let mediaType = request.headers[.contentType] {
            let essence = mediaType.split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            let accepted = ["application/json", "application/ld+json", "application/xml", "text/xml"]
            guard let essence, accepted.contains(essence) else {
                throw Self.problem(
                    415, "epcisException:UnsupportedMediaType",
                    "send the document as application/json, application/ld+json or application/xml, not \(Limits.quote(mediaType))"
                )
            }
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        let created = Timestamp.now(in: TimeZone(secondsFromGMT: 0)!)
        let id = UUID().uuidString.lowercased()
        let eventContext = EventContext(actor: "api:\(context.apiKey?.name ?? "anonymous")")
        var job = CaptureJob(
            captureID: id, createdAt: created.iso8601, finishedAt: created.iso8601, success: true, errors: [],
            events: 0, observations: 0, applied: 0, skipped: 0)
        do {
            let report = try await inventory.importEPCIS(
                open: { EPCISDocument.chunks(bytes) }, context: eventContext, batchSize: 100_000)
            job.events = report.events
            job.observations = report.observations
            job.applied = report.applied
            job.skipped = report.skipped
        } catch let fault as EPCISFault {
            // A document that breaks the standard is refused whole: no job.
            throw Self.problem(400, "epcisException:ValidationException", "\(fault)")
        } catch let failed as EPCISImportFailed {
            // A rule said no: the job records why, and nothing of the document.
            job.success = false
            let detail = (Problem.from(failed.error)?.detail).map { "; \($0)" } ?? ""
            job.errors = [
                EPCISProblem(
                    type: "epcisException:ValidationException",
                    title: "\(failed.error)", status: 409, detail: "\(failed.description)\(detail)")
            ]
        }
        job.finishedAt = Timestamp.now(in: TimeZone(secondsFromGMT: 0)!).iso8601
        let body = try API.encoder.encode(job)
        try await inventory.keep(
            StoredResponse(requestID: Self.jobKey(id), fingerprint: "", status: 200, body: body))
        var headers = Self.versionHeaders
        headers[.location] = "/epcis/capture/\(id)"
        return Response(status: .accepted, headers: headers)
    }

    func captureJob(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = context.parameters.get("captureID") ?? ""
        guard let stored = try await inventory.storedResponse(requestID: Self.jobKey(id)) else {
            throw Self.problem(404, "epcisException:NoSuchResourceException", "no capture job \(Limits.quote(id))")
        }
        return API.json(data: stored.body, status: .ok, replayed: false, headers: Self.versionHeaders)
    }

    static func jobKey(_ id: String) -> String { "epcis-capture:\(id)" }

    // MARK: Query

    func events(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let parameters = FormQuery(request.uri.query)
        let query = try Self.query(parameters)
        let perPage = try parameters.get("perPage").map(Self.perPage) ?? 30
        var after: Int64 = 0
        if let token = parameters.get("nextPageToken") {
            guard let value = Int64(token), value >= 0, String(value) == token else {
                throw Self.problem(
                    400, "epcisException:QueryParameterException",
                    "nextPageToken \(Limits.quote(token)) is not one this server gave")
            }
            after = value
        }
        let page = try await inventory.queryEPCIS(query, after: after, limit: perPage)
        var headers = Self.versionHeaders
        if let next = page.next {
            var link = "/epcis/events?"
            let kept = parameters.pairs.filter { $0.name != "nextPageToken" }
            link += (kept + [("nextPageToken", String(next))]).map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }
                .joined(separator: "&")
            headers[HTTPField.Name("Link")!] = "<\(link)>; rel=\"next\""
        }
        return document(page.events, headers: headers)
    }

    func event(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let raw = context.parameters.get("eventID") ?? ""
        let id = raw.removingPercentEncoding ?? raw
        let found = try await inventory.epcisEvents(id: id)
        guard !found.isEmpty else {
            throw Self.problem(404, "epcisException:NoSuchResourceException", "no event \(Limits.quote(id))")
        }
        return document(found, headers: Self.versionHeaders)
    }

    /// An `EPCISQueryDocument` of `events`.
    func document(_ events: [EPCISEvent], headers extra: HTTPFields) -> Response {
        var writer = EPCISJSONWriter(
            creationDate: Timestamp.now(in: TimeZone(secondsFromGMT: 0)!), queryName: "SimpleEventQuery")
        var bytes = writer.begin()
        for event in events { bytes += writer.append(event.fields, namespaces: event.namespaces) }
        bytes += writer.finish()
        var headers = extra
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Parameters

    /// The SimpleEventQuery parameters of a request; lists are `|`-separated, as the binding's
    /// `pipeDelimited` style has them.
    static func query(_ parameters: FormQuery) throws -> EPCISQuery {
        // A parameter this server does not interpret is refused rather than ignored: ignoring it would
        // answer a different question than the one asked.
        if let unknown = parameters.pairs.first(where: { pair in
            !supported.contains(pair.name) && !pair.name.hasPrefix("EQ_bizTransaction_")
        }) {
            throw problem(
                400, "epcisException:QueryParameterException",
                "the query parameter \(Limits.quote(unknown.name)) is not supported by this server")
        }
        var query = EPCISQuery()
        func list(_ name: String) throws -> [String]? {
            guard let text = parameters.get(name) else { return nil }
            let items = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard !items.contains(where: \.isEmpty) else {
                throw problem(400, "epcisException:QueryParameterException", "\(name) has an empty value")
            }
            return items
        }
        func time(_ name: String) throws -> Timestamp? {
            guard let text = parameters.get(name) else { return nil }
            do { return try EPCISTime.parse(text) } catch {
                throw problem(
                    400, "epcisException:QueryParameterException",
                    "\(name) must be a date and time with an offset, not \(Limits.quote(text))")
            }
        }
        /// The values of a list parameter, each one of `Value`'s.
        func words<Value: RawRepresentable<String> & Hashable>(_ name: String, _ expected: String) throws
            -> Set<Value>?
        {
            try list(name).map { items in
                Set(
                    try items.map { item in
                        guard let value = Value(rawValue: item) else {
                            throw problem(
                                400, "epcisException:QueryParameterException",
                                "\(name) \(Limits.quote(item)) \(expected)")
                        }
                        return value
                    })
            }
        }
        query.eventTypes = try words("eventType", "is not an EPCIS event type")
        query.eventTimeFrom = try time("GE_eventTime")
        query.eventTimeBefore = try time("LT_eventTime")
        query.recordTimeFrom = try time("GE_recordTime")
        query.recordTimeBefore = try time("LT_recordTime")
        query.actions = try words("EQ_action", "must be ADD, OBSERVE or DELETE")
        query.bizSteps = try list("EQ_bizStep").map(Set.init)
        query.dispositions = try list("EQ_disposition").map(Set.init)
        query.readPoints = try list("EQ_readPoint").map(Set.init)
        query.bizLocations = try list("EQ_bizLocation").map(Set.init)
        query.eventIDs = try list("EQ_eventID").map(Set.init)
        query.epcs = try list("MATCH_epc")
        query.parentIDs = try list("MATCH_parentID")
        query.inputEPCs = try list("MATCH_inputEPC")
        query.outputEPCs = try list("MATCH_outputEPC")
        query.anyEPCs = try list("MATCH_anyEPC")
        query.epcClasses = try list("MATCH_epcClass")
        for (name, _) in parameters.pairs where name.hasPrefix("EQ_bizTransaction_") {
            let type = String(name.dropFirst("EQ_bizTransaction_".count))
            guard !type.isEmpty else { continue }
            query.bizTransactions[type] = Set(try list(name) ?? [])
        }
        return query
    }

    static let supported: Set<String> = [
        "eventType", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EQ_action", "EQ_bizStep",
        "EQ_disposition", "EQ_readPoint", "EQ_bizLocation", "EQ_eventID", "MATCH_epc", "MATCH_parentID",
        "MATCH_inputEPC", "MATCH_outputEPC", "MATCH_anyEPC", "MATCH_epcClass", "perPage", "nextPageToken",
    ]

    static func perPage(_ text: String) throws -> Int {
        guard let value = Int(text), (1...1_000).contains(value) else {
            throw problem(
                400, "epcisException:QueryParameterException", "perPage must be a whole number from 1 to 1000")
        }
        return value
    }

    static func problem(_ status: Int, _ type: String, _ title: String) -> Problem {
        var problem = Problem(status: status, code: "epcis", title: title)
        problem.type = type
        return problem
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:|*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
