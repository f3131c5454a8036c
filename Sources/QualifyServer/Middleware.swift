import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime
import QualifyCore
import QualifyStore
import QualifyUseCases

/// Who is calling: set by ``AccessMiddleware`` for the handler.
struct Caller: Sendable {
    var keyID: String
    var name: String
    var role: Role

    /// How a person's action through the API is recorded: the key's name and id ("Sam (qk_abc)").
    static var recordedAs: String { current.map { "\($0.name) (\($0.keyID))" } ?? "api" }

    @TaskLocal static var current: Caller?
}

/// Which permission each operation needs; nil for the health probes, which anyone may call.
enum OperationAccess {
    static func permission(_ operationID: String) -> Permission?? {
        switch operationID {
        case "healthLive", "healthReady": return .some(nil)
        case "metrics": return .readMetrics
        case "listLeads", "getLead", "getFunnel", "listAccounts", "getAccount", "listFollowUps", "listHeldLeads": return .readLeads
        case "exportLeads": return .exportLeads
        case "upsertLead": return .writeLeads
        case "moveStage", "answerChecklist", "logActivity", "assignLead", "followUpDone": return .moveStages
        case "postEvent", "postEventBatch": return .writeEvents
        case "getModel", "listModelVersions", "validateModel", "dryRunModel": return .readModel
        case "activateModel": return .manageModel
        case "verifyEmails": return .verifyEmails
        case "listWebhooks", "addWebhook", "listWebhookAttempts", "redeliverWebhooks", "removeWebhook", "enableWebhook", "disableWebhook",
             "testWebhook":
            return .manageWebhooks
        default: return nil // unknown: refused below, never let through by omission
        }
    }
}

/// Checks the API key and its role before any handler runs: 401 without a valid key, 403 for a role that may not
/// make the call; neither answer carries data. Keys are looked up by the hash of the secret and cached briefly
/// (a revoked key stops working within `cacheSeconds`).
struct AccessMiddleware: ServerMiddleware {
    let keys: KeyCache

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?)
    {
        guard let needed = OperationAccess.permission(operationID) else {
            return APIProblem(status: .forbidden, title: "Forbidden", detail: "operation '\(operationID)' has no access rule").response
        }
        guard let permission = needed else { return try await next(request, body, metadata) }
        guard let header = request.headerFields[.authorization], header.lowercased().hasPrefix("bearer ") else {
            return APIProblem.unauthorized.response
        }
        let secret = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard secret.hasPrefix(APIKeys.prefix), secret.count < 200, let key = try await keys.key(secret: secret), key.revokedAt == nil else {
            var problem = APIProblem.unauthorized
            problem.detail = "the API key is unknown or revoked; make one with `qualify keys create --role ROLE`"
            return problem.response
        }
        guard key.role.allows(permission) else {
            return APIProblem(status: .forbidden, title: "Forbidden",
                              detail: "a key with role '\(key.role.rawValue)' may not \(permission.rawValue); that needs the \(Role.holding(permission).spokenList) role").response
        }
        return try await Caller.$current.withValue(Caller(keyID: key.id, name: key.name, role: key.role)) {
            try await next(request, body, metadata)
        }
    }
}

/// API keys by secret hash, remembered for a short while so a busy ingest endpoint does not read the key table on
/// every request.
actor KeyCache {
    let store: any LeadStore
    let cacheSeconds: Double
    private var entries: [String: (record: APIKeyRecord?, until: Date)] = [:]

    init(store: any LeadStore, cacheSeconds: Double = 10) {
        self.store = store
        self.cacheSeconds = cacheSeconds
    }

    func key(secret: String) async throws -> APIKeyRecord? {
        let now = Date()
        // keyed by the secret itself (memory only), so a hit costs no hashing
        if let hit = entries[secret], hit.until > now { return hit.record }
        let record = try await store.apiKey(secretHash: APIKeys.hash(secret))
        if entries.count > 10_000 { entries.removeAll() }
        entries[secret] = (record, now.addingTimeInterval(cacheSeconds))
        return record
    }
}

/// Turns every error a handler or the runtime throws into `application/problem+json`; server errors are logged
/// (without request bodies), client errors are not.
struct ProblemMiddleware: ServerMiddleware {
    let logger: Logger

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?)
    {
        do {
            return try await next(request, body, metadata)
        } catch {
            let problem = APIProblem.from(error)
            if problem.status.code >= 500 { Self.log(error, operation: operationID, status: problem.status.code, logger: logger) }
            return problem.response
        }
    }
}

extension ProblemMiddleware {
    /// A server-side failure in the log: the request id the caller got back, the operation, the status answered and
    /// the error (its description: SQLite names the statement, never its bound values; PostgreSQL errors carry their
    /// SQLSTATE and message only — no values, no personal data; the response never carries any of it).
    static func log(_ error: any Error, operation: String, status: Int, logger: Logger) {
        var metadata = RequestID.failureFields((error as? ServerError)?.underlyingError ?? error).mapValues { Logger.MetadataValue.string($0) }
        metadata["operation"] = .string(operation)
        metadata["status"] = .stringConvertible(status)
        logger.error("request failed", metadata: metadata)
    }
}

