import Foundation
import Testing
import UnitraceCore

@Suite("The input policy")
struct InputPolicyTests {
    struct Refused: Sendable, CustomTestStringConvertible {
        let value: String
        let fragment: String
        var testDescription: String { fragment }
    }

    @Test(
        "serials refuse white space, controls, bidirectional controls, U+FFFD and the slash",
        arguments: [
            Refused(value: "AB\u{202E}C", fragment: "bidirectional control"),
            Refused(value: "AB\u{2066}C", fragment: "bidirectional control"),
            Refused(value: "AB\u{FFFD}", fragment: "U+FFFD"),
            Refused(value: "A\u{0007}B", fragment: "a space"),
            Refused(value: "A\u{0085}B", fragment: "a space"),
            Refused(value: "A\u{009B}B", fragment: "a control character"),
            Refused(value: "A B", fragment: "a space"),
            Refused(value: "A/B", fragment: "separates a SKU from a serial"),
            Refused(value: "", fragment: "must be 1 to 100 characters"),
            Refused(value: String(repeating: "9", count: 101), fragment: "must be 1 to 100 characters, got 101"),
        ])
    func serialsRefused(_ example: Refused) {
        #expect {
            try Field.serial(example.value)
        } throws: { error in
            (error as? InputError)?.message.contains(example.fragment) == true
        }
    }

    @Test("text is stored in NFC: a decomposed é is the precomposed one")
    func normalisation() throws {
        let decomposed = "Caf\u{0065}\u{0301}-1"
        let precomposed = "Caf\u{00E9}-1"
        #expect(Array(decomposed.unicodeScalars) != Array(precomposed.unicodeScalars))
        #expect(Array(try Field.serial(decomposed).unicodeScalars) == Array(precomposed.unicodeScalars))
        let reason = try Field.text("de\u{0301}fect", name: "reason", limit: 100)
        #expect(Array(reason.unicodeScalars) == Array("d\u{00E9}fect".unicodeScalars))
    }

    @Test("free text has a limit, and the error quotes only a short prefix of what it refuses")
    func longText() {
        let huge = String(repeating: "x", count: 15_000_000)
        do {
            try Field.text(huge, name: "reason", limit: Limits.reason)
            Issue.record("a 15 MB reason was accepted")
        } catch {
            #expect(error.message.contains("15000000 characters long; at most 1000"))
            #expect(error.message.count < 200)
            #expect(error.message.contains(String(repeating: "x", count: Limits.quoted) + "…"))
        }
    }

    @Test("free text keeps tabs and line breaks, refuses other controls and bidirectional overrides")
    func freeText() throws {
        #expect(try Field.text("line one\nline two\tend", name: "reason", limit: 100) == "line one\nline two\tend")
        #expect(throws: InputError.self) { try Field.text("bell\u{0007}", name: "reason", limit: 100) }
        #expect(throws: InputError.self) { try Field.text("abc\u{202E}cba", name: "reason", limit: 100) }
        #expect(throws: InputError.self) { try Field.text("  ", name: "reason", limit: 100) }
        #expect(throws: InputError.self) { try Field.line("two\nlines", name: "actor", limit: 100) }
    }

    @Test("numbers name the rule they break")
    func numbers() {
        #expect {
            try Field.positive(-5, name: "count")
        } throws: { error in
            (error as? InputError)?.message == "count must be a whole number at least 1, got -5"
        }
        #expect {
            try Product(sku: "P", name: "P", warranty: WarrantyPolicy(months: -1, basis: .sale)).validated()
        } throws: { error in
            (error as? InputError)?.message == "warranty months must be a whole number from 0 to 1200, got -1"
        }
    }

    @Test("a product without a template or GTIN has one form for a numbered serial")
    func canonicalSerial() {
        let plain = Product(sku: "P", name: "P")
        #expect(plain.canonicalSerial("1") == "000001")
        #expect(plain.canonicalSerial("0000001") == "000001")
        #expect(plain.canonicalSerial("1234567") == "1234567")
        #expect(plain.canonicalSerial("A1") == "A1")
        let gs1 = Product(sku: "G", name: "G", gtin: "09506000134352")
        #expect(gs1.canonicalSerial("1") == "1")
    }
}

@Suite("Network addresses")
struct IPAddressTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let host: String
        let range: String?
        var testDescription: String { host }
    }

    @Test(
        "every spelling of a non-public address is recognised",
        arguments: [
            Example(host: "127.0.0.1", range: "loopback"),
            Example(host: "127.1", range: "loopback"),
            Example(host: "2130706433", range: "loopback"),
            Example(host: "0177.0.0.1", range: "loopback"),
            Example(host: "0x7f.0.0.1", range: "loopback"),
            Example(host: "0x7f000001", range: "loopback"),
            Example(host: "10.1.2.3", range: "private"),
            Example(host: "172.31.255.255", range: "private"),
            Example(host: "192.168.0.10", range: "private"),
            Example(host: "169.254.169.254", range: "link-local"),
            Example(host: "100.64.0.1", range: "shared address space"),
            Example(host: "0.0.0.0", range: "this network"),
            Example(host: "[::1]", range: "loopback"),
            Example(host: "::", range: "unspecified"),
            Example(host: "[::ffff:127.0.0.1]", range: "loopback"),
            Example(host: "::ffff:7f00:1", range: "loopback"),
            Example(host: "::ffff:10.0.0.1", range: "private"),
            Example(host: "64:ff9b::a9fe:a9fe", range: "link-local"),
            Example(host: "2002:c0a8:0101::1", range: "private"),
            Example(host: "fd12:3456::1", range: "unique-local"),
            Example(host: "fe80::1%eth0", range: "link-local"),
            Example(host: "ff02::1", range: "multicast"),
            Example(host: "224.0.0.1", range: "multicast"),
            Example(host: "93.184.216.34", range: nil),
            Example(host: "172.32.0.1", range: nil),
            Example(host: "2001:4860:4860::8888", range: nil),
        ])
    func ranges(_ example: Example) throws {
        let address = try #require(IPAddress(literal: example.host))
        #expect(address.restrictedRange == example.range)
    }

    @Test("names and malformed literals are not addresses")
    func notAddresses() {
        for host in ["example.com", "1.2.3.4.5", "256.1.1.1", "1::2::3", "08.1.1.1", "::ffff:1.2.3", "1.2.3.-1"] {
            #expect(IPAddress(literal: host) == nil, "\(host)")
        }
        #expect(IPAddress(literal: "1.2.3.256") == nil)
    }
}

@Suite("Sealing secrets")
struct SealingKeyTests {
    @Test("a sealed secret opens with its key and context only, and never shows the clear text")
    func sealAndOpen() throws {
        let (key, text) = SealingKey.generate()
        let again = try SealingKey(text: text + "\n")
        let sealed = key.seal("s3cr3t-value", context: "webhook:wh_1")
        #expect(SealingKey.isSealed(sealed))
        #expect(!sealed.contains("s3cr3t-value"))
        #expect(try again.open(sealed, context: "webhook:wh_1") == "s3cr3t-value")
        #expect(key.seal("s3cr3t-value", context: "webhook:wh_1") != sealed, "a fresh nonce each time")
        #expect(throws: SealError(.altered, context: "webhook:wh_2")) {
            try key.open(sealed, context: "webhook:wh_2")
        }
        let other = SealingKey.generate().key
        #expect(throws: SealError(.otherKey(key.id), context: "webhook:wh_1")) {
            try other.open(sealed, context: "webhook:wh_1")
        }
        #expect(throws: InputError.self) { try SealingKey(text: "too short") }
    }
}
