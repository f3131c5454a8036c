import Hummingbird

// POST /events: collect the request body, answer a fixed JSON body (what Qualify answers for an applied event).
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8081 : 8081
let router = Router()
router.post("/events") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: "{\"id\":\"e\",\"status\":\"applied\"}")))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "hb-baseline"))
try await app.runService()
