import Foundation
import Testing
import UnitraceTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A way into the ledger.
enum Door: String, CaseIterable, CustomStringConvertible {
    /// A CLI verb: `unitrace scrap …`.
    case cliVerb = "CLI verb"
    /// An HTTP verb: `POST /api/v1/units/scrap`.
    case httpVerb = "HTTP verb"
    /// Batch capture: `POST /api/v1/events`.
    case httpCapture = "HTTP batch capture"
    /// A JSON Lines ledger file: `unitrace import`.
    case cliImport = "JSON Lines import (CLI)"
    /// The same file over HTTP: `POST /api/v1/import`.
    case httpImport = "JSON Lines import (HTTP)"
    /// An EPCIS 2.0 document: `unitrace epcis import`.
    case epcisImport = "EPCIS import"

    var description: String { rawValue }
}

/// A rule, and the one event that breaks it as each door would be asked to record it.
struct BrokenRule: Sendable, CustomStringConvertible {
    var name: String
    /// The error code every door must answer with.
    var code: String
    /// Words the message must hold, so that it names what was wrong.
    var words: String
    /// The CLI verb's arguments.
    var verb: [String]
    /// The HTTP verb: its path under `/api/v1/units/` and its JSON body.
    var route: String
    var body: String
    /// The same event as a line of `POST /api/v1/events`.
    var captured: String
    /// The same event as a line of a JSON Lines ledger (without sequence and hash: a new event).
    var ledgerLine: String
    /// The same event as the members of an EPCIS ObjectEvent; nil where the standard cannot say it.
    var epcis: String?

    var description: String { name }

