import Foundation

/// What kind of text a scan is, for `unitrace id` and for scanning units.
public enum IdentifierKind: String, Sendable, CaseIterable {
    case auto
    case gs1
    case digitalLink = "digital-link"
    case epc
    case epcHex = "epc-hex"
    case gtin
    case sscc
    case gln
    case imei
    case vin
}

/// The forms `unitrace id convert` writes.
public enum IdentifierForm: String, Sendable, CaseIterable {
    case bracketed
    case elementString = "element-string"
    case digitalLink = "digital-link"
    case epcURI = "epc-uri"
    case epcTagURI = "epc-tag-uri"
    case epcHex = "epc-hex"
}

/// Everything a scan was understood to mean. Fields are set when they apply.
public struct ParsedIdentifier: Hashable, Sendable, Encodable {
    public struct IMEIFields: Hashable, Sendable, Encodable {
        public var tac: String
        public var serial: String
        public var checkDigit: String?
        public var softwareVersion: String?
    }

    public struct VINFields: Hashable, Sendable, Encodable {
        public var wmi: String
        public var vds: String
        public var vis: String
        public var checkDigit: String
        public var checkDigitValid: Bool
    }

    public var kind: String
    public var ais: [GS1Element]?
    public var bracketed: String?
    public var elementString: String?
    public var digitalLink: String?
    public var epcURI: String?
    public var epcTagURI: String?
    public var epcHex: String?
    public var filter: Int?
    public var gtin: String?
    public var serial: String?
    public var lot: String?
    public var expiry: String?
    public var sscc: String?
    public var gln: String?
    public var imei: IMEIFields?
    public var vin: VINFields?

    init(kind: IdentifierKind) {
        self.kind = kind.rawValue
    }

    /// The GS1 data behind a GS1, Digital Link, GTIN, SSCC or GLN scan.
    public var gs1: GS1Data? { ais.map(GS1Data.init(elements:)) }
}

/// Parsing and converting the identifiers a scanner delivers.
public enum Identifiers {
    /// What `auto` takes `text` to be: `]` or `(` GS1 data, `http(s)://` a Digital Link, `urn:epc:` an EPC URI.
    public static func detect(_ text: String) -> IdentifierKind? {
        if text.hasPrefix("]") || text.hasPrefix("(") { return .gs1 }
        // A scanner that sends no symbology identifier still sends group separators between AIs.
        if text.utf8.contains(GS1.groupSeparator), text.utf8.first.map(AIChecks.isDigit) == true { return .gs1 }
        if text.hasPrefix("http://") || text.hasPrefix("https://") { return .digitalLink }
        if text.hasPrefix("urn:epc:") { return .epc }
        return nil
    }

