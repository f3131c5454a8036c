import Foundation
import Testing

/// A model trained with `qualify train`, installed for the database, scores leads on their cards.
@Suite(.serialized) struct PredictionCardTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-predcard-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    @Test func anInstalledModelShowsTheChanceAndItsFactorsOnTheCard() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        // past leads: referrals convert 9 times in 10, ads 1 in 10
        var past = "Lead Source,Company Size,Converted\n"
        for i in 0..<200 {
            let referral = i % 2 == 0
            let converted = referral ? (i % 20 != 0) : (i % 20 == 1)
            past += "\(referral ? "Referral" : "Ads"),\(10 + i % 7),\(converted ? 1 : 0)\n"
        }
        try past.write(to: dir.appendingPathComponent("past.csv"), atomically: true, encoding: .utf8)
        let trained = try CLI.run(["train", "--data", "past.csv", "--target", "Converted", "--out", "model.json"], in: dir)
        #expect(trained.status == 0, "\(trained.err)")

        let none = try CLI.run(["predict", "--uninstall"], in: dir)
        #expect(none.out.contains("no prediction model was installed"), "\(none.out)")
        let installed = try CLI.run(["predict", "--install", "model.json"], in: dir)
        #expect(installed.status == 0 && installed.out.contains("installed"), "\(installed.err)")
        let notAModel = try CLI.run(["predict", "--install", "past.csv"], in: dir)
        #expect(notAModel.status == 1 && notAModel.err.contains("cannot install"), "\(notAModel.err)")
        let both = try CLI.run(["predict", "--install", "model.json", "--data", "past.csv"], in: dir)
        #expect(both.status != 0 && both.err.contains("go alone"), "\(both.err)")

        try "Email,Lead Source,Job Title\nref@acme.io,Referral,CEO\nad@acme.io,Ads,CEO\n".write(to: dir.appendingPathComponent("leads.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", "leads.csv"], in: dir).status == 0)
        let referral = try CLI.run(["lead", "ref@acme.io"], in: dir)
        let ad = try CLI.run(["lead", "ad@acme.io"], in: dir)
        func percent(_ text: String) -> Int? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("chance") }) else { return nil }
            return Int(line.split(separator: " ").dropFirst().first(where: { Int($0) != nil }) ?? "")
        }
        let p1 = try #require(percent(referral.out), "\(referral.out)"), p2 = try #require(percent(ad.out), "\(ad.out)")
        #expect(p1 > 70 && p2 < 30, "referral \(p1) %, ads \(p2) %")
        #expect(referral.out.contains("+ Lead Source=Referral"), "\(referral.out)")
        #expect(ad.out.contains("− Lead Source=Ads"), "\(ad.out)")
        // the referral is cold and new with a high chance: the rules and the model disagree
        #expect(referral.out.contains("look        ") && referral.out.contains("likely buyer"), "\(referral.out)")

        #expect(try CLI.run(["predict", "--uninstall"], in: dir).out.contains("removed"))
        #expect(!(try CLI.run(["lead", "ref@acme.io"], in: dir).out.contains("chance")))
    }
}
