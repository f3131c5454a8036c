import Foundation
import QualifyCore
import Testing

@Suite struct FlatJSONTests {
    @Test(arguments: [
        [:],
        ["url": "/pricing"],
        ["a": "", "b": "plain", "quote": "say \"hi\"", "slash": #"C:\temp\new"#, "lines": "one\ntwo\r\tthree"],
        ["unicode": "Zoë – 東京 🚀", "ctrl": "bell\u{07}end", "mixed": "🚀\"x\\"],
    ])
    func whatIsWrittenReadsBack(_ values: [String: String]) {
        #expect(FlatJSON.decode(FlatJSON.encode(values)) == values)
    }

    @Test func theWrittenFormIsStable() {
        // stored in every event row: the bytes must not change between versions
        #expect(FlatJSON.encode(["b": "x\"y\\z", "a": "é\n\u{01}\u{1F}\t\r", "c": ""]) == #"{"a":"é\n\u0001\u001f\t\r","b":"x\"y\\z","c":""}"#)
        #expect(FlatJSON.encode([:]) == "{}")
    }

    @Test func anotherWritersEscapesAndSpacingRead() throws {
        let text = #" { "a" : "x\/y\u00e9\ud83d\ude80" , "b":"\b\f" } "#
        #expect(FlatJSON.decode(text) == ["a": "x/yé🚀", "b": "\u{08}\u{0C}"])
        // Foundation's reading of the same text agrees
        let foundation = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        #expect(FlatJSON.decode(text) == foundation)
    }

    /// The stored form is read leniently (only Qualify writes it); the API's bodies strictly.
    @Test func aStringIsReadStrictlyOrLeniently() {
        func read(_ text: String, strict: Bool) -> String? {
            Array(text.utf8).withUnsafeBufferPointer { b in
                var i = 0
                let s = JSONText.string(b, at: &i, strict: strict)
                return s.map { i == b.count ? $0 : "moved to \(i)" }
            }
        }
        #expect(read(#""plain""#, strict: true) == "plain" && read(#""a\"b""#, strict: true) == "a\"b")
        #expect(read(#""\ud800x""#, strict: true) == nil && read(#""\ud800x""#, strict: false) == "\u{FFFD}x")
        #expect(read("\"tab\there\"", strict: true) == nil && read("\"tab\there\"", strict: false) == "tab\there")
        #expect(read(#""\ud83d\ude80""#, strict: true) == "🚀")
        #expect(read(#""open"#, strict: false) == nil && read(#""\x""#, strict: false) == nil && read("x", strict: false) == nil)
        let bad: [UInt8] = [0x22, 0xFF, 0x22]
        bad.withUnsafeBufferPointer { b in
            var i = 0
            #expect(JSONText.string(b, at: &i, strict: true) == nil)
            i = 0
            #expect(JSONText.string(b, at: &i, strict: false) == "\u{FFFD}")
        }
    }

    @Test(arguments: [#"{"a":1}"#, #"{"a":"x""#, #"{"a":"x\"}"#, #"{"a":"\q"}"#, #"["a"]"#, #"{"a":"x"} x"#, #"{"a" "x"}"#, ""])
    func otherShapesAreRefused(_ text: String) {
        #expect(FlatJSON.decode(text) == nil)
    }
}
