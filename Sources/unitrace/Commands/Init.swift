import ArgumentParser

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new, empty store.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            _ = try await store.createStore()
            output.emit(["created": store.displayPath]) { "created store \(store.displayPath)" }
        }
    }
}
