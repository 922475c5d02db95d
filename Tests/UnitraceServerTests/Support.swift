import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceInventory
import UnitraceSQLite
import UnitraceServer
import UnitraceTestSupport

/// A warehouse store with one key per role, and the server over it.
struct ServerFixture {
    let inventory: Inventory
    let tokens: [Role: String]

    static func make() async throws -> ServerFixture {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2", "M-3"])
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            tokens[role] = try await inventory.createKey(name: "\(role.rawValue)-key", role: role).token
        }
        return ServerFixture(inventory: inventory, tokens: tokens)
    }

    func app(_ configuration: ServerConfiguration = ServerConfiguration(port: 0), send: WebhookDispatcher.Send? = nil)
        -> some ApplicationProtocol
    {
        buildApplication(configuration, inventory: inventory, send: send ?? WebhookSender.send)
    }

    func headers(_ role: Role?, idempotencyKey: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let role, let token = tokens[role] { headers[.authorization] = "Bearer \(token)" }
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        return headers
    }
}

/// A problem+json body.
struct ProblemBody: Decodable {
    struct Line: Decodable {
        var line: Int
        var code: String
        var message: String
    }
    var type: String
    var title: String
    var status: Int
    var lines: [Line]?
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    var isProblem: Bool { headers[.contentType] == "application/problem+json" }
}

func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
