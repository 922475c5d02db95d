import Crypto
import Foundation

/// The hash chain: each event's hash is SHA-256 over the previous hash followed by the event's canonical
/// encoding, so changing, removing or reordering any recorded event changes every hash after it.
public enum LedgerHash {
    /// A SHA-256 digest.
    public struct Digest: Hashable, Sendable {
        public var bytes: [UInt8]

        public init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        /// The previous hash of the first event.
        public static let genesis = Digest(bytes: [UInt8](repeating: 0, count: 32))

        public var hex: String { Hex.lowercase(bytes) }

        public init?(hex: String) {
            let characters = Array(hex.utf8)
            guard characters.count == 64 else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(32)
            var index = 0
            while index < 64 {
                guard let high = Self.nibble(characters[index]), let low = Self.nibble(characters[index + 1]) else {
                    return nil
                }
                bytes.append(high << 4 | low)
                index += 2
            }
            self.bytes = bytes
        }

        private static func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
    }

    /// The canonical encoding of an event: JSON with sorted keys and no insignificant whitespace.
    public static func canonicalEncoding(of event: Event) -> Data {
        CanonicalJSON.encode(event)
    }

    /// The same bytes as ``canonicalEncoding(of:)``, written by `JSONEncoder`: the definition the fast writer
    /// is held to.
    public static func referenceEncoding(of event: Event) -> Data {
        // Encoding our own value types cannot fail: every field is a string, number, array or object.
        (try? canonicalEncoder.encode(event)) ?? Data()
    }

    /// The hash of `event` recorded after an event whose hash is `previous`.
    public static func next(previous: Digest, canonical: Data) -> Digest {
        var hasher = SHA256()
        hasher.update(data: previous.bytes)
        hasher.update(data: canonical)
        return Digest(bytes: Array(hasher.finalize()))
    }

    public static func next(previous: Digest, event: Event) -> Digest {
        next(previous: previous, canonical: canonicalEncoding(of: event))
    }

    private static let canonicalEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// Lowercase hexadecimal text of bytes, written straight into the string's storage.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        lowercase(Array(bytes))
    }

    public static func lowercase(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            var index = 0
            for byte in bytes {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }
}
