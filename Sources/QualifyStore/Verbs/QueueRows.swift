import QualifyCore

/// What a page of the sales queue keeps (decided by the queue use case; a store only filters by it).
public struct QueueFilter: Sendable, Hashable {
    /// Only this stage; nil: every stage but `excludedStages`.
    public var stage: Stage?
    public var excludedStages: [Stage]
    public var grade: Grade?
    /// Amplitudes kept: at least `minAmplitude`, below `belowAmplitude` (each if set).
    public var minAmplitude: Double?
    public var belowAmplitude: Double?
    public var updatedSince: Timestamp?
    public var owner: String?
    /// Only leads whose SLA was due at or before this time (overdue), ordered by due time first.
    public var dueBy: Timestamp?
    public init(stage: Stage?, excludedStages: [Stage], grade: Grade?, minAmplitude: Double?, belowAmplitude: Double?,
                updatedSince: Timestamp?, owner: String?, dueBy: Timestamp? = nil) {
        self.dueBy = dueBy
        self.stage = stage
        self.excludedStages = excludedStages
        self.grade = grade
        self.minAmplitude = minAmplitude
        self.belowAmplitude = belowAmplitude
        self.updatedSince = updatedSince
        self.owner = owner
    }
}

/// A lead row as the queue reads it (its projection columns).
public struct QueueRow: Sendable, Hashable {
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
    public init(email: String, name: String?, company: String?, grade: Grade, fitPoints: Int, stage: Stage, amplitude: Double,
                lastActivity: Timestamp?, owner: String?, dueAt: Timestamp? = nil) {
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
