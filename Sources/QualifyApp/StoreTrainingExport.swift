import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

/// The store's decided leads (a `win` or `lose` move) as a training table for `qualify train --from-store`: each lead
/// as it stood just before its latest outcome — its fields, its activity (`events_TYPE` counts,
/// `days_since_last_activity`), fit points and engagement — and the outcome (`won` / `lost`) in the `outcome` column.
public enum StoreTrainingExport {
    public static let target = "outcome"

    /// Writes the CSV to `path`; returns how many leads it holds.
    public static func write(store: any LeadStore, lists: EmailLists, now: Timestamp, to path: String) async throws -> Int {
        guard let model = try await store.activeModel() else { throw StoreError.noActiveModel }
        let engine = try Engine(model: model.model, lists: lists)
        var rows: [[String: String]] = []
        try await StoreLeads.forEach(store) { key, record in
            guard let outcome = DealOutcome.latest(in: record.events) else { return }
            let asOf = outcome.at.adding(TimeSpan(millis: -1))
            let card = LeadCard.build(key: key, events: record.events, account: nil, engine: engine, asOf: asOf)
            var row = card.fields.filter { !$0.key.hasPrefix(Checklist.fieldPrefix) }
            for (k, v) in LeadPrediction.activity(events: record.events, card: card, asOf: asOf) { row[k] = v }
            row[target] = outcome.won ? "won" : "lost"
            rows.append(row)
        }
        // every activity count is a number in every row (0 when the lead never did it), other fields as recorded
        let columns = Set(rows.flatMap(\.keys)).subtracting([target]).sorted() + [target]
        var text = columns.map(csv).joined(separator: ",") + "\n"
        for row in rows {
            text += columns.map { c in csv(row[c] ?? (c.hasPrefix("events_") ? "0" : "")) }.joined(separator: ",") + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return rows.count
    }

    static func csv(_ s: String) -> String { CSVCell.verbatim(s) }
}
