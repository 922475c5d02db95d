import Foundation

/// One GS1 Application Identifier: what its data looks like and how it relates to other AIs.
public struct AIDefinition: Hashable, Sendable {
    /// The character set of a component.
    public enum Charset: Hashable, Sendable {
        /// Digits.
        case numeric
        /// GS1 AI encodable character set 82.
        case cset82
        /// GS1 AI encodable character set 39 (upper-case letters, digits, `#`, `-`, `/`).
        case cset39
        /// The URI- and file-safe base64 alphabet, with `=` padding (digital signatures).
        case cset64
    }

    /// One part of an AI's data field, with the content checks that apply to it.
    public struct Component: Hashable, Sendable {
        public var charset: Charset
        public var minLength: Int
        public var maxLength: Int
        public var optional: Bool
        public var checks: [String]
        public var isFixed: Bool { minLength == maxLength }
    }

    public var ai: String
    /// Predefined length: the AI is never followed by a group separator.
    public var predefinedLength: Bool
    public var components: [Component]
    /// Every group must be met by at least one AI present (patterns use `n` for any digit).
    public var requires: [[String]]
    /// None of these may be present.
    public var excludes: [String]
    /// For a GS1 Digital Link primary key: the alternative ordered qualifier sequences (`[[]]` for none).
    public var digitalLinkQualifiers: [[String]]?
    public var title: String

    public var minLength: Int { components.filter { !$0.optional }.reduce(0) { $0 + $1.minLength } }
    public var maxLength: Int { components.reduce(0) { $0 + $1.maxLength } }
    /// All components fixed and none optional: the value's length is known from the AI alone.
    public var isFixedLength: Bool { components.allSatisfy { $0.isFixed && !$0.optional } }
}

extension AIDefinition {
    /// Every AI, keyed by its digits.
    public static let all: [String: AIDefinition] = {
        var table: [String: AIDefinition] = [:]
        for line in AITable.lines {
            for definition in parse(line) { table[definition.ai] = definition }
        }
        return table
    }()

    /// Parses one line of ``AITable``. The table is ours and fixed: a malformed line is a programming error.
    static func parse(_ line: String) -> [AIDefinition] {
        let parts = line.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        precondition(parts.count == 3, "AI table line needs three parts: \(line)")
        var head = parts[0].split(separator: " ").map(String.init)
        let range = head.removeFirst()
        var predefined = false
        if head.first == "*" {
            predefined = true
            head.removeFirst()
        }
        let components = head.map(parseComponent)
        var requires: [[String]] = []
        var excludes: [String] = []
        var digitalLink: [[String]]?
        for rule in parts[1].split(separator: " ") {
            if rule.hasPrefix("req=") {
                requires.append(rule.dropFirst(4).split(separator: ",").map(String.init))
            } else if rule.hasPrefix("ex=") {
                excludes += rule.dropFirst(3).split(separator: ",").map(String.init)
            } else if rule == "dl" {
                digitalLink = [[]]
            } else if rule.hasPrefix("dl=") {
                digitalLink = rule.dropFirst(3).split(separator: "|").map { $0.split(separator: ",").map(String.init) }
            } else {
                preconditionFailure("unknown AI table rule \(rule) in \(line)")
            }
        }
        let bounds = range.split(separator: "-").map(String.init)
        let first = bounds[0]
        let last = bounds.count == 2 ? bounds[1] : first
        var result: [AIDefinition] = []
        var number = Int(first)!
        let width = first.count
        while number <= Int(last)! {
            let digits = String(number)
            let ai = String(repeating: "0", count: width - digits.count) + digits
            result.append(
                AIDefinition(
                    ai: ai, predefinedLength: predefined, components: components, requires: requires,
                    excludes: excludes, digitalLinkQualifiers: digitalLink, title: parts[2]))
            number += 1
        }
        return result
    }

    private static func parseComponent(_ text: String) -> Component {
        var spec = Substring(text)
        let optional = spec.first == "?"
        if optional { spec = spec.dropFirst() }
        var pieces = spec.split(separator: "/").map(String.init)
        let format = pieces.removeFirst()
        let charset: Charset
        switch format.first {
        case "N": charset = .numeric
        case "X": charset = .cset82
        case "Y": charset = .cset39
        case "Z": charset = .cset64
        default: preconditionFailure("unknown charset in \(text)")
        }
        let length = format.dropFirst()
        if length.hasPrefix("..") {
            return Component(
                charset: charset, minLength: 1, maxLength: Int(length.dropFirst(2))!, optional: optional, checks: pieces
            )
        }
        let fixed = Int(length)!
        return Component(charset: charset, minLength: fixed, maxLength: fixed, optional: optional, checks: pieces)
    }

    /// Whether `ai` matches `pattern`, where `n` in the pattern stands for any digit.
    static func matches(_ ai: String, pattern: String) -> Bool {
        guard ai.utf8.count == pattern.utf8.count else { return false }
        return zip(ai.utf8, pattern.utf8).allSatisfy { $1 == UInt8(ascii: "n") || $0 == $1 }
    }
}