    /// Parses `text` as `kind`.
    /// - Parameter syntaxOnly: for GS1 data, check each AI alone, not the rules between AIs.
    /// - Throws: ``InputError`` saying what is wrong and where.
    /// - Parameter companyPrefixLength: for GS1 data, also give the EPC forms (needs the GS1 Company Prefix
    ///   length, which GS1 data does not carry).
    public static func parse(
        _ text: String, as kind: IdentifierKind = .auto, syntaxOnly: Bool = false,
        stem: String = DigitalLink.defaultStem, companyPrefixLength: Int? = nil
    ) throws(InputError) -> ParsedIdentifier {
        // Scanners end a read with CR, LF or Tab, and people paste spaces around it: none of them can be part
        // of GS1 data, an EPC, an IMEI or a VIN, so they are dropped.
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw InputError(code: .invalidIdentifier, message: "nothing to parse: the text is empty")
        }
        guard text.utf8.count <= 4096 else {
            throw InputError(
                code: .invalidIdentifier, message: "the text is \(text.utf8.count) bytes long, at most 4096 are read")
        }
        var resolved = kind
        if kind == .auto {
            guard let detected = detect(text) else {
                throw InputError(
                    code: .invalidIdentifier,
                    message:
                        "cannot tell what '\(text.prefix(40))' is: GS1 data starts with ']' or '(', a Digital Link with https://, an EPC with urn:epc:; otherwise pass --as"
                )
            }
            resolved = detected
        }
        var result = ParsedIdentifier(kind: resolved)
        switch resolved {
        case .auto:
            break
        case .gs1:
            fill(&result, with: try GS1.parse(text, syntaxOnly: syntaxOnly), stem: stem)
            try fillEPC(&result, companyPrefixLength: companyPrefixLength)
        case .digitalLink:
            fill(&result, with: try DigitalLink.parse(text, syntaxOnly: syntaxOnly), stem: stem)
            try fillEPC(&result, companyPrefixLength: companyPrefixLength)
        case .gtin, .sscc, .gln:
            let ai = resolved == .gtin ? "01" : resolved == .sscc ? "00" : "414"
            let lengths = resolved == .gtin ? [8, 12, 13, 14] : resolved == .sscc ? [18] : [13]
            let digits = Array(text.utf8)
            let name = resolved.rawValue.uppercased()
            guard lengths.contains(digits.count) else {
                let allowed = lengths.map(String.init).joined(separator: ", ")
                throw InputError(
                    code: .invalidIdentifier, message: "\(name) must have \(allowed) digits, got \(digits.count)")
            }
            if let bad = digits.firstIndex(where: { !AIChecks.isDigit($0) }) {
                throw InputError(
                    code: .invalidIdentifier,
                    message:
                        "\(name): character \(AIChecks.describe(digits[bad])) at position \(bad + 1) is not a digit")
            }
            let value = String(repeating: "0", count: lengths.max()! - digits.count) + text
            fill(&result, with: try GS1.validate([GS1Element(ai: ai, value: value)], syntaxOnly: true), stem: stem)
        case .imei:
            let imei = try IMEI(parsing: text)
            result.imei = .init(
                tac: imei.tac, serial: imei.serial, checkDigit: imei.checkDigit, softwareVersion: imei.softwareVersion)
        case .vin:
            let vin = try VehicleIdentification(parsing: text)
            result.vin = .init(
                wmi: vin.wmi, vds: vin.vds, vis: vin.vis, checkDigit: vin.checkDigit,
                checkDigitValid: vin.checkDigitValid)
        case .epc:
            fill(&result, with: try EPC.parse(uri: text))
        case .epcHex:
            fill(&result, with: try EPC.decode(hex: text))
        }
        return result
    }

    static func fill(_ result: inout ParsedIdentifier, with epc: EPC) {
        if let data = epc.gs1 { fill(&result, with: data, stem: DigitalLink.defaultStem) }
        result.epcURI = epc.pureIdentityURI
        if let scheme = epc.scheme, let filter = epc.filter ?? (epc.kind == .gid ? 0 : nil) {
            result.epcTagURI = try? epc.tagURI(scheme: scheme, filter: filter)
            result.epcHex = try? epc.encode(scheme: scheme, filter: filter)
            result.filter = epc.kind == .gid ? nil : filter
        }
    }

    /// Adds the EPC forms of GS1 data when the company prefix length is known: the pure identity, and the
    /// default binary scheme with filter 0.
    static func fillEPC(_ result: inout ParsedIdentifier, companyPrefixLength: Int?) throws(InputError) {
        guard let companyPrefixLength, let data = result.gs1 else { return }
        let epc = try EPC.from(data, companyPrefixLength: companyPrefixLength)
        result.epcURI = epc.pureIdentityURI
        if let scheme = epc.defaultScheme {
            result.epcTagURI = try epc.tagURI(scheme: scheme, filter: 0)
            result.epcHex = try epc.encode(scheme: scheme, filter: 0)
            result.filter = 0
        }
    }

    static func fill(_ result: inout ParsedIdentifier, with data: GS1Data, stem: String) {
        result.ais = data.elements
        result.bracketed = data.bracketed
        result.elementString = data.elementString
        result.digitalLink = try? DigitalLink.make(data, stem: stem)
        result.gtin = data.gtin
        result.serial = data.serial
        result.lot = data.lot
        result.expiry = data.expiry
        result.sscc = data.sscc
        result.gln = data.gln
    }

    /// Parses `text` (as `kind`) and writes it as `form`.
    /// - Throws: ``InputError`` when `text` is invalid or cannot be written in that form.
    /// - Parameters:
    ///   - scheme: for the tag forms, the binary scheme (`sgtin-96`, …); by default the one the input used, or
    ///     the 96-bit scheme when the values fit it.
    ///   - filter: for the tag forms, the filter value; by default the input's, or 0.
    public static func convert(
        _ text: String, as kind: IdentifierKind = .auto, to form: IdentifierForm, syntaxOnly: Bool = false,
        stem: String = DigitalLink.defaultStem, scheme: String? = nil, filter: Int? = nil,
        companyPrefixLength: Int? = nil
    ) throws(InputError) -> String {
        let parsed = try parse(text, as: kind, syntaxOnly: syntaxOnly, stem: stem)
        switch form {
        case .bracketed, .elementString, .digitalLink:
            guard let data = parsed.gs1 else {
                throw InputError(code: .invalidIdentifier, message: "a \(parsed.kind) cannot be written as GS1 data")
            }
            switch form {
            case .bracketed: return data.bracketed
            case .elementString: return data.elementString
            default: return try DigitalLink.make(data, stem: stem)
            }
        case .epcURI, .epcTagURI, .epcHex:
            let epc: EPC
            switch parsed.kind {
            case IdentifierKind.epc.rawValue: epc = try EPC.parse(uri: text)
            case IdentifierKind.epcHex.rawValue: epc = try EPC.decode(hex: text)
            default:
                guard let data = parsed.gs1 else {
                    throw InputError(code: .invalidIdentifier, message: "a \(parsed.kind) has no EPC")
                }
                guard let companyPrefixLength else {
                    throw InputError(
                        code: .invalidField,
                        message:
                            "converting GS1 data to an EPC needs --company-prefix-length (the length of the GS1 Company Prefix)"
                    )
                }
                epc = try EPC.from(data, companyPrefixLength: companyPrefixLength)
            }
            if form == .epcURI { return epc.pureIdentityURI }
            var chosen = epc.scheme ?? epc.defaultScheme
            if let scheme {
                guard let named = EPCScheme.named(scheme) else {
                    let names = EPCScheme.all.map(\.name).joined(separator: ", ")
                    throw InputError(code: .invalidField, message: "--scheme must be one of \(names); got '\(scheme)'")
                }
                chosen = named
            }
            guard let chosen else {
                throw InputError(
                    code: .invalidIdentifier,
                    message:
                        "the Tag Data Standard gives \(epc.kind.rawValue.uppercased()) no binary encoding, only its URI"
                )
            }
            let value = filter ?? epc.filter ?? 0
            return form == .epcTagURI
                ? try epc.tagURI(scheme: chosen, filter: value) : try epc.encode(scheme: chosen, filter: value)
        }
    }
}
