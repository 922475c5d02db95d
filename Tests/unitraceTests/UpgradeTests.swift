import Foundation
import Testing

/// A store made by the release before EPCIS capture (the demo plus a release, a receipt with a lot and
/// attributes, a scrap, its correction and a move: every kind of event and line detail that release wrote),
/// kept in `Tests/Fixtures`. Its events must keep their bytes and hashes for ever.
@Suite struct UpgradeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    /// The head that release printed for the fixture.
    static let head = "31:7a32295bbfbbf22081701fd54296d4064987610384ae18807c2069013926cd35"

    func copyOfFixture() throws -> (directory: URL, store: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = directory.appendingPathComponent("store.sqlite")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("store-v1.sqlite"), to: store)
        return (directory, store.path)
    }

    @Test func aStoreFromTheEarlierReleaseVerifiesExportsTheSameBytesAndTakesNewEvents() throws {
        let (directory, store) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }

        let verify = try unitrace(["verify", "--db", store, "--head", Self.head], in: directory)
        #expect(verify.code == 0, "\(verify)")
        #expect(verify.out.contains("ledger intact: 31 events"), "\(verify)")

        let export = try unitrace(["export", "--db", store], in: directory)
        let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("store-v1.jsonl"), encoding: .utf8)
        #expect(export.code == 0, "\(export)")
        #expect(export.out == expected, "the export of the old events changed")

        let move = try unitrace(["move", "--db", store, "BP-000100", "--to", "LYON-BATT"], in: directory)
        #expect(move.code == 0, "\(move)")
        let sell = try unitrace(
            ["sell", "--db", store, "VF7TR202800000011", "--channel", "store:DEALER-PARIS", "--customer", "C-1"],
            in: directory)
        #expect(sell.code == 0, "\(sell)")
        let after = try unitrace(["verify", "--db", store, "--head", Self.head], in: directory)
        #expect(after.code == 0, "\(after)")
        #expect(after.out.contains("ledger intact: 33 events"), "\(after)")

        let again = try unitrace(["export", "--db", store], in: directory)
        #expect(again.out.hasPrefix(expected), "the new events must follow the old ones unchanged")
    }

    @Test func theEarlierReleasesExportImportsIntoANewStoreHashForHash() throws {
        let (directory, _) = try copyOfFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fresh = directory.appendingPathComponent("fresh.sqlite").path
        #expect(try unitrace(["init", "--db", fresh], in: directory).code == 0)
        let imported = try unitrace(
            ["import", "--db", fresh, Self.fixtures.appendingPathComponent("store-v1.jsonl").path], in: directory)
        #expect(imported.code == 0, "\(imported)")
        let head = try unitrace(["head", "--db", fresh], in: directory)
        #expect(head.out.trimmingCharacters(in: .whitespacesAndNewlines) == Self.head, "\(head)")
    }
}
