/// A JSON reader that pulls its bytes in chunks, so that a document far larger than memory can be read one
/// value at a time: the caller walks the outer structure (``beginObject()``, ``nextKey()``,
/// ``beginArray()``, ``nextElement()``) and reads each inner value whole (``value()``) or skips it.
///
/// Strict: duplicate keys in an object, trailing commas, comments, invalid UTF-8 and numbers JSON does not
/// allow are refused, each with the line it was found on.
public struct JSONStream {
    public struct Failure: Error, Hashable, Sendable {
        public var line: Int
        public var message: String
    }

    private var buffer: [UInt8] = []
    private var index = 0
    private var source: () throws -> [UInt8]?
    private var exhausted = false
    /// The line of the byte at `index`, from 1.
    public private(set) var line = 1
    /// Bytes consumed so far.
    public private(set) var offset = 0
    /// How deeply values may nest.
    public var maximumDepth = 64

    /// - Parameter source: the next chunk of bytes, `nil` (or an empty array) at the end.
    public init(source: @escaping () throws -> [UInt8]?) {
        self.source = source
    }

    public init(bytes: [UInt8]) {
        var given: [UInt8]? = bytes
        self.init(source: {
            defer { given = nil }
            return given
        })
    }

    public func failure(_ message: String) -> Failure {
        Failure(line: line, message: message)
    }

    // MARK: Bytes

    private mutating func fill() throws -> Bool {
        if index < buffer.count { return true }
        if exhausted { return false }
        while true {
            guard let chunk = try source(), !chunk.isEmpty else {
                exhausted = true
                return false
            }
            buffer = chunk
            index = 0
            return true
        }
    }

    private mutating func peek() throws -> UInt8? {
        try fill() ? buffer[index] : nil
    }

    private mutating func advance() {
        if buffer[index] == 0x0A { line += 1 }
        index += 1
        offset += 1
    }

    private mutating func next() throws -> UInt8? {
        guard try fill() else { return nil }
        let byte = buffer[index]
        advance()
        return byte
    }

    private mutating func skipSpace() throws {
        while let byte = try peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { advance() }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        try skipSpace()
        guard let found = try next() else { throw failure("the document ends where \(what) was expected") }
        guard found == byte else { throw failure("found '\(Self.show(found))' where \(what) was expected") }
    }

    private static func show(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "byte 0x\(String(byte, radix: 16))"
    }

    // MARK: Walking

    /// The kind of the next value, without reading it: `{`, `[`, `"`, or another first byte.
    public mutating func peekKind() throws -> UInt8? {
        try skipSpace()
        return try peek()
    }

    public mutating func beginObject() throws {
        try expect(UInt8(ascii: "{"), "an object")
        pendingFirst.append(true)
        keysSeen.append([])
    }

    private var pendingFirst: [Bool] = []
    private var keysSeen: [Set<String>] = []

    /// The next key of the object being walked (its value comes next), or `nil` at its end.
    public mutating func nextKey() throws -> String? {
        try skipSpace()
        guard let byte = try peek() else { throw failure("the document ends inside an object") }
        let first = pendingFirst[pendingFirst.count - 1]
        if byte == UInt8(ascii: "}") {
            advance()
            pendingFirst.removeLast()
            keysSeen.removeLast()
            return nil
        }
        if !first {
            try expect(UInt8(ascii: ","), "',' or '}'")
            try skipSpace()
        }
        pendingFirst[pendingFirst.count - 1] = false
        guard try peek() == UInt8(ascii: "\"") else { throw failure("an object key must be a string in quotes") }
        let key = try stringValue()
        guard keysSeen[keysSeen.count - 1].insert(key).inserted else {
            throw failure("the key '\(key)' appears twice in one object")
        }
        try expect(UInt8(ascii: ":"), "':' after the key '\(key)'")
        return key
    }

    public mutating func beginArray() throws {
        try expect(UInt8(ascii: "["), "an array")
        pendingFirst.append(true)
        keysSeen.append([])
    }

    /// `true` when another element follows (read it next), `false` at the array's end.
    public mutating func nextElement() throws -> Bool {
        try skipSpace()
        guard let byte = try peek() else { throw failure("the document ends inside an array") }
        if byte == UInt8(ascii: "]") {
            advance()
            pendingFirst.removeLast()
            keysSeen.removeLast()
            return false
        }
        if !pendingFirst[pendingFirst.count - 1] {
            try expect(UInt8(ascii: ","), "',' or ']'")
        }
        pendingFirst[pendingFirst.count - 1] = false
        return true
    }

    /// After the outermost value: only white space may follow.
    public mutating func end() throws {
        try skipSpace()
        if let byte = try peek() { throw failure("'\(Self.show(byte))' follows the end of the document") }
    }

