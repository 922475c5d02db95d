import Foundation
import Testing
import UnitraceTestSupport

@Suite("unitrace id")
struct IdCommandTests {
    @Test("parse prints one JSON object with the keys that apply")
    func parseJSON() async throws {
        try await withTemporaryDirectory { dir in
            let run = try unitrace(
                ["id", "parse", "--json", "]d201095060001343521727123110ABC123\u{1D}21XYZ"], in: dir)
            #expect(run.code == 0, "\(run)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
            #expect(object["kind"] as? String == "gs1")
            #expect(object["gtin"] as? String == "09506000134352")
            #expect(object["serial"] as? String == "XYZ")
            #expect(object["lot"] as? String == "ABC123")
            #expect(object["expiry"] as? String == "2027-12-31")
            #expect(object["bracketed"] as? String == "(01)09506000134352(17)271231(10)ABC123(21)XYZ")
            #expect(object["elementString"] as? String == "01095060001343521727123110ABC123\u{1D}21XYZ")
            #expect(
                object["digitalLink"] as? String == "https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=271231")
            let ais = try #require(object["ais"] as? [[String: String]])
            #expect(ais.map { $0["ai"] ?? "" } == ["01", "17", "10", "21"])
            #expect(object["sscc"] == nil)
            #expect(object["imei"] == nil)
        }
    }

    @Test("an invalid scan exits 65 with one line naming what is wrong")
    func invalid() async throws {
        try await withTemporaryDirectory { dir in
            #expect(
                try unitrace(["id", "parse", "(01)09506000134352(17)271331"], in: dir)
                    == Run(out: "", err: "error: AI (17): month 13 is not a month\n", code: 65))
            #expect(
                try unitrace(["id", "parse", "--as", "gtin", "09506000134353"], in: dir)
                    == Run(out: "", err: "error: AI (01): GTIN check digit is 3, expected 2\n", code: 65))
            let json = try unitrace(["id", "parse", "--json", "--as", "vin", "1M8GDM9A1KP042788"], in: dir)
            #expect(json.code == 65)
            let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: [String: Any]]
            #expect(object?["error"]?["code"] as? String == "invalid-identifier")
            #expect(object?["error"]?["message"] as? String == "VIN: check digit is 1, expected X")
            let unknown = try unitrace(["id", "parse", "ABC-123"], in: dir)
            #expect(unknown.code == 65)
            #expect(unknown.err.hasPrefix("error: cannot tell what 'ABC-123' is"))
        }
    }

    @Test("syntax-only skips the rules between AIs")
    func syntaxOnly() async throws {
        try await withTemporaryDirectory { dir in
            let strict = try unitrace(["id", "parse", "(10)LOT-7"], in: dir)
            #expect(
                strict
                    == Run(out: "", err: "error: AI (10) needs one of (01), (02), (8006), (8026) with it\n", code: 65))
            let loose = try unitrace(["id", "parse", "--syntax-only", "(10)LOT-7"], in: dir)
            #expect(loose.code == 0)
        }
    }

    @Test("convert and check-digit print their result alone")
    func convert() async throws {
        try await withTemporaryDirectory { dir in
            #expect(
                try unitrace(["id", "convert", "--to", "digital-link", "(01)09506000134352(21)S/1(17)271231"], in: dir)
                    == Run(out: "https://id.gs1.org/01/09506000134352/21/S%2F1?17=271231\n", err: "", code: 0))
            #expect(
                try unitrace(
                    ["id", "convert", "--to", "bracketed", "https://example.com/01/09506000134352/10/L1?3103=000195"],
                    in: dir)
                    == Run(out: "(01)09506000134352(10)L1(3103)000195\n", err: "", code: 0))
            #expect(
                try unitrace(["id", "check-digit", "950600013435"], in: dir)
                    == Run(out: "9506000134352\n", err: "", code: 0))
            let noPrefix = try unitrace(["id", "convert", "--to", "epc-uri", "(01)09506000134352(21)1"], in: dir)
            #expect(
                noPrefix
                    == Run(
                        out: "",
                        err:
                            "error: converting GS1 data to an EPC needs --company-prefix-length (the length of the GS1 Company Prefix)\n",
                        code: 65))
            #expect(
                try unitrace(
                    [
                        "id", "convert", "--to", "epc-hex", "--company-prefix-length", "7", "--filter", "3",
                        "(01)80614141123458(21)6789",
                    ],
                    in: dir) == Run(out: "3074257BF7194E4000001A85\n", err: "", code: 0))
            #expect(
                try unitrace(
                    [
                        "id", "convert", "--to", "epc-tag-uri", "--scheme", "sgtin-198", "3074257BF7194E4000001A85",
                        "--as", "epc-hex",
                    ], in: dir)
                    == Run(out: "urn:epc:tag:sgtin-198:3.0614141.812345.6789\n", err: "", code: 0))
            #expect(
                try unitrace(
                    ["id", "convert", "--to", "bracketed", "--as", "epc-hex", "3074257BF7194E4000001A85"], in: dir)
                    == Run(out: "(01)80614141123458(21)6789\n", err: "", code: 0))
            let json = try unitrace(["id", "parse", "--json", "urn:epc:tag:sgtin-96:3.0614141.812345.6789"], in: dir)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
            #expect(object["kind"] as? String == "epc")
            #expect(object["epcURI"] as? String == "urn:epc:id:sgtin:0614141.812345.6789")
            #expect(object["epcHex"] as? String == "3074257BF7194E4000001A85")
            #expect(object["filter"] as? Int == 3)
            #expect(object["gtin"] as? String == "80614141123458")
        }
    }
}

@Suite("unitrace id with a store")
struct IdWithStoreTests {
    @Test("the company prefix length comes from the product that carries the GTIN")
    func prefixFromProduct() async throws {
        try await withTemporaryDirectory { dir in
            #expect(try unitrace(["init"], in: dir).code == 0)
            let added = try unitrace(
                ["product", "add", "MED", "--name", "Pen", "--gtin", "09506000134352", "--company-prefix-length", "7"],
                in: dir)
            #expect(added.code == 0, "\(added)")
            let converted = try unitrace(["id", "convert", "--to", "epc-uri", "(01)09506000134352(21)4711"], in: dir)
            #expect(converted == Run(out: "urn:epc:id:sgtin:9506000.013435.4711\n", err: "", code: 0))
            let bad = try unitrace(["product", "add", "X", "--name", "X", "--company-prefix-length", "7"], in: dir)
            #expect(bad == Run(out: "", err: "error: a company prefix length needs a GTIN\n", code: 65))
        }
    }
}
