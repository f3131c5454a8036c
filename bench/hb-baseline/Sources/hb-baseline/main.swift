import Foundation
import GRDB
import Hummingbird

// hb-baseline PORT             POST /events: collect the request body, answer a fixed JSON body (what Qualify
//                              answers for an applied event).
// hb-baseline PORT --sqlite DB the same route, but it first decodes the event (JSONDecoder) and inserts it into an
//                              `event` table like Qualify's (unique id, index on lead and time) in a transaction of
//                              its own, WAL and synchronous=NORMAL as Qualify: the durable write a request needs,
//                              without a key check, scoring or a lead projection.
let arguments = CommandLine.arguments
let port = arguments.count > 1 ? Int(arguments[1]) ?? 8081 : 8081
let sqlitePath = arguments.firstIndex(of: "--sqlite").flatMap { arguments.count > $0 + 1 ? arguments[$0 + 1] : nil }

struct IncomingEvent: Decodable {
    var id: String
    var email: String
    var type: String
    var at: String
    var properties: [String: String]?
}

let fixed = "{\"id\":\"e\",\"status\":\"applied\"}"
let router = Router()
if let sqlitePath {
    var config = Configuration()
    config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    let pool = try DatabasePool(path: sqlitePath, configuration: config)
    try await pool.write { db in
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS event (id TEXT NOT NULL UNIQUE, email TEXT NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL,
                                              properties TEXT NOT NULL, received_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS event_lead ON event(email, at, id);
            """)
    }
    router.post("/events") { request, _ -> Response in
        let body = try await request.body.collect(upTo: 1 << 20)
        let event = try JSONDecoder().decode(IncomingEvent.self, from: Data(buffer: body))
        let properties = String(decoding: try JSONEncoder().encode(event.properties ?? [:]), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO event(id, email, type, at, properties, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                           arguments: [event.id, event.email, event.type, event.at, properties, Int64(Date().timeIntervalSince1970 * 1000)])
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: fixed)))
    }
} else {
    router.post("/events") { request, _ -> Response in
        _ = try await request.body.collect(upTo: 1 << 20)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: fixed)))
    }
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "hb-baseline"))
try await app.runService()
