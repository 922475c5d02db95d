import Foundation
import Testing

/// The result of one run of the built `unitrace` binary.
struct Run: Equatable, CustomStringConvertible {
    var out: String
    var err: String
    var code: Int32

    var description: String { "exit \(code)\n--- stdout\n\(out)--- stderr\n\(err)" }
}

/// The `unitrace` executable built next to the test bundle.
let unitraceBinary: URL = {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("unitrace")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(
        ".build/debug/unitrace")
}()

/// A `unitrace` process to run in `directory`: the test's environment without `UNITRACE_DB`, then `defaults`,
/// then `environment`.
private func unitraceProcess(
    _ arguments: [String], in directory: URL, environment defaults: [String: String], _ environment: [String: String]
) -> Process {
    let process = Process()
    process.executableURL = unitraceBinary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env["UNITRACE_DB"] = nil
    env.merge(defaults) { _, new in new }
    env.merge(environment) { _, new in new }
    process.environment = env
    return process
}

/// Runs `unitrace` with `arguments` in `directory`, feeding `input` on standard input.
func unitrace(_ arguments: [String], in directory: URL, input: String? = nil, environment: [String: String] = [:])
    throws -> Run
{
    let process = unitraceProcess(arguments, in: directory, environment: ["UNITRACE_ACTOR": "tester"], environment)
    let outURL = directory.appendingPathComponent(".out-\(UUID().uuidString)")
    let errURL = directory.appendingPathComponent(".err-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    process.standardOutput = outHandle
    process.standardError = errHandle
    let inputPipe = Pipe()
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inputPipe.fileHandleForWriting.close()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    return Run(
        out: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
        err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
        code: process.terminationStatus)
}

/// Runs each command in `directory`, expecting every one to succeed.
func runAll(_ commands: [[String]], in directory: URL) throws {
    for arguments in commands {
        let run = try unitrace(arguments, in: directory)
        #expect(run.code == 0, "\(arguments): \(run)")
    }
}

/// Starts `unitrace serve --port 0` in `dir` and waits for the port it prints.
func startServer(in dir: URL, environment: [String: String] = [:]) throws -> (process: Process, port: Int) {
    let process = unitraceProcess(["serve", "--port", "0"], in: dir, environment: ["LOG_LEVEL": "error"], environment)
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var text = ""
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
        let data = output.fileHandleForReading.availableData
        if data.isEmpty { break }
        text += String(decoding: data, as: UTF8.self)
        if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
            let port = Int(text[range].split(separator: ":").last!)!
            return (process, port)
        }
    }
    process.terminate()
    throw CocoaError(.fileReadUnknown)
}
