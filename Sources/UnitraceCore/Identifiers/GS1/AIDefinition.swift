import Foundation

/// One GS1 Application Identifier: what its data looks like and how it relates to other AIs.
/// A reference type: definitions are shared, never copied, on the parsing hot path.
public final class AIDefinition: Sendable {
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
        public var checks: [AICheck]
        public var isFixed: Bool { minLength == maxLength }
        /// Characters the mandatory components after this one need.
        var reservedAfter = 0
    }

    public let ai: String
    /// Predefined length: the AI is never followed by a group separator.
    public let predefinedLength: Bool
    public let components: [Component]
    /// Every group must be met by one of its alternatives; an alternative is AIs joined by `+`, all of which
    /// must be present (`01+21`); patterns use `n` for any digit.
    public let requires: [[String]]
    /// None of these may be present.
    public let excludes: [String]
    /// For a GS1 Digital Link primary key: the alternative ordered qualifier sequences (`[[]]` for none).
    public let digitalLinkQualifiers: [[String]]?
    /// Whether the AI may be a GS1 Digital Link data attribute (in the query); qualifiers such as (21) and a
    /// few others may not.
    public let isDigitalLinkAttribute: Bool
    public let title: String
    public let minLength: Int
    public let maxLength: Int
    /// All components fixed and none optional: the value's length is known from the AI alone.
    public let isFixedLength: Bool
    /// The AI as a number of its length, and the rules as patterns over such numbers.
    let code: AICode
    let requirePatterns: [[[AIPattern]]]
    let excludePatterns: [AIPattern]

    init(
        ai: String, predefinedLength: Bool, components: [Component], requires: [[String]], excludes: [String],
        digitalLinkQualifiers: [[String]]?, isDigitalLinkAttribute: Bool = true, title: String
    ) {
        self.isDigitalLinkAttribute = isDigitalLinkAttribute
        self.ai = ai
        self.predefinedLength = predefinedLength
        self.components = components
        self.requires = requires
        self.excludes = excludes
        self.digitalLinkQualifiers = digitalLinkQualifiers
        self.title = title
        minLength = components.filter { !$0.optional }.reduce(0) { $0 + $1.minLength }
        maxLength = components.reduce(0) { $0 + $1.maxLength }
        isFixedLength = components.allSatisfy { $0.isFixed && !$0.optional }
        code = AICode(ai)
        requirePatterns = requires.map { group in
            group.map { alternative in alternative.split(separator: "+").map { AIPattern(String($0)) } }
        }
        excludePatterns = excludes.map(AIPattern.init)
    }
}

/// An AI's digits as a number, with its length (so `01` and `1` differ).
struct AICode: Hashable, Sendable {
    var length: Int
    var value: Int

    init(_ ai: String) {
        length = ai.utf8.count
        value = ai.utf8.reduce(0) { $0 * 10 + Int($1) - 48 }
    }
}

/// `310n`, `31nn`, `8111`: AIs of one length whose leading digits are given (wildcards are trailing).
struct AIPattern: Hashable, Sendable {
    var length: Int
    var divisor: Int
    var prefix: Int

    init(_ pattern: String) {
        length = pattern.utf8.count
        let fixed = pattern.utf8.prefix { $0 != UInt8(ascii: "n") }
        var divisor = 1
        for _ in 0..<(length - fixed.count) { divisor *= 10 }
        self.divisor = divisor
        prefix = fixed.reduce(0) { $0 * 10 + Int($1) - 48 }
    }

    func matches(_ code: AICode) -> Bool {
        code.length == length && code.value / divisor == prefix
    }
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

    /// The same table indexed by the AI's digits, per AI length (2, 3 or 4), for lookups without strings.
    static let byDigits: [[AIDefinition?]] = {
        var tables: [[AIDefinition?]] = [
            [], [], Array(repeating: nil, count: 100), Array(repeating: nil, count: 1000),
            Array(repeating: nil, count: 10000),
        ]
        for (ai, definition) in all { tables[ai.utf8.count][Int(ai)!] = definition }
        return tables
    }()

    /// The definition of an AI given as text, without hashing.
    static func named(_ ai: String) -> AIDefinition? {
        let code = AICode(ai)
        guard (2...4).contains(code.length), ai.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return byDigits[code.length][code.value]
    }

    /// The definition of the AI whose digits start `bytes` at `start`, if any.
    static func lookup(_ bytes: [UInt8], at start: Int) -> AIDefinition? {
        var value = 0
        for length in 1...4 {
            guard start + length <= bytes.count else { return nil }
            let byte = bytes[start + length - 1]
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
            if length >= 2, let found = byDigits[length][value] { return found }
        }
        return nil
    }

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
        var components = head.map(parseComponent)
        for index in components.indices {
            components[index].reservedAfter = components[(index + 1)...].filter { !$0.optional }.reduce(0) {
                $0 + $1.minLength
            }
        }
        var requires: [[String]] = []
        var excludes: [String] = []
        var digitalLink: [[String]]?
        var attribute = true
        for rule in parts[1].split(separator: " ") {
            if rule.hasPrefix("req=") {
                requires.append(rule.dropFirst(4).split(separator: ",").map(String.init))
            } else if rule.hasPrefix("ex=") {
                excludes += rule.dropFirst(3).split(separator: ",").map(String.init)
            } else if rule == "noattr" {
                attribute = false
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
                    excludes: excludes, digitalLinkQualifiers: digitalLink, isDigitalLinkAttribute: attribute,
                    title: parts[2]))
            number += 1
        }
        return result
    }

    private static func parseComponent(_ text: String) -> Component {
        var spec = Substring(text)
        let optional = spec.first == "?"
        if optional { spec = spec.dropFirst() }
        var names = spec.split(separator: "/").map(String.init)
        let format = names.removeFirst()
        let pieces = names.map { name in
            guard let check = AICheck(rawValue: name) else {
                preconditionFailure("unknown AI check \(name) in \(text)")
            }
            return check
        }
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
