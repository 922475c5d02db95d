import UnitraceCore

extension Inventory {
    /// Declares a recorded event an error (EPCIS error declaration): a new event that names it and puts
    /// each of its units back in the state it had before. The original stays in the ledger, untouched.
    ///
    /// Only the latest event of every unit it names can be corrected; correct later ones first.
    public func correct(sequence: Int64, context: EventContext) async throws -> Outcome {
        try await retryingConflicts {
            guard sequence >= 1, let recorded = try await store.event(sequence: sequence) else {
                throw InputError(code: .unknownEvent, message: "no event with sequence \(sequence)")
            }
            let wrong = recorded.event
            try await requireUndoable(recorded)
            let states = try await store.states(of: Set(wrong.units.map(\.unit)))
            var lines: [EventLine] = []
            var problems: [LineProblem] = []
            for (index, line) in wrong.units.enumerated() {
                let key = line.unit
                guard let state = states[key] else { continue }
                guard state.version == sequence else {
                    problems.append(
                        LineProblem(
                            line: index + 1, scan: key.description,
                            reason: .rule(
                                RuleViolation(
                                    rule: .notLatestEvent, unit: key, status: state.status, event: .correct,
                                    detail: "its latest event is \(state.version)"))))
                    continue
                }
                let before = try await stateBefore(sequence: sequence, of: key)
                let restore =
                    before?.snapshot
                    ?? UnitSnapshot(status: .voided, location: wrong.location ?? state.location)
                lines.append(EventLine(unit: key, restore: restore))
            }
            guard problems.isEmpty else { throw BatchRejected(problems: problems) }
            let event = newEvent(.correct, context: context, location: nil, corrects: wrong.id, lines: lines)
            var draft = Draft(
                event: event, lineNumbers: Array(1..<(lines.count + 1)),
                scans: lines.map { $0.unit.description })
            draft.corrected = wrong
            let receipt = try await commit([draft])
            return Outcome(receipt: receipt, units: lines.map(\.unit))
        }
    }

    /// Refuses to correct what a correction cannot undo exactly: an event that moved stock and was corrected
    /// already (its quantities would go back twice), or a correction of one that moved stock or sold (record
    /// the event again instead). A unit's own history guards the rest: only its latest event can be corrected.
    func requireUndoable(_ recorded: RecordedEvent) async throws {
        let event = recorded.event
        // Packing undoes itself: an unpack takes out what a pack put in, and a container moves back by the
        // verb that moved it.
        if event.container != nil || event.containers != nil {
            let undo =
                event.kind == .pack ? "unpack it" : event.kind == .unpack ? "pack it again" : "move the container back"
            throw InputError(
                code: .packingRefused,
                message: "event \(recorded.sequence) packs, unpacks or moves containers: it is not corrected; \(undo)")
        }
        if event.kind == .install || event.kind == .remove {
            throw InputError(
                code: .invalidField,
                message:
                    "event \(recorded.sequence) \(event.kind == .install ? "installs" : "removes") components: it is not corrected; \(event.kind == .install ? "remove them" : "install them again") instead"
            )
        }
        if event.kind == .correct, let id = event.corrects, let undone = try await store.event(id: id)?.event,
            undone.quantities != nil || undone.kind == .sell
        {
            throw InputError(
                code: .invalidField,
                message:
                    "event \(recorded.sequence) corrects a sale or a movement of stock; record that event again instead of correcting the correction"
            )
        }
        guard event.quantities != nil else { return }
        var after = recorded.sequence
        while true {
            let page = try await store.events(after: after, limit: 2_000, matching: .all)
            guard let last = page.last else { return }
            if let earlier = page.first(where: { $0.event.kind == .correct && $0.event.corrects == event.id }) {
                throw InputError(
                    code: .invalidField,
                    message: "event \(recorded.sequence) was corrected already, by event \(earlier.sequence)")
            }
            after = last.sequence
        }
    }

    /// Replays a unit's history up to (not including) `sequence`.
    func stateBefore(sequence: Int64, of key: UnitKey) async throws -> UnitState? {
        var state: UnitState?
        for entry in try await store.history(of: key) where entry.sequence < sequence {
            guard let line = entry.event.units.first else { continue }
            state = try UnitLifecycle.apply(entry.event, line: line, to: state)
            state?.version = entry.sequence
        }
        if state?.status == .voided { return nil }
        return state
    }
}
