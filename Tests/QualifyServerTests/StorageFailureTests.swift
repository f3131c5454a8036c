import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import QualifySQLite
import Testing

/// A storage failure is the server's fault: 503 with Retry-After (senders retry), no SQL or internals in the body —
/// never a 400, which a sender would drop.
@Suite struct StorageFailureTests {
    @Test func aFailingDatabaseIsA503WithRetryAfterAndNoInternals() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            let put = try await client.call(.put, "/leads/ada@acme.io", f.headers(.admin), #"{"fields":{"job_title":"CTO"}}"#)
            #expect(put.status == .ok)
            try await f.store.writer.write { db in try db.execute(sql: "DROP TABLE event") }
            let r = try await client.execute(uri: "/events", method: .post, headers: f.headers(.admin),
                                             body: ByteBuffer(string: #"{"id":"x1","email":"ada@acme.io","type":"page_view","at":"2026-05-01T00:00:00Z"}"#)) { $0 }
            let text = String(buffer: r.body)
            #expect(r.status == .serviceUnavailable && r.headers[.retryAfter] == "1", "\(r.status) \(text)")
            #expect(!text.lowercased().contains("sql") && !text.contains("table") && !text.contains("no such"), "no internals: \(text)")
            let bad = try await client.execute(uri: "/leads?limit=abc", method: .get, headers: f.headers(.admin)) { $0 }
            #expect(bad.status == .badRequest, "a malformed parameter is still the client's fault")
        }
    }
}
