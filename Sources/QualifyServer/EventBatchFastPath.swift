import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Serves `POST /events/batch` with ``EventBatchBody`` when the request is the plain case — a JSON body of the plain
/// shape, no query but `create_leads=true|false`, an `Accept` the answer meets — and hands anything else to the
/// generated route unchanged. It runs after the key and role checks and inside the problem documents' middleware,
/// so those hold for both ways in, and before the `null` refusal, which only a body it passes on needs (it takes no
/// `null`): a body is collected once on the fast path. The same handler answers, and the answer is written as the
/// generated code writes it (``EventBatchBody/encode(_:)``, `application/json; charset=utf-8`).
struct EventBatchFastPath: ServerMiddleware {
    let api: QualifyAPI
    let maxBytes: Int

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?)
    {
        guard operationID == Operations.PostEventBatch.id, let body, Self.isJSON(request.headerFields[.contentType]),
              Self.acceptsJSON(request.headerFields[.accept]), let createLeads = Self.createLeads(request.path)
        else { return try await next(request, body, metadata) }
        let bytes = try await [UInt8](collecting: body, upTo: maxBytes)
        guard let batch = EventBatchBody.decode(bytes) else { return try await next(request, HTTPBody(bytes), metadata) }
        let data: [UInt8]
        var response: HTTPResponse
        switch try await api.postEventBatch(.init(query: .init(createLeads: createLeads), body: .json(batch))) {
        case .ok(let ok):
            switch ok.body {
            case .json(let result): data = EventBatchBody.encode(result)
            }
            response = HTTPResponse(status: .ok)
            response.headerFields[.contentType] = "application/json; charset=utf-8"
        case .default(let status, let answer):
            // the handler throws its problems today; an answered one is written as the generated route would
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            switch answer.body {
            case .applicationProblemJson(let problem): data = Array(try encoder.encode(problem))
            }
            response = HTTPResponse(status: .init(code: status))
            response.headerFields[.contentType] = "application/problem+json; charset=utf-8"
        }
        response.headerFields[.contentLength] = String(data.count)
        return (response, HTTPBody(data))
    }

    /// `application/json`, with parameters or none.
    static func isJSON(_ value: String?) -> Bool {
        guard let value = value?.lowercased(), value.hasPrefix("application/json") else { return false }
        let rest = value.dropFirst("application/json".count).drop { $0 == " " }
        return rest.isEmpty || rest.first == ";"
    }

    /// No `Accept`, or one that names JSON or anything.
    static func acceptsJSON(_ value: String?) -> Bool {
        guard let value else { return true }
        return ["application/json", "*/*", "application/*"].contains(value.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The `create_leads` query value (.some(nil) when there is no query); nil for any other query, which the
    /// generated route reads.
    static func createLeads(_ path: String?) -> Bool?? {
        guard let path else { return nil }
        guard let mark = path.firstIndex(of: "?") else { return .some(nil) }
        switch path[path.index(after: mark)...] {
        case "": return .some(nil)
        case "create_leads=true": return true
        case "create_leads=false": return false
        default: return nil
        }
    }
}
