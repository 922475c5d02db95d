import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import UnitraceCore
import UnitraceInventory
import UnitraceServer

/// `unitrace serve` run inside this process on a store, on a free loopback port.
final class LiveServer: Sendable {
    let inventory: Inventory
    let port: Int
    let token: String
    private let task: Task<Void, any Error>

    private init(inventory: Inventory, port: Int, token: String, task: Task<Void, any Error>) {
        self.inventory = inventory
        self.port = port
        self.token = token
        self.task = task
    }

    static func start(_ inventory: Inventory) async throws -> LiveServer {
        let (_, token) = try await inventory.createKey(name: "bench \(UUID().uuidString.prefix(8))", role: .admin)
        var logger = Logger(label: "unitrace-bench")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(
            ServerConfiguration(host: "127.0.0.1", port: 0), inventory: inventory, logger: logger,
            onServerRunning: { port in continuation.yield(port) })
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw BenchError("the server did not start") }
        return LiveServer(inventory: inventory, port: port, token: token, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// A sequential HTTP client with one keep-alive connection, like a scanner or a point of sale.
struct Client {
    let http: HTTPClient
    let base: String
    let token: String

    init(_ server: LiveServer, http: HTTPClient) {
        self.http = http
        self.base = "http://127.0.0.1:\(server.port)"
        self.token = server.token
    }

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil) async throws -> Data {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await http.execute(request, timeout: .seconds(300))
        let body = try await response.body.collect(upTo: 256 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw BenchError("\(method) \(path) answered \(response.status.code): \(String(buffer: body))")
        }
        return Data(body.readableBytesView)
    }
}

/// W1–W5: the standard serialized-inventory workload over HTTP, by one sequential client.
struct HTTPWorkloads {
    let options: Options
    let results: Results

    func run(_ inventory: Inventory, selected: Set<String>) async throws {
        let rounds = try await withClient(inventory) { client in
            var rounds: [Round] = []
            for run in 0...options.repeats {  // run 0 warms up
                let round = try await self.round(run, client: client, selected: selected)
                if run > 0 { rounds.append(round) }
            }
            return rounds
        }
        report(rounds, selected: selected)
        if selected.contains("w5") {
            results.unavailable(
                "W5", "install one unit into another, list installed", because: "needs the genealogy capability")
        }
    }

    /// Serves `inventory` on a free port for the time of `body`, with a client holding an admin key.
    private func withClient<T>(_ inventory: Inventory, _ body: (Client) async throws -> T) async throws -> T {
        let server = try await LiveServer.start(inventory)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let result: Result<T, any Error>
        do { result = .success(try await body(Client(server, http: http))) } catch { result = .failure(error) }
        try await http.shutdown()
        await server.stop()
        return try result.get()
    }

    struct Round {
        var setup = 0.0
        var create = 0.0
        var moves = Latencies()
        var movesSeconds = 0.0
        var bulkMove = 0.0
        var lookups = Latencies()
    }

    private func round(_ run: Int, client: Client, selected: Set<String>) async throws -> Round {
        var round = Round()
        let n = options.n
        let sku = "W-\(run)-\(UUID().uuidString.prefix(6))"
        let (a, b) = ("\(sku)-A", "\(sku)-B")
        round.setup = try await seconds {
            try await client.send(.POST, "/api/v1/products", json: ["sku": sku, "name": "Bench part", "tracking": "serialized"])
            try await client.send(.POST, "/api/v1/locations", json: ["code": a, "name": "Aisle A", "kind": "warehouse"])
            try await client.send(.POST, "/api/v1/locations", json: ["code": b, "name": "Aisle B", "kind": "warehouse"])
        }
        let serials = (0..<n).map { String(format: "SN%08d", $0) }
        round.create = try await seconds {
            for start in stride(from: 0, to: n, by: 500) {
                let batch = Array(serials[start..<min(n, start + 500)])
                try await client.send(.POST, "/api/v1/units/receive", json: ["product": sku, "location": a, "units": batch])
            }
        }
        if selected.contains("w3") {
            round.movesSeconds = try await seconds {
                for serial in serials {
                    _ = try await round.moves.time {
                        try await client.send(.POST, "/api/v1/units/move", json: ["units": ["\(sku)/\(serial)"], "location": b])
                    }
                }
            }
            round.bulkMove = try await seconds {
                try await client.send(.POST, "/api/v1/units/move", json: ["units": serials.map { "\(sku)/\($0)" }, "location": a])
            }
        }
        if selected.contains("w4") {
            round.lookups = try await lookups(client, count: options.lookups) { _ in "\(sku)/\(serials.randomElement()!)" }
        }
        return round
    }

    /// `count` lookups of a random unit by scan, each answered with its passport and full history.
    func lookups(_ client: Client, count: Int, scan: (Int) -> String) async throws -> Latencies {
        var latencies = Latencies()
        for index in 0..<count {
            let path = "/api/v1/units/lookup?scan=" + scan(index).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let body = try await latencies.time { try await client.send(.GET, path) }
            guard body.count > 100 else { throw BenchError("lookup answered \(body.count) bytes") }
        }
        return latencies
    }

    private func report(_ rounds: [Round], selected: Set<String>) {
        let n = Double(options.n)
        if selected.contains("w1") {
            results.add(Figure(id: "W1", name: "create a product and two locations", unit: "ms", runs: rounds.map { $0.setup * 1000 }))
        }
        results.add(
            Figure(
                id: "W2", name: "create \(options.n) units, batches of 500", unit: "units/s",
                runs: rounds.map { n / $0.create }, goal: .atLeast(65_000)))
        if selected.contains("w3") {
            results.add(
                Figure(
                    id: "W3", name: "single-unit moves, sequential", unit: "moves/s", runs: rounds.map { n / $0.movesSeconds },
                    goal: .atLeast(2_200)))
            results.add(Figure(id: "W3", name: "  move latency median", unit: "ms", runs: rounds.map { $0.moves.median }))
            results.add(
                Figure(id: "W3", name: "  move latency p99", unit: "ms", runs: rounds.map { $0.moves.p99 }, goal: .atMost(2)))
            results.add(
                Figure(id: "W3", name: "move all \(options.n) back in one request", unit: "units/s", runs: rounds.map { n / $0.bulkMove }))
        }
        if selected.contains("w4") {
            results.add(
                Figure(
                    id: "W4", name: "lookup + history at \(options.n) units, median", unit: "ms",
                    runs: rounds.map { $0.lookups.median }))
            results.add(
                Figure(
                    id: "W4", name: "lookup + history at \(options.n) units, p99", unit: "ms", runs: rounds.map { $0.lookups.p99 },
                    goal: .atMost(2)))
        }
    }

    /// W4 against a large preloaded ledger.
    func lookupsAtScale(_ inventory: Inventory, ledger: SyntheticLedger) async throws {
        let runs = try await withClient(inventory) { client in
            var runs: [Latencies] = []
            for run in 0...options.repeats {
                let latencies = try await lookups(client, count: options.lookups) { _ in
                    SyntheticLedger.serial(Int.random(in: 0..<ledger.units))
                }
                if run > 0 { runs.append(latencies) }
            }
            return runs
        }
        let scale = "\(ledger.units.formatted()) units, \(ledger.events.formatted()) events"
        results.add(Figure(id: "W4", name: "lookup + history at \(scale), median", unit: "ms", runs: runs.map(\.median)))
        results.add(
            Figure(id: "W4", name: "lookup + history at \(scale), p99", unit: "ms", runs: runs.map(\.p99), goal: .atMost(2)))
    }
}
