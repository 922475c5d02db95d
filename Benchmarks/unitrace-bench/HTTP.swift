import Foundation
import Hummingbird
import Logging
import UnitraceCore
import UnitraceInventory
import UnitraceSQLite
import UnitraceServer

/// `unitrace serve` on a store, in a child process (`unitrace-bench _serve STORE`) on a free loopback port:
/// the client and the server do not share a process, as a scanner and a server would not.
final class ServerProcess {
    let port: Int
    let token: String
    private let process: Process

    init(store: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).absoluteURL
        process.arguments = ["_serve", store]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([10]) { break }
            line.append(byte)
        }
        let parts = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard parts.count == 2, let port = Int(parts[0]) else {
            process.terminate()
            throw BenchError("the server did not start")
        }
        self.port = port
        self.token = String(parts[1])
    }

    func stop() {
        process.terminate()  // SIGTERM: the server stops gracefully
        process.waitUntilExit()
    }

    /// The child's side: serve `store` until SIGTERM, after printing `PORT TOKEN`.
    static func main(store: String) async throws {
        let inventory = Inventory(store: try await BenchStores.open(store))
        let (_, token) = try await inventory.createKey(name: "bench \(UUID().uuidString.prefix(8))", role: .admin)
        var logger = Logger(label: "unitrace-bench")
        logger.logLevel = .error
        let app = buildApplication(
            ServerConfiguration(host: "127.0.0.1", port: 0), inventory: inventory, logger: logger,
            onServerRunning: { port in FileHandle.standardOutput.write(Data("\(port) \(token)\n".utf8)) })
        try await app.runService()
    }
}

/// A sequential HTTP/1.1 client on one keep-alive connection, like a scanner or a point of sale. It uses a
/// blocking socket on the calling thread: the figures measure the server, not a client's thread hand-offs
/// (an event-loop client in the same process added about 0.2 ms to every request on this machine).
final class Client {
    private let socket: Int32
    private let token: String
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var pending: [UInt8] = []

    init(port: Int, token: String) throws {
        self.token = token
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw BenchError("cannot connect to port \(port): errno \(errno)") }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(socket) }

    /// Sends one request and returns the body of a 2xx answer; anything else is an error.
    @discardableResult
    func send(_ method: String, _ path: String, json: [String: Any]? = nil) throws -> Data {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
        if json != nil { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        try write(Array(head.utf8) + body)
        let (status, answer) = try readResponse()
        guard (200..<300).contains(status) else {
            throw BenchError("\(method) \(path) answered \(status): \(String(decoding: answer, as: UTF8.self))")
        }
        return answer
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw BenchError("send failed: errno \(errno)") }
            offset += written
        }
    }

    private func fill() throws {
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw BenchError("the server closed the connection") }
        pending.append(contentsOf: buffer[0..<count])
    }

    private func readResponse() throws -> (Int, Data) {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            if let range = pending.firstRange(of: separator) { headerEnd = range.upperBound } else { try fill() }
        }
        let head = String(decoding: pending[0..<headerEnd!], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { throw BenchError("not an HTTP response: \(head)") }
        guard
            let lengthLine = lines.first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { throw BenchError("the response has no Content-Length: \(head)") }
        while pending.count < headerEnd! + length { try fill() }
        let body = Data(pending[headerEnd!..<(headerEnd! + length)])
        pending.removeFirst(headerEnd! + length)
        return (status, body)
    }
}

/// Runs a blocking client loop on a thread of its own, off the threads of Swift concurrency.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// W1–W5: the standard serialized-inventory workload over HTTP, by one sequential client.
struct HTTPWorkloads: Sendable {
    let options: Options

    /// W1–W4 on a new store at `path`.
    func run(store path: String, results: Results) async throws {
        let selected = options.workloads
        let rounds = try await withClient(store: path) { client in
            var rounds: [Round] = []
            for run in 0...options.repeats {  // run 0 warms up
                let round = try self.round(run, client: client, selected: selected)
                if run > 0 { rounds.append(round) }
            }
            return rounds
        }
        report(rounds, selected: selected, results: results)
    }

    /// Serves the store at `path` for the time of `body`, which runs on its own thread with a client holding
    /// an admin key.
    private func withClient<T: Sendable>(store path: String, _ body: @escaping @Sendable (Client) throws -> T)
        async throws -> T
    {
        let server = try ServerProcess(store: path)
        defer { server.stop() }
        let (port, token) = (server.port, server.token)
        return try await onOwnThread { try body(try Client(port: port, token: token)) }
    }

    struct Round {
        var setup = 0.0
        var create = 0.0
        var moves = Latencies()
        var movesSeconds = 0.0
        var bulkMove = 0.0
        var lookups = Latencies()
        var installs = Latencies()
        var installsSeconds = 0.0
        var installed = Latencies()
    }

