import QualifyCore

/// What a page of the sales queue keeps (decided by the queue use case; a store only filters by it).
public struct QueueFilter: Sendable, Hashable {
    /// Only these stages; nil: every stage but `excludedStages`. ``LeadStore/queueRows(_:order:limit:offset:)`` lists
    /// them one after another in this order (a lead's position in the list comes first in its order).
    public var stages: [Stage]?
    public var excludedStages: [Stage]
    public var grade: Grade?
    /// Amplitudes kept: at least `minAmplitude`, below `belowAmplitude` (each if set).
    public var minAmplitude: Double?
    public var belowAmplitude: Double?
    public var updatedSince: Timestamp?
    public var owner: String?
    /// Only leads whose SLA was due at or before this time (overdue), ordered by due time first.
    public var dueBy: Timestamp?
    /// Only leads without an owner.
    public var unassigned: Bool
    /// Only leads whose email, name or company matches this SQL `LIKE` pattern, ignoring case, with `\` as the
    /// escape character (``QueueFilter/likePattern(containing:)``).
    public var matching: String?
    public init(stages: [Stage]?, excludedStages: [Stage], grade: Grade?, minAmplitude: Double?, belowAmplitude: Double?,
                updatedSince: Timestamp?, owner: String?, dueBy: Timestamp? = nil, unassigned: Bool = false, matching: String? = nil) {
        self.unassigned = unassigned
        self.matching = matching
        self.dueBy = dueBy
        self.stages = stages
        self.excludedStages = excludedStages
        self.grade = grade
        self.minAmplitude = minAmplitude
        self.belowAmplitude = belowAmplitude
        self.updatedSince = updatedSince
        self.owner = owner
    }
}

extension QueueFilter {
    /// A `LIKE` pattern matching any text that contains `text` (lowercased; `%`, `_` and `\` escaped with `\`).
    public static func likePattern(containing text: String) -> String {
        // by Unicode scalar: a `%` followed by a combining mark is one character but still a wildcard to SQL
        var out = String.UnicodeScalarView()
        out.append("%")
        for scalar in text.lowercased().unicodeScalars {
            if scalar == "%" || scalar == "_" || scalar == "\\" { out.append("\\") }
            out.append(scalar)
        }
        out.append("%")
        return String(out)
    }
}

/// A lead row as the queue reads it (its projection columns).
public struct QueueRow: Sendable, Hashable {
    /// The lead's row id: ties of equal amplitude are listed in its order (the order leads were created).
    public var id: Int64
    public var email: String
    public var name: String?
    public var company: String?
    public var grade: Grade
    public var fitPoints: Int
    public var stage: Stage
    public var amplitude: Double
    public var lastActivity: Timestamp?
    public var owner: String?
    public var dueAt: Timestamp?
    public init(id: Int64, email: String, name: String?, company: String?, grade: Grade, fitPoints: Int, stage: Stage, amplitude: Double,
                lastActivity: Timestamp?, owner: String?, dueAt: Timestamp? = nil) {
        self.id = id
        self.dueAt = dueAt
        self.email = email
        self.name = name
        self.company = company
        self.grade = grade
        self.fitPoints = fitPoints
        self.stage = stage
        self.amplitude = amplitude
        self.lastActivity = lastActivity
        self.owner = owner
    }
}

/// A grade × temperature cell of open leads (the insights matrix: ``LeadStore/countBand(gradeRank:minAmplitude:belowAmplitude:stages:)``).
public struct BandCount: Sendable, Hashable {
    public var grade: Grade
    public var temperature: Temperature
    public var leads: Int
    public init(grade: Grade, temperature: Temperature, leads: Int) {
        self.grade = grade
        self.temperature = temperature
        self.leads = leads
    }
}

/// Leads that entered `stage` in the week starting `week` (Monday 00:00 UTC).
public struct StageEntries: Sendable, Hashable {
    public var stage: Stage
    public var week: Timestamp
    public var leads: Int
    public init(stage: Stage, week: Timestamp, leads: Int) {
        self.stage = stage
        self.week = week
        self.leads = leads
    }

    /// Milliseconds from the epoch to the first Monday (1970-01-05) and in a week: a week's start is
    /// `(at - mondayOffset) / week * week + mondayOffset` in integer arithmetic.
    public static let mondayOffset: Int64 = 4 * 86_400_000
    public static let weekMillis: Int64 = 7 * 86_400_000
    public static func weekStart(_ at: Timestamp) -> Timestamp {
        let shifted = at.millis - mondayOffset
        let weeks = shifted >= 0 ? shifted / weekMillis : (shifted - weekMillis + 1) / weekMillis
        return Timestamp(millis: weeks * weekMillis + mondayOffset)
    }
}

/// Where a page of the queue ended: the last lead's stage group (its position in ``QueueStages/groups``; 0 where the
/// queue is one group), band (its position in ``QueueOrder/bands``), amplitude and row id. The next page starts after
/// it (a keyset cursor: any depth costs what the first page does).
public struct QueueKey: Sendable, Hashable, Codable {
    public var group: Int
    public var band: Int
    public var amplitude: Double
    public var id: Int64
    public init(group: Int = 0, band: Int, amplitude: Double, id: Int64) {
        self.group = group
        self.band = band
        self.amplitude = amplitude
        self.id = id
    }
}

extension QueueKey {
    /// The key as text for a cursor: `k:BAND:AMPLITUDE-BITS-HEX:ID`, then `:GROUP` past the first stage group (the
    /// amplitude exact).
    public var text: String { "k:\(band):\(String(amplitude.bitPattern, radix: 16)):\(id)" + (group == 0 ? "" : ":\(group)") }

    /// A key from ``text``; nil if the text is not one.
    public init?(text: String) {
        let parts = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 4 || parts.count == 5, parts[0] == "k", let band = Int(parts[1]), (0..<QueueOrder.bands.count).contains(band),
              let bits = UInt64(parts[2], radix: 16), Double(bitPattern: bits).isFinite, let id = Int64(parts[3]), id >= 0
        else { return nil }
        var group = 0
        if parts.count == 5 {
            guard let g = Int(parts[4]), (1..<Stage.allCases.count).contains(g) else { return nil }
            group = g
        }
        self.init(group: group, band: band, amplitude: Double(bitPattern: bits), id: id)
    }
}
