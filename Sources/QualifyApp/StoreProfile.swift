import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

/// The ideal customer profile from the database: the best are the leads whose latest deal was won (`win`), the rest
/// every other lead (open, lost, never qualified); the traits are the leads' fields.
public enum StoreProfile {
    public struct Read: Sendable {
        public var population: IcpPopulation
        public var tally: CustomerTraitTally
        public var traits: [String]
        public var skipped: [(field: String, reason: String)]
    }

    /// Fields never used as traits: names and the checklist answers (those are answers, not who the lead is).
    static let ignored: Set<String> = ["first_name", "last_name", "email", "name", "phone"]

    public static func read(store: any LeadStore, now: Timestamp, traits named: [String]) async throws -> Read {
        var leads: [(email: String, fields: [String: String], won: Bool)] = []
        try await StoreLeads.forEach(store) { key, record in
            leads.append((key.email, record.state.fields, DealOutcome.latest(in: record.events)?.won ?? false))
        }
        var skipped: [(String, String)] = []
        let traits: [String]
        if named.isEmpty {
            var distinct: [String: Set<String>] = [:]
            for lead in leads { for (k, v) in lead.fields where !v.isEmpty { distinct[k, default: []].insert(v) } }
            var chosen: [String] = []
            for (field, values) in distinct.sorted(by: { $0.key < $1.key }) {
                if ignored.contains(field) || field.hasPrefix(Checklist.fieldPrefix) { skipped.append((field, "a name or a checklist answer, not a trait")) }
                else if values.count < 2 { skipped.append((field, "only one value")) }
                else if values.count > 50 { skipped.append((field, "\(values.count) distinct values (more than 50)")) }
                else { chosen.append(field) }
            }
            traits = chosen
        } else {
            traits = named
        }
        var tally = CustomerTraitTally(traits: traits)
        for lead in leads { tally.add(customer: lead.email, values: traits.map { lead.fields[$0]?.trimmingSpaces ?? "" }) }
        let population = IcpPopulation(customers: leads.map(\.email), best: leads.map(\.won), bestLabel: "deals won")
        return Read(population: population, tally: tally, traits: traits, skipped: skipped)
    }
}