    private func round(_ run: Int, client: Client, selected: Set<String>) throws -> Round {
        var round = Round()
        let n = options.n
        let sku = "W-\(run)-\(UUID().uuidString.prefix(6))"
        let (a, b) = ("\(sku)-A", "\(sku)-B")
        round.setup = try syncSeconds {
            try client.send(
                "POST", "/api/v1/products", json: ["sku": sku, "name": "Bench part", "tracking": "serialized"])
            try client.send("POST", "/api/v1/locations", json: ["code": a, "name": "Aisle A", "kind": "warehouse"])
            try client.send("POST", "/api/v1/locations", json: ["code": b, "name": "Aisle B", "kind": "warehouse"])
        }
        let serials = (0..<n).map { String(format: "SN%08d", $0) }
        round.create = try syncSeconds {
            for start in stride(from: 0, to: n, by: 500) {
                let batch = Array(serials[start..<min(n, start + 500)])
                try client.send("POST", "/api/v1/units/receive", json: ["product": sku, "location": a, "units": batch])
            }
        }
        if selected.contains("w3") {
            round.movesSeconds = try syncSeconds {
                for serial in serials {
                    try round.moves.time {
                        try client.send(
                            "POST", "/api/v1/units/move", json: ["units": ["\(sku)/\(serial)"], "location": b])
                    }
                }
            }
            round.bulkMove = try syncSeconds {
                try client.send(
                    "POST", "/api/v1/units/move", json: ["units": serials.map { "\(sku)/\($0)" }, "location": a])
            }
        }
        if selected.contains("w4") {
            round.lookups = try Self.lookups(client, count: options.lookups) { "\(sku)/\(serials.randomElement()!)" }
        }
        if selected.contains("w5") {
            // The second half of the units are parents; each takes one part from the first half, one request
            // each, and then lists what is inside it.
            let pairs = n / 2
            round.installsSeconds = try syncSeconds {
                for index in 0..<pairs {
                    try round.installs.time {
                        try client.send(
                            "POST", "/api/v1/units/install",
                            json: [
                                "parent": "\(sku)/\(serials[pairs + index])",
                                "components": ["\(sku)/\(serials[index])"],
                            ])
                    }
                }
            }
            for index in 0..<min(pairs, options.lookups) {
                let body = try round.installed.time {
                    try client.send("GET", "/api/v1/trace/down?unit=\(sku)/\(serials[pairs + index])")
                }
                guard String(decoding: body, as: UTF8.self).contains(serials[index]) else {
                    throw BenchError("the trace down of \(serials[pairs + index]) does not list its part")
                }
            }
        }
        return round
    }

    /// `count` lookups of a random unit by scan, each answered with its passport and full history.
    static func lookups(_ client: Client, count: Int, scan: () -> String) throws -> Latencies {
        var latencies = Latencies()
        for _ in 0..<count {
            let path =
                "/api/v1/units/lookup?scan=" + scan().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let body = try latencies.time { try client.send("GET", path) }
            guard body.count > 100 else { throw BenchError("lookup answered \(body.count) bytes") }
        }
        return latencies
    }

    private func report(_ rounds: [Round], selected: Set<String>, results: Results) {
        let n = Double(options.n)
        if selected.contains("w5") {
            results.add(
                Figure(
                    id: "W5", name: "install one unit into another, sequential", unit: "installs/s",
                    runs: rounds.map { Double(options.n / 2) / $0.installsSeconds }))
            results.add(
                Figure(id: "W5", name: "  install latency median", unit: "ms", runs: rounds.map { $0.installs.median }))
            results.add(
                Figure(id: "W5", name: "  install latency p99", unit: "ms", runs: rounds.map { $0.installs.p99 }))
            results.add(
                Figure(
                    id: "W5", name: "  list what is installed (trace down), median", unit: "ms",
                    runs: rounds.map { $0.installed.median }))
        }
        if selected.contains("w1") {
            results.add(
                Figure(
                    id: "W1", name: "create a product and two locations", unit: "ms",
                    runs: rounds.map { $0.setup * 1000 }))
        }
        results.add(
            Figure(
                id: "W2", name: "create \(options.n) units, batches of 500", unit: "units/s",
                runs: rounds.map { n / $0.create }, goal: .atLeast(65_000)))
        if selected.contains("w3") {
            results.add(
                Figure(
                    id: "W3", name: "single-unit moves, sequential", unit: "moves/s",
                    runs: rounds.map { n / $0.movesSeconds },
                    goal: .atLeast(2_200)))
            results.add(
                Figure(id: "W3", name: "  move latency median", unit: "ms", runs: rounds.map { $0.moves.median }))
            results.add(
                Figure(
                    id: "W3", name: "  move latency p99", unit: "ms", runs: rounds.map { $0.moves.p99 },
                    goal: .atMost(2)))
            results.add(
                Figure(
                    id: "W3", name: "move all \(options.n) back in one request", unit: "units/s",
                    runs: rounds.map { n / $0.bulkMove }))
        }
        if selected.contains("w4") {
            results.add(
                Figure(
                    id: "W4", name: "lookup + history at \(options.n) units, median", unit: "ms",
                    runs: rounds.map { $0.lookups.median }))
            results.add(
                Figure(
                    id: "W4", name: "lookup + history at \(options.n) units, p99", unit: "ms",
                    runs: rounds.map { $0.lookups.p99 },
                    goal: .atMost(2)))
        }
    }

    /// W4 against a large preloaded ledger.
    func lookupsAtScale(store path: String, ledger: SyntheticLedger, results: Results) async throws {
        let repeats = options.repeats
        let lookups = options.lookups
        let runs = try await withClient(store: path) { client in
            var runs: [Latencies] = []
            for run in 0...repeats {
                let latencies = try Self.lookups(client, count: lookups) {
                    SyntheticLedger.serial(Int.random(in: 0..<ledger.units))
                }
                if run > 0 { runs.append(latencies) }
            }
            return runs
        }
        let scale = "\(ledger.units.formatted()) units, \(ledger.events.formatted()) events"
        results.add(
            Figure(id: "W4", name: "lookup + history at \(scale), median", unit: "ms", runs: runs.map(\.median)))
        results.add(
            Figure(
                id: "W4", name: "lookup + history at \(scale), p99", unit: "ms", runs: runs.map(\.p99), goal: .atMost(2)
            ))
    }
}
