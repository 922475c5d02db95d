import UnitraceCore

/// What is wrong with one line of a batch.
public struct LineProblem: Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        case rule(RuleViolation)
        /// The scan names no unit.
        case unknownScan
        /// A bare serial that several products use; the candidates are listed.
        case ambiguous([UnitKey])
        /// The alias already names another unit (or another line of the batch).
        case aliasInUse(String, owner: UnitKey?)
        case invalid(InputError)
        /// The same unit appears again in the batch (a double scan).
        case duplicateScan(firstLine: Int)
    }

    /// 1-based line of the input (argument, file or import line).
    public var line: Int
    /// The text as scanned.
    public var scan: String
    public var reason: Reason
    /// Where the line is when it is not a line of text: an EPCIS event's JSON path.
    public var place: String?

    public init(line: Int, scan: String, reason: Reason, place: String? = nil) {
        self.line = line
        self.scan = scan
        self.reason = reason
        self.place = place
    }

    /// A stable code for scripts: the rule's code, or one of `unknown-unit`, `ambiguous-serial`,
    /// `alias-in-use`, `duplicate-scan` and the input error codes.
    public var code: String {
        switch reason {
        case .rule(let violation): violation.rule.rawValue
        case .unknownScan: RuleViolation.Rule.unknownUnit.rawValue
        case .ambiguous: "ambiguous-serial"
        case .aliasInUse: "alias-in-use"
        case .invalid(let error): error.code.rawValue
        case .duplicateScan: "duplicate-scan"
        }
    }

    public var message: String {
        switch reason {
        case .rule(let violation): "\(violation)"
        case .unknownScan: "'\(Limits.quote(scan))' names no known unit (rule unknown-unit)"
        case .ambiguous(let candidates):
            "'\(Limits.quote(scan))' is ambiguous: it names \(candidates.map(\.description).joined(separator: ", ")); scan SKU/SERIAL or pass --product"
        case .aliasInUse(let value, let owner):
            if let owner {
                "alias '\(Limits.quote(value))' already belongs to \(owner) (rule alias-in-use)"
            } else {
                "alias '\(Limits.quote(value))' appears twice in this batch (rule alias-in-use)"
            }
        case .invalid(let error): error.message
        case .duplicateScan(let first):
            "'\(Limits.quote(scan))' was already scanned on line \(first); counted once (duplicate-scan)"
        }
    }
}

extension LineProblem: CustomStringConvertible {
    public var description: String { "\(place ?? "line \(line)"): \(message)" }
}

/// A batch refused as a whole: nothing was recorded. Lists every bad line.
public struct BatchRejected: Error, Hashable, Sendable {
    public var problems: [LineProblem]

    public init(problems: [LineProblem]) {
        self.problems = problems.sorted { $0.line < $1.line }
    }
}

extension BatchRejected: CustomStringConvertible {
    public var description: String {
        "batch rejected, nothing recorded: " + problems.map(\.description).joined(separator: "; ")
    }
}

/// What a use case recorded, plus the double scans it counted once.
public struct Outcome: Hashable, Sendable {
    public var receipt: BatchReceipt
    /// The units the event(s) named, in input order.
    public var units: [UnitKey]
    /// Lines that repeated an earlier scan; they were not counted again.
    public var duplicates: [LineProblem]
    /// The containers the event(s) moved, those inside others included.
    public var containers: [String]
    /// The units an open recall lists, with those recalls: every scan of one is flagged.
    public var recalled: [UnitKey: [String]] = [:]

    public init(receipt: BatchReceipt, units: [UnitKey], duplicates: [LineProblem] = [], containers: [String] = []) {
        self.receipt = receipt
        self.units = units
        self.duplicates = duplicates
        self.containers = containers
    }
}
