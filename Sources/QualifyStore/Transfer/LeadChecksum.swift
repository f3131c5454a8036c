import QualifyCore

/// What `qualify copy` compares per lead between source and target: the row's fit points, grade, stage and
/// engagement, and the ledger got by replaying the lead's event log under the model version it was scored with.
/// The first four check the projection arrived; the ledger checks the log did (every event, in order, with its
/// time and properties), since the ledger is the fold of the log.
public struct LeadChecksum: Sendable, Hashable, Codable {
    public var id: Int64
    public var email: String
    public var fitPoints: Int
    public var grade: String
    public var stage: String
    /// Engagement as an amplitude against the shared epoch: equal amplitudes are equal engagement at every time.
    public var engagement: Double
    public var events: Int
    /// The sum of every ledger entry's points (fit and engagement, undecayed), and how many entries there are.
    public var ledgerPoints: Int
    public var ledgerEntries: Int

    public init(id: Int64, email: String, fitPoints: Int, grade: String, stage: String, engagement: Double, events: Int,
                ledgerPoints: Int, ledgerEntries: Int) {
        self.id = id
        self.email = email
        self.fitPoints = fitPoints
        self.grade = grade
        self.stage = stage
        self.engagement = engagement
        self.events = events
        self.ledgerPoints = ledgerPoints
        self.ledgerEntries = ledgerEntries
    }

    /// The checksum of `lead`, replaying its events with `engine` (the engine of the lead's model version; nil when
    /// the store has no such version, which leaves the ledger at -1 so it cannot equal a real one).
    public init(_ lead: LeadSnapshot, engine: Engine?) {
        var points = -1, entries = -1
        if let engine {
            let replay = engine.replay(lead.key, events: lead.events)
            points = replay.ledger.reduce(0) { $0 + $1.points }
            entries = replay.ledger.count
        }
        self.init(id: lead.id, email: lead.key.email, fitPoints: lead.fitPoints, grade: lead.grade, stage: lead.stage,
                  engagement: lead.engagementAmplitude, events: lead.events.count, ledgerPoints: points, ledgerEntries: entries)
    }

    /// How close two engagement amplitudes must be to count as equal: relative 1e-12 (both stores keep IEEE doubles,
    /// so a faithful copy is exact; the allowance only forgives a last-digit rounding in a text transfer).
    public static let engagementTolerance = 1e-12

    /// The names of the values that differ from `other` (empty: equal).
    public func differences(from other: LeadChecksum) -> [String] {
        var names: [String] = []
        if id != other.id { names.append("id") }
        if email != other.email { names.append("email") }
        if fitPoints != other.fitPoints { names.append("fit points") }
        if grade != other.grade { names.append("grade") }
        if stage != other.stage { names.append("stage") }
        let scale = max(1, abs(engagement), abs(other.engagement))
        if !(abs(engagement - other.engagement) <= Self.engagementTolerance * scale) { names.append("engagement") }
        if events != other.events { names.append("events") }
        if ledgerPoints != other.ledgerPoints || ledgerEntries != other.ledgerEntries { names.append("ledger") }
        return names
    }
}
