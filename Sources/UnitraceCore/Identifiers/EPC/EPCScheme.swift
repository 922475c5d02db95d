/// The EPC binary encodings of the GS1 EPC Tag Data Standard that Unitrace reads and writes.
public struct EPCScheme: Hashable, Sendable {
    /// One row of a partition table: bits and digits of the GS1 Company Prefix, then of the reference.
    struct Partition: Hashable, Sendable {
        var prefixBits: Int
        var prefixDigits: Int
        var referenceBits: Int
        /// Digits of a numeric reference, or the most characters of a string reference.
        var referenceDigits: Int
    }

    /// What follows the partitioned fields.
    enum Tail: Hashable, Sendable {
        case none
        /// A serial (or extension) as an integer without leading zeros.
        case integer(Int)
        /// A serial as 7-bit characters, at most `characters`, zero-padded.
        case string(bits: Int, characters: Int)
        /// Digits written as the integer `1<digits>`, so leading zeros survive (SGCN).
        case numericString(Int)
        /// Reserved bits, written as zeros.
        case reserved(Int)
    }

    public let name: String
    public let kind: EPC.Kind
    public let header: UInt8
    public let bits: Int
    let partitions: [Partition]
    /// The reference field holds 7-bit characters rather than digits (GIAI-202).
    let stringReference: Bool
    /// The reference is a number without leading zeros rather than a fixed count of digits (GIAI-96, CPI-96).
    var integerReference: Bool { name == "giai-96" || name == "cpi-96" }
    let tail: Tail

    static func table(_ rows: [(Int, Int, Int, Int)]) -> [Partition] {
        rows.map { Partition(prefixBits: $0.0, prefixDigits: $0.1, referenceBits: $0.2, referenceDigits: $0.3) }
    }

    static let sgtinTable = table([
        (40, 12, 4, 1), (37, 11, 7, 2), (34, 10, 10, 3), (30, 9, 14, 4), (27, 8, 17, 5), (24, 7, 20, 6), (20, 6, 24, 7),
    ])
    static let ssccTable = table([
        (40, 12, 18, 5), (37, 11, 21, 6), (34, 10, 24, 7), (30, 9, 28, 8), (27, 8, 31, 9), (24, 7, 34, 10),
        (20, 6, 38, 11),
    ])
    static let locationTable = table([
        (40, 12, 1, 0), (37, 11, 4, 1), (34, 10, 7, 2), (30, 9, 11, 3), (27, 8, 14, 4), (24, 7, 17, 5), (20, 6, 21, 6),
    ])
    static let graiTable = table([
        (40, 12, 4, 0), (37, 11, 7, 1), (34, 10, 10, 2), (30, 9, 14, 3), (27, 8, 17, 4), (24, 7, 20, 5), (20, 6, 24, 6),
    ])
    static let giai96Table = table([
        (40, 12, 42, 13), (37, 11, 45, 14), (34, 10, 48, 15), (30, 9, 52, 16), (27, 8, 55, 17), (24, 7, 58, 18),
        (20, 6, 62, 19),
    ])
    static let giai202Table = table([
        (40, 12, 148, 18), (37, 11, 151, 19), (34, 10, 154, 20), (30, 9, 158, 21), (27, 8, 161, 22), (24, 7, 164, 23),
        (20, 6, 168, 24),
    ])
    static let cpiTable = table([
        (40, 12, 11, 3), (37, 11, 14, 4), (34, 10, 17, 5), (30, 9, 21, 6), (27, 8, 24, 7), (24, 7, 27, 8),
        (20, 6, 31, 9),
    ])

