import Foundation
import Testing

@testable import UnitraceCore

@Suite("Serial templates")
struct SerialTemplateTests {
    @Test("year, category and sequence")
    func yearCategorySequence() throws {
        let template = try SerialTemplate("{YY}{CAT:2}{SEQ:6}")
        #expect(try template.serial(sequence: 1, year: 2026, fields: ["CAT": "07"]) == "2607000001")
        #expect(template.fieldNames == ["CAT"])
        try template.validate("2607000001")
        let missing = try #require(throws: InputError.self) { try template.serial(sequence: 1, year: 2026) }
        #expect(missing.message.contains("needs a value for {CAT:2}"))
        #expect(throws: InputError.self) { try template.serial(sequence: 1, year: 2026, fields: ["CAT": "7"]) }
    }

    @Test("site, month, prefix and lower-case names")
    func otherForms() throws {
        let template = try SerialTemplate("EV-{site:3}-{yyyy}{mm}-{seq:4}")
        #expect(
            try template.serial(sequence: 42, year: 2026, month: 11, fields: ["SITE": "LYN"]) == "EV-LYN-202611-0042")
        try template.validate("EV-LYN-202611-0042")
        let month = try #require(throws: InputError.self) { try template.validate("EV-LYN-202613-0042") }
        #expect(
            month.message
                == "serial EV-LYN-202613-0042 does not follow template 'EV-{site:3}-{yyyy}{mm}-{seq:4}': '13' is not a month"
        )
        #expect(throws: InputError.self) { try template.validate("EV-LYN-202611-042") }
        #expect(throws: InputError.self) { try template.validate("XX-LYN-202611-0042") }
        #expect(throws: InputError.self) { try template.validate("EV-LYN-202611-00420") }
    }

    struct Check: Sendable, CustomTestStringConvertible {
        let pattern: String
        var testDescription: String { pattern }
    }

    @Test(
        "check characters are computed and verified",
        arguments: [
            Check(pattern: "{SEQ:8}{CHECK:GS1}"), Check(pattern: "{SEQ:8}{CHECK:LUHN}"),
            Check(pattern: "A{RAND:6}{SEQ:3}{CHECK:MOD37-36}"),
        ])
    func checkCharacters(_ check: Check) throws {
        let template = try SerialTemplate(check.pattern)
        var state: UInt64 = 1
        for sequence in 1...200 {
            let serial = try template.serial(sequence: Int64(sequence), year: 2026) {
                state = state &* 6_364_136_223_846_793_005 &+ 1
                return state >> 11
            }
            try template.validate(serial)
            // Changing the last character before the check character is caught.
            var characters = Array(serial)
            let position = characters.count - 2
            characters[position] = characters[position] == "9" ? "8" : "9"
            #expect(throws: InputError.self) { try template.validate(String(characters)) }
        }
    }

    @Test("published check digits: GS1 mod 10, Luhn, ISO 7064")
    func publishedCheckDigits() throws {
        #expect(
            try SerialTemplate("{SEQ:12}{CHECK:GS1}").serial(sequence: 400_638_133_393, year: 2026) == "4006381333931")
        #expect(
            try SerialTemplate("{SEQ:14}{CHECK:LUHN}").serial(sequence: 49_015_420_323_751, year: 2026)
                == "490154203237518")
        // ISO/IEC 7064's own example of the hybrid system, MOD 11,10: 0794 takes check digit 5.
        #expect(SerialTemplate.iso7064([0, 7, 9, 4], modulus: 10) == 5)
    }

    @Test(
        "bad templates are refused",
        arguments: [
            "M-{seq:6}-{seq:2}", "no-placeholder", "M-{seq:6", "M-{week}-{seq:6}", "{CHECK:GS1}{SEQ:3}", "{SEQ:0}",
            "{SEQ:3}{CHECK:CRC}", "M}{SEQ:2}",
        ])
    func refused(_ pattern: String) {
        #expect(throws: InputError.self) { try SerialTemplate(pattern) }
    }

    @Test("a sequence that outgrows its width is refused")
    func outgrown() throws {
        #expect(throws: InputError.self) { try SerialTemplate("M-{SEQ:2}").serial(sequence: 100, year: 2026) }
    }
}

@Suite("Serial entry")
struct SerialEntryTests {
    @Test("ranges, counts, lists and the next free number")
    func expand() throws {
        #expect(try SerialEntry.expand("1-5", nextFree: 1) == [1, 2, 3, 4, 5].map { .number($0) })
        #expect(try SerialEntry.expand("10+3", nextFree: 1) == [10, 11, 12, 13].map { .number($0) })
        #expect(try SerialEntry.expand("7, 9,~", nextFree: 20) == [.number(7), .number(9), .number(20)])
        #expect(try SerialEntry.expand("~,~+2", nextFree: 5) == [5, 6, 7, 8].map { .number($0) })
        #expect(try SerialEntry.expand("~,30,~", nextFree: 5) == [.number(5), .number(30), .number(31)])
        #expect(try SerialEntry.expand("SN-7A,3", nextFree: 1) == [.literal("SN-7A"), .number(3)])
        #expect(throws: InputError.self) { try SerialEntry.expand("5-1", nextFree: 1) }
        #expect(throws: InputError.self) { try SerialEntry.expand("1-9999999", nextFree: 1) }
        #expect(throws: InputError.self) { try SerialEntry.expand(" , ", nextFree: 1) }
    }
}
