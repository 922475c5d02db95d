import Foundation

/// A synthetic ledger in the export format: `products` products, `locations` warehouses, units received
/// in receipts of 100 (each line with a lot and a colour attribute), then single-unit moves round-robin
/// over the units until the ledger holds `events` events. No sequence or hash is written, so `import`
/// chains them itself — the same work it does to check the hashes of an export.
struct SyntheticLedger {
    static let products = 10
    static let locations = 20
    static let receiptSize = 100
    static let colours = ["red", "green", "blue", "black", "white", "grey", "yellow", "orange"]

    var events: Int
    var units: Int { max(Self.receiptSize, events / 10 / Self.receiptSize * Self.receiptSize) }
    var receipts: Int { units / Self.receiptSize }
    var moves: Int { events - receipts }

    static func sku(_ product: Int) -> String { "BENCH-\(product)" }
    static func location(_ index: Int) -> String { "WH-\(String(format: "%02d", index))" }
    /// Unit `index` (0-based): product `index % products`, serial `S` + 9 digits.
    static func serial(_ index: Int) -> String { "S" + String(format: "%09d", index) }
    static func sku(ofUnit index: Int) -> String { sku(index % products) }

    /// Writes the ledger to `path` as JSON Lines.
    func write(to path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let file = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot write \(path)") }
        defer { try? file.close() }
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        func flush(force: Bool = false) throws {
            if force || buffer.utf8.count > 1 << 20 {
                try file.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        for product in 0..<Self.products {
            buffer +=
                #"{"product":{"attributes":{"family":"bench"},"name":"Bench product \#(product)","sku":"\#(Self.sku(product))","tracking":"serialized"}}"#
            buffer += "\n"
        }
        for index in 0..<Self.locations {
            buffer +=
                #"{"location":{"code":"\#(Self.location(index))","kind":"warehouse","name":"Warehouse \#(index)"}}"#
            buffer += "\n"
        }
        var clock = Clock()
        var place = [UInt8](repeating: 0, count: units)
        for receipt in 0..<receipts {
            let at = receipt % Self.locations
            var line =
                #"{"actor":"bench","businessStep":"receiving","disposition":"sellable_accessible","documents":[{"id":"PO-\#(receipt)","type":"po"}],"id":"\#(Self.uuid(receipt))","kind":"receive","location":"\#(Self.location(at))","occurredAt":"\#(clock.next())","recordedAt":"\#(clock.current)","units":["#
            for offset in 0..<Self.receiptSize {
                let unit = receipt * Self.receiptSize + offset
                place[unit] = UInt8(at)
                if offset > 0 { line += "," }
                line +=
                    #"{"attributes":{"colour":"\#(Self.colours[unit % Self.colours.count])"},"lot":"LOT-\#(receipt / 10)","serial":"\#(Self.serial(unit))","sku":"\#(Self.sku(ofUnit: unit))"}"#
            }
            buffer += line + "]}\n"
            try flush()
        }
        for move in 0..<moves {
            let unit = move % units
            let to = (Int(place[unit]) + 1 + move / units) % Self.locations
            place[unit] = UInt8(to)
            buffer +=
                #"{"actor":"bench","businessStep":"storing","disposition":"sellable_accessible","documents":[],"id":"\#(Self.uuid(receipts + move))","kind":"move","location":"\#(Self.location(to))","occurredAt":"\#(clock.next())","recordedAt":"\#(clock.current)","units":[{"serial":"\#(Self.serial(unit))","sku":"\#(Self.sku(ofUnit: unit))"}]}"#
            buffer += "\n"
            try flush()
        }
        try flush(force: true)
    }

    /// A deterministic, well-formed UUID for event `index`.
    static func uuid(_ index: Int) -> String {
        let hex = String(index, radix: 16, uppercase: true)
        let tail = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        return "B0000000-0000-4000-8000-" + tail
    }

    /// One second apart, from 2026-01-01, in UTC.
    struct Clock {
        private var second = 0
        private(set) var current = ""

        mutating func next() -> String {
            second += 1
            let day = second / 86_400
            let rest = second % 86_400
            let month = day / 28 % 12 + 1
            let dayOfMonth = day % 28 + 1
            let year = 2026 + day / (28 * 12)
            current = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.000Z", year, month, dayOfMonth, rest / 3600, rest / 60 % 60,
                rest % 60)
            return current
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
