import Foundation
import HTTPTypes
import OpenAPIRuntime
import QualifyCore
import QualifyStore

/// An error an API call answers with: rendered as `application/problem+json` (RFC 9457), naming the field at fault.
/// Never carries SQL text or personal data beyond what the caller sent.
struct APIProblem: Error, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var detail: String?
    var field: String?
    var errors: [Components.Schemas.FieldError] = []

    static func badRequest(_ detail: String, field: String? = nil) -> APIProblem {
        APIProblem(status: .badRequest, title: "The request is not valid", detail: detail, field: field)
    }
    static func notFound(_ detail: String) -> APIProblem { APIProblem(status: .notFound, title: "Not found", detail: detail) }
    static func conflict(_ detail: String, field: String? = nil) -> APIProblem {
        APIProblem(status: .conflict, title: "The request conflicts with the lead's state", detail: detail, field: field)
    }
    static func unprocessable(_ detail: String, field: String? = nil) -> APIProblem {
        APIProblem(status: .unprocessableContent, title: "The request could not be applied", detail: detail, field: field)
    }
    /// Our fault, probably passing (storage busy or down): 503 with Retry-After, no details (the log has them).
    static let unavailable = APIProblem(status: .serviceUnavailable, title: "Service unavailable",
                                        detail: "the server could not complete the request; send it again shortly (events and upserts are idempotent)")
    /// Our fault, not passing (stored data unreadable): 500, no details (the log has them).
    static let internalFault = APIProblem(status: .internalServerError, title: "Internal error",
                                          detail: "stored data could not be read; the log has details")
    static let unauthorized = APIProblem(status: .unauthorized, title: "Unauthorized",
                                         detail: "send an API key as 'Authorization: Bearer qk_…' (make one with `qualify keys create --role ROLE`)")

    /// A text field held to the spec's `minLength`/`maxLength` (counted in characters, as JSON Schema counts them):
    /// the generated decoding does not check them, so each handler does, with this.
    static func checkLength(_ text: String?, _ field: String, _ range: ClosedRange<Int>) throws {
        guard let text else { return }
        let n = text.unicodeScalars.count
        guard range.contains(n) else {
            throw badRequest("'\(field)' must be \(range.lowerBound) to \(range.upperBound) characters, not \(n)", field: field)
        }
    }

    /// An object or array held to the spec's `maxProperties`/`maxItems`.
    static func checkCount(_ count: Int, _ field: String, atMost limit: Int, of what: String) throws {
        guard count <= limit else { throw badRequest("'\(field)' holds at most \(limit) \(what), not \(count)", field: field) }
    }

    /// The problem document, with its type naming the status.
    var document: Components.Schemas.Problem {
        Components.Schemas.Problem(_type: "https://qualify.dev/problems/\(status.code)", title: title, status: status.code,
                                   detail: detail, field: field, errors: errors.isEmpty ? nil : errors)
    }

    var response: (HTTPResponse, HTTPBody) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data("{\"title\":\"error\",\"status\":\(status.code)}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if status == .serviceUnavailable { headers[.retryAfter] = "1" }
        return (HTTPResponse(status: status, headerFields: headers), HTTPBody(data))
    }

    /// What a thrown error means for the caller (``FailureKind`` decides whose fault a store's error is). Errors no
    /// rule knows are ours and passing — 503 with Retry-After, without their text (it may hold SQL).
    static func from(_ error: any Error) -> APIProblem {
        if let problem = error as? APIProblem { return problem }
        if let server = error as? ServerError {
            if let inner = server.underlyingError as? APIProblem { return inner }
            if let inner = server.underlyingError as? StoreError { return from(inner) }
            if let decoding = server.underlyingError as? DecodingError { return from(decoding) }
            if server.underlyingError is CancellationError { return APIProblem(status: .serviceUnavailable, title: "Cancelled") }
            // the runtime's own request errors (missing parameter, wrong content type, bad value): the client's fault
            if let request = server.underlyingError as? any HTTPResponseConvertible, (400..<500).contains(request.httpStatus.code) {
                let text = "\(server.underlyingError)"
                return APIProblem(status: request.httpStatus == .unsupportedMediaType ? .unsupportedMediaType : .badRequest,
                                  title: "The request is not valid", detail: Self.clean(text.isEmpty ? server.causeDescription : text))
            }
            // anything else a handler threw is ours — the database locked, full or unreachable: try again later (the
            // request may be sent again as it was; ingest is idempotent), never the client's fault, no internals shown
            return unavailable
        }
        if let store = error as? StoreError { return from(store) }
        if let decoding = error as? DecodingError { return from(decoding) }
        // thrown outside a handler (an API key looked up while the database is down): ours and passing, as above
        return unavailable
    }

    static func from(_ error: StoreError) -> APIProblem {
        switch FailureKind.of(error) {
        case .notFound: return .notFound(error.description)
        case .unprocessable(let field): return .unprocessable(error.description, field: field)
        case .conflict(let field): return .conflict(error.description, field: field)
        case .notReady: return APIProblem(status: .serviceUnavailable, title: "Not ready", detail: error.description)
        case .unavailable: return .unavailable
        case .internalFault: return .internalFault
        }
    }

    static func from(_ error: DecodingError) -> APIProblem {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = (path(context).isEmpty ? "" : path(context) + ".") + key.stringValue
            return .badRequest("'\(field)' is required", field: field)
        case .typeMismatch(let type, let context):
            return .badRequest("'\(path(context))' has the wrong type (expected \(Self.typeName(type)))", field: path(context))
        case .valueNotFound(let type, let context):
            return .badRequest("'\(path(context))' is null (expected \(Self.typeName(type)))", field: path(context))
        case .dataCorrupted(let context):
            let field = path(context)
            return .badRequest(field.isEmpty ? "the request could not be read: \(clean(context.debugDescription))" : "'\(field)': \(clean(context.debugDescription))",
                               field: field.isEmpty ? nil : field)
        @unknown default:
            return .badRequest("the body could not be read")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        let name = "\(type)"
        if name.contains("Int") { return "an integer" }
        if name.contains("Double") { return "a number" }
        if name.contains("String") || name.contains("Date") { return "a string" }
        if name.contains("Bool") { return "true or false" }
        if name.contains("Array") { return "an array" }
        return "an object"
    }

    /// Keeps messages short and free of Swift type names.
    static func clean(_ text: String) -> String {
        String(text.prefix(300))
    }
}
