import Foundation
import Hummingbird
import MultipartKit

/// Reading what a browser posts: URL-encoded forms and multipart uploads.
enum Forms {
    /// A URL-encoded form body as field → value (a repeated field keeps its last value). The fields are dynamic (a
    /// checklist's `answer.ID`), so they are read into a dictionary, not decoded into a type.
    static func urlEncoded(_ request: inout Request, limit: Int) async throws -> [String: String] {
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch {
            throw WebProblem(status: .contentTooLarge, heading: "The form is too large", detail: "Forms are limited to \(limit / 1024) KB.")
        }
        return fields(String(buffer: buffer))
    }

    static func fields(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            out[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
    }

    /// An uploaded file and the form's other fields.
    struct Upload: Sendable {
        var fields: [String: String] = [:]
        var fileName: String?
        var file: [UInt8] = []
    }

    /// A `multipart/form-data` body (multipart-kit's parser): the text fields, and the one file field's bytes.
    static func multipart(_ request: inout Request, limit: Int) async throws -> Upload {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
              let boundary = type.split(separator: ";").compactMap({ part -> String? in
                  let p = part.trimmingCharacters(in: .whitespaces)
                  return p.lowercased().hasPrefix("boundary=") ? String(p.dropFirst(9)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : nil
              }).first
        else { throw WebProblem.badRequest("Send the file with the page's form (multipart/form-data).") }
        // RFC 2046: 1 to 70 characters (the parser stops the process on an empty one)
        guard (1...70).contains(boundary.utf8.count) else { throw WebProblem.badRequest("The form's multipart boundary is empty or too long.") }
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch {
            throw WebProblem(status: .contentTooLarge, heading: "The file is too large",
                             detail: "Uploads are limited to \(limit >> 20) MB; use the command line (`qualify verify`, `qualify abc-xyz`) for larger files.")
        }
        var upload = Upload()
        var name: String?
        var fileName: String?
        var body: [UInt8] = []
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            for part in value.split(separator: ";") {
                let p = part.trimmingCharacters(in: .whitespaces)
                if p.hasPrefix("name=") { name = String(p.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                if p.hasPrefix("filename=") { fileName = String(p.dropFirst(9)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
        }
        parser.onBody = { chunk in body.append(contentsOf: chunk.readableBytesView) }
        parser.onPartComplete = {
            if let fileName {
                upload.fileName = fileName
                upload.file = body
            } else if let name {
                upload.fields[name] = String(decoding: body, as: UTF8.self)
            }
            (name, fileName, body) = (nil, nil, [])
        }
        do { try parser.execute(buffer) } catch {
            throw WebProblem.badRequest("The upload could not be read as a form (\(error)). Send the file again with the page's form.")
        }
        return upload
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Compares secrets without stopping at the first difference.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
