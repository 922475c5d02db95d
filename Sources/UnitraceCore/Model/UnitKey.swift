/// The identity of one serialized unit: its product's SKU and its serial within that product
/// (the same shape as a GS1 SGTIN: a class plus a serial).
public struct UnitKey: Hashable, Sendable, Codable, Comparable {
    public var sku: String
    public var serial: String

    public init(sku: String, serial: String) {
        self.sku = sku
        self.serial = serial
    }

    /// Parses `SKU/SERIAL`. The split is at the first `/`, so a serial may itself contain `/`.
    public init?(parsing text: String) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        let sku = String(text[..<slash])
        let serial = String(text[text.index(after: slash)...])
        guard !sku.isEmpty, !serial.isEmpty else { return nil }
        self.init(sku: sku, serial: serial)
    }

    public static func < (lhs: UnitKey, rhs: UnitKey) -> Bool {
        (lhs.sku, lhs.serial) < (rhs.sku, rhs.serial)
    }
}

extension UnitKey: CustomStringConvertible {
    public var description: String { "\(sku)/\(serial)" }
}
