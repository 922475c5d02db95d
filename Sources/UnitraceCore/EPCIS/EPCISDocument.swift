/// An EPCIS 2.0 document, JSON / JSON-LD or XML, told apart by its first byte.
public enum EPCISDocument {
    /// A document's bytes, chunk by chunk (`nil` at the end).
    public typealias Chunks = () throws -> [UInt8]?

    /// Reads every event of the document `open` gives, handing each to `each` in document order.
    /// - Parameter open: the document from its start, each time it is called (a JSON document whose
    ///   `@context` follows its events is read twice).
    public static func read(open: () throws -> Chunks, each: (CapturedEvent) async throws -> Void) async throws {
        var chunks = try open()
        var first: [UInt8] = []
        while first.allSatisfy(isSpace) {
            guard let chunk = try chunks(), !chunk.isEmpty else {
                throw EPCISFault(path: "line 1", message: "the document is empty")
            }
            first += chunk
        }
        let start = first.first { !isSpace($0) }
        let replay = prepending(first, to: chunks)
        chunks = replay
        if start == UInt8(ascii: "<") {
            try await EPCISXMLReader.read(chunks: chunks, each: each)
        } else {
            var stream = JSONStream(source: chunks)
            try await EPCISJSONReader.read(&stream, reopen: { JSONStream(source: try open()) }, each: each)
        }
    }

    /// Whole bytes as one chunk.
    public static func chunks(_ bytes: [UInt8]) -> Chunks {
        var given: [UInt8]? = bytes
        return {
            defer { given = nil }
            return given
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0xEF || byte == 0xBB || byte == 0xBF
    }

    private static func prepending(_ head: [UInt8], to chunks: @escaping Chunks) -> Chunks {
        var pending: [UInt8]? = head
        return {
            if let first = pending {
                pending = nil
                return first
            }
            return try chunks()
        }
    }
}

/// The two forms of an EPCIS 2.0 document.
public enum EPCISFormat: String, Sendable, CaseIterable {
    /// JSON-LD, the form `@context` describes.
    case json
    /// XML, as GS1's XML Schema defines it.
    case xml
}
