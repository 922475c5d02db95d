import ArgumentParser
import Foundation
import Hummingbird
import Logging
import UnitraceCore
import UnitraceInventory
import UnitraceServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API on the same store (stops gracefully on SIGTERM or SIGINT).",
        discussion: "Host and port also come from UNITRACE_HOST and UNITRACE_PORT. --port 0 picks a free port.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(parsing: .unconditional, help: "Port to listen on (default 8080).") var port: Int?
    @Option(parsing: .unconditional, help: "Most units one request may name (default 100000).") var maxBatchUnits: Int?
    @Flag(
        help: """
            Allow webhook receivers on loopback, private, link-local and unique-local addresses (an on-premise \
            ERP); also UNITRACE_WEBHOOK_ALLOW_PRIVATE=1.
            """)
    var webhookAllowPrivate = false

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            var configuration = ServerConfiguration.fromEnvironment()
            if let host { configuration.host = host }
            if let port {
                try Field.positive(port, name: "port", minimum: 0, maximum: 65_535)
                configuration.port = port
            }
            if let maxBatchUnits {
                try Field.positive(maxBatchUnits, name: "max batch units")
                configuration.maxBatchUnits = maxBatchUnits
            }
            let allowPrivate =
                webhookAllowPrivate || ProcessInfo.processInfo.environment["UNITRACE_WEBHOOK_ALLOW_PRIVATE"] == "1"
            let inventory = try await store.openInventory(webhookEgress: WebhookEgress(allowPrivate: allowPrivate))
            if try await inventory.prepareSecrets() > 0 {
                output.warn("webhook secrets kept in clear by an earlier release are now sealed with the secret key")
            }
            var logger = Logger(label: "unitrace")
            logger.logLevel =
                ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            let host = configuration.host
            let app = buildApplication(
                configuration, inventory: inventory, logger: logger,
                onServerRunning: { port in
                    FileHandle.standardOutput.write(Data("unitrace listening on http://\(host):\(port)\n".utf8))
                })
            try await app.runService()
        }
    }
}

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key; the token is printed once.")
        @OptionGroup var store: StoreOptions
        @Option(help: "admin, operator, sales, support, auditor or kiosk.") var role: String
        @Option(help: "Who or what uses the key.") var name: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                guard let role = Role(rawValue: role) else {
                    throw InputError(
                        code: .invalidField,
                        message:
                            "--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")); got '\(role)'"
                    )
                }
                let (key, token) = try await store.openInventory().createKey(name: name, role: role)
                output.emit(["id": key.id, "name": key.name, "role": key.role.rawValue, "token": token]) {
                    "created \(key.role.rawValue) key \(key.id) for \(key.name); it is shown once:\n\(token)"
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never their secrets).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let keys = try await store.openInventory().keys(after: nil, limit: 100_000)
                output.emit(keys) {
                    table(
                        ["ID", "ROLE", "NAME", "CREATED", "REVOKED"],
                        keys.map {
                            [$0.id, $0.role.rawValue, $0.name, $0.createdAt.iso8601, $0.revokedAt?.iso8601 ?? "-"]
                        })
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key at once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The key id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                try await store.openInventory().revokeKey(id: id)
                output.emit(["revoked": id]) { "revoked key \(id)" }
            }
        }
    }
}

struct SecretKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret-key", abstract: "Make the key that seals webhook secrets in the store.",
        discussion: """
            The key stays outside the store: point UNITRACE_SECRET_KEY_FILE at the file (or put its text in \
            UNITRACE_SECRET_KEY) for every command that adds webhooks and for `unitrace serve`. Keep a copy: \
            without it, the webhook secrets in the store cannot be opened.
            """,
        subcommands: [New.self])

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a new random key.")
        @Option(help: "Write the key to FILE (readable by its owner only) instead of printing it.") var out: String?

        func run() async throws {
            let output = Output(json: false)
            try await reporting(output) {
                let (key, text) = SealingKey.generate()
                guard let out else {
                    print(text)
                    return
                }
                guard !FileManager.default.fileExists(atPath: out) else {
                    throw InputError(code: .invalidField, message: "\(out) exists; a key file is never overwritten")
                }
                guard
                    FileManager.default.createFile(
                        atPath: out, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
                else {
                    throw InputError(code: .invalidField, message: "cannot write \(out)")
                }
                print("wrote secret key \(key.id) to \(out); set UNITRACE_SECRET_KEY_FILE=\(out)")
            }
        }
    }
}
