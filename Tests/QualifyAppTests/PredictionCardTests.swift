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

        // the queue sorted by the chance: the referral first, whatever the priority says; the value shown
        try "Email,Lead Source,Job Title\nad2@beta.io,Ads,CEO\nref2@beta.io,Referral,Intern\n".write(to: dir.appendingPathComponent("more.csv"),
                                                                                                atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", "more.csv"], in: dir).status == 0)
        let byChance = try CLI.run(["leads", "--stage", "new", "--sort", "chance", "--format", "csv"], in: dir)
        let rows = byChance.out.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" }
        #expect(byChance.status == 0 && Set(rows.prefix(2)) == ["ref@acme.io", "ref2@beta.io"] && Set(rows.suffix(2)) == ["ad@acme.io", "ad2@beta.io"],
                "\(byChance.out)\(byChance.err)")
        #expect(byChance.out.split(whereSeparator: \.isNewline).first?.hasSuffix(",chance") == true && byChance.out.contains(" %"))

        #expect(try CLI.run(["predict", "--uninstall"], in: dir).out.contains("removed"))
        #expect(!(try CLI.run(["lead", "ref@acme.io"], in: dir).out.contains("chance")))
    }
}

@Suite struct TrainFromStoreTests {
    @Test func theDatabasesWonAndLostDealsTrainAModelTheCardsThenUse() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-trainstore-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try CLI.run(["train", "--from-store"], in: dir)
        #expect(none.status == 1 && none.err.contains("no lead has an outcome yet"), "\(none.err)")
        let mixed = try CLI.run(["train", "--from-store", "--target", "x"], in: dir)
        #expect(mixed.status != 0 && mixed.err.contains("leave out --data and --target"), "\(mixed.err)")

        // 40 leads: referrals mostly win, ads mostly lose; every one asks for a demo (SQL), then its deal is decided
        var leads = "Email,Lead Source,Job Title\n", events = ""
        for i in 0..<40 {
            leads += "l\(i)@firm\(i).io,\(i % 2 == 0 ? "Referral" : "Ads"),CTO\n"
            events += #"{"id":"d\#(i)","email":"l\#(i)@firm\#(i).io","type":"demo_request","at":"2026-11-20T10:00:00Z"}"# + "\n"
            if i % 3 == 0 { events += #"{"id":"w\#(i)","email":"l\#(i)@firm\#(i).io","type":"webinar_attend","at":"2026-11-19T10:00:00Z"}"# + "\n" }
        }
        try leads.write(to: dir.appendingPathComponent("l.csv"), atomically: true, encoding: .utf8)
        try events.write(to: dir.appendingPathComponent("e.jsonl"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", "l.csv"], in: dir).status == 0)
        #expect(try CLI.run(["import", "events", "e.jsonl"], in: dir).status == 0)
        for i in 0..<40 {
            let won = i % 2 == 0 ? i % 10 != 0 : i % 10 == 1
            #expect(try CLI.run(["stage", "l\(i)@firm\(i).io", won ? "win" : "lose", "--reason", "deal"], in: dir).status == 0)
        }
        let trained = try CLI.run(["train", "--from-store", "--out", "m.json", "--table", "table.csv"], in: dir)
        #expect(trained.status == 0, "\(trained.err)")
        #expect(trained.err.contains("40 decided leads"), "\(trained.err)")
        let table = try String(contentsOf: dir.appendingPathComponent("table.csv"), encoding: .utf8)
        let header = table.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("events_demo_request") && header.contains("events_webinar_attend") && header.contains("fit_points")
                && header.contains("lead_source") && header.hasSuffix("outcome"), "\(header)")
        #expect(table.contains(",won\n") && table.contains(",lost\n"))
        #expect(try CLI.run(["predict", "--install", "m.json"], in: dir).status == 0)
        let card = try CLI.run(["lead", "l2@firm2.io"], in: dir)
        #expect(card.out.contains("chance") && card.out.contains("lead_source=Referral"), "\(card.out)")
    }
}
