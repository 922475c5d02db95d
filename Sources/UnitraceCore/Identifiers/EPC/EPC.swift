import Foundation

/// An Electronic Product Code: the identity an RFID tag carries, as the GS1 EPC Tag Data Standard defines
/// it. Read from pure-identity URIs (`urn:epc:id:sgtin:…`), tag URIs (`urn:epc:tag:sgtin-96:…`), the
/// `lgtin` class URI, or the tag's binary encoding in hexadecimal; written back to all of them and to GS1
/// element strings.
public struct EPC: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case sgtin, sscc, sgln, grai, giai, gsrn, gsrnp, gdti, sgcn, cpi, gid
        /// A class of trade items: GTIN plus lot (`urn:epc:class:lgtin:…`).
        case lgtin
        /// An individual trade item piece: GTIN, piece and total, serial (AI 8006 + 21).
        case itip
        /// A shipment (AI 402), a consignment (AI 401), a party (AI 417).
        case gsin, ginc, pgln
        /// A pack of a trade item with its third-party-controlled serial (AI 01 + 235).
        case upui
        /// A vessel by its IMO number, a freight container by its ISO 6346 (BIC) code: no GS1 company prefix.
        case imovn, bic
        /// A US Department of Defense asset: CAGE or DoDAAC code and serial.
        case usdod
        /// An aerospace and defence part: CAGE or DoDAAC code, original part number (may be empty), serial.
        case adi

        /// The largest filter value its tag encodings take.
        var highestFilter: Int {
            switch self {
            case .usdod: 15
            case .adi: 63
            default: 7
            }
        }

        /// How many `.`-separated fields its pure-identity URI has.
        var uriFieldCount: Int {
            switch self {
            case .imovn, .bic: 1
            case .sscc, .giai, .gsrn, .gsrnp, .gsin, .ginc, .pgln, .usdod: 2
            case .itip: 5
            default: 3
            }
        }
    }

    public var kind: Kind
    /// The GS1 Company Prefix (for GID, the General Manager Number).
    public var companyPrefix: String
    /// Item reference with indicator, serial reference with extension digit, location reference, asset type,
    /// individual asset reference, service reference, document type, coupon reference, component/part
    /// reference; for GID the object class.
    public var reference: String
    /// Serial number, SGLN extension, LGTIN lot or UPUI third-party serial (TPX); `nil` for the keys without
    /// one. For IMOVN and BIC, `reference` holds the whole identifier and `companyPrefix` is empty; for USDOD,
    /// `companyPrefix` is the CAGE or DoDAAC code and `reference` the serial; for ADI, `companyPrefix` is the
    /// CAGE or DoDAAC code and `reference` the original part number.
    public var serial: String?
    /// For an ITIP: the piece and the total, two digits each (`0102`: piece 1 of 2).
    public var pieceOfTotal: String?
    /// The filter value a tag carried (0–7).
    public var filter: Int?
    /// The binary scheme a tag used.
    public var scheme: EPCScheme?

    public init(
        kind: Kind, companyPrefix: String, reference: String, serial: String? = nil, filter: Int? = nil,
        scheme: EPCScheme? = nil, pieceOfTotal: String? = nil
    ) {
        self.pieceOfTotal = pieceOfTotal
        self.kind = kind
        self.companyPrefix = companyPrefix
        self.reference = reference
        self.serial = serial
        self.filter = filter
        self.scheme = scheme
    }

    static func fail(_ message: String) -> InputError {
        InputError(code: .invalidIdentifier, message: "EPC: \(message)")
    }

    static func isDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (48...57).contains($0) }
    }

    // MARK: URIs

    /// The fields after the scheme in a URI, in order.
    var uriFields: [String] {
        switch kind.uriFieldCount {
        case 1: return [EPC.escape(reference)]
        case 2: return [companyPrefix, EPC.escape(reference)]
        case 5:
            let pieces = Array(pieceOfTotal ?? "")
            return [
                companyPrefix, reference, String(pieces.prefix(2)), String(pieces.dropFirst(2)),
                EPC.escape(serial ?? ""),
            ]
        default: return [companyPrefix, EPC.escape(reference), EPC.escape(serial ?? "")]
        }
    }

    /// `urn:epc:id:sgtin:0614141.812345.6789` (for an LGTIN, its class URI).
    public var pureIdentityURI: String {
        if kind == .lgtin { return "urn:epc:class:lgtin:" + uriFields.joined(separator: ".") }
        return "urn:epc:id:\(kind.rawValue):" + uriFields.joined(separator: ".")
    }

    /// `urn:epc:tag:sgtin-96:3.0614141.812345.6789`, for the binary `scheme` and `filter`.
    public func tagURI(scheme: EPCScheme, filter: Int) throws(InputError) -> String {
        _ = try encode(scheme: scheme, filter: filter)
        let fields = scheme.kind == .gid ? uriFields : [String(filter)] + uriFields
        return "urn:epc:tag:\(scheme.name):" + fields.joined(separator: ".")
    }

    /// Characters a URI field must escape (TDS §5): `"`, `#`, `%`, `&`, `/`, `<`, `>`, `?`.
    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case 0x22, 0x23, 0x25, 0x26, 0x2F, 0x3C, 0x3E, 0x3F: result += String(format: "%%%02X", byte)
            default: result.append(Character(Unicode.Scalar(byte)))
            }
        }
        return result
    }

    static func unescape(_ text: Substring, field: String) throws(InputError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == 0x25 {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { throw fail("\(field) has a '%' that is not followed by two hex digits") }
                bytes.append(value)
            } else {
                guard AIChecks.isCSET82(byte) else {
                    throw fail("\(field) has character \(AIChecks.describe(byte)), which is not allowed")
                }
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses a pure-identity URI, a tag URI or an `lgtin` class URI.
    /// - Throws: ``InputError`` naming what is wrong.
    public static func parse(uri: String) throws(InputError) -> EPC {
        let parts = uri.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "urn", parts[1] == "epc" else {
            throw fail("'\(uri.prefix(40))' is not an EPC URI (urn:epc:id:…, urn:epc:tag:…, urn:epc:class:lgtin:…)")
        }
        var fields = parts[4].split(separator: ".", omittingEmptySubsequences: false)
        var filter: Int?
        var scheme: EPCScheme?
        let kind: Kind
        switch parts[2] {
        case "id":
            guard let value = Kind(rawValue: String(parts[3])), value != .lgtin else {
                throw fail("'\(parts[3])' is not an EPC scheme Unitrace reads")
            }
            kind = value
        case "class":
            guard parts[3] == "lgtin" else { throw fail("only the lgtin class URI is read, not '\(parts[3])'") }
            kind = .lgtin
        case "tag":
            guard let named = EPCScheme.named(String(parts[3])) else {
                throw fail("'\(parts[3])' is not an EPC binary scheme Unitrace reads")
            }
            scheme = named
            kind = named.kind
            if kind != .gid {
                let highest = kind.highestFilter
                guard let first = fields.first, let value = Int(first), (0...highest).contains(value),
                    first == String(value)
                else {
                    throw fail("the filter value must be a number from 0 to \(highest)")
                }
                filter = value
                fields.removeFirst()
            }
        default:
            throw fail("'\(parts[2])' is not id, tag or class")
        }
        let expected = kind.uriFieldCount
        guard fields.count == expected else {
            throw fail(
                "a \(kind.rawValue) URI has \(expected) field\(expected == 1 ? "" : "s") separated by '.', got \(fields.count)"
            )
        }
        let epc: EPC
        switch expected {
        case 1:
            epc = EPC(kind: kind, companyPrefix: "", reference: try unescape(fields[0], field: "the identifier"))
        case 5:
            guard fields[2].utf8.count == 2, fields[3].utf8.count == 2, isDigits(fields[2]), isDigits(fields[3]) else {
                throw fail("an ITIP's piece and total are two digits each")
            }
            epc = EPC(
                kind: kind, companyPrefix: String(fields[0]), reference: String(fields[1]),
                serial: try unescape(fields[4], field: "the serial"), filter: filter, scheme: scheme,
                pieceOfTotal: String(fields[2] + fields[3]))
        default:
            epc = EPC(
                kind: kind, companyPrefix: String(fields[0]),
                reference: try unescape(fields[1], field: "the reference"),
                serial: expected == 3 ? try unescape(fields[2], field: "the serial") : nil, filter: filter,
                scheme: scheme)
        }
        try epc.validate()
        if let scheme, let filter { _ = try epc.encode(scheme: scheme, filter: filter) }
        return epc
    }

    /// Checks field lengths and content against the scheme's rules.
    func validate() throws(InputError) {
        switch kind {
        case .imovn:
            try EPC.validateIMO(reference)
            return
        case .bic:
            try EPC.validateBIC(reference)
            return
        case .adi:
            try EPC.validateADI(cage: companyPrefix, part: reference, serial: serial ?? "")
            return
        case .usdod:
            let allowed = companyPrefix.utf8.allSatisfy {
                (48...57).contains($0) || ((65...90).contains($0) && $0 != 73 && $0 != 79)
            }
            guard (5...6).contains(companyPrefix.utf8.count), allowed else {
                throw EPC.fail(
                    "a CAGE or DoDAAC code is 5 or 6 digits and capitals (no I or O), got '\(companyPrefix)'")
            }
            guard EPC.isDigits(reference), let number = UInt64(reference), number < UInt64(1) << 36,
                reference == String(number)
            else {
                throw EPC.fail("a USDOD serial is a decimal number below 2^36 without leading zeros")
            }
            return
        default:
            break
        }
        if kind == .gid {
            for (name, value, limit) in [
                ("General Manager Number", companyPrefix, UInt64(1) << 28),
                ("Object Class", reference, UInt64(1) << 24),
                ("serial", serial ?? "", UInt64(1) << 36),
            ] {
                guard EPC.isDigits(value), let number = UInt64(value), number < limit, value == String(number) else {
                    throw EPC.fail(
                        "GID \(name) '\(value)' must be a decimal number below \(limit) without leading zeros")
                }
            }
            return
        }
        guard EPC.isDigits(companyPrefix), (6...12).contains(companyPrefix.count) else {
            throw EPC.fail("the GS1 Company Prefix '\(companyPrefix)' must be 6 to 12 digits")
        }
        let total: Int?
        switch kind {
        case .sgtin, .lgtin, .itip, .upui: total = 13
        case .sscc, .gsrn, .gsrnp: total = 17
        case .gsin: total = 16
        case .sgln, .grai, .gdti, .sgcn, .pgln: total = 12
        default: total = nil
        }
        if let total {
            guard EPC.isDigits(reference) || (reference.isEmpty && companyPrefix.count == total) else {
                throw EPC.fail("the reference '\(reference)' must be digits")
            }
            guard companyPrefix.count + reference.count == total else {
                throw EPC.fail(
                    "company prefix and reference must have \(total) digits together, got \(companyPrefix.count + reference.count)"
                )
            }
        }
        switch kind {
        case .itip:
            guard let pieces = pieceOfTotal, pieces.utf8.count == 4, EPC.isDigits(pieces) else {
                throw EPC.fail("an ITIP needs its piece and total, two digits each")
            }
            let piece = Int(pieces.prefix(2))!
            let total = Int(pieces.suffix(2))!
            guard piece >= 1, total >= 1, piece <= total else {
                throw EPC.fail("piece \(piece) of \(total) is not a piece of the total")
            }
            guard let serial, !serial.isEmpty, serial.utf8.count <= 20, serial.utf8.allSatisfy(AIChecks.isCSET82) else {
                throw EPC.fail("the serial must be 1 to 20 characters of GS1 set 82")
            }
        case .upui:
            guard let serial, !serial.isEmpty, serial.utf8.count <= 28, serial.utf8.allSatisfy(AIChecks.isCSET82) else {
                throw EPC.fail("the third-party serial (TPX) must be 1 to 28 characters of GS1 set 82")
            }
        case .ginc:
            guard !reference.isEmpty, companyPrefix.count + reference.count <= 30 else {
                throw EPC.fail("a GINC has at most 30 characters")
            }
            try AIChecks.validate(Array((companyPrefix + reference).utf8), for: AIDefinition.all["401"]!)
        case .giai:
            guard !reference.isEmpty, companyPrefix.count + reference.count <= 30 else {
                throw EPC.fail("a GIAI has at most 30 characters")
            }
            try AIChecks.validate(Array((companyPrefix + reference).utf8), for: AIDefinition.all["8004"]!)
        case .cpi:
            guard !reference.isEmpty,
                reference.utf8.allSatisfy({
                    (48...57).contains($0) || (65...90).contains($0) || [0x23, 0x2D, 0x2F].contains($0)
                }),
                companyPrefix.count + reference.count <= 30
            else {
                throw EPC.fail(
                    "a CPI part reference holds digits, capitals, '#', '-' and '/', at most 30 with the prefix")
            }
            guard let serial, EPC.isDigits(serial), serial.count <= 12, serial == "0" || !serial.hasPrefix("0") else {
                throw EPC.fail("a CPI serial is 1 to 12 digits, without leading zeros")
            }
        case .sgtin, .grai, .gdti, .sgln, .lgtin:
            let limit = [.sgtin: 20, .grai: 16, .gdti: 17, .sgln: 20, .lgtin: 20][kind]!
            guard let serial, !serial.isEmpty, serial.utf8.count <= limit, serial.utf8.allSatisfy(AIChecks.isCSET82)
            else {
                throw EPC.fail(
                    "the \(kind == .sgln ? "extension" : kind == .lgtin ? "lot" : "serial") must be 1 to \(limit) characters of GS1 set 82"
                )
            }
        case .sgcn:
            guard let serial, EPC.isDigits(serial), serial.count <= 12 else {
                throw EPC.fail("an SGCN serial is 1 to 12 digits")
            }
        default:
            break
        }
    }

    // MARK: GS1

    /// The GS1 data of this EPC (`nil` for GID, which has no GS1 equivalent).
    public var gs1: GS1Data? {
        func withCheck(_ body: String) -> String {
            body + String(GS1.checkDigit(of: body.utf8.map { Int($0) - 48 }))
        }
        var elements: [GS1Element] = []
        switch kind {
        case .sgtin, .lgtin:
            let gtin = withCheck(String(reference.prefix(1)) + companyPrefix + String(reference.dropFirst()))
            elements = [
                GS1Element(ai: "01", value: gtin), GS1Element(ai: kind == .sgtin ? "21" : "10", value: serial ?? ""),
            ]
        case .sscc:
            elements = [
                GS1Element(
                    ai: "00",
                    value: withCheck(String(reference.prefix(1)) + companyPrefix + String(reference.dropFirst())))
            ]
        case .sgln:
            elements = [GS1Element(ai: "414", value: withCheck(companyPrefix + reference))]
            if let serial, serial != "0" { elements.append(GS1Element(ai: "254", value: serial)) }
        case .grai:
            elements = [GS1Element(ai: "8003", value: "0" + withCheck(companyPrefix + reference) + (serial ?? ""))]
        case .giai:
            elements = [GS1Element(ai: "8004", value: companyPrefix + reference)]
        case .gsrn, .gsrnp:
            elements = [GS1Element(ai: kind == .gsrn ? "8018" : "8017", value: withCheck(companyPrefix + reference))]
        case .gdti:
            elements = [GS1Element(ai: "253", value: withCheck(companyPrefix + reference) + (serial ?? ""))]
        case .sgcn:
            elements = [GS1Element(ai: "255", value: withCheck(companyPrefix + reference) + (serial ?? ""))]
        case .cpi:
            elements = [
                GS1Element(ai: "8010", value: companyPrefix + reference), GS1Element(ai: "8011", value: serial ?? ""),
            ]
        case .itip:
            let gtin = withCheck(String(reference.prefix(1)) + companyPrefix + String(reference.dropFirst()))
            elements = [
                GS1Element(ai: "8006", value: gtin + (pieceOfTotal ?? "")), GS1Element(ai: "21", value: serial ?? ""),
            ]
        case .upui:
            let gtin = withCheck(String(reference.prefix(1)) + companyPrefix + String(reference.dropFirst()))
            elements = [GS1Element(ai: "01", value: gtin), GS1Element(ai: "235", value: serial ?? "")]
        case .gsin:
            elements = [GS1Element(ai: "402", value: withCheck(companyPrefix + reference))]
        case .ginc:
            elements = [GS1Element(ai: "401", value: companyPrefix + reference)]
        case .pgln:
            elements = [GS1Element(ai: "417", value: withCheck(companyPrefix + reference))]
        case .gid, .imovn, .bic, .usdod, .adi:
            return nil
        }
        return GS1Data(elements: elements)
    }

    /// The EPC that GS1 data names, given the length of its GS1 Company Prefix.
    /// - Throws: ``InputError`` when the data names nothing with an EPC, or the prefix length does not fit.
    public static func from(_ data: GS1Data, companyPrefixLength length: Int) throws(InputError) -> EPC {
        guard (6...12).contains(length) else {
            throw fail("the GS1 Company Prefix length must be 6 to 12, got \(length)")
        }
        func cut(_ value: String, _ from: Int, _ to: Int) -> String {
            let bytes = Array(value.utf8)
            return String(decoding: bytes[min(from, bytes.count)..<min(to, bytes.count)], as: UTF8.self)
        }
        let epc: EPC
        if let itip = data.value("8006") {
            guard let serial = data.serial else { throw fail("an ITIP needs a serial (21) to have an EPC") }
            epc = EPC(
                kind: .itip, companyPrefix: cut(itip, 1, 1 + length),
                reference: cut(itip, 0, 1) + cut(itip, 1 + length, 13), serial: serial, pieceOfTotal: cut(itip, 14, 18))
        } else if let gtin = data.gtin, let tpx = data.value("235") {
            epc = EPC(
                kind: .upui, companyPrefix: cut(gtin, 1, 1 + length),
                reference: cut(gtin, 0, 1) + cut(gtin, 1 + length, 13), serial: tpx)
        } else if let gtin = data.gtin {
            let lot = data.lot
            guard let serial = data.serial ?? lot else {
                throw fail("a GTIN needs a serial (21) or a lot (10) to have an EPC")
            }
            epc = EPC(
                kind: data.serial != nil ? .sgtin : .lgtin, companyPrefix: cut(gtin, 1, 1 + length),
                reference: cut(gtin, 0, 1) + cut(gtin, 1 + length, 13), serial: serial)
        } else if let sscc = data.sscc {
            epc = EPC(
                kind: .sscc, companyPrefix: cut(sscc, 1, 1 + length),
                reference: cut(sscc, 0, 1) + cut(sscc, 1 + length, 17))
        } else if let gln = data.value("414") {
            epc = EPC(
                kind: .sgln, companyPrefix: cut(gln, 0, length), reference: cut(gln, length, 12),
                serial: data.value("254") ?? "0")
        } else if let grai = data.value("8003") {
            epc = EPC(
                kind: .grai, companyPrefix: cut(grai, 1, 1 + length), reference: cut(grai, 1 + length, 13),
                serial: cut(grai, 14, 99))
        } else if let giai = data.value("8004") {
            epc = EPC(kind: .giai, companyPrefix: cut(giai, 0, length), reference: cut(giai, length, 99))
        } else if let gsrn = data.value("8018") ?? data.value("8017") {
            epc = EPC(
                kind: data.value("8018") != nil ? .gsrn : .gsrnp, companyPrefix: cut(gsrn, 0, length),
                reference: cut(gsrn, length, 17))
        } else if let gdti = data.value("253") {
            epc = EPC(
                kind: .gdti, companyPrefix: cut(gdti, 0, length), reference: cut(gdti, length, 12),
                serial: cut(gdti, 13, 99))
        } else if let gcn = data.value("255") {
            epc = EPC(
                kind: .sgcn, companyPrefix: cut(gcn, 0, length), reference: cut(gcn, length, 12),
                serial: cut(gcn, 13, 99))
        } else if let cpi = data.value("8010"), let serial = data.value("8011") {
            epc = EPC(kind: .cpi, companyPrefix: cut(cpi, 0, length), reference: cut(cpi, length, 99), serial: serial)
        } else if let gsin = data.value("402") {
            epc = EPC(kind: .gsin, companyPrefix: cut(gsin, 0, length), reference: cut(gsin, length, 16))
        } else if let ginc = data.value("401") {
            epc = EPC(kind: .ginc, companyPrefix: cut(ginc, 0, length), reference: cut(ginc, length, 99))
        } else if let pgln = data.value("417") {
            epc = EPC(kind: .pgln, companyPrefix: cut(pgln, 0, length), reference: cut(pgln, length, 12))
        } else {
            throw fail(
                "the GS1 data holds no key with an EPC (GTIN with serial, lot or TPX, ITIP, SSCC, GLN, party GLN, GRAI, GIAI, GSRN, GDTI, GCN, CPID, GSIN, GINC)"
            )
        }
        if [.grai, .gdti, .sgcn].contains(epc.kind), epc.serial?.isEmpty ?? true {
            throw fail("a \(epc.kind.rawValue.uppercased()) needs its serial component to have an EPC")
        }
        try epc.validate()
        return epc
    }

    /// The binary scheme used when none is named: the shortest one the values fit, else the longest; `nil`
    /// for the EPCs the Tag Data Standard gives no binary encoding (LGTIN, GSIN, GINC, PGLN, UPUI, IMOVN, BIC).
    public var defaultScheme: EPCScheme? {
        let candidates = EPCScheme.all.filter { $0.kind == kind }
        return candidates.first { (try? encode(scheme: $0, filter: 0)) != nil } ?? candidates.last
    }

    /// The characters of an ADI field: capitals, digits, `-` and `/`.
    static func isADICharacter(_ byte: UInt8) -> Bool {
        (65...90).contains(byte) || AIChecks.isDigit(byte) || byte == 0x2D || byte == 0x2F
    }

    /// ADI (TDS): a CAGE (5) or DoDAAC (6) code of capitals and digits without I and O; an original part
    /// number of up to 32 characters, possibly empty; a serial of 1 to 30 characters, which may start with `#`
    /// (unique within the CAGE rather than the part).
    static func validateADI(cage: String, part: String, serial: String) throws(InputError) {
        let code = Array(cage.utf8)
        guard (5...6).contains(code.count),
            code.allSatisfy({ AIChecks.isDigit($0) || ((65...90).contains($0) && $0 != 73 && $0 != 79) })
        else {
            throw fail("a CAGE or DoDAAC code is 5 or 6 digits and capitals (no I or O), got '\(cage.prefix(20))'")
        }
        guard part.utf8.count <= 32, part.utf8.allSatisfy(isADICharacter) else {
            throw fail("an ADI part number is at most 32 capitals, digits, '-' and '/'")
        }
        var body = Array(serial.utf8)
        if body.first == 0x23 { body.removeFirst() }
        guard !body.isEmpty, serial.utf8.count <= 30, body.allSatisfy(isADICharacter) else {
            throw fail("an ADI serial is 1 to 30 capitals, digits, '-' and '/', optionally after a leading '#'")
        }
    }

    /// An IMO ship identification number: seven digits, the last a check digit (the first six weighted 7 to 2).
    static func validateIMO(_ text: String) throws(InputError) {
        let digits = text.utf8.map { Int($0) - 48 }
        guard digits.count == 7, digits.allSatisfy({ (0...9).contains($0) }) else {
            throw fail("an IMO number is 7 digits, got '\(text.prefix(20))'")
        }
        let sum = zip(digits.prefix(6), [7, 6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 }
        guard sum % 10 == digits[6] else {
            throw fail("IMO number check digit is \(digits[6]), expected \(sum % 10)")
        }
    }

    /// An ISO 6346 (BIC) container code: owner code (3 capitals), category (U, J or Z), 6 digits, check digit.
    static func validateBIC(_ text: String) throws(InputError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 11, bytes[0..<3].allSatisfy({ (65...90).contains($0) }), [85, 74, 90].contains(bytes[3]),
            bytes[4...].allSatisfy(AIChecks.isDigit)
        else {
            throw fail(
                "a BIC container code is 3 capitals, U, J or Z, 6 digits and a check digit, got '\(text.prefix(20))'")
        }
        // Letters count from 10, skipping the multiples of 11; each position weighs 2^position.
        let letters = [
            10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38,
        ]
        var sum = 0
        for (position, byte) in bytes.prefix(10).enumerated() {
            let value = (65...90).contains(byte) ? letters[Int(byte) - 65] : Int(byte) - 48
            sum += value << position
        }
        let check = sum % 11 % 10
        guard Int(bytes[10]) - 48 == check else {
            throw fail("BIC container code check digit is \(Int(bytes[10]) - 48), expected \(check)")
        }
    }
}
