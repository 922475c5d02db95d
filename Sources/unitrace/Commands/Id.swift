import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

struct IdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id", abstract: "Parse, check and convert GS1 barcodes, Digital Link URIs, IMEIs and VINs.",
        subcommands: [Parse.self, Convert.self, CheckDigit.self])

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say what a scan means; exit 0 when valid, 65 with the reason when not.",
            discussion: """
                KIND: auto (default), gs1, digital-link, epc, epc-hex, gtin, sscc, gln, imei, vin. \
                auto: ']' or '(' -> gs1, 'http://' or 'https://' -> digital-link, 'urn:epc:' -> epc; anything else needs --as.
                """)
        @OptionGroup var input: IdInput
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let output = Output(json: json)
            try await reporting(output) {
                let kind = try input.identifierKind()
                let length = try await input.prefixLength(kind: kind)
                let parsed = try Identifiers.parse(
                    input.text, as: kind, syntaxOnly: input.syntaxOnly, companyPrefixLength: length)
                output.emit(parsed) { describe(parsed) }
            }
        }
    }

    struct Convert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write a scan in another form: bracketed, element-string, digital-link, epc-uri, epc-tag-uri, epc-hex.")
        @Option(help: "The form to write.") var to: String
        @Option(help: "An EPC binary scheme such as sgtin-96.") var scheme: String?
        @Option(parsing: .unconditional, help: "The EPC filter value.") var filter: Int?
        @Option(help: "The Digital Link stem.") var stem: String = DigitalLink.defaultStem
        @OptionGroup var input: IdInput

        func run() async throws {
            let output = Output(json: false)
            try await reporting(output) {
                guard let form = IdentifierForm(rawValue: to) else {
                    let forms = IdentifierForm.allCases.map(\.rawValue).joined(separator: ", ")
                    throw InputError(code: .invalidField, message: "--to must be one of \(forms); got '\(to)'")
                }
                let kind = try input.identifierKind()
                let wantsEPC = [.epcURI, .epcTagURI, .epcHex].contains(form)
                let length = wantsEPC ? try await input.prefixLength(kind: kind) : input.companyPrefixLength
                let converted = try Identifiers.convert(
                    input.text, as: kind, to: form, syntaxOnly: input.syntaxOnly, stem: stem, scheme: scheme,
                    filter: filter, companyPrefixLength: length)
                FileHandle.standardOutput.write(Data((converted + "\n").utf8))
            }
        }
    }

    struct CheckDigit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-digit", abstract: "Print DIGITS followed by their GS1 mod-10 check digit.")
        @Argument(help: "The digits.") var digits: String

        func run() async throws {
            try await reporting(Output(json: false)) {
                FileHandle.standardOutput.write(Data((try GS1.appendingCheckDigit(digits) + "\n").utf8))
            }
        }
    }
}

/// What `id parse` and `id convert` read: the text, what it is, and how strictly.
struct IdInput: ParsableArguments {
    @Option(name: .customLong("as"), help: "auto, gs1, digital-link, epc, epc-hex, gtin, sscc, gln, imei or vin.")
    var kind: String = "auto"
    @Option(parsing: .unconditional, help: "Length of the GS1 Company Prefix, for EPC conversions.")
    var companyPrefixLength: Int?
    @Flag(help: "Check each GS1 AI on its own, not the rules between AIs.") var syntaxOnly = false
    @Option(
        help:
            "A store whose products give company prefix lengths (default: $UNITRACE_DB or ./unitrace.sqlite, if present)."
    )
    var db: String?
    @Argument(help: "The scanned text.") var text: String

    func identifierKind() throws(InputError) -> IdentifierKind { try unitrace.identifierKind(kind) }

    /// The option's company prefix length, else the one of the product carrying the GTIN.
    func prefixLength(kind: IdentifierKind) async throws -> Int? {
        if let companyPrefixLength { return companyPrefixLength }
        return try await storedPrefixLength(for: text, kind: kind, db: db)
    }
}

/// The company prefix length of the product whose GTIN `text` carries, from the store when there is one.
/// A store named with `--db` must exist; the default one is used only if it is there.
func storedPrefixLength(for text: String, kind: IdentifierKind, db: String?) async throws -> Int? {
    guard kind != .epc, kind != .epcHex, let gtin = (try? Identifiers.parse(text, as: kind, syntaxOnly: true))?.gtin
    else {
        return nil
    }
    var options = StoreOptions()
    options.db = db
    guard db != nil || FileManager.default.fileExists(atPath: options.path) else { return nil }
    let products = try await options.openStore().products()
    return products.first { product in
        product.gtin.map { String(repeating: "0", count: max(0, 14 - $0.count)) + $0 } == gtin
    }?.companyPrefixLength
}

func identifierKind(_ text: String) throws(InputError) -> IdentifierKind {
    guard let kind = IdentifierKind(rawValue: text) else {
        let kinds = IdentifierKind.allCases.map(\.rawValue).joined(separator: ", ")
        throw InputError(code: .invalidField, message: "--as must be one of \(kinds); got '\(text)'")
    }
    return kind
}

/// A scan's meaning, for people.
func describe(_ parsed: ParsedIdentifier) -> String {
    var lines: [[String]] = [["kind", parsed.kind]]
    for element in parsed.ais ?? [] {
        let title = AIDefinition.all[element.ai]?.title ?? ""
        lines.append(["(\(element.ai))", "\(element.value)  \(title)"])
    }
    if let bracketed = parsed.bracketed { lines.append(["bracketed", bracketed]) }
    if let link = parsed.digitalLink { lines.append(["digital link", link]) }
    if let uri = parsed.epcURI { lines.append(["epc", uri]) }
    if let uri = parsed.epcTagURI { lines.append(["epc tag", uri]) }
    if let hex = parsed.epcHex { lines.append(["epc hex", hex]) }
    if let expiry = parsed.expiry { lines.append(["expiry", expiry]) }
    if let imei = parsed.imei {
        lines.append(["tac", imei.tac])
        lines.append(["serial", imei.serial])
        if let check = imei.checkDigit { lines.append(["check digit", check]) }
        if let version = imei.softwareVersion { lines.append(["software version", version]) }
    }
    if let vin = parsed.vin {
        lines.append(["wmi", vin.wmi])
        lines.append(["vds", vin.vds])
        lines.append(["vis", vin.vis])
        lines.append(["check digit", "\(vin.checkDigit) (\(vin.checkDigitValid ? "valid" : "does not match"))"])
    }
    let width = lines.map { $0[0].count }.max() ?? 0
    return lines.map { $0[0].padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0[1] }.joined(
        separator: "\n")
}
