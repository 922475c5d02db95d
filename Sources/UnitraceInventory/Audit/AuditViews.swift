import UnitraceCore

public struct AuditJSON: Encodable, Sendable {
    public struct Check: Encodable, Sendable {
        public var check: String
        public var title: String
        public var count: Int
        public var examples: [String]
    }

    public var ok: Bool
    public var events: Int64
    public var units: Int
    public var checks: [Check]

    public init(_ report: AuditReport) {
        ok = report.ok
        events = report.events
        units = report.units
        checks = report.findings.map {
            Check(check: $0.check.rawValue, title: $0.check.title, count: $0.count, examples: $0.examples)
        }
    }

    /// In words, for the CLI.
    public var text: String {
        let failing = checks.filter { $0.count > 0 }
        var lines = [
            "audit: \(events) events, \(units) units; "
                + (failing.isEmpty
                    ? "all \(checks.count) checks pass"
                    : "\(failing.reduce(0) { $0 + $1.count }) finding(s) in \(failing.count) of \(checks.count) checks")
        ]
        for check in checks {
            let mark = check.count == 0 ? "ok" : "\(check.count) found"
            lines.append("  \(mark.padding(toLength: 9))  \(check.check): \(check.title)")
            for example in check.examples { lines.append("             \(example)") }
            if check.count > check.examples.count {
                lines.append("             … and \(check.count - check.examples.count) more")
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Padded with spaces to `length` characters (never cut).
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
