import UnitraceCore

/// One event of a `POST /events` batch: what happened to which units.
public struct CaptureRequest: Sendable {
    public var kind: EventKind
    public var units: [String]
    public var product: String?
    /// The place for move, return and arrive; the destination location for ship.
    public var location: String?
    /// The customer for a ship to a customer.
    public var customer: String?
    public var sale: Sale?
    public var reason: String?

    public init(
        kind: EventKind, units: [String], product: String? = nil, location: String? = nil, customer: String? = nil,
        sale: Sale? = nil, reason: String? = nil
    ) {
        self.kind = kind
        self.units = units
        self.product = product
        self.location = location
        self.customer = customer
        self.sale = sale
        self.reason = reason
    }
}

extension Inventory {
    /// Records several events on existing units in one transaction, or none of them. Units may appear in
    /// several events, which apply in order. Lines are numbered across the whole batch.
    /// - Throws: ``InputError`` for a malformed event, ``BatchRejected`` listing every refused line.
    public func capture(_ requests: [CaptureRequest], context: EventContext) async throws -> Outcome {
        guard !requests.isEmpty else {
            throw InputError(code: .nothingToDo, message: "the batch holds no events")
        }
        return try await retryingConflicts {
            var drafts: [Draft] = []
            var problems: [LineProblem] = []
            var duplicates: [LineProblem] = []
            var units: [UnitKey] = []
            var containers: [String] = []
            var offset = 0
            for request in requests {
                var location = request.location
                var destination: String?
                switch request.kind {
                case .receive, .correct:
                    throw InputError(
                        code: .invalidField,
                        message:
                            "\(request.kind.rawValue) has its own route (/units/\(request.kind.rawValue)); capture takes events on existing units"
                    )
                case .move, .return:
                    guard let place = location else {
                        throw InputError(code: .invalidField, message: "\(request.kind.rawValue) needs a location")
                    }
                    _ = try await requirePlace(place)
                case .ship:
                    destination = try await shipDestination(toLocation: request.location, toCustomer: request.customer)
                    location = nil
                case .arrive, .found:
                    if let place = location { _ = try await requirePlace(place) }
                case .lost:
                    location = nil
                case .sell:
                    location = request.sale?.storeCode
                case .quarantine, .release, .scrap:
                    location = nil
                case .pack, .unpack:
                    throw InputError(
                        code: .invalidField,
                        message:
                            "\(request.kind.rawValue) has its own route (/containers/{sscc}/\(request.kind.rawValue))")
                case .install, .remove:
                    throw InputError(
                        code: .invalidField,
                        message: "\(request.kind.rawValue) has its own route (/units/\(request.kind.rawValue))")
                case .inspect:
                    throw InputError(
                        code: .invalidField, message: "inspect has its own route (/api/v1/inspections)")
                case .produce:
                    throw InputError(
                        code: .invalidField, message: "produce has its own route (/api/v1/productions)")
                case .observe:
                    throw InputError(
                        code: .invalidField,
                        message: "observe events come from EPCIS documents (POST /epcis/capture, unitrace epcis import)"
                    )
                }
                var eventContext = context
                eventContext.reason = request.reason ?? context.reason
                let split = try await splitContainers(request.units)
                let resolved =
                    split.hasUnits
                    ? split.renumbered(try await resolve(split.rest, product: request.product))
                    : (lines: [], problems: [], duplicates: [])
                problems += resolved.problems.map {
                    LineProblem(line: $0.line + offset, scan: $0.scan, reason: $0.reason)
                }
                duplicates += resolved.duplicates.map {
                    LineProblem(line: $0.line + offset, scan: $0.scan, reason: $0.reason)
                }
                let event = newEvent(
                    request.kind, context: eventContext, location: location, destination: destination,
                    sale: request.sale,
                    lines: resolved.lines.map { EventLine(unit: $0.unit) })
                var draft = Draft(
                    event: event, lineNumbers: resolved.lines.map { $0.line + offset },
                    scans: resolved.lines.map(\.scan))
                if !split.containers.isEmpty {
                    let expanded = try await withContainers(
                        draft, named: split.containers.map { ($0.line + offset, $0.sscc) })
                    draft = expanded.draft
                    problems += expanded.problems
                }
                drafts.append(draft)
                units += draft.event.units.map(\.unit)
                containers += draft.event.containers ?? []
                offset += request.units.count
            }
            // Only the first event carries the request: one request, one marker.
            for index in drafts.indices.dropFirst() { drafts[index].event.request = nil }
            let receipt = try await commit(drafts, earlier: problems)
            return Outcome(receipt: receipt, units: units, duplicates: duplicates, containers: containers)
        }
    }
}
