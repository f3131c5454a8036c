import Foundation
import QualifyCore
import QualifyStore

/// Every lead (or those of some stages, or changed since a time) as a CRM importer takes them — CSV under a profile's
/// column names, or JSON lines — for `qualify export leads` and `GET /leads/export`. Each lead's card is built as
/// `qualify lead` builds it, so the grade, chance and next offer are the card's.
///
/// Streamed: the text comes in pieces as a reader pulls them (``chunks``), a page of leads each, nothing read ahead.
/// CSV needs every field name for its header, so it first reads every kept lead's stored state (no event logs) for
/// the names, then writes; JSON lines start at once.
public struct LeadExport: Sendable {
    public enum Format: String, Sendable, CaseIterable { case csv, jsonl }

    public struct Options: Sendable {
        public var format: Format = .csv
        public var profile: CRMExport.Profile = .qualify
        public var stages: Set<Stage>?
        /// Only leads whose fields, events or stage changed at or after this time.
        public var updatedSince: Timestamp?
        public var raw = false
        public init() {}

        /// Whether a lead of the index is in the export.
        func keeps(_ entry: LeadIndexEntry) -> Bool {
            (stages?.contains(entry.stage) ?? true) && (updatedSince.map { entry.updatedAt >= $0 } ?? true)
        }
    }

    public let cards: LeadCards
    public let options: Options
    public let now: Timestamp
    /// Leads per piece of text.
    public var pageSize = 200
    /// The CSV's columns (every kept lead's field names read), once known: ``prepared()`` reads them ahead.
    public private(set) var columns: [(key: String, header: String)]?

    public init(cards: LeadCards, options: Options, now: Timestamp) {
        self.cards = cards
        self.options = options
        self.now = now
    }

    /// Writes the export with `write` (called with pieces of text in order); returns how many leads it holds.
    public func run(write: (String) throws -> Void) async throws -> Int {
        var iterator = chunks().makeAsyncIterator()
        while let piece = try await iterator.next() { try write(piece) }
        return iterator.leads
    }

    public func chunks() -> Chunks { Chunks(export: self) }

    /// The export with what must be read before its first byte read already — the CSV's field names — so a server
    /// answers a failure there with an error status rather than a broken body.
    public func prepared() async throws -> LeadExport {
        var out = self
        if options.format == .csv, columns == nil { out.columns = try await csvColumns() }
        return out
    }

    /// The CSV's columns: the profile's, then every field name of the kept leads (their stored states: no event logs).
    func csvColumns() async throws -> [(key: String, header: String)] {
        let (store, options) = (cards.store, options)
        var names = Set<String>()
        try await StoreLeads.forEachPage(store, pageSize: 1_000, where: options.keeps) { page in
            let stored = try await store.storedLeads(Set(page.map(\.key))).leads
            for lead in stored.values { names.formUnion(try lead.state().fields.keys) }
        }
        return CRMExport.columns(profile: options.profile, fieldNames: names)
    }

    /// The export's text, a page of leads per element (the CSV header first).
    public struct Chunks: AsyncSequence, Sendable {
        public typealias Element = String
        let export: LeadExport
        public func makeAsyncIterator() -> Iterator { Iterator(export: export) }

        public struct Iterator: AsyncIteratorProtocol {
            let export: LeadExport
            /// The CSV's columns, once the field names are known.
            var columns: [(key: String, header: String)]?
            var after: Int64 = 0
            var finished = false
            /// Leads written so far.
            public private(set) var leads = 0

            init(export: LeadExport) { self.export = export }

            public mutating func next() async throws -> String? {
                let (store, options) = (export.cards.store, export.options)
                var header = ""
                if options.format == .csv, columns == nil {
                    var known = export.columns
                    if known == nil { known = try await export.csvColumns() }
                    let columns = known ?? []
                    self.columns = columns
                    header = CRMExport.csvLine(columns.map(\.header), raw: true)
                }
                while !finished {
                    let page = try await store.leadIndex(afterID: after, limit: export.pageSize)
                    guard let last = page.last else {
                        finished = true
                        break
                    }
                    after = last.id
                    var text = header
                    for entry in page where options.keeps(entry) {
                        let lead: ExportedLead
                        do { lead = try await export.cards.card(entry.key, asOf: nil, now: export.now, explain: false).exported } catch LeadCards.Problem.unknownLead {
                            continue  // gone since the index was read
                        }
                        leads += 1
                        switch options.format {
                        case .csv: text += CRMExport.csvLine(CRMExport.values(lead, columns: columns ?? []), raw: options.raw)
                        case .jsonl: text += try LeadExport.jsonLine(lead)
                        }
                    }
                    if !text.isEmpty { return text }
                }
                return header.isEmpty ? nil : header
            }
        }
    }

    static func jsonLine(_ lead: ExportedLead) throws -> String {
        var object: [String: Any] = ["email": lead.email, "fields": lead.fields, "grade": lead.grade.rawValue, "fit_points": lead.fitPoints,
                                     "engagement": CRMExport.rounded(lead.engagement), "temperature": lead.temperature.rawValue,
                                     "stage": lead.stage.rawValue]
        object["checklist_grade"] = lead.checklistGrade
        object["chance"] = lead.chance.map(CRMExport.rounded)
        object["next_offer"] = lead.nextOffer
        object["last_activity"] = lead.lastActivity?.iso8601
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