    public static let all: [EPCScheme] = [
        EPCScheme(
            name: "sgtin-96", kind: .sgtin, header: 0x30, bits: 96, partitions: sgtinTable, stringReference: false,
            tail: .integer(38)),
        EPCScheme(
            name: "sgtin-198", kind: .sgtin, header: 0x36, bits: 198, partitions: sgtinTable, stringReference: false,
            tail: .string(bits: 140, characters: 20)),
        EPCScheme(
            name: "sscc-96", kind: .sscc, header: 0x31, bits: 96, partitions: ssccTable, stringReference: false,
            tail: .reserved(24)),
        EPCScheme(
            name: "sgln-96", kind: .sgln, header: 0x32, bits: 96, partitions: locationTable, stringReference: false,
            tail: .integer(41)),
        EPCScheme(
            name: "sgln-195", kind: .sgln, header: 0x39, bits: 195, partitions: locationTable, stringReference: false,
            tail: .string(bits: 140, characters: 20)),
        EPCScheme(
            name: "grai-96", kind: .grai, header: 0x33, bits: 96, partitions: graiTable, stringReference: false,
            tail: .integer(38)),
        EPCScheme(
            name: "grai-170", kind: .grai, header: 0x37, bits: 170, partitions: graiTable, stringReference: false,
            tail: .string(bits: 112, characters: 16)),
        EPCScheme(
            name: "giai-96", kind: .giai, header: 0x34, bits: 96, partitions: giai96Table, stringReference: false,
            tail: .none),
        EPCScheme(
            name: "giai-202", kind: .giai, header: 0x38, bits: 202, partitions: giai202Table, stringReference: true,
            tail: .none),
        EPCScheme(
            name: "gsrn-96", kind: .gsrn, header: 0x2D, bits: 96, partitions: ssccTable, stringReference: false,
            tail: .reserved(24)),
        EPCScheme(
            name: "gsrnp-96", kind: .gsrnp, header: 0x2E, bits: 96, partitions: ssccTable, stringReference: false,
            tail: .reserved(24)),
        EPCScheme(
            name: "gdti-96", kind: .gdti, header: 0x2C, bits: 96, partitions: locationTable, stringReference: false,
            tail: .integer(41)),
        EPCScheme(
            name: "gdti-174", kind: .gdti, header: 0x3E, bits: 174, partitions: locationTable, stringReference: false,
            tail: .string(bits: 119, characters: 17)),
        EPCScheme(
            name: "sgcn-96", kind: .sgcn, header: 0x3F, bits: 96, partitions: locationTable, stringReference: false,
            tail: .numericString(41)),
        EPCScheme(
            name: "cpi-96", kind: .cpi, header: 0x3C, bits: 96, partitions: cpiTable, stringReference: false,
            tail: .integer(31)),
        EPCScheme(
            name: "cpi-var", kind: .cpi, header: 0x3D, bits: 0, partitions: cpiTable, stringReference: false,
            tail: .integer(40)),
        EPCScheme(
            name: "gid-96", kind: .gid, header: 0x35, bits: 96, partitions: [], stringReference: false,
            tail: .integer(36)),
        // ITIP: the SGTIN's partitions, then piece and total (7 bits each), then the serial.
        EPCScheme(
            name: "itip-110", kind: .itip, header: 0x40, bits: 110, partitions: sgtinTable, stringReference: false,
            tail: .integer(38)),
        EPCScheme(
            name: "itip-212", kind: .itip, header: 0x41, bits: 212, partitions: sgtinTable, stringReference: false,
            tail: .string(bits: 140, characters: 20)),
        // USDOD: a 4-bit filter, the CAGE or DoDAAC code as six 8-bit characters (space-padded on the left),
        // a 36-bit serial.
        EPCScheme(
            name: "usdod-96", kind: .usdod, header: 0x2F, bits: 96, partitions: [], stringReference: false,
            tail: .integer(36)),
        // ADI: a 6-bit filter, the CAGE (space first) or DoDAAC code in six 6-bit characters, then the part
        // number and the serial in 6-bit characters, each ended by six zero bits.
        EPCScheme(
            name: "adi-var", kind: .adi, header: 0x3B, bits: 0, partitions: [], stringReference: false, tail: .none),
    ]

    public static func named(_ name: String) -> EPCScheme? { all.first { $0.name == name.lowercased() } }
    static func header(_ header: UInt8) -> EPCScheme? { all.first { $0.header == header } }
}
