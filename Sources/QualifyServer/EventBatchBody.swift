import Foundation
import QualifyCore

/// `POST /events/batch`'s body read straight from its bytes into the generated types.
///
/// Written by hand because Foundation's `JSONDecoder` took ~62 ms of a 10,000-event body (1.6 MB) — an eighth of what
/// the server spends on the request at the store's pace — and no listed library reads JSON faster; the generated
/// route has no hook for another decoder, so ``EventBatchFastPath`` runs this one in front of it. It reads only the
/// plain shape the spec describes (`{"events":[{"id","email","type","at","properties":{…}}]}`, strings only, each key
/// at most once) and answers nil for anything else — an unknown key, a number or `null` where a string belongs, a
/// date the API does not read, a lone surrogate, a control character in a string, invalid UTF-8 — so the generated
/// decoding then reads the body and words its error exactly as before. It never takes a body the generated decoding
/// refuses, and what it takes decodes to the same values (the tests compare the two on the same bodies).
enum EventBatchBody {
    static func decode(_ bytes: [UInt8]) -> Components.Schemas.EventBatch? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(b: buffer)
            return reader.batch()
        }
    }

    /// The answer as the generated route writes it — Foundation's `JSONEncoder` with sorted keys, absent optionals
    /// left out, `/` escaped — byte for byte (the tests compare the two); a tenth of a dense batch's time went to it.
    static func encode(_ result: Components.Schemas.EventBatchResult) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + result.results.count * 40)
        func key(_ name: StaticString) {
            out.append(0x22)
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [0x22, 0x3A])
        }
        func text(_ value: String) { JSONText.appendQuoted(value, to: &out, likeFoundation: true) }
        out.append(0x7B)
        key("applied"); out.append(contentsOf: String(result.applied).utf8); out.append(0x2C)
        key("duplicates"); out.append(contentsOf: String(result.duplicates).utf8); out.append(0x2C)
        key("rejected"); out.append(contentsOf: String(result.rejected).utf8); out.append(0x2C)
        key("results"); out.append(0x5B)
        for (n, r) in result.results.enumerated() {
            if n > 0 { out.append(0x2C) }
            out.append(0x7B)
            key("id"); text(r.id)
            if let reason = r.reason { out.append(0x2C); key("reason"); text(reason) }
            out.append(0x2C); key("status"); text(r.status.rawValue)
            if let warning = r.warning { out.append(0x2C); key("warning"); text(warning) }
            out.append(0x7D)
        }
        out.append(0x5D)
        if let warnings = result.warnings {
            out.append(0x2C); key("warnings"); out.append(0x5B)
            for (n, w) in warnings.enumerated() {
                if n > 0 { out.append(0x2C) }
                text(w)
            }
            out.append(0x5D)
        }
        out.append(0x7D)
        return out
    }

    private struct Reader {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        let dates = FlexibleISO8601()

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        mutating func batch() -> Components.Schemas.EventBatch? {
            guard take(UInt8(ascii: "{")), let key = string(), key == "events", take(UInt8(ascii: ":")),
                  take(UInt8(ascii: "[")) else { return nil }
            var events: [Components.Schemas.Event] = []
            events.reserveCapacity(min(b.count / 120, 10_000))
            if !take(UInt8(ascii: "]")) {
                repeat {
                    guard let event = event() else { return nil }
                    events.append(event)
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "]")) else { return nil }
            }
            guard take(UInt8(ascii: "}")) else { return nil }
            skipSpace()
            return i == b.count ? Components.Schemas.EventBatch(events: events) : nil
        }

        mutating func event() -> Components.Schemas.Event? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var id: String?, email: String?, type: String?, at: Date?
            var properties: Components.Schemas.Event.PropertiesPayload?
            if !take(UInt8(ascii: "}")) {
                repeat {
                    guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
                    // an unknown or repeated key, or a value of another shape: the generated decoding answers it
                    switch key {
                    case "id" where id == nil: guard let value = string() else { return nil }; id = value
                    case "email" where email == nil: guard let value = string() else { return nil }; email = value
                    case "type" where type == nil: guard let value = string() else { return nil }; type = value
                    case "at" where at == nil:
                        guard let value = string(), let date = try? dates.decode(value) else { return nil }
                        at = date
                    case "properties" where properties == nil:
                        guard let value = textObject() else { return nil }
                        properties = .init(additionalProperties: value)
                    default: return nil
                    }
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { return nil }
            }
            guard let id, let email, let type, let at else { return nil }
            return Components.Schemas.Event(id: id, email: email, _type: type, at: at, properties: properties)
        }

        /// An object of string values, each name once.
        mutating func textObject() -> [String: String]? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var out: [String: String] = [:]
            if take(UInt8(ascii: "}")) { return out }
            repeat {
                guard let name = string(), take(UInt8(ascii: ":")), let value = string(), out.updateValue(value, forKey: name) == nil
                else { return nil }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) ? out : nil
        }

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        /// Skips white space, then takes `byte` if it comes next.
        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard i < b.count, b[i] == byte else { return false }
            i += 1
            return true
        }

        /// A JSON string (after white space), read strictly (``JSONText``).
        mutating func string() -> String? {
            skipSpace()
            return JSONText.string(b, at: &i, strict: true)
        }
    }
}
