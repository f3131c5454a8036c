import Foundation
import QualifyApp
import QualifyCore
import QualifyModelFile
import QualifySQLite
import QualifyStore
import QualifyUseCases
import Testing

/// A temporary directory with a fresh SQLite store (default model active), removed afterwards.
struct Workspace {
    let dir: URL
    let store: SQLiteLeadStore
    static let now = Timestamp(iso8601: "2026-06-01T12:00:00Z")!

    init() async throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-app-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLiteLeadStore(path: dir.appendingPathComponent("q.sqlite").path)
        _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: Timestamp(iso8601: "2026-01-01")!)
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func file(_ name: String, bytes: [UInt8]) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func cleanUp() { try? FileManager.default.removeItem(at: dir) }
}

@Suite struct LeadImportTests {
    static let crmExport = """
        Email,First Name,Last Name,Company,Job Title,Industry,Number of Employees,Country,Lead Source,Favourite Colour
        ada@acme.io,Ada,Lovelace,Acme,VP Engineering,Software,250,UK,Webinar,green
        bob@gmail.com,Bob,,,,,,,Website,
        not-an-email,Carl,,,,,,,,
        "ADA@ACME.IO ",,,,Chief Scientist,,,,,blue
        dora@acme.io,"Dora ""the"" Explorer",X,Acme,Analyst,Software,250,,,
        eve@acme.io,Eve,"broken,quote
        fay@beta.com,Fay,Z,Beta,Owner,Consulting,80,US,Referral,
        gus@beta.com,Gus,Z,Beta,Owner,Consulting,80,US,Referral,,extra

        """