/// Gives every request an id (the caller's `X-Request-Id` when it is a plain token, else a new one), for the log
/// lines written while serving it, and sends it back in the response's `X-Request-Id`.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name(RequestID.header)! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = RequestID.accepted(request.headers[Self.header]) ?? RequestID.make()
        var response = try await RequestID.$current.withValue(id) { try await next(request, context) }
        response.headers[Self.header] = id
        return response
    }
}

/// Refuses a JSON body holding a `null` (400 naming the field): no schema of the API allows one, and the generated
/// decoding would quietly take it as "absent" (a default the sender did not ask for). Runs after the key's check (no
/// key is still a 401) on every body the API would read as JSON — declared so, or sent without a content type, which
/// the generated code reads as JSON too. Bodies are at most `--max-body-mb` (``BodyLimitMiddleware`` runs first).
struct NullRefusalMiddleware: ServerMiddleware {
    let maxBytes: Int

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?)
    {
        let type = request.headerFields[.contentType]?.lowercased()
        guard let body, type == nil || type!.hasPrefix("application/json") else { return try await next(request, body, metadata) }
        let bytes = try await [UInt8](collecting: body, upTo: maxBytes)
        if let field = JSONNullFinder.firstNull(in: bytes) {
            let named = field.isEmpty ? "the body" : field == "[]" ? "an array element" : "'\(field.prefix(100))'"
            return APIProblem.badRequest("\(named) is null; leave an optional field out instead (no field takes null)",
                                         field: field.isEmpty || field == "[]" ? nil : String(field.prefix(100))).response
        }
        return try await next(request, HTTPBody(bytes), metadata)
    }
}

/// Refuses bodies above `maxBytes` with 413 before any handler reads them (known length) or while reading (chunked).
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            return Self.tooLarge(maxBytes)
        }
        var request = request
        if request.headers[.contentLength] == nil, request.method == .post || request.method == .put {
            do {
                _ = try await request.collectBody(upTo: maxBytes)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                return Self.tooLarge(maxBytes)
            }
        }
        return try await next(request, context)
    }

    static func tooLarge(_ maxBytes: Int) -> Response {
        let problem = APIProblem(status: .contentTooLarge, title: "The body is too large",
                                 detail: "bodies are limited to \(maxBytes) bytes (split a batch, or start the server with a larger --max-body-mb)")
        let (head, _) = problem.response
        let data = (try? JSONEncoder().encode(problem.document)) ?? Data()
        return Response(status: head.status, headers: head.headerFields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The API's routes as the generated code registers them (method and path template), kept so a request that no
/// route takes can be told apart: a path the API has, asked with another method (405 with `Allow`), or no such path
/// (404). Registration passes through to the router unchanged.
final class RouteTable<Context: RequestContext>: ServerTransport, @unchecked Sendable {
    // written only while routes are registered, before the server starts; read-only afterwards
    private(set) var routes: [(method: HTTPRequest.Method, segments: [Substring])] = []
    let router: Router<Context>

    init(router: Router<Context>) { self.router = router }

    func register(_ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
                  method: HTTPRequest.Method, path: String) throws {
        routes.append((method, path.split(separator: "/")))
        router.register(handler, method: method, path: path)
    }

    /// The methods the API serves on `path`, sorted. As the router matches: segment by segment, a literal segment
    /// equal to the path's wins over a template segment like `{id}` (so `/webhooks/redeliver` is not `/webhooks/{id}`).
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        var found = routes.filter { $0.segments.count == segments.count }
        for (i, value) in segments.enumerated() {
            let literal = found.filter { $0.segments[i] == value }
            found = literal.isEmpty ? found.filter { $0.segments[i].first == "{" } : literal
        }
        return Set(found.map(\.method.rawValue)).sorted()
    }
}

/// Answers a request no route takes with a problem document instead of an empty 404: 405 with the methods the path
/// has (`Allow`), or 404 naming the method and path. Only the router's not-found path reaches it (it is added after
/// the API's routes, so they do not pass through it).
struct UnmatchedRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable<Context>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            let allowed = routes.methods(for: path)
            let shown = String(path.prefix(200))
            let problem = allowed.isEmpty
                ? APIProblem.notFound("no endpoint \(request.method.rawValue) \(shown); the API's paths are in openapi.yaml")
                : APIProblem(status: .methodNotAllowed, title: "Method not allowed",
                             detail: "\(shown) takes \(allowed.joined(separator: ", ")), not \(request.method.rawValue)")
            let (head, _) = problem.response
            var headers = head.headerFields
            if !allowed.isEmpty { headers[.allow] = allowed.joined(separator: ", ") }
            let data = (try? JSONEncoder().encode(problem.document)) ?? Data()
            return Response(status: head.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
