import QualifyCore
import Testing

@Suite struct JSONNullFinderTests {
    @Test(arguments: [
        (#"{"format": null, "url": "x"}"#, "format"),
        (#"{"events":[{"id":"1","properties":null}]}"#, "properties"),
        (#"{"emails":["a@b.io", null]}"#, "[]"),
        (#"null"#, ""),
        (#"{"a":"null","b":"x\"null","c":[1,2],"d":{"e":nullx}}"#, "e"),
    ])
    func aNullValueIsFoundAndNamed(_ json: String, _ field: String) {
        #expect(JSONNullFinder.firstNull(in: Array(json.utf8)) == field)
    }

    @Test(arguments: [#"{"a":"null","b":"\\\"null\\\"","nullable":true}"#, #"[1,"null",{"x":"y"}]"#, ""])
    func nullInsideTextIsNotAValue(_ json: String) {
        #expect(JSONNullFinder.firstNull(in: Array(json.utf8)) == nil)
    }
}
