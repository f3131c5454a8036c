import QualifyCore
import Testing

@Suite struct EventLimitsTests {
    static let now = Timestamp(iso8601: "2026-03-01T12:00:00Z")!

    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        var id = "evt-1"
        var type = "page_view"
        var at = EventLimitsTests.now
        var properties: [String: String] = [:]
        let expected: EventRejection?
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "a plain page view is accepted", expected: nil),
        Row(name: "custom types with . : - _ and digits are accepted", type: "shop.cart-add_v2:eu", expected: nil),
        Row(name: "an empty id", id: "", expected: .emptyID),
        Row(name: "an id of 201 bytes", id: String(repeating: "x", count: 201), expected: .idTooLong(201)),
        Row(name: "an id of 200 bytes is accepted", id: String(repeating: "x", count: 200), expected: nil),
        Row(name: "an empty type", type: "", expected: .emptyType),
        Row(name: "a reserved $ type", type: "$fields", expected: .reservedType("$fields")),
        Row(name: "a type with a space", type: "page view", expected: .invalidType("page view")),
        Row(name: "a type with a slash", type: "page/view", expected: .invalidType("page/view")),
        Row(name: "a type of 65 bytes", type: String(repeating: "t", count: 65), expected: .invalidType(String(repeating: "t", count: 65))),
        Row(name: "five minutes ahead is tolerated", at: now.adding(TimeSpan(text: "5m")!), expected: nil),
        Row(name: "five minutes and a millisecond ahead is in the future",
            at: now.adding(TimeSpan(millis: 300_001)), expected: .inFuture(now.adding(TimeSpan(millis: 300_001)), now: now)),
        Row(name: "51 properties",
            properties: Dictionary(uniqueKeysWithValues: (0..<51).map { ("p\($0)", "v") }), expected: .tooManyProperties(51)),
        Row(name: "50 properties are accepted",
            properties: Dictionary(uniqueKeysWithValues: (0..<50).map { ("p\($0)", "v") }), expected: nil),
        Row(name: "a property value of 4097 bytes", properties: ["url": String(repeating: "u", count: 4097)],
            expected: .propertyTooLong("url")),
        Row(name: "a property key of 65 bytes", properties: [String(repeating: "k", count: 65): "v"],
            expected: .propertyNameTooLong(String(repeating: "k", count: 65))),
        Row(name: "a NUL in the id", id: "e\u{0}1", expected: .nulCharacter("event id")),
        Row(name: "a NUL in a property value", properties: ["url": "/a\u{0}b"], expected: .nulCharacter("property 'url'")),
        Row(name: "a NUL in a property name", properties: ["u\u{0}rl": "/a"], expected: .nulCharacter("property 'url'")),
        Row(name: "tabs, newlines and backslashes are text like any other",
            id: "e\t1", properties: ["url": "/a\\b\nc\rd"], expected: nil),
    ]

    @Test("Incoming activities are checked against the limits", arguments: rows)
    func check(_ row: Row) {
        #expect(EventLimits.check(id: row.id, type: row.type, at: row.at, properties: row.properties, now: Self.now) == row.expected)
    }

    @Test func rejectionsSayWhatToDo() {
        #expect(EventRejection.emptyID.description.contains("unique id"))
        #expect(EventRejection.reservedType("$x").description.contains("'$x'"))
        #expect(EventRejection.idTooLong(201).description.contains("201"))
        #expect(EventRejection.invalidTimestamp("soon").description.contains("2026-03-01T10:15:00Z"))
    }

    @Test func aTooLongPropertyNameIsDescribedAsSuch() {
        let key = String(repeating: "k", count: 65)
        let rejection = EventLimits.check(id: "e", type: "page_view", at: Self.now, properties: [key: "v"], now: Self.now)
        #expect(rejection == .propertyNameTooLong(key))
        #expect(rejection?.description.contains("64") == true, "\(rejection?.description ?? "")")
    }

    @Test func eventsOrderByTimeThenID() {
        let lead = LeadKey(normalizedEmail: "ana@acme.com")
        let early = Event.activity(id: "z", lead: lead, type: "page_view", at: Self.now)
        let sameTimeLowerID = Event.activity(id: "a", lead: lead, type: "page_view", at: Self.now)
        let later = Event.activity(id: "a", lead: lead, type: "page_view", at: Self.now.adding(TimeSpan(millis: 1)))
        #expect(sameTimeLowerID.order < early.order)
        #expect(early.order < later.order)
        #expect(!(early.order < early.order))
    }

    @Test func typeNamesOfTheThreeKinds() {
        let lead = LeadKey(normalizedEmail: "ana@acme.com")
        #expect(Event.activity(id: "1", lead: lead, type: "demo_request", at: Self.now).typeName == "demo_request")
        #expect(Event(id: EventID("2"), lead: lead, at: Self.now, kind: .fieldsUpdate(fields: [:], source: "crm")).typeName == "$fields")
        #expect(Event(id: EventID("3"), lead: lead, at: Self.now,
                      kind: .stageMove(action: .recycle, reason: "r", by: "bo", code: nil)).typeName == "$stage")
    }
}
