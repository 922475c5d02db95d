import Foundation
import Testing

@Suite struct CorrectCommandTests {
    @Test func aCorrectionNamesTheEventItCorrectsByItsSequence() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("correct-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("s.sqlite")
        try FileManager.default.copyItem(
            at: UpgradeTests.fixtures.appendingPathComponent("store-v1.sqlite"), to: store)
        let scrap = try unitrace(["scrap", "--db", store.path, "BP-000100", "--reason", "dropped"], in: directory)
        #expect(scrap.code == 0, "\(scrap)")
        let run = try unitrace(["correct", "--db", store.path, "32", "--reason", "wrong pack"], in: directory)
        #expect(run.code == 0, "\(run)")
        #expect(run.out.hasPrefix("corrected event 32: 1 unit (sequence 33)"), "\(run)")
    }
}
