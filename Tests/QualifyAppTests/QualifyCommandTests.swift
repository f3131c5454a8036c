import Foundation
import Testing

@Suite(.serialized) struct QualifyCommandTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-checklist-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    @Test func answersGiveAPriorityGradeOnTheCardAndBadAnswersAreRefused() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try "Email,Job Title\nada@acme.io,CTO\n".write(to: dir.appendingPathComponent("l.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", "l.csv"], in: dir).status == 0)
        let answered = try CLI.run(["qualify", "ada@acme.io", "--answer", "budget=yes", "--answer", "need=partly", "--by", "sam"], in: dir)
        #expect(answered.status == 0, "\(answered.err)")
        // (3 × 1 + 4 × 0.5) / 16 = 0.3125 → P3
        #expect(answered.out.contains("P3 (31 % of the weighted checklist met; 2 of 6 answered)"), "\(answered.out)")
        #expect(answered.out.contains("yes      ×3  budget:") && answered.out.contains("(sam, "), "\(answered.out)")
        let card = try CLI.run(["lead", "ada@acme.io"], in: dir)
        #expect(card.out.contains("priority    P3") && card.out.contains("fit         "), "\(card.out)")
        #expect(!card.out.contains("checklist_budget"), "answers are shown in the checklist, not among the fields")

        let typo = try CLI.run(["qualify", "ada@acme.io", "--answer", "budgte=yes"], in: dir)
        #expect(typo.status == 1 && typo.err.contains("did you mean 'budget'"), "\(typo.err)")
        let maybe = try CLI.run(["qualify", "ada@acme.io", "--answer", "need=maybe"], in: dir)
        #expect(maybe.status == 1 && maybe.err.contains("answer yes, partly, no or unknown"), "\(maybe.err)")
        let shape = try CLI.run(["qualify", "ada@acme.io", "--answer", "budget"], in: dir)
        #expect(shape.status != 0 && shape.err.contains("is not ID=VALUE"), "\(shape.err)")
        let noTTY = try CLI.run(["qualify", "ada@acme.io"], in: dir)
        #expect(noTTY.status == 1 && noTTY.err.contains("run on a terminal"), "\(noTTY.err)")
        let ghost = try CLI.run(["qualify", "nobody@acme.io", "--answer", "budget=yes"], in: dir)
        #expect(ghost.status == 1 && ghost.err.contains("no lead"), "\(ghost.err)")
    }
}
