import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

/// `qualify export leads`: every lead (or those of some stages, or touched since a time) as a CRM importer takes
/// them — CSV under a profile's column names, or JSON lines. Each lead's card is built as `qualify lead` builds it,
/// so the grade, chance and next offer are the card's. CSV needs every field name for its header, so its rows are
/// gathered first (about 1 KB a lead); JSON lines are written as they come.
public enum LeadExport {
    public enum Format: String, Sendable, CaseIterable { case csv, jsonl }

    public struct Options: Sendable {
        public var format: Format = .csv
        public var profile: CRMExport.Profile = .qualify
        public var stages: Set<Stage>?
        public var updatedSince: Timestamp?
        public var raw = false
        public init() {}
    }

    /// Writes the export with `write` (called with pieces of text in order); returns how many leads it holds.
    public static func run(cards: LeadCards, options: Options, now: Timestamp, write: (String) throws -> Void) async throws -> Int {
        var gathered: [ExportedLead] = []
        var count = 0
        try await StoreLeads.forEach(cards.store, now: now) { key, record in
            if let stages = options.stages, !stages.contains(record.state.stage) { return }
            if let since = options.updatedSince, (record.events.map(\.at).max() ?? .init(millis: 0)) < since { return }
            let lead = try await cards.card(key, asOf: nil, now: now).exported
            count += 1
            switch options.format {
            case .csv: gathered.append(lead)
            case .jsonl: try write(jsonLine(lead))
            }
        }
        if options.format == .csv {
            let columns = CRMExport.columns(profile: options.profile, fieldNames: Set(gathered.flatMap(\.fields.keys)))
            try write(CRMExport.csvLine(columns.map(\.header), raw: true))
            for lead in gathered { try write(CRMExport.csvLine(CRMExport.values(lead, columns: columns), raw: options.raw)) }
        }
        return count
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