    // MARK: Values

    /// Reads the next value whole.
    public mutating func value() throws -> JSONValue {
        try value(depth: 0)
    }

    /// Reads past the next value, keeping nothing of it.
    public mutating func skipValue() throws {
        _ = try value(depth: 0)
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < maximumDepth else { throw failure("values nest more than \(maximumDepth) deep") }
        try skipSpace()
        guard let byte = try peek() else { throw failure("the document ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "{"):
            advance()
            var members: [String: JSONValue] = [:]
            try skipSpace()
            if try peek() == UInt8(ascii: "}") {
                advance()
                return .object(members)
            }
            while true {
                try skipSpace()
                guard try peek() == UInt8(ascii: "\"") else {
                    throw failure("an object key must be a string in quotes")
                }
                let key = try stringValue()
                try expect(UInt8(ascii: ":"), "':' after the key '\(key)'")
                let member = try value(depth: depth + 1)
                guard members.updateValue(member, forKey: key) == nil else {
                    throw failure("the key '\(key)' appears twice in one object")
                }
                try skipSpace()
                guard let separator = try next() else { throw failure("the document ends inside an object") }
                if separator == UInt8(ascii: "}") { return .object(members) }
                guard separator == UInt8(ascii: ",") else {
                    throw failure("found '\(Self.show(separator))' where ',' or '}' was expected")
                }
            }
        case UInt8(ascii: "["):
            advance()
            var items: [JSONValue] = []
            try skipSpace()
            if try peek() == UInt8(ascii: "]") {
                advance()
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                try skipSpace()
                guard let separator = try next() else { throw failure("the document ends inside an array") }
                if separator == UInt8(ascii: "]") { return .array(items) }
                guard separator == UInt8(ascii: ",") else {
                    throw failure("found '\(Self.show(separator))' where ',' or ']' was expected")
                }
            }
        case UInt8(ascii: "\""):
            return .string(try stringValue())
        case UInt8(ascii: "t"):
            try word("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try word("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try word("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try numberValue()
        default:
            throw failure("found '\(Self.show(byte))' where a value was expected")
        }
    }

    private mutating func word(_ text: StaticString) throws {
        var matched = true
        text.withUTF8Buffer { expected in
            for byte in expected {
                guard (try? next()) == byte else {
                    matched = false
                    return
                }
            }
        }
        guard matched else { throw failure("found an unknown word where a value was expected") }
    }

    private mutating func numberValue() throws -> JSONValue {
        var text: [UInt8] = []
        while let byte = try peek(),
            byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || (48...57).contains(byte)
        {
            text.append(byte)
            advance()
        }
        let spelled = String(decoding: text, as: UTF8.self)
        guard Self.isJSONNumber(text), let value = JSONValue.number(parsing: spelled) else {
            throw failure("'\(spelled)' is not a number JSON allows")
        }
        return value
    }

    /// The JSON number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isJSONNumber(_ text: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < text.count, (48...57).contains(text[index]) { index += 1 }
            return index - start
        }
        if index < text.count, text[index] == UInt8(ascii: "-") { index += 1 }
        guard index < text.count else { return false }
        if text[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < text.count, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            index += 1
            if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == text.count
    }

    private mutating func stringValue() throws -> String {
        advance()  // the opening quote
        // Most strings end in the chunk at hand with no escape or control character: taken as they are.
        var end = index
        while end < buffer.count {
            let byte = buffer[end]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: buffer[index..<end], as: UTF8.self) else {
                    throw failure("a string is not valid UTF-8")
                }
                offset += end + 1 - index
                index = end + 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            end += 1
        }
        var bytes: [UInt8] = []
        while true {
            guard let byte = try next() else { throw failure("the document ends inside a string") }
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw failure("a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                guard let escape = try next() else { throw failure("the document ends inside a string") }
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard try next() == UInt8(ascii: "\\"), try next() == UInt8(ascii: "u") else {
                            throw failure("a string holds half of a UTF-16 surrogate pair")
                        }
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            throw failure("a string holds half of a UTF-16 surrogate pair")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else {
                        throw failure("a string holds half of a UTF-16 surrogate pair")
                    }
                    bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw failure("a string holds the unknown escape '\\\(Self.show(escape))'")
                }
            case 0..<0x20:
                throw failure("a string holds a control character; write it escaped")
            default:
                bytes.append(byte)
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try next() else { throw failure("the document ends inside a string") }
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 97...102: digit = UInt32(byte - 87)
            case 65...70: digit = UInt32(byte - 55)
            default: throw failure("a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | digit
        }
        return value
    }
}
