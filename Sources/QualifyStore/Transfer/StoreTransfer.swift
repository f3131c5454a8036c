import QualifyCore

/// Reading and writing a whole deployment in bulk, store-neutral, for `qualify copy`: rows as they are stored (keys
/// included, so references and event order survive), and each lead with its event log for verification.
public protocol StoreTransfer: LeadStore, WebhookStore, UserStore {
    /// Up to `limit` rows of `table` whose key is above `after` (from the first when nil), in key order.
    func transferRows(_ table: TransferTable, after: TransferValue?, limit: Int) async throws -> [TransferRow]
    /// Inserts `rows` of `table` as they are, keys included, in one transaction.
    func insertTransferRows(_ table: TransferTable, _ rows: [TransferRow]) async throws
    /// Called once after the last insert: the store's key generators move past the copied keys.
    func finishTransfer() async throws
    /// How many rows `table` holds.
    func transferCount(_ table: TransferTable) async throws -> Int
    /// Up to `limit` leads with an id above `after`, in id order, each with its event log in fold order.
    func leadSnapshots(after id: Int64, limit: Int) async throws -> [LeadSnapshot]
}

/// A lead as stored (its row's projection columns and its state) with its whole event log.
public struct LeadSnapshot: Sendable, Hashable {
    public var id: Int64
    public var key: LeadKey
    public var modelVersion: Int
    public var fitPoints: Int
    public var grade: String
    public var stage: String
    /// The main group's engagement amplitude (``GroupScore/amplitude(halfLife:)``), as the row stores it.
    public var engagementAmplitude: Double
    public var state: LeadState
    public var events: [Event]

    public init(id: Int64, key: LeadKey, modelVersion: Int, fitPoints: Int, grade: String, stage: String,
                engagementAmplitude: Double, state: LeadState, events: [Event]) {
        self.id = id
        self.key = key
        self.modelVersion = modelVersion
        self.fitPoints = fitPoints
        self.grade = grade
        self.stage = stage
        self.engagementAmplitude = engagementAmplitude
        self.state = state
        self.events = events
    }
}
