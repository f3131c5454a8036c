#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

/// Bulk reading and writing for `qualify copy`: pages in key order out, `COPY … FROM STDIN` in. Table and column
/// names come from ``TransferTable/all`` (fixed identifiers, never input); every value is a bind parameter or COPY data.
extension PostgresLeadStore: StoreTransfer {
    public func transferRows(_ table: TransferTable, after: TransferValue?, limit: Int) async throws -> [TransferRow] {
        let logger = self.logger
        let columns = table.columnNames.joined(separator: ", ")
        let query: PostgresQuery
        switch after {
        case nil:
            query = "SELECT \(unescaped: columns) FROM \(unescaped: table.name) ORDER BY \(unescaped: table.key) LIMIT \(limit)"
        case .integer(let key)?:
            query = "SELECT \(unescaped: columns) FROM \(unescaped: table.name) WHERE \(unescaped: table.key) > \(key) ORDER BY \(unescaped: table.key) LIMIT \(limit)"
        case .text(let key)?:
            query = "SELECT \(unescaped: columns) FROM \(unescaped: table.name) WHERE \(unescaped: table.key) > \(key) ORDER BY \(unescaped: table.key) LIMIT \(limit)"
        case .null?, .real?, .blob?:
            throw StoreError.corrupt("\(table.name) is paged by \(table.key), which must be an integer or a text")
        }
        return try await read { db in
            var out: [TransferRow] = []
            for try await row in try await db.query(query, logger: logger) {
                var values: TransferRow = []
                values.reserveCapacity(table.columns.count)
                for (cell, column) in zip(row, table.columns) {
                    values.append(try Self.transferValue(cell, column))
                }
                out.append(values)
            }
            return out
        }
    }

    static func transferValue(_ cell: PostgresCell, _ column: TransferColumn) throws -> TransferValue {
        switch column.kind {
        case .integer: return try cell.decode(Int64?.self).map(TransferValue.integer) ?? .null
        case .real: return try cell.decode(Double?.self).map(TransferValue.real) ?? .null
        case .text: return try cell.decode(String?.self).map(TransferValue.text) ?? .null
        case .blob: return try cell.decode(ByteBuffer?.self).map { TransferValue.blob(Array($0.readableBytesView)) } ?? .null
        }
    }

    public func insertTransferRows(_ table: TransferTable, _ rows: [TransferRow]) async throws {
        guard !rows.isEmpty else { return }
        let logger = self.logger
        try await write { db in
            try await db.copyFrom(table: table.name, columns: table.columnNames, logger: logger) { writer in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(1 << 20)
                for row in rows {
                    PostgresCopyText.append(row, to: &buffer)
                    if buffer.readableBytes >= 1 << 20 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        }
    }

    /// Moves every identity column's sequence past the largest copied key, so the next row the store makes does not
    /// collide with a copied one.
    public func finishTransfer() async throws {
        let logger = self.logger
        try await write { db in
            for table in TransferTable.all where table.generatedKey {
                try await db.query("""
                    SELECT setval(pg_get_serial_sequence(\(table.name), \(table.key)),
                                  COALESCE((SELECT MAX(\(unescaped: table.key)) FROM \(unescaped: table.name)), 0) + 1, false)
                    """, logger: logger)
            }
        }
    }

    public func transferCount(_ table: TransferTable) async throws -> Int {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("SELECT COUNT(*) FROM \(unescaped: table.name)", logger: logger).collect()
            return Int(try rows.first?.decode(Int64.self) ?? 0)
        }
    }

    public func leadSnapshots(after id: Int64, limit: Int) async throws -> [LeadSnapshot] {
        let logger = self.logger
        return try await read { db in
            var leads: [LeadSnapshot] = []
            var index: [Int64: Int] = [:]
            let rows = try await db.query("""
                SELECT id, email, model_version, fit_points, grade, stage, engagement_amp, state FROM lead
                WHERE id > \(id) ORDER BY id LIMIT \(limit)
                """, logger: logger)
            for try await (id, email, version, fit, grade, stage, amp, blob) in rows.decode((Int64, String, Int, Int, String, String, Double, Data).self) {
                let key = LeadKey(normalizedEmail: email)
                index[id] = leads.count
                leads.append(LeadSnapshot(id: id, key: key, modelVersion: version, fitPoints: fit, grade: grade, stage: stage,
                                          engagementAmplitude: amp, state: try PostgresLeadRows.decodeState(blob, key: key), events: []))
            }
            guard let first = leads.first?.id, let last = leads.last?.id else { return [] }
            let events = try await db.query("""
                SELECT lead_id, id, type, at, properties FROM event WHERE lead_id BETWEEN \(first) AND \(last)
                ORDER BY lead_id, at, id COLLATE "C"
                """, logger: logger)
            for try await (leadID, eventID, type, at, properties) in events.decode((Int64, String, String, Int64, String).self) {
                guard let i = index[leadID] else { continue }
                leads[i].events.append(try PostgresStoredEvent.event(id: eventID, lead: leads[i].key, type: type, at: at, properties: properties))
            }
            return leads
        }
    }
}

/// Rows in PostgreSQL's COPY text format: tab between values, newline after a row, `\N` for NULL, backslash escapes
/// in text, `\\x` and hex digits for bytes.
enum PostgresCopyText {
    static func append(_ row: TransferRow, to buffer: inout ByteBuffer) {
        for (i, value) in row.enumerated() {
            if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch value {
            case .null: buffer.writeStaticString("\\N")
            case .integer(let n): buffer.writeString(String(n))
            case .real(let d):
                if d.isNaN { buffer.writeStaticString("NaN") }
                else if d == .infinity { buffer.writeStaticString("Infinity") }
                else if d == -.infinity { buffer.writeStaticString("-Infinity") }
                else { buffer.writeString(d.description) }
            case .text(let s): appendEscaped(s, to: &buffer)
            case .blob(let bytes):
                buffer.writeStaticString("\\\\x")
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bytes.count * 2) { out in
                    hex.withUnsafeBufferPointer { digits in
                        for (i, byte) in bytes.enumerated() {
                            out[2 * i] = digits[Int(byte >> 4)]
                            out[2 * i + 1] = digits[Int(byte & 0x0F)]
                        }
                    }
                    return bytes.count * 2
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendEscaped(_ text: String, to buffer: inout ByteBuffer) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (i, byte) in bytes.enumerated() {
                let escaped: UInt8
                switch byte {
                case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
                case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
                case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
                default: continue
                }
                buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start..<i]))
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(escaped)
                start = i + 1
            }
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }
}
#endif
