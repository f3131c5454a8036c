import QualifyCore

/// What `qualify copy` compares per lead between source and target: the row's fit points, grade, stage and
/// engagement, the event log (count and digest), and the ledger got by replaying the log under the model version the
/// lead was scored with. The first four check the projection arrived; the digest checks the log did, event for event;
/// the ledger checks the copied log still scores what the source's did.
public struct LeadChecksum: Sendable, Hashable, Codable {
    public var id: Int64
    public var email: String
    public var fitPoints: Int
    public var grade: String
    public var stage: String
    /// Engagement as an amplitude against the shared epoch: equal amplitudes are equal engagement at every time.
    public var engagement: Double
    public var events: Int
    /// A digest of the whole log (every event's id, time, type and content, in fold order): any change to it shows,
    /// whether or not it changes a score.
    public var eventDigest: UInt64
    /// The sum of every ledger entry's points (fit and engagement, undecayed), and how many entries there are.
    public var ledgerPoints: Int
    public var ledgerEntries: Int

    public init(id: Int64, email: String, fitPoints: Int, grade: String, stage: String, engagement: Double, events: Int,
                eventDigest: UInt64 = 0, ledgerPoints: Int, ledgerEntries: Int) {
        self.id = id
        self.email = email
        self.fitPoints = fitPoints
        self.grade = grade
        self.stage = stage
        self.engagement = engagement
        self.events = events
        self.eventDigest = eventDigest
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
                  engagement: lead.engagementAmplitude, events: lead.events.count, eventDigest: Self.digest(lead.events),
                  ledgerPoints: points, ledgerEntries: entries)
    }

    /// FNV-1a (64 bits) over every event's id, time, type and content (keys sorted), each string ended by a 0xFF byte
    /// (which UTF-8 never contains, so no two different logs give the same sequence of bytes).
    public static func digest(_ events: [Event]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ text: String) {
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0xFF) &* 0x100_0000_01b3
        }
        func add(_ pairs: [String: String]) {
            for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
                add(key)
                add(value)
            }
        }
        for event in events {
            add(event.id.rawValue)
            add(String(event.at.millis))
            switch event.kind {
            case .activity(let type, let properties):
                add(type)
                add(properties)
            case .fieldsUpdate(let fields, let source):
                add(Event.fieldsUpdateType)
                add(source)
                add(fields)
            case .stageMove(let action, let reason, let by, let code):
                add(Event.stageMoveType)
                add(action.rawValue)
                add(reason)
                add(by)
                if let code { add(code) }
            case .escalation(let step, let action, let note, let assigned):
                add(Event.escalationType)
                add(String(step))
                add(action.rawValue)
                add(note)
                add(String(assigned.millis))
            case .assignment(let owner, let reason, let by):
                add(Event.assignmentType)
                add(owner)
                add(reason)
                add(by)
            }
        }
        return hash
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
        if events != other.events || eventDigest != other.eventDigest { names.append("events") }
        if ledgerPoints != other.ledgerPoints || ledgerEntries != other.ledgerEntries { names.append("ledger") }
        return names
    }
}
