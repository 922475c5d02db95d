import Foundation
import UnitraceCore
import UnitraceInventory

/// Prints results as text for people or JSON for scripts, and errors as one line each on stderr.
struct Output {
    let json: Bool

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return encoder
    }()

    /// Prints `value` as JSON, or `text()` for people.
    func emit<T: Encodable>(_ value: T, text: () -> String) {
        if json {
            let data = (try? Self.encoder.encode(value)) ?? Data("null".utf8)
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else {
            let body = text()
            if !body.isEmpty { FileHandle.standardOutput.write(Data((body + "\n").utf8)) }
        }
    }

    func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Reports `failure` and returns the exit code for it.
    func fail(_ failure: any Error) -> Int32 {
        let (code, messages, lines, exit) = Self.describe(failure)
        for message in messages { error(message) }
        if json {
            emit(ErrorJSON(error: .init(code: code, message: messages.last ?? "", lines: lines))) { "" }
        }
        return exit
    }

    static func describe(_ failure: any Error) -> (code: String, messages: [String], lines: [ProblemJSON], exit: Int32)
    {
        switch failure {
        case let error as InputError:
            return (error.code.rawValue, [error.message], [], ExitStatus.rejected)
        case let error as BatchRejected:
            let lines = error.problems.map(ProblemJSON.init)
            return (
                "batch-rejected",
                error.problems.map(\.description) + ["nothing recorded: \(error.problems.count) line(s) refused"],
                lines, ExitStatus.rejected
            )
        case let error as StoreError:
            let exit =
                [.hashMismatch, .alreadyExists].contains(error.code) ? ExitStatus.rejected : ExitStatus.unavailable
            return (error.code.rawValue, [error.message], [], exit)
        case let error as ImportFailed:
            let inner = describe(error.error)
            return (inner.code, Self.leading(inner.messages, of: error.error) + ["\(error)"], inner.lines, inner.exit)
        case let error as EPCISFault:
            return ("invalid-epcis", ["\(error); nothing recorded"], [], ExitStatus.rejected)
        case let error as EPCISImportFailed:
            let inner = describe(error.error)
            return (inner.code, Self.leading(inner.messages, of: error.error) + ["\(error)"], inner.lines, inner.exit)
        default:
            return ("unexpected", ["unexpected failure: \(failure)"], [], ExitStatus.unexpected)
        }
    }
}

extension Output {
    /// The messages of an import's inner failure that stand before the import's own summary: a refused
    /// batch's lines (its "nothing recorded" total is what the summary says again), or a whole error's one.
    fileprivate static func leading(_ messages: [String], of inner: any Error) -> [String] {
        inner is BatchRejected ? Array(messages.dropLast()) : messages
    }
}

enum ExitStatus {
    static let rejected: Int32 = 65
    static let unavailable: Int32 = 69
    static let unexpected: Int32 = 1
}

struct ErrorJSON: Encodable {
    struct Body: Encodable {
        var code: String
        var message: String
        var lines: [ProblemJSON]
    }
    var error: Body
}

/// Lays out rows in aligned columns.
func table(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in rows {
        for (index, cell) in row.enumerated() where index < widths.count {
            widths[index] = max(widths[index], cell.count)
        }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
}
