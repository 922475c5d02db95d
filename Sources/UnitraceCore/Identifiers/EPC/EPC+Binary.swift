import Foundation

extension EPC {
    /// The tag's EPC memory in upper-case hexadecimal, padded to whole 16-bit words.
    /// - Throws: ``InputError`` when a value does not fit `scheme` (a serial with leading zeros or letters in
    ///   a 96-bit scheme, a reference too long, …).
    public func encode(scheme: EPCScheme, filter: Int) throws(InputError) -> String {
        guard scheme.kind == kind else { throw EPC.fail("a \(kind.rawValue) cannot be written as \(scheme.name)") }
        let highestFilter = kind.highestFilter
        guard (0...highestFilter).contains(filter) else {
            throw EPC.fail("the filter value must be 0 to \(highestFilter), got \(filter)")
        }
        var writer = BitWriter()
        writer.write(UInt64(scheme.header), 8)
        if kind == .adi {
            writer.write(UInt64(filter), 6)
            let code = companyPrefix.utf8.count == 5 ? " " + companyPrefix : companyPrefix
            for byte in code.utf8 { writer.write(UInt64(byte & 0x3F), 6) }
            for field in [reference, serial ?? ""] {
                for byte in field.utf8 { writer.write(UInt64(byte & 0x3F), 6) }
                writer.write(0, 6)
            }
            writer.pad(to: (writer.count + 15) / 16 * 16)
            return writer.hex
        }
        if kind == .usdod {
            writer.write(UInt64(filter), 4)
            let padded = String(repeating: " ", count: max(0, 6 - companyPrefix.utf8.count)) + companyPrefix
            for byte in padded.utf8 { writer.write(UInt64(byte), 8) }
            guard let number = UInt64(reference), number < UInt64(1) << 36 else {
                throw EPC.fail("the USDOD serial '\(reference)' does not fit 36 bits")
            }
            writer.write(number, 36)
            return writer.hex
        }
        if kind == .gid {
            for (value, bits) in [(companyPrefix, 28), (reference, 24), (serial ?? "", 36)] {
                guard let number = UInt64(value) else { throw EPC.fail("GID fields are decimal numbers") }
                writer.write(number, bits)
            }
            return writer.hex
        }
        writer.write(UInt64(filter), 3)
        guard let index = scheme.partitions.firstIndex(where: { $0.prefixDigits == companyPrefix.count }) else {
            throw EPC.fail("a \(companyPrefix.count)-digit company prefix has no partition in \(scheme.name)")
        }
        let partition = scheme.partitions[index]
        writer.write(UInt64(index), 3)
        writer.write(UInt64(companyPrefix)!, partition.prefixBits)
        func tooLong(_ what: String, _ limit: Int) -> InputError {
            EPC.fail("\(what) has more than \(limit) characters, too many for \(scheme.name)")
        }
        if scheme.name == "cpi-var" {
            guard reference.utf8.count <= 30 - companyPrefix.count else {
                throw tooLong("the part reference", 30 - companyPrefix.count)
            }
            for byte in reference.utf8 { writer.write(UInt64(byte & 0x3F), 6) }
            writer.write(0, 6)
            try writeInteger(serial ?? "", bits: 40, into: &writer, scheme: scheme, what: "serial")
            writer.pad(to: (writer.count + 15) / 16 * 16)
            return writer.hex
        }
        if scheme.stringReference {
            guard reference.utf8.count <= partition.referenceDigits else {
                throw tooLong("the asset reference", partition.referenceDigits)
            }
            try writeString(reference, bits: partition.referenceBits, into: &writer)
        } else if scheme.integerReference {
            guard reference.utf8.count <= partition.referenceDigits else {
                throw tooLong("the reference", partition.referenceDigits)
            }
            try writeInteger(reference, bits: partition.referenceBits, into: &writer, scheme: scheme, what: "reference")
        } else {
            guard
                reference.utf8.count == partition.referenceDigits
                    || (partition.referenceDigits == 0 && reference.isEmpty),
                reference.isEmpty || EPC.isDigits(reference)
            else {
                throw EPC.fail(
                    "the reference '\(reference)' must be \(partition.referenceDigits) digits for \(scheme.name)")
            }
            let value = reference.isEmpty ? 0 : UInt64(reference) ?? UInt64.max
            guard partition.referenceBits == 64 || value < UInt64(1) << UInt64(partition.referenceBits) else {
                throw EPC.fail("the reference '\(reference)' does not fit \(partition.referenceBits) bits")
            }
            writer.write(value, partition.referenceBits)
        }
        if kind == .itip {
            let pieces = Array((pieceOfTotal ?? "").utf8)
            guard pieces.count == 4, pieces.allSatisfy(AIChecks.isDigit) else {
                throw EPC.fail("an ITIP needs its piece and total, two digits each")
            }
            writer.write(UInt64(AIChecks.number(pieces[0..<2])), 7)
            writer.write(UInt64(AIChecks.number(pieces[2..<4])), 7)
        }
        switch scheme.tail {
        case .none:
            break
        case .integer(let bits):
            try writeInteger(
                serial ?? "", bits: bits, into: &writer, scheme: scheme, what: kind == .sgln ? "extension" : "serial")
        case .string(let bits, let characters):
            guard (serial ?? "").utf8.count <= characters else { throw tooLong("the serial", characters) }
            try writeString(serial ?? "", bits: bits, into: &writer)
        case .numericString(let bits):
            try writeInteger(
                "1" + (serial ?? ""), bits: bits, into: &writer, scheme: scheme, what: "serial", allowLeadingZeros: true
            )
        case .reserved(let bits):
            writer.write(0, bits)
        }
        writer.pad(to: (scheme.bits + 15) / 16 * 16)
        return writer.hex
    }

