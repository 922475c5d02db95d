import Foundation
import Testing
import UnitraceTestSupport

/// Runs `unitrace` through the shell, so that arguments may hold bytes that are not UTF-8.
private func shell(_ script: String, in dir: URL) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = dir
    var environment = ProcessInfo.processInfo.environment
    environment["UNITRACE"] = unitraceBinary.path
    environment["UNITRACE_DB"] = nil
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
        out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData, as: UTF8.self),
        code: process.terminationStatus)
}

private func prepared(_ dir: URL) throws {
    try runAll(
        [
            ["init"], ["product", "add", "BP-75", "--name", "Battery pack"],
            ["location", "add", "WH1", "--name", "Main warehouse", "--kind", "warehouse"],
        ], in: dir)
}

@Suite("The input policy at the command line")
struct InputPolicyCLITests {
    @Test("text that is not UTF-8 is refused, in an argument, a file or standard input, and nothing is recorded")
    func invalidUTF8() async throws {
        try await withTemporaryDirectory { dir in
            try prepared(dir)
            let argument = try shell(#""$UNITRACE" receive --product BP-75 --at WH1 "$(printf 'S\377N')""#, in: dir)
            #expect(argument.code == 65, "\(argument)")
            #expect(argument.err == "error: argument 6 is not valid UTF-8 text; nothing recorded\n")
            try Data([0x41, 0x0A, 0x42, 0xFF, 0x0A]).write(to: dir.appendingPathComponent("scans.txt"))
            let file = try unitrace(["receive", "--product", "BP-75", "--at", "WH1", "--from", "scans.txt"], in: dir)
            #expect(
                file
                    == Run(
                        out: "", err: "error: line 2 of scans.txt is not valid UTF-8 text; nothing recorded\n", code: 65
                    ))
            let piped = try shell(#"printf 'A\n\377\n' | "$UNITRACE" receive --product BP-75 --at WH1"#, in: dir)
            #expect(piped.err == "error: line 2 of standard input is not valid UTF-8 text; nothing recorded\n")
            #expect(try unitrace(["verify"], in: dir).out == "ledger intact: 0 events, 0 units\n")
        }
    }

    @Test("numbers say what they must be; a numbered serial has one form; a huge reason never echoes back")
    func numbersSerialsAndLimits() async throws {
        try await withTemporaryDirectory { dir in
            try prepared(dir)
            #expect(
                try unitrace(["receive", "--product", "BP-75", "--at", "WH1", "--count", "-5"], in: dir)
                    == Run(out: "", err: "error: count must be a whole number from 1 to 1000000, got -5\n", code: 65))
            #expect(
                try unitrace(["product", "add", "X", "--name", "X", "--warranty-months", "-3"], in: dir).err
                    == "error: warranty months must be a whole number from 0 to 1200, got -3\n")
            #expect(
                try unitrace(["correct", "-2", "--reason", "x"], in: dir).err
                    == "error: the sequence must be one whole number of at least 1, got '-2'\n")
            // One unit, one serial: --count, --serials and a typed number are the same form
            #expect(try unitrace(["receive", "--product", "BP-75", "--at", "WH1", "--count", "2"], in: dir).code == 0)
            let again = try unitrace(["receive", "--product", "BP-75", "--at", "WH1", "--serials", "1"], in: dir)
            #expect(again.code == 65 && again.err.contains("BP-75/000001"), "\(again)")
            let typed = try unitrace(["receive", "--product", "BP-75", "--at", "WH1", "2"], in: dir)
            #expect(typed.code == 65 && typed.err.contains("BP-75/000002"), "\(typed)")
            #expect(try unitrace(["show", "1", "--product", "BP-75"], in: dir).out.hasPrefix("BP-75/000001"))
            // A reason far over its limit is refused, quoted by a short prefix only
            let huge = String(repeating: "r", count: 100_000)
            let scrapped = try unitrace(["scrap", "BP-75/000001", "--reason", huge], in: dir)
            #expect(scrapped.code == 65)
            #expect(scrapped.err.count < 300, "\(scrapped.err.prefix(300))")
            #expect(scrapped.err.contains("100000 characters long; at most 1000"))
            #expect(try unitrace(["verify"], in: dir).out == "ledger intact: 1 events, 2 units\n")
        }
    }

    @Test("a key's token is printed once and is nowhere in the store file")
    func keyFromTheCLI() async throws {
        try await withTemporaryDirectory { dir in
            try prepared(dir)
            let created = try unitrace(["key", "create", "--role", "operator", "--name", "dock 3"], in: dir)
            #expect(created.code == 0, "\(created)")
            let token = try #require(created.out.split(separator: "\n").last.map(String.init))
            let secret = String(token.split(separator: "_")[2])
            var bytes = Data()
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path)
            where name.hasPrefix("unitrace.sqlite") {
                bytes.append(try Data(contentsOf: dir.appendingPathComponent(name)))
            }
            #expect(!bytes.isEmpty)
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
        }
    }

    @Test("secret-key new writes a key file for its owner only, and never overwrites one")
    func secretKey() async throws {
        try await withTemporaryDirectory { dir in
            let made = try unitrace(["secret-key", "new", "--out", "k.key"], in: dir)
            #expect(made.code == 0 && made.out.contains("UNITRACE_SECRET_KEY_FILE=k.key"), "\(made)")
            let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("k.key").path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(try unitrace(["secret-key", "new", "--out", "k.key"], in: dir).code == 65)
            let bad = try unitrace(["init"], in: dir, environment: ["UNITRACE_SECRET_KEY": "nope"])
            #expect(bad.code == 0, "init needs no key")
            let refused = try unitrace(["key", "list"], in: dir, environment: ["UNITRACE_SECRET_KEY": "nope"])
            #expect(refused.code == 65 && refused.err.contains("32 bytes in base64"), "\(refused)")
        }
    }
}

@Suite("unitrace head")
struct HeadCommandTests {
    @Test("head prints SEQ:HASH, and verify --head proves it is still in the chain")
    func headAndVerify() async throws {
        try await withTemporaryDirectory { dir in
            #expect(try unitrace(["demo"], in: dir).code == 0)
            let head = try unitrace(["head"], in: dir)
            #expect(head.code == 0)
            let text = head.out.trimmingCharacters(in: .newlines)
            #expect(text.hasPrefix("37:") && text.count == 3 + 64, "\(head)")
            #expect(
                try unitrace(["verify", "--head", text], in: dir).out
                    == "ledger intact: 37 events, 34 units; head 37 is in the chain\n")
            let forged = "12:" + String(text.dropFirst(3))
            let refused = try unitrace(["verify", "--head", forged], in: dir)
            #expect(refused.code == 65)
            #expect(refused.err.contains("the witnessed head \(forged) is not this chain's hash there"))
            let malformed = try unitrace(["verify", "--head", "26"], in: dir)
            #expect(malformed.code == 65 && malformed.err.contains("SEQ:HASH"))
        }
    }
}
