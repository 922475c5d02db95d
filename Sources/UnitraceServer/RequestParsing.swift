import Foundation
import UnitraceCore

/// A query string read as HTML forms encode it: `+` is a space, `%XX` a byte of UTF-8.
struct FormQuery: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []
    /// The first parameter whose bytes are not UTF-8 once decoded.
    private(set) var invalid: String?

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(pieces[0]), let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
            else {
                if invalid == nil { invalid = String(pieces[0]) }
                continue
            }
            pairs.append((name, value))
        }
    }

    /// Refuses a query string with a parameter that is not UTF-8 text.
    static func validate(_ query: String?) throws {
        if let name = FormQuery(query).invalid {
            throw Problem(
                status: 400, code: "malformed-request",
                title: "query parameter '\(Limits.quote(name))' is not valid UTF-8 text once decoded")
        }
    }

    /// The first value of `name`.
    func get(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    func getAll(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// JSON request bodies as the API takes them: one object, every key once, compared in a canonical form.
enum StrictJSON {
    /// The first key that appears twice in one object of `bytes` (already known to be valid JSON), with the
    /// object's path, e.g. `units` or `events[0].kind`.
    static func duplicateKey(in bytes: [UInt8]) -> String? {
        enum Container {
            case object(keys: Set<String>, path: String, pending: String?)
            case array(path: String, index: Int)
        }
        var stack: [Container] = []
        var index = 0
        var expectingKey = false

        func childPath() -> String {
            switch stack.last {
            case .object(_, let path, let pending?): return path.isEmpty ? pending : "\(path).\(pending)"
            case .array(let path, let position): return "\(path)[\(position)]"
            default: return ""
            }
        }

        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                stack.append(.object(keys: [], path: childPath(), pending: nil))
                expectingKey = true
                index += 1
            case UInt8(ascii: "["):
                stack.append(.array(path: childPath(), index: 0))
                expectingKey = false
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                stack.removeLast()
                expectingKey = false
                index += 1
            case UInt8(ascii: ","):
                if case .array(let path, let position) = stack.last {
                    stack[stack.count - 1] = .array(path: path, index: position + 1)
                } else {
                    expectingKey = true
                }
                index += 1
            case UInt8(ascii: "\""):
                var end = index + 1
                var escaped = false
                while end < bytes.count {
                    if bytes[end] == UInt8(ascii: "\\") {
                        escaped = true
                        end += 2
                        continue
                    }
                    if bytes[end] == UInt8(ascii: "\"") { break }
                    end += 1
                }
                if expectingKey, case .object(var keys, let path, _) = stack.last {
                    let raw = Array(bytes[(index + 1)..<min(end, bytes.count)])
                    let key =
                        escaped
                        ? (try? JSONDecoder().decode(String.self, from: Data(bytes[index...min(end, bytes.count - 1)])))
                            ?? String(decoding: raw, as: UTF8.self)
                        : String(decoding: raw, as: UTF8.self)
                    if keys.contains(key) { return path.isEmpty ? key : "\(path).\(key)" }
                    keys.insert(key)
                    stack[stack.count - 1] = .object(keys: keys, path: path, pending: key)
                    expectingKey = false
                }
                index = end + 1
            default:
                index += 1
            }
        }
        return nil
    }

    /// The body with its keys sorted and no white space: two requests that differ only in key order or
    /// spacing are the same request.
    static func canonical(_ object: Any) -> Data? {
        try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
