/// Where an engine keeps the scans of a count or of a notice's receipt: the table of the owner (whose `state`
/// must be `open` to take scans) and the table of its numbered scans.
public enum ScanLog: String, Sendable {
    case count
    case notice

    public var header: String { self == .count ? "stock_count" : "ship_notice" }
    public var table: String { self == .count ? "count_scan" : "notice_scan" }
    public var owner: String { self == .count ? "count_id" : "notice_id" }
}