    /// A European Salesforce-style export (semicolons, a BOM, Phone and Mobile, US and unreadable dates, a record
    /// id) lands without --map: every column kept, dates read, the unreadable one reported.
    @Test func aSemicolonExportWithTwoPhonesAndUSDatesLandsWithoutMap() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let text = "\u{FEFF}Lead ID;Email;Phone;Mobile;Create Date;Company\r\n"
            + "00Q1;ada@acme.io;+44 1;+44 7;3/1/2025;\"Acme; Ltd\"\r\n"
            + "00Q2;bo@beta.io;;+1 5;25/03/2025;Beta\r\n"
        let path = try ws.file("sf.csv", text)
        let report = try await LeadImporter(store: ws.store).run(path: path, now: Workspace.now)
        #expect(report.delimiter == 59 && report.created == 2 && report.rejected.isEmpty)
        #expect(report.undated == 1 && report.undatedExamples.first?.value == "25/03/2025")
        let ada = try #require(try await ws.store.lead(try EmailAddress.parse("ada@acme.io").get()))
        #expect(ada.state.fields["crm_id"] == "00Q1" && ada.state.fields["phone"] == "+44 1" && ada.state.fields["mobile"] == "+44 7")
        #expect(ada.state.fields["company"] == "Acme; Ltd")
        #expect(ada.events.map(\.at).min() == Timestamp(iso8601: "2025-03-01T00:00:00Z"), "dated by the create date, not the import")
        let bo = try #require(try await ws.store.lead(try EmailAddress.parse("bo@beta.io").get()))
        #expect(bo.events.map(\.at).min() == Workspace.now, "an unreadable date: dated at import, and reported")
    }

    /// A HubSpot contacts export: its headers, ISO-ish date-times, a Record ID, and the CRM's own stages (Lifecycle
    /// Stage, Lead Status) mapped by the default model's import table to stages — imported stage moves with the value
    /// and file named; a value the table does not know stays a field.
    @Test func aHubSpotExportSetsStagesFromItsLifecycleStage() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let text = """
            Record ID,First Name,Last Name,Email,Company Name,Job Title,Lifecycle Stage,Lead Status,Create Date,Contact owner
            101,Ada,Lovelace,ada@acme.io,Acme,CTO,Marketing Qualified Lead,,2025-03-01 10:00,Sam Rivera
            102,Bo,B,bo@beta.io,Beta,Analyst,salesqualifiedlead,IN_PROGRESS,2025-03-02 11:00,
            103,Cy,C,cy@gamma.io,Gamma,Intern,Lead,UNQUALIFIED,2025-03-03 12:00,
            104,Di,D,di@delta.io,Delta,CEO,Evangelist,,2025-03-04 13:00,

            """
        let path = try ws.file("hubspot-contacts.csv", text)
        let report = try await LeadImporter(store: ws.store).run(path: path, now: Workspace.now)
        #expect(report.created == 4 && report.rejected.isEmpty && report.undated == 0, "\(report.rejected)")
        func lead(_ email: String) async throws -> LeadRecord { try #require(try await ws.store.lead(try EmailAddress.parse(email).get())) }
        let ada = try await lead("ada@acme.io")
        #expect(ada.state.stage == .mql && ada.state.fields["crm_id"] == "101" && ada.state.fields["owner"] == "Sam Rivera")
        let move = try #require(ada.state.stageHistory.last)
        #expect(move.by == "import" && move.reason == "CRM stage: lifecycle_stage 'Marketing Qualified Lead' (line 2)",
                "\(move)")
        #expect(move.at == Timestamp(iso8601: "2025-03-01T10:00:00Z"), "the move is dated by the create date")
        // HubSpot's internal value, and the lead status after it moving further forward
        #expect(try await lead("bo@beta.io").state.stage == .opportunity)
        #expect(try await lead("cy@gamma.io").state.stage == .disqualified)
        let di = try await lead("di@delta.io")
        #expect(di.state.stage == .new && di.state.fields["lifecycle_stage"] == "Evangelist", "a value the table does not map stays a field")
        // the same file again: nothing moves twice
        let again = try await LeadImporter(store: ws.store).run(path: path, now: Workspace.now)
        #expect(again.unchanged == 4)
        #expect(try await lead("ada@acme.io").state.stageHistory.count == ada.state.stageHistory.count)
    }

    /// A Pipedrive persons export: its headers (Person - Email, Organization - Name), tabs, D/M/Y dates with --day-first.
    @Test func aPipedriveExportWithTabsAndDayFirstDates() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let text = "Person - Name\tPerson - Email\tOrganization - Name\tPerson - Job title\tPerson - Person created\tPerson - Owner\n"
            + "Ada Lovelace\tada@acme.io\tAcme\tCTO\t25/03/2025 09:15\tSam\n"
        let path = try ws.file("pipedrive-persons.csv", text)
        var importer = LeadImporter(store: ws.store)
        importer.dayFirst = true
        let report = try await importer.run(path: path, now: Workspace.now)
        #expect(report.delimiter == 9 && report.created == 1 && report.undated == 0, "\(report.rejected)")
        let ada = try #require(try await ws.store.lead(try EmailAddress.parse("ada@acme.io").get()))
        #expect(ada.state.fields["company"] == "Acme" && ada.state.fields["job_title"] == "CTO", "\(ada.state.fields)")
        #expect(ada.events.map(\.at).min() == Timestamp(iso8601: "2025-03-25T00:00:00Z"))
    }

    /// Rows merged and scored ahead on a snapshot (UpsertAhead, batches of 64 rows or more while the previous batch
    /// is written) give exactly what rows merged inside their transaction give: the same lead states, events and
    /// merges — for new leads, repeats across batches, CRM stages, create dates older than a lead's latest event
    /// (a replay) and a second import of the same file.
    @Test func leadsScoredAheadEqualLeadsScoredInTheTransaction() async throws {
        var text = "Email,Job Title,Number of Employees,Industry,Lifecycle Stage,Create Date\n"
        for i in 0..<400 {
            let stage = ["", "Marketing Qualified Lead", "salesqualifiedlead", "Customer"][i % 4]
            text += "p\(i % 300)@firm\(i % 37).io,\(["CTO", "Intern", "VP Sales"][i % 3]),\(10 + i * 7 % 900),\(["software", "retail"][i % 2]),\(stage),"
            text += "\(i % 5 == 0 ? "" : "2026-0\(1 + i % 5)-1\(i % 9)")\n"
        }
        let ahead = try await Workspace(), inside = try await Workspace()
        defer { ahead.cleanUp(); inside.cleanUp() }
        // an event after some create dates, so those rows need a replay
        for ws in [ahead, inside] {
            _ = try await ws.store.upsertLeads([LeadUpsert(key: try EmailAddress.parse("p7@firm7.io").get(), fields: ["first_name": "P"], origin: "t")],
                                               source: "t", at: Timestamp(iso8601: "2026-01-01")!)
            _ = try await ws.store.ingest([IncomingEvent(id: EventID("e1"), email: "p7@firm7.io", type: "page_view", at: Timestamp(iso8601: "2026-04-01")!)],
                                          now: Workspace.now)
        }
        for _ in 0..<2 {
            let a = try await LeadImporter(store: ahead.store, batchSize: 150).run(path: try ahead.file("l.csv", text), now: Workspace.now)
            let b = try await LeadImporter(store: inside.store, batchSize: 20).run(path: try inside.file("l.csv", text), now: Workspace.now)
            #expect(a.created == b.created && a.merged == b.merged && a.unchanged == b.unchanged, "\(a.created)/\(a.merged)/\(a.unchanged) vs \(b.created)/\(b.merged)/\(b.unchanged)")
        }
        for i in 0..<300 {
            let key = try EmailAddress.parse("p\(i)@firm\(i % 37).io").get()
            let x = try #require(try await ahead.store.lead(key)), y = try #require(try await inside.store.lead(key))
            #expect(x.state == y.state && x.events == y.events && x.merges.count == y.merges.count, "lead \(key.email) differs")
        }
        #expect(try await ahead.store.statistics() == inside.store.statistics())
    }

    /// A plan made on a snapshot is not taken for a lead that changed before its transaction: that row is merged again.
    @Test func aPlanForALeadChangedMeanwhileIsNotTaken() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let rows = (0..<70).map { i in LeadUpsert(key: try! EmailAddress.parse("x\(i)@acme.io").get(), fields: ["job_title": "CTO"], origin: "line \(i + 2)") }
        _ = try await ws.store.upsertLeads([rows[0]], source: "a.csv", at: Workspace.now)
        let plans = try await UpsertAhead(store: ws.store, rows: rows, now: Workspace.now)
        #expect(plans.planned == 70)
        // meanwhile: x0 gets a new title, x1 is created by someone else
        _ = try await ws.store.upsertLeads([LeadUpsert(key: rows[0].key, fields: ["job_title": "Intern"], origin: "api"),
                                            LeadUpsert(key: rows[1].key, fields: ["job_title": "Analyst"], origin: "api")], source: "api", at: Workspace.now)
        let outcomes = try await ws.store.upsertLeads(rows, source: "a.csv", at: Workspace.now, ahead: plans)
        #expect(outcomes[0] == .merged(["job_title"]) && outcomes[1] == .merged(["job_title"]) && outcomes[2] == .created, "\(outcomes.prefix(3))")
        for i in 0..<2 {
            let lead = try #require(try await ws.store.lead(rows[i].key))
            #expect(lead.state.fields["job_title"] == "CTO" && lead.state.fitPoints == 30, "\(lead.state.fields) \(lead.state.fitPoints)")
        }
    }

    /// Progress follows the rows used, not the bytes read ahead (issue 18: 100 % at row 37,000 of 50,000).
    @Test func progressFollowsTheRowsNotTheBytesReadAhead() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let rows = (1...5_000).map { "lead\($0)@acme\($0 % 50).io,Name\($0)" }.joined(separator: "\n")
        let path = try ws.file("many.csv", "email,first_name\n" + rows + "\n")
        let seen = Fractions()
        _ = try await LeadImporter(store: ws.store, batchSize: 1_000).run(path: path, now: Workspace.now) { seen.add($0.fraction) }
        let fractions = seen.all
        #expect(fractions.count >= 5 && fractions.first! < 0.3 && fractions.last == 1, "\(fractions)")
        #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func aCRMExportLandsWithBadRowsReportedByLine() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let path = try ws.file("leads.csv", Self.crmExport)
        let report = try await LeadImporter(store: ws.store, batchSize: 2).run(path: path, now: Workspace.now)
        #expect(report.rows == 8)
        #expect(report.created == 4, "ada, bob, dora, fay")
        #expect(report.merged == 1, "the second ada row merges")
        #expect(report.rejected.map(\.line) == [4, 7, 9])
        #expect(report.rejected[0].reason.contains("not-an-email"))
        #expect(report.quarantined == 1)
        #expect(try await ws.store.quarantined(limit: 5).map(\.email) == ["not-an-email"])
        #expect(report.rejected[1].reason.contains("quote"))
        #expect(report.rejected[2].reason.contains("11 fields"))
        #expect(report.mapping?.custom.map(\.field) == ["favourite_colour"])

        let ada = try #require(try await ws.store.lead(try EmailAddress.parse("ada@acme.io").get()))
        #expect(ada.state.fields["job_title"] == "Chief Scientist", "later non-empty value wins")
        #expect(ada.state.fields["first_name"] == "Ada", "empty value does not overwrite")
        #expect(ada.state.fields["favourite_colour"] == "blue")
        #expect(ada.merges.count == 2)
        #expect(ada.account?.domain == "acme.io" && ada.account?.leads == 2)
        let dora = try #require(try await ws.store.lead(try EmailAddress.parse("dora@acme.io").get()))
        #expect(dora.state.fields["first_name"] == "Dora \"the\" Explorer")
    }

    @Test func importingTheSameFileTwiceChangesNothing() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let path = try ws.file("leads.csv", Self.crmExport)
        _ = try await LeadImporter(store: ws.store).run(path: path, now: Workspace.now)
        let before = try await ws.store.statistics()
        let again = try await LeadImporter(store: ws.store).run(path: path, now: Workspace.now.adding(.days(1)))
        #expect(again.created == 0 && again.merged == 0 && again.unchanged == 5)
        #expect(try await ws.store.statistics() == before)
    }

    @Test func mappingOverridesAndAMissingEmailColumn() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let path = try ws.file("de.csv", "E-Mail Adresse;x\nanna@firma.de;1\n".replacingOccurrences(of: ";", with: ","))
        await #expect(throws: ImportError.self) {
            try await LeadImporter(store: ws.store).run(path: path, now: Workspace.now)
        }
        do {
            _ = try await LeadImporter(store: ws.store).run(path: path, now: Workspace.now)
        } catch {
            #expect("\(error)".contains("--map COLUMN=email"))
            #expect("\(error)".contains("line 1"))
        }
        let report = try await LeadImporter(store: ws.store, overrides: ["E-Mail Adresse": "email"]).run(path: path, now: Workspace.now)
        #expect(report.created == 1)
    }

    @Test func emptyAndUTF16FilesAreRefusedWithAReason() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let empty = try ws.file("empty.csv", "")
        await #expect(throws: ImportError.self) { try await LeadImporter(store: ws.store).run(path: empty, now: Workspace.now) }
        let utf16 = try ws.file("u16.csv", bytes: [0xFF, 0xFE, 0x45, 0x00])
        do {
            _ = try await LeadImporter(store: ws.store).run(path: utf16, now: Workspace.now)
            Issue.record("UTF-16 accepted")
        } catch {
            #expect("\(error)".contains("UTF-16"))
        }
        await #expect(throws: ImportError.self) {
            try await LeadImporter(store: ws.store).run(path: ws.dir.appendingPathComponent("missing.csv").path, now: Workspace.now)
        }
    }
}

