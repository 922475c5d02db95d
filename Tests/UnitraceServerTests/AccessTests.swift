import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceInventory
import UnitraceServer

@Suite("Roles and routes")
struct AccessTests {
    /// A request each route accepts in shape, so that only the role decides between 403 and the rest.
    static func sample(_ endpoint: Endpoint) -> (uri: String, body: String?) {
        let uri = endpoint.path.replacingOccurrences(of: "{sku}", with: "EVM-200").replacingOccurrences(
            of: "{serial}", with: "M-1"
        )
        .replacingOccurrences(of: "{id}", with: "missing")
        switch endpoint.path {
        case "/api/v1/units/lookup": return (uri + "?scan=M-1", nil)
        case "/api/v1/units/receive": return (uri, #"{"product":"EVM-200","location":"WH1","units":["X-1"]}"#)
        case "/api/v1/units/sell": return (uri, #"{"units":["M-1"],"channel":"online"}"#)
        case "/api/v1/units/correct": return (uri, #"{"sequence":999,"reason":"test"}"#)
        case "/api/v1/events": return (uri, #"{"events":[{"kind":"quarantine","units":["M-2"],"reason":"x"}]}"#)
        case "/api/v1/products": return (uri, #"{"sku":"NEW","name":"New"}"#)
        case "/api/v1/locations": return (uri, #"{"code":"NEW","name":"New","kind":"warehouse"}"#)
        case "/api/v1/keys": return (uri, #"{"name":"x","role":"auditor"}"#)
        case "/api/v1/webhooks": return (uri, #"{"url":"http://127.0.0.1:9/x"}"#)
        default: return (uri, endpoint.method == .post ? #"{"units":["M-1"],"location":"WH1-B","reason":"test"}"# : nil)
        }
    }

    @Test("every route answers every role as the matrix says", arguments: Endpoint.all)
    func matrix(_ endpoint: Endpoint) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            let (uri, body) = Self.sample(endpoint)
            for role in [nil] + Role.allCases.map(Optional.some) {
                try await client.execute(
                    uri: uri, method: endpoint.method, headers: fixture.headers(role), body: body.map(json)
                ) { response in
                    let status = response.status.code
                    if endpoint.roles == nil {
                        #expect(status != 401 && status != 403, "\(endpoint.path) public, got \(status)")
                    } else if let role {
                        if endpoint.allows(role) {
                            #expect(
                                status != 401 && status != 403,
                                "\(role) on \(endpoint.method) \(endpoint.path): \(status) \(response.text)")
                        } else {
                            #expect(status == 403, "\(role) on \(endpoint.method) \(endpoint.path): \(status)")
                        }
                    } else {
                        #expect(status == 401, "no key on \(endpoint.method) \(endpoint.path): \(status)")
                    }
                    #expect(status < 500, "\(endpoint.path): \(status) \(response.text)")
                }
            }
        }
    }

    @Test("the roles say what the product promises")
    func rolePromises() {
        #expect(Endpoint.sell.allows(.sales) && !Endpoint.sell.allows(.operator))
        #expect(Endpoint.receive.allows(.operator) && !Endpoint.receive.allows(.kiosk))
        #expect(Endpoint.returnUnits.allows(.kiosk))
        #expect(Endpoint.all.filter { $0.allows(.kiosk) && $0.roles != nil && $0 != .openAPI } == [.returnUnits])
        #expect(Endpoint.all.filter { $0.allows(.auditor) }.allSatisfy { $0.method == .get })
        #expect(!Endpoint.createKey.allows(.auditor) && !Endpoint.addWebhook.allows(.operator))
    }

    @Test("a revoked key is refused, a wrong one too")
    func revoked() async throws {
        let fixture = try await ServerFixture.make()
        let (key, token) = try await fixture.inventory.createKey(name: "temp", role: .auditor)
        try await fixture.app().test(.router) { client in
            var headers: HTTPFields = [.authorization: "Bearer \(token)"]
            try await client.execute(uri: "/api/v1/verify", method: .get, headers: headers) {
                #expect($0.status == .ok)
            }
            try await fixture.inventory.revokeKey(id: key.id)
            try await client.execute(uri: "/api/v1/verify", method: .get, headers: headers) { response in
                #expect(response.status == .unauthorized)
                #expect(response.isProblem)
            }
            let admin = try #require(try await fixture.inventory.authenticate(token: fixture.tokens[.admin]!))
            try await client.execute(uri: "/api/v1/keys/\(admin.id)", method: .delete, headers: fixture.headers(.admin))
            { response in
                #expect(response.status == .conflict)
                #expect(response.text.contains("revoking-own-key"))
            }
            headers[.authorization] = "Bearer ut_000000000000_" + String(repeating: "0", count: 64)
            try await client.execute(uri: "/api/v1/verify", method: .get, headers: headers) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test("the OpenAPI document lists exactly the routes the server has")
    func openAPIMatchesRoutes() async throws {
        let fixture = try await ServerFixture.make()
        let document = try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get, headers: fixture.headers(.auditor)) {
                response in
                #expect(response.status == .ok)
                return response.text
            }
        }
        var documented = Set<String>()
        var path = ""
        for line in document.split(separator: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if ["    get:", "    post:", "    delete:"].contains(line) {
                documented.insert("\(line.dropFirst(4).dropLast().uppercased()) \(path)")
            } else if !line.hasPrefix(" ") {
                path = ""
            }
        }
        let routed = Set(Endpoint.all.map { "\($0.method.rawValue) \($0.path)" })
        #expect(documented == routed)
        #expect(routed.count == Endpoint.all.count)
    }
}
