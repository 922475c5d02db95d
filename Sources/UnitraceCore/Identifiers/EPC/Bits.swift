/// Reads big-endian bit fields from the bytes of an RFID tag's EPC memory.
struct BitReader {
    let bytes: [UInt8]
    var position = 0
    var count: Int { bytes.count * 8 }

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next `width` bits (at most 64) as an unsigned integer.
    mutating func read(_ width: Int) -> UInt64? {
        guard width <= 64, position + width <= count else { return nil }
        var value: UInt64 = 0
        for _ in 0..<width {
            let bit = (bytes[position >> 3] >> (7 - UInt8(position & 7))) & 1
            value = value << 1 | UInt64(bit)
            position += 1
        }
        return value
    }
}

/// Writes big-endian bit fields.
struct BitWriter {
    var bytes: [UInt8] = []
    var count = 0

    mutating func write(_ value: UInt64, _ width: Int) {
        for index in stride(from: width - 1, through: 0, by: -1) {
            let bit = UInt8(truncatingIfNeeded: width - 1 - index < 64 && index < 64 ? (value >> UInt64(index)) & 1 : 0)
            if count & 7 == 0 { bytes.append(0) }
            bytes[count >> 3] |= bit << (7 - UInt8(count & 7))
            count += 1
        }
    }

    /// Zero bits up to `total`.
    mutating func pad(to total: Int) {
        while count < total { write(0, 1) }
    }

    var hex: String {
        var text = ""
        for byte in bytes {
            text += String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0x0F, radix: 16, uppercase: true)
        }
        return text
    }
}