@Suite struct EventImportTests {
    static let leads = """
        email,company,job title,employees
        ada@acme.io,Acme,CEO,300
        bob@beta.com,Beta,Analyst,10

        """

    @Test func csvEventsAreIdempotentByID() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        _ = try await LeadImporter(store: ws.store).run(path: try ws.file("l.csv", Self.leads), now: Workspace.now)
        let events = try ws.file("e.csv", """
            event_id,email,type,timestamp,url
            e1,ada@acme.io,page_view,2026-05-01T10:00:00Z,/pricing
            e2,ada@acme.io,content_download,2026-05-02T10:00:00Z,
            e3,ada@acme.io,demo_request,2026-05-03,
            e4,nobody@acme.io,page_view,2026-05-03T10:00:00Z,
            e5,bob@beta.com,page_view,yesterday,
            e6,bob@beta.com,page_view,2027-01-01T00:00:00Z,
            e1,ada@acme.io,page_view,2026-05-01T10:00:00Z,/pricing

            """)
        let first = try await EventImporter(store: ws.store, batchSize: 3).run(path: events, now: Workspace.now)
        #expect(first.rows == 7 && first.applied == 3 && first.duplicates == 1)
        #expect(first.rejected.map(\.line) == [5, 6, 7])
        #expect(first.rejected[0].reason.contains("no lead with email 'nobody@acme.io'"))
        #expect(first.rejected[1].reason.contains("yesterday"))
        #expect(first.rejected[2].reason.contains("future"))
        let ada = try #require(try await ws.store.lead(try EmailAddress.parse("ada@acme.io").get()))
        #expect(ada.state.stage == .sql)
        let second = try await EventImporter(store: ws.store).run(path: events, now: Workspace.now)
        #expect(second.applied == 0 && second.duplicates == 4)
        let again = try #require(try await ws.store.lead(try EmailAddress.parse("ada@acme.io").get()))
        #expect(again.state == ada.state)
    }

    /// An activity export as CRMs write them: no id column, its own headers, US dates with a time of day, semicolons.
    @Test func anActivityExportWithoutIDsIsImportedOnceWithMappedColumns() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        _ = try await LeadImporter(store: ws.store).run(path: try ws.file("l.csv", Self.leads), now: Workspace.now)
        let events = try ws.file("activities.csv", """
            Contact;Activity Type;Activity Date;Page
            ada@acme.io;page_view;5/1/2026 2:05 PM;/pricing
            ADA@acme.io ;page_view;5/1/2026 2:05 PM;/pricing
            ada@acme.io;demo_request;5/3/2026 09:30;
            bob@beta.com;page_view;13/5/2026 10:00;
            bob@beta.com;page_view;5/4/2026;/blog

            """)
        var importer = EventImporter(store: ws.store, batchSize: 2)
        importer.maps = ["Contact": "email", "Activity Type": "type", "Activity Date": "at", "Page": "url"]
        let first = try await importer.run(path: events, now: Workspace.now)
        // the same page view twice in the export is two page views; month 13 is not a date read month first
        #expect(first.rows == 5 && first.applied == 4 && first.duplicates == 0, "\(first)")
        #expect(first.rejected.map(\.line) == [5] && first.rejected[0].reason.contains("--day-first"), "\(first.rejected)")
        let ada = try #require(try await ws.store.lead(try EmailAddress.parse("ada@acme.io").get()))
        let views = ada.events.filter { $0.typeName == "page_view" }
        #expect(views.count == 2 && Set(views.map(\.id)).count == 2 && views.allSatisfy { $0.id.rawValue.hasPrefix("row:") })
        #expect(views.first?.at == Timestamp(iso8601: "2026-05-01T14:05:00Z"), "2:05 PM is 14:05 UTC: \(String(describing: views.first?.at))")
        #expect(ada.state.stage == .sql)
        // importing it again changes nothing: the ids come from the content
        let second = try await importer.run(path: events, now: Workspace.now)
        #expect(second.applied == 0 && second.duplicates == 4, "\(second)")
        // a re-export with the columns in another order and ISO times gives the same ids
        let reordered = try ws.file("again.csv", """
            Activity Date,Page,Activity Type,Contact
            2026-05-01T14:05:00Z,/pricing,page_view,ada@acme.io
            2026-05-01T14:05:00Z,/pricing,page_view,ada@acme.io
            2026-05-03T09:30:00Z,,demo_request,ada@acme.io

            """)
        let third = try await importer.run(path: reordered, now: Workspace.now)
        #expect(third.applied == 0 && third.duplicates == 3, "\(third)")
        // a map naming a column the file does not have is refused, naming it
        importer.maps = ["Kontakt": "email"]
        await #expect { try await importer.run(path: events, now: Workspace.now) } throws: { "\($0)".contains("'Kontakt'") }
    }

    @Test func jsonLinesWithPropertiesAndBadLines() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        _ = try await LeadImporter(store: ws.store).run(path: try ws.file("l.csv", Self.leads), now: Workspace.now)
        let events = try ws.file("e.jsonl", """
            {"id":"j1","email":"ada@acme.io","type":"page_view","at":"2026-05-01T10:00:00Z","properties":{"url":"/pricing","n":3}}
            {"id":"j2","email":"ada@acme.io","type":"page_view"}
            not json

            {"id":"j3","email":"ada@acme.io","type":"webinar_attend","at":"2026-05-02T10:00:00+02:00","colour":"red"}
            {"id":"j4","email":"new@gamma.io","type":"webinar_attend","at":"2026-05-02T10:00:00Z"}
            """)
        let report = try await EventImporter(store: ws.store, options: IngestOptions(createLeads: true)).run(path: events, now: Workspace.now)
        #expect(report.applied == 2)
        #expect(report.rejected.map(\.line) == [2, 3, 5])
        #expect(report.rejected[0].reason.contains("'at'"))
        #expect(report.rejected[2].reason.contains("unknown key 'colour'"))
        let ada = try #require(try await ws.store.lead(try EmailAddress.parse("ada@acme.io").get()))
        guard case .activity(_, let props)? = ada.events.first(where: { $0.id.rawValue == "j1" })?.kind else { Issue.record("no activity"); return }
        #expect(props == ["url": "/pricing", "n": "3"])
        #expect(try await ws.store.lead(try EmailAddress.parse("new@gamma.io").get()) != nil, "created with createLeads")
    }

    @Test func anEventsFileWithoutRequiredColumnsIsRefused() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let events = try ws.file("e.csv", "email,type\nada@acme.io,page_view\n")
        do {
            _ = try await EventImporter(store: ws.store).run(path: events, now: Workspace.now)
            Issue.record("accepted a file with no time column")
        } catch {
            #expect("\(error)".contains("no 'at' column") && "\(error)".contains("--map 'COLUMN=at'"))
        }
    }
}

final class Fractions: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    func add(_ value: Double) { lock.withLock { values.append(value) } }
    var all: [Double] { lock.withLock { values } }
}
