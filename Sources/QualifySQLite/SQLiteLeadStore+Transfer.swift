import Foundation
import GRDB
import QualifyCore
import QualifyStore

/// Bulk reading and writing for `qualify copy`. Table and column names come from ``TransferTable/all`` (fixed
/// identifiers, never input); every value is a bound argument.
extension SQLiteLeadStore: StoreTransfer {
    public func transferRows(_ table: TransferTable, after: TransferValue?, limit: Int) async throws -> [TransferRow] {
        let columns = table.columnNames.joined(separator: ", ")
        let sql = after == nil
            ? "SELECT \(columns) FROM \(table.name) ORDER BY \(table.key) LIMIT ?"
            : "SELECT \(columns) FROM \(table.name) WHERE \(table.key) > ? ORDER BY \(table.key) LIMIT ?"
        let arguments: StatementArguments = after.map { [$0.databaseValue, limit] } ?? [limit]
        return try await read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            var out: [TransferRow] = []
            while let row = try rows.next() {
                out.append(try table.columns.enumerated().map { i, column in try Self.transferValue(row[i] as DatabaseValue, column, table) })
            }
            return out
        }
    }

    static func transferValue(_ value: DatabaseValue, _ column: TransferColumn, _ table: TransferTable) throws -> TransferValue {
        switch (value.storage, column.kind) {
        case (.null, _): return .null
        case (.int64(let i), .integer): return .integer(i)
        case (.int64(let i), .real): return .real(Double(i))
        case (.double(let d), .real): return .real(d)
        case (.string(let s), .text): return .text(s)
        case (.blob(let b), .blob): return .blob([UInt8](b))
        case (.string(let s), .blob): return .blob(Array(s.utf8))
        default:
            throw StoreError.corrupt("\(table.name).\(column.name) holds \(value) where \(column.kind.rawValue) was expected")
        }
    }

    public func insertTransferRows(_ table: TransferTable, _ rows: [TransferRow]) async throws {
        guard !rows.isEmpty else { return }
        let sql = "INSERT INTO \(table.name) (\(table.columnNames.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: table.columns.count).joined(separator: ", ")))"
        try await write { db in
            let insert = try db.makeStatement(sql: sql)
            for row in rows {
                try insert.execute(arguments: StatementArguments(row.map(\.databaseValue)))
            }
        }
    }

    /// SQLite gives a new row the largest rowid plus one: nothing to move.
    public func finishTransfer() async throws {}

    public func transferCount(_ table: TransferTable) async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name)") ?? 0 }
    }

    public func leadSnapshots(after id: Int64, limit: Int) async throws -> [LeadSnapshot] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, email, model_version, fit_points, grade, stage, engagement_amp, state FROM lead
                WHERE id > ? ORDER BY id LIMIT ?
                """, arguments: [id, limit])
            guard let first = rows.first?[0] as Int64?, let last = rows.last?[0] as Int64? else { return [] }
            var leads: [LeadSnapshot] = []
            var index: [Int64: Int] = [:]
            for row in rows {
                let key = LeadKey(normalizedEmail: row[1])
                index[row[0]] = leads.count
                leads.append(LeadSnapshot(id: row[0], key: key, modelVersion: row[2], fitPoints: row[3], grade: row[4], stage: row[5],
                                          engagementAmplitude: row[6], state: try LeadRows.decodeState(row[7], key: key), events: []))
            }
            let events = try Row.fetchCursor(db, sql: """
                SELECT lead_id, id, type, at, properties FROM event WHERE lead_id BETWEEN ? AND ? ORDER BY lead_id, at, id
                """, arguments: [first, last])
            while let row = try events.next() {
                guard let i = index[row[0]] else { continue }
                leads[i].events.append(try StoredEvent.event(id: row[1], lead: leads[i].key, type: row[2], at: row[3], properties: row[4]))
            }
            return leads
        }
    }
}

extension TransferValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let i): return i.databaseValue
        case .real(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        case .blob(let b): return Data(b).databaseValue
        }
    }
}
