/// A JSON object of text values (`{"url":"/pricing"}`): the stored form of event properties and lead fields.
///
/// Hand-written rather than Foundation's coders because it runs once per event on ingest and on every replay, where
/// the general coders cost more than the scoring itself; it reads and writes only this one shape.
public enum FlatJSON {
    public static func encode(_ values: [String: String]) -> String {
        if values.isEmpty { return "{}" }
        var out: [UInt8] = []
        out.reserveCapacity(values.reduce(2) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        out.append(UInt8(ascii: "{"))
        for key in values.keys.sorted() {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendQuoted(values[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    static func appendQuoted(_ s: String, to out: inout [UInt8]) { JSONText.appendQuoted(s, to: &out, likeFoundation: false) }

    /// Reads an object whose values are strings; nil when the text is not one.
    public static func decode(_ text: String) -> [String: String]? {
        var text = text
        return text.withUTF8 { decode($0) }
    }

    static func decode(_ b: UnsafeBufferPointer<UInt8>) -> [String: String]? {
        var i = 0
        func skip() { while i < b.count, b[i] == 32 || b[i] == 10 || b[i] == 13 || b[i] == 9 { i += 1 } }
        func string() -> String? { JSONText.string(b, at: &i, strict: false) }
        skip()
        guard i < b.count, b[i] == 123 else { return nil }
        i += 1
        var out: [String: String] = [:]
        skip()
        if i < b.count, b[i] == 125 { i += 1; skip(); return i == b.count ? out : nil }
        while true {
            skip()
            guard let key = string() else { return nil }
            skip()
            guard i < b.count, b[i] == 58 else { return nil }
            i += 1
            skip()
            guard let value = string() else { return nil }
            out[key] = value
            skip()
            guard i < b.count else { return nil }
            if b[i] == 44 { i += 1; continue }
            if b[i] == 125 { i += 1; break }
            return nil
        }
        skip()
        return i == b.count ? out : nil
    }
}