    private func writeInteger(
        _ text: String, bits: Int, into writer: inout BitWriter, scheme: EPCScheme, what: String,
        allowLeadingZeros: Bool = false
    ) throws(InputError) {
        guard EPC.isDigits(text), let value = UInt64(text) else {
            throw EPC.fail("the \(what) '\(text)' is not a number, so it cannot be written as \(scheme.name)")
        }
        guard allowLeadingZeros || text == String(value) else {
            throw EPC.fail("the \(what) '\(text)' has leading zeros, which \(scheme.name) cannot keep")
        }
        guard value < UInt64(1) << UInt64(bits) else {
            throw EPC.fail("the \(what) '\(text)' is larger than \(scheme.name) can hold")
        }
        writer.write(value, bits)
    }

    private func writeString(_ text: String, bits: Int, into writer: inout BitWriter) throws(InputError) {
        let start = writer.count
        for byte in text.utf8 {
            guard AIChecks.isCSET82(byte) else {
                throw EPC.fail("character \(AIChecks.describe(byte)) cannot be written on a tag")
            }
            writer.write(UInt64(byte), 7)
        }
        writer.pad(to: start + bits)
    }

    /// Reads a tag's EPC memory given in hexadecimal.
    /// - Throws: ``InputError`` for bad hex, an unknown header, a bad partition or a value that breaks the scheme.
    public static func decode(hex text: String) throws(InputError) -> EPC {
        var digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count <= 128 else {
            throw fail("tag data must be 1 to 128 hex digits, got \(digits.count)")
        }
        // Bit-exact values (the standard's own examples) can end mid-byte: pad the last nibble with zeros.
        if digits.count % 2 == 1 { digits.append(UInt8(ascii: "0")) }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else {
                let bad = hexValue(digits[index]) == nil ? index : index + 1
                throw fail("character \(AIChecks.describe(digits[bad])) at position \(bad + 1) is not a hex digit")
            }
            bytes.append(high << 4 | low)
        }
        guard let scheme = EPCScheme.header(bytes[0]) else {
            throw fail("header \(String(format: "0x%02X", bytes[0])) is not an EPC scheme Unitrace reads")
        }
        var reader = BitReader(bytes)
        _ = reader.read(8)
        if scheme.bits > 0, reader.count < scheme.bits {
            throw fail("\(scheme.name) needs \(scheme.bits) bits, the tag data has \(reader.count)")
        }
        func truncated() -> InputError { fail("the tag data ends inside a \(scheme.name) field") }
        if scheme.kind == .adi {
            guard let filter = reader.read(6) else { throw truncated() }
            // 6-bit characters: 1–31 are the capitals (0x41–0x5F), 32–63 are space, digits and signs (0x20–0x3F).
            func character(_ code: UInt64) -> UInt8 { UInt8(code < 0x20 ? code | 0x40 : code) }
            var code: [UInt8] = []
            for _ in 0..<6 {
                guard let value = reader.read(6) else { throw truncated() }
                code.append(character(value))
            }
            var fields: [String] = []
            for _ in 0..<2 {
                var bytes: [UInt8] = []
                while true {
                    guard let value = reader.read(6) else { throw truncated() }
                    if value == 0 { break }
                    bytes.append(character(value))
                }
                fields.append(String(decoding: bytes, as: UTF8.self))
            }
            let cage = String(decoding: code.drop { $0 == 0x20 }, as: UTF8.self)
            let epc = EPC(
                kind: .adi, companyPrefix: cage, reference: fields[0], serial: fields[1], filter: Int(filter),
                scheme: scheme)
            try epc.validate()
            return epc
        }
        if scheme.kind == .usdod {
            guard let filter = reader.read(4) else { throw truncated() }
            var code: [UInt8] = []
            for _ in 0..<6 {
                guard let byte = reader.read(8) else { throw truncated() }
                code.append(UInt8(byte))
            }
            guard let serial = reader.read(36) else { throw truncated() }
            let cage = String(decoding: code.drop { $0 == 0x20 }, as: UTF8.self)
            let epc = EPC(
                kind: .usdod, companyPrefix: cage, reference: String(serial), filter: Int(filter), scheme: scheme)
            try epc.validate()
            return epc
        }
        if scheme.kind == .gid {
            guard let manager = reader.read(28), let objectClass = reader.read(24), let serial = reader.read(36) else {
                throw truncated()
            }
            return EPC(
                kind: .gid, companyPrefix: String(manager), reference: String(objectClass), serial: String(serial),
                scheme: scheme)
        }
        guard let filter = reader.read(3), let partitionValue = reader.read(3) else { throw truncated() }
        guard partitionValue < UInt64(scheme.partitions.count) else {
            throw fail("partition value \(partitionValue) is not defined for \(scheme.name)")
        }
        let partition = scheme.partitions[Int(partitionValue)]
        guard let prefix = reader.read(partition.prefixBits) else { throw truncated() }
        let companyPrefix = try decimal(prefix, digits: partition.prefixDigits, field: "company prefix", scheme: scheme)
        var reference = ""
        var serial: String?
        var pieceOfTotal: String?
        if scheme.name == "cpi-var" {
            while true {
                guard let code = reader.read(6) else { throw truncated() }
                if code == 0 { break }
                reference.append(Character(Unicode.Scalar(UInt8(code < 0x20 ? code | 0x40 : code))))
            }
            guard let value = reader.read(40) else { throw truncated() }
            serial = String(value)
        } else {
            if scheme.stringReference {
                reference = try readString(&reader, bits: partition.referenceBits, scheme: scheme)
            } else if scheme.integerReference {
                guard let value = reader.read(partition.referenceBits) else { throw truncated() }
                reference = String(value)
            } else {
                guard let value = reader.read(partition.referenceBits) else { throw truncated() }
                reference =
                    partition.referenceDigits == 0
                    ? (value == 0 ? "" : "?")
                    : try decimal(value, digits: partition.referenceDigits, field: "reference", scheme: scheme)
                if reference == "?" { throw fail("the reference field of \(scheme.name) must be zero here") }
            }
            if scheme.kind == .itip {
                guard let piece = reader.read(7), let total = reader.read(7) else { throw truncated() }
                guard piece <= 99, total <= 99 else { throw fail("an ITIP's piece and total are at most 99") }
                pieceOfTotal = String(format: "%02d%02d", piece, total)
            }
            switch scheme.tail {
            case .none, .reserved:
                break
            case .integer(let bits):
                guard let value = reader.read(bits) else { throw truncated() }
                serial = String(value)
            case .string(let bits, _):
                serial = try readString(&reader, bits: bits, scheme: scheme)
            case .numericString(let bits):
                guard let value = reader.read(bits) else { throw truncated() }
                let text = String(value)
                guard text.first == "1", text.count >= 2 else {
                    throw fail("the \(scheme.name) serial field is not a numeric string")
                }
                serial = String(text.dropFirst())
            }
        }
        let epc = EPC(
            kind: scheme.kind, companyPrefix: companyPrefix, reference: reference, serial: serial, filter: Int(filter),
            scheme: scheme, pieceOfTotal: pieceOfTotal)
        try epc.validate()
        return epc
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }

    private static func decimal(_ value: UInt64, digits: Int, field: String, scheme: EPCScheme) throws(InputError)
        -> String
    {
        let text = String(value)
        guard text.count <= digits else {
            throw fail("the \(field) field of \(scheme.name) holds \(value), more than \(digits) digits")
        }
        return String(repeating: "0", count: digits - text.count) + text
    }

    private static func readString(_ reader: inout BitReader, bits: Int, scheme: EPCScheme) throws(InputError) -> String
    {
        var bytes: [UInt8] = []
        var used = 0
        var ended = false
        while used + 7 <= bits {
            guard let code = reader.read(7) else { throw fail("the tag data ends inside a \(scheme.name) field") }
            used += 7
            if code == 0 {
                ended = true
            } else {
                guard !ended, AIChecks.isCSET82(UInt8(code)) else {
                    throw fail("the \(scheme.name) string field holds a character that is not allowed")
                }
                bytes.append(UInt8(code))
            }
        }
        _ = reader.read(bits - used)
        return String(decoding: bytes, as: UTF8.self)
    }
}