    /// A move of the motor `serial` to `place`, as each door writes it.
    static func move(_ name: String, code: String, words: String, serial: String, to place: String) -> BrokenRule {
        let scan = "EVM-200/\(serial)"
        return BrokenRule(
            name: name, code: code, words: words,
            verb: ["move", scan, "--to", place],
            route: "move", body: #"{"units":["\#(scan)"],"location":"\#(place)"}"#,
            captured: #"{"kind":"move","units":["\#(scan)"],"location":"\#(place)"}"#,
            ledgerLine: ledgerRecord(
                "move", #"{"sku":"EVM-200","serial":"\#(serial)"}"#, #","location":"\#(place)""#),
            epcis:
                #""action":"OBSERVE","bizStep":"storing","bizLocation":{"id":"urn:unitrace:location:\#(place)"},"epcList":["urn:unitrace:unit:EVM-200:\#(serial)"]"#
        )
    }
}

private let motor = #"{"sku":"EVM-200","serial":"M-1"}"#
private let motorURN = "urn:unitrace:unit:EVM-200:M-1"

private func ledgerRecord(_ kind: String, _ unit: String, _ members: String = "") -> String {
    let steps = ["scrap": "destroying", "sell": "retail_selling", "move": "storing", "quarantine": "holding"]
    return
        #"{"id":"\#(UUID().uuidString)","kind":"\#(kind)","businessStep":"\#(steps[kind]!)","actor":"partner","documents":[],"occurredAt":"2026-11-30T09:00:00.000+01:00","recordedAt":"2026-11-30T09:00:00.000+01:00","units":[\#(unit)]\#(members)}"#
}

private let longReason = String(repeating: "x", count: 1_001)

let brokenRules: [BrokenRule] = [
    BrokenRule(
        name: "a scrap needs a reason", code: "reason-required", words: "needs a reason",
        verb: ["scrap", "EVM-200/M-1"],
        route: "scrap", body: #"{"units":["EVM-200/M-1"]}"#,
        captured: #"{"kind":"scrap","units":["EVM-200/M-1"]}"#,
        ledgerLine: ledgerRecord("scrap", motor),
        epcis: #""action":"DELETE","bizStep":"destroying","epcList":["\#(motorURN)"]"#),
    BrokenRule(
        name: "a sale in person happens at a store", code: "not-a-store", words: "'WH1' is a warehouse",
        verb: ["sell", "EVM-200/M-1", "--channel", "store:WH1"],
        route: "sell", body: #"{"units":["EVM-200/M-1"],"channel":"store:WH1"}"#,
        captured: #"{"kind":"sell","units":["EVM-200/M-1"],"channel":"store:WH1"}"#,
        ledgerLine: ledgerRecord("sell", motor, #","location":"WH1","sale":{"channel":"store:WH1"}"#),
        epcis:
            #""action":"OBSERVE","bizStep":"retail_selling","bizLocation":{"id":"urn:unitrace:location:WH1"},"epcList":["\#(motorURN)"],"unitrace:sale":{"unitrace:channel":"store:WH1"}"#
    ),
    BrokenRule(
        name: "a sale names its channel", code: "sale-required", words: "channel",
        verb: ["sell", "EVM-200/M-1"],
        route: "sell", body: #"{"units":["EVM-200/M-1"]}"#,
        captured: #"{"kind":"sell","units":["EVM-200/M-1"]}"#,
        ledgerLine: ledgerRecord("sell", motor, #","location":"WH1""#),
        // An EPCIS retail_selling event without a channel is an online sale: the standard has no unnamed sale.
        epcis: nil),
    BrokenRule(
        name: "a channel is online or store:CODE", code: "invalid-field", words: "channel",
        verb: ["sell", "EVM-200/M-1", "--channel", "mail"],
        route: "sell", body: #"{"units":["EVM-200/M-1"],"channel":"mail"}"#,
        captured: #"{"kind":"sell","units":["EVM-200/M-1"],"channel":"mail"}"#,
        ledgerLine: ledgerRecord("sell", motor, #","location":"WH1","sale":{"channel":"mail"}"#),
        epcis:
            #""action":"OBSERVE","bizStep":"retail_selling","epcList":["\#(motorURN)"],"unitrace:sale":{"unitrace:channel":"mail"}"#
    ),
    .move(
        "units are put at a real place", code: "not-a-place", words: "built-in location", serial: "M-1",
        to: "scrapped"),
    .move("a scrapped unit stays scrapped", code: "unit-scrapped", words: "scrapped", serial: "M-2", to: "SHOP"),
    BrokenRule(
        name: "no control characters in text", code: "invalid-field", words: "reason",
        verb: ["quarantine", "EVM-200/M-1", "--reason", "bad\u{07}bell"],
        route: "quarantine", body: #"{"units":["EVM-200/M-1"],"reason":"bad\u0007bell"}"#,
        captured: #"{"kind":"quarantine","units":["EVM-200/M-1"],"reason":"bad\u0007bell"}"#,
        ledgerLine: ledgerRecord("quarantine", motor, #","location":"WH1","reason":"bad\u0007bell""#),
        epcis: #""action":"OBSERVE","bizStep":"holding","epcList":["\#(motorURN)"],"unitrace:reason":"bad\u0007bell""#),
    BrokenRule(
        name: "a reason has at most 1,000 characters", code: "invalid-field", words: "at most 1000",
        verb: ["quarantine", "EVM-200/M-1", "--reason", longReason],
        route: "quarantine", body: #"{"units":["EVM-200/M-1"],"reason":"\#(longReason)"}"#,
        captured: #"{"kind":"quarantine","units":["EVM-200/M-1"],"reason":"\#(longReason)"}"#,
        ledgerLine: ledgerRecord("quarantine", motor, #","location":"WH1","reason":"\#(longReason)""#),
        epcis: #""action":"OBSERVE","bizStep":"holding","epcList":["\#(motorURN)"],"unitrace:reason":"\#(longReason)""#),
]

private func epcisDocument(_ members: String) -> String {
    #"""
    {"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"unitrace":"https://ns.unitrace.dev/epcis/"}],
     "type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-11-30T10:00:00Z",
     "epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-11-30T09:00:00.000+01:00",
       "eventTimeZoneOffset":"+01:00",\#(members)}]}}
    """#
}

/// What a refusal says: its code (a batch's refusal gives the code of its line) and its message.
private struct Refusal: CustomStringConvertible {
    var code: String
    var message: String
    var description: String { "\(code): \(message)" }

    /// From `unitrace … --json`: `{"error":{"code","message","lines":[{"code","message"}]}}`.
    init(cli run: Run) throws {
        let object = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any]
        let error = try #require(object?["error"] as? [String: Any], "\(run)")
        let lines = error["lines"] as? [[String: Any]] ?? []
        code = error["code"] as? String ?? ""
        message = (error["message"] as? String ?? "") + " " + run.err
        if code == "batch-rejected", let first = lines.first {
            code = first["code"] as? String ?? code
            message = first["message"] as? String ?? message
        }
    }

    /// From an HTTP problem: `{"type":"/problems/CODE","title","detail","lines":[…]}`.
    init(http data: Data) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let type = object["type"] as? String ?? ""
        code = type.hasPrefix("/problems/") ? String(type.dropFirst(10)) : type
        message = [object["title"], object["detail"]].compactMap { $0 as? String }.joined(separator: " ")
        if let lines = object["lines"] as? [[String: Any]], let first = lines.first {
            if code == "batch-rejected" { code = first["code"] as? String ?? code }
            message += " " + (first["message"] as? String ?? "")
        }
    }
}

/// Every rule refused through every door, with the same code, recording nothing — on the engine under test
/// (a SQLite file, or with `UNITRACE_TEST_ENGINE=postgres` a database on the test server).
@Suite("Rules × doors", .timeLimit(.minutes(5)))
struct RuleDoorTests {
    @Test("each rule is refused through each door with the same code, and nothing is recorded")
    func everyDoor() async throws {
        try await withTemporaryDirectory { dir in
            var environment: [String: String] = [:]
            if TestStores.engine == "postgres" {
                environment["UNITRACE_DB"] = try await TestStores.newDatabase()
            } else {
                environment["UNITRACE_DB"] = dir.appendingPathComponent("rules.sqlite").path
            }
            func cli(_ arguments: [String], input: String? = nil) throws -> Run {
                try unitrace(arguments, in: dir, input: input, environment: environment)
            }
            for arguments in [
                ["init"], ["product", "add", "EVM-200", "--name", "Drive motor"],
                ["location", "add", "WH1", "--name", "Main", "--kind", "warehouse"],
                ["location", "add", "SHOP", "--name", "Shop", "--kind", "store"],
            ] {
                let run = try cli(arguments)
                #expect(run.code == 0, "\(arguments): \(run)")
            }
            #expect(try cli(["receive", "--product", "EVM-200", "--at", "WH1"], input: "M-1\nM-2\n").code == 0)
            #expect(try cli(["scrap", "EVM-200/M-2", "--reason", "dropped"]).code == 0)
            let created = try cli(["key", "create", "--role", "admin", "--name", "rules", "--json"])
            let token = try #require(
                (try JSONSerialization.jsonObject(with: Data(created.out.utf8)) as? [String: String])?["token"])
            let ledgerBefore = try cli(["export"]).out
            #expect(ledgerBefore.contains(#""kind":"scrap""#))

            let (server, port) = try startServer(in: dir, environment: environment)
            defer { server.terminate() }
            func post(_ path: String, _ body: String, type: String = "application/json") async throws -> Refusal {
                var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
                request.httpMethod = "POST"
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                request.setValue(type, forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(body.utf8)
                let (data, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                #expect((400..<500).contains(status), "\(path) answered \(status)")
                return try Refusal(http: data)
            }

            var table: [String] = []
            for rule in brokenRules {
                for door in Door.allCases {
                    let refusal: Refusal
                    switch door {
                    case .cliVerb:
                        let run = try cli(rule.verb + ["--json"])
                        #expect(run.code == 65, "\(rule) via \(door): \(run)")
                        refusal = try Refusal(cli: run)
                    case .httpVerb:
                        refusal = try await post("/api/v1/units/\(rule.route)", rule.body)
                    case .httpCapture:
                        refusal = try await post("/api/v1/events", #"{"events":[\#(rule.captured)]}"#)
                    case .cliImport:
                        let file = dir.appendingPathComponent("line.jsonl")
                        try (rule.ledgerLine + "\n").write(to: file, atomically: true, encoding: .utf8)
                        let run = try cli(["import", file.path, "--json"])
                        #expect(run.code == 65, "\(rule) via \(door): \(run)")
                        refusal = try Refusal(cli: run)
                    case .httpImport:
                        refusal = try await post(
                            "/api/v1/import", rule.ledgerLine + "\n", type: "application/x-ndjson")
                    case .epcisImport:
                        guard let members = rule.epcis else { continue }
                        let file = dir.appendingPathComponent("event.jsonld")
                        try epcisDocument(members).write(to: file, atomically: true, encoding: .utf8)
                        let run = try cli(["epcis", "import", file.path, "--json"])
                        #expect(run.code == 65, "\(rule) via \(door): \(run)")
                        refusal = try Refusal(cli: run)
                    }
                    #expect(refusal.code == rule.code, "\(rule) via \(door): \(refusal)")
                    #expect(refusal.message.contains(rule.words), "\(rule) via \(door): \(refusal)")
                    table.append("\(rule) | \(door) | \(refusal.code)")
                }
            }
            // Eight rules, six doors, less the one the EPCIS standard cannot express.
            #expect(table.count == brokenRules.count * Door.allCases.count - 1)
            #expect(try cli(["export"]).out == ledgerBefore, "a refused event was recorded")
            #expect(try cli(["verify"]).code == 0)
        }
    }
}
