import Foundation
import SwiftCSV
import UnitraceCore

/// A notice as a supplier's file or a client gives it, before it is checked: every field as written.
public struct NoticeRequest: Hashable, Sendable, Codable {
    public var id: String
    /// `asn` (the default) or `po`.
    public var type: String?
    public var supplier: String
    public var order: String?
    public var orderedOn: String?
    public var expectedOn: String?
    public var location: String?
    public var lines: [Line]

    /// One announced line: a product with a `serial`, or with a `quantity` (and its `lot`). In JSON the
    /// product is `product`, as everywhere in the API.
    public struct Line: Hashable, Sendable, Codable {
        private enum CodingKeys: String, CodingKey {
            case sku = "product"
            case serial, lot, quantity, expiry, madeOn
        }

        public var sku: String
        public var serial: String?
        public var lot: String?
        public var quantity: String?
        public var expiry: String?
        public var madeOn: String?

        public init(
            sku: String, serial: String? = nil, lot: String? = nil, quantity: String? = nil, expiry: String? = nil,
            madeOn: String? = nil
        ) {
            self.sku = sku
            self.serial = serial
            self.lot = lot
            self.quantity = quantity
            self.expiry = expiry
            self.madeOn = madeOn
        }
    }

    public init(
        id: String, type: String? = nil, supplier: String, order: String? = nil, orderedOn: String? = nil,
        expectedOn: String? = nil, location: String? = nil, lines: [Line]
    ) {
        self.id = id
        self.type = type
        self.supplier = supplier
        self.order = order
        self.orderedOn = orderedOn
        self.expectedOn = expectedOn
        self.location = location
        self.lines = lines
    }

    /// The columns a CSV notice may have, one line per row: `product` (or `sku`) and either `serial` or
    /// `quantity`.
    public static let csvColumns = ["product", "sku", "serial", "lot", "quantity", "expiry", "made_on"]

    /// Reads the lines of a CSV notice (a header row naming ``csvColumns``, then one announced line per
    /// row); the notice's own fields come from `header`.
    /// - Throws: ``InputError`` naming an unknown or missing column, or a file that is not CSV.
    public static func csv(_ text: String, header: NoticeRequest) throws(InputError) -> NoticeRequest {
        let table: CSV<Enumerated>
        do {
            table = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw InputError(code: .malformedImport, message: "the notice is not readable CSV: \(error)")
        }
        let names = table.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for name in names where !csvColumns.contains(name) {
            throw InputError(
                code: .malformedImport,
                message:
                    "unknown column '\(Limits.quote(name))' in the notice; the columns are \(csvColumns.joined(separator: ", "))"
            )
        }
        guard let productColumn = names.first(where: { $0 == "product" || $0 == "sku" }) else {
            throw InputError(code: .malformedImport, message: "the notice has no 'product' column")
        }
        var request = header
        request.lines = []
        for (index, row) in table.rows.enumerated() {
            func value(_ name: String) -> String? {
                guard let column = names.firstIndex(of: name), column < row.count else { return nil }
                let text = row[column].trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            guard row.count == names.count else {
                throw InputError(
                    code: .malformedImport,
                    message: "row \(index + 2) of the notice has \(row.count) fields; the header names \(names.count)")
            }
            request.lines.append(
                Line(
                    sku: value(productColumn) ?? "", serial: value("serial"), lot: value("lot"),
                    quantity: value("quantity"),
                    expiry: value("expiry"), madeOn: value("made_on")))
        }
        return request
    }

    /// Reads a JSON notice. - Throws: ``InputError`` naming what is wrong with it.
    public static func json(_ data: Data) throws(InputError) -> NoticeRequest {
        do {
            return try JSONDecoder().decode(NoticeRequest.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw InputError(
                code: .malformedImport,
                message: "the notice lacks '\(key.stringValue)'\(Self.path(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw InputError(
                code: .malformedImport, message: "the notice has a wrong value\(Self.path(context.codingPath))")
        } catch {
            throw InputError(code: .malformedImport, message: "the notice is not readable JSON")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "" : " at " + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
