/// A compact binary form of ``LeadState`` for the store's state column.
///
/// Hand-written because the state is read and written once per touched lead per ingest batch, and Foundation's JSON
/// coders took a quarter of ingest time there (measured with `perf` on `qualify import events`); this format is a
/// fraction of the size and cost. Layout: a version byte, then the fields in declaration order; integers as zigzag
/// varints, doubles as their IEEE bits, strings as length-prefixed UTF-8, maps with sorted keys (so equal states give
/// equal bytes).
public enum LeadStateCodec {
    /// 2 adds the assignment and first-touch times at the end, 3 the escalation steps fired, 4 the nurture state;
    /// older states decode with none (a rescore fills the nurture state in from the events).
    static let version: UInt8 = 4

    public static func encode(_ s: LeadState) -> [UInt8] {
        var w = Writer()
        w.bytes.reserveCapacity(256)
        w.byte(version)
        w.string(s.key.email)
        w.map(s.fields) { $0.string($1) }
        w.map(s.fitMatches) { $0.int($1) }
        w.int(s.fitPoints)
        w.string(s.grade.rawValue)
        w.map(s.groups) { $0.score($1) }
        w.map(s.cycleGroups) { $0.score($1) }
        w.count(s.onceFired.count)
        for id in s.onceFired.sorted() { w.string(id) }
        w.map(s.capWindows) { w, c in w.int64(c.start.millis); w.int(c.used) }
        w.map(s.typeCounts) { $0.int($1) }
        w.count(s.satisfiedEventCriteria.count)
        for i in s.satisfiedEventCriteria.sorted() { w.int(i) }
        w.string(s.stage.rawValue)
        w.count(s.stageHistory.count)
        for c in s.stageHistory {
            w.string(c.from.rawValue)
            w.string(c.to.rawValue)
            w.int64(c.at.millis)
            w.string(c.eventID.rawValue)
            w.string(c.reason)
            w.string(c.by)
        }
        w.optional(s.last) { w, o in w.int64(o.at.millis); w.string(o.id.rawValue) }
        w.int(s.eventCount)
        w.optional(s.firstSeen) { $0.int64($1.millis) }
        w.optional(s.lastActivity) { $0.int64($1.millis) }
        w.byte(s.fitEvaluated ? 1 : 0)
        w.optional(s.assignedAt) { $0.int64($1.millis) }
        w.optional(s.touchedAt) { $0.int64($1.millis) }
        w.int(s.escalations)
        let n = s.nurture
        w.optional(n.cadenceStart) { $0.int64($1.millis) }
        w.int(n.stepsDone)
        w.optional(n.lastTouch) { $0.int64($1.millis) }
        w.optional(n.stopped) { $0.string($1) }
        w.optional(n.suppressed) { $0.string($1) }
        w.map(n.taken) { $0.int64($1.millis) }
        w.map(n.offered) { $0.int64($1.millis) }
        w.int(n.announced)
        return w.bytes
    }

    public static func decode(_ bytes: some Collection<UInt8>) throws -> LeadState {
        var r = Reader(bytes: Array(bytes))
        let stored = try r.byte()
        guard (1...version).contains(stored) else { throw LeadStateCodecError.unknownVersion }
        var s = LeadState(key: LeadKey(normalizedEmail: try r.string()))
        s.fields = try r.map { try $0.string() }
        s.fitMatches = try r.map { try $0.int() }
        s.fitPoints = try r.int()
        s.grade = try r.enumValue(Grade.self)
        s.groups = try r.map { try $0.score() }
        s.cycleGroups = try r.map { try $0.score() }
        var once: Set<RuleID> = []
        for _ in 0..<(try r.count()) { once.insert(try r.string()) }
        s.onceFired = once
        s.capWindows = try r.map { CapWindow(start: Timestamp(millis: try $0.int64()), used: try $0.int()) }
        s.typeCounts = try r.map { try $0.int() }
        var satisfied: Set<Int> = []
        for _ in 0..<(try r.count()) { satisfied.insert(try r.int()) }
        s.satisfiedEventCriteria = satisfied
        s.stage = try r.enumValue(Stage.self)
        var history: [StageChange] = []
        for _ in 0..<(try r.count()) {
            history.append(StageChange(
                from: try r.enumValue(Stage.self), to: try r.enumValue(Stage.self), at: Timestamp(millis: try r.int64()),
                eventID: EventID(try r.string()), reason: try r.string(), by: try r.string()))
        }
        s.stageHistory = history
        s.last = try r.optional { EventOrder(at: Timestamp(millis: try $0.int64()), id: EventID(try $0.string())) }
        s.eventCount = try r.int()
        s.firstSeen = try r.optional { Timestamp(millis: try $0.int64()) }
        s.lastActivity = try r.optional { Timestamp(millis: try $0.int64()) }
        s.fitEvaluated = try r.byte() == 1
        if stored >= 2 {
            s.assignedAt = try r.optional { Timestamp(millis: try $0.int64()) }
            s.touchedAt = try r.optional { Timestamp(millis: try $0.int64()) }
        }
        if stored >= 3 {
            s.escalations = try r.int()
            guard s.escalations >= 0 else { throw LeadStateCodecError.trailingBytes }
        }
        if stored >= 4 {
            var n = NurtureState()
            n.cadenceStart = try r.optional { Timestamp(millis: try $0.int64()) }
            n.stepsDone = try r.int()
            n.lastTouch = try r.optional { Timestamp(millis: try $0.int64()) }
            n.stopped = try r.optional { try $0.string() }
            n.suppressed = try r.optional { try $0.string() }
            n.taken = try r.map { Timestamp(millis: try $0.int64()) }
            n.offered = try r.map { Timestamp(millis: try $0.int64()) }
            n.announced = try r.int()
            s.nurture = n
        }
        guard r.position == r.bytes.count else { throw LeadStateCodecError.trailingBytes }
        return s
    }

    /// What a rescore compares of a stored state — stage, grade, engagement groups — without the rest.
    public struct Headline: Sendable, Hashable {
        public var stage: Stage
        public var grade: Grade
        public var groups: [String: GroupScore]

        public init(stage: Stage, grade: Grade, groups: [String: GroupScore]) {
            self.stage = stage
            self.grade = grade
            self.groups = groups
        }

        public init(_ state: LeadState) { self.init(stage: state.stage, grade: state.grade, groups: state.groups) }

        /// As ``LeadState/engagement(_:at:halfLife:)``.
        public func engagement(_ group: String = EngagementSection.mainGroup, at now: Timestamp, halfLife: TimeSpan) -> Double {
            groups[group]?.value(at: now, halfLife: halfLife) ?? 0
        }
    }

    /// The headline of a stored state, read as ``decode(_:)`` reads it up to the stage and no further, the fields,
    /// history and nurture state skipped undecoded: a rescore replays every lead from its events and only compares
    /// these (decoding whole states was a tenth of a rescore's CPU). Damage after the stage therefore goes unnoticed
    /// here — harmless, as the rescore rewrites the whole state from the events.
    public static func headline(_ bytes: some Collection<UInt8>) throws -> Headline {
        var r = Reader(bytes: Array(bytes))
        let stored = try r.byte()
        guard (1...version).contains(stored) else { throw LeadStateCodecError.unknownVersion }
        try r.skipString()                                      // email
        try r.skipMap { try $0.skipString() }                   // fields
        try r.skipMap { _ = try $0.varint() }                   // fit matches
        _ = try r.varint()                                      // fit points
        let grade = try r.enumValue(Grade.self)
        let groups = try r.map { try $0.score() }
        try r.skipMap { _ = try $0.score() }                    // cycle groups
        for _ in 0..<(try r.count()) { try r.skipString() }     // once-fired rules
        try r.skipMap { _ = try $0.varint(); _ = try $0.varint() }  // cap windows
        try r.skipMap { _ = try $0.varint() }                   // type counts
        for _ in 0..<(try r.count()) { _ = try r.varint() }     // satisfied criteria
        return Headline(stage: try r.enumValue(Stage.self), grade: grade, groups: groups)
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func byte(_ b: UInt8) { bytes.append(b) }
        mutating func varint(_ v: UInt64) {
            var v = v
            while v >= 0x80 {
                bytes.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }
        mutating func int64(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
        mutating func int(_ v: Int) { int64(Int64(v)) }
        mutating func count(_ n: Int) { varint(UInt64(n)) }
        mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { buffer in
                count(buffer.count)
                bytes.append(contentsOf: buffer)
            }
        }
        mutating func double(_ d: Double) {
            var bits = d.bitPattern
            for _ in 0..<8 {
                bytes.append(UInt8(bits & 0xFF))
                bits >>= 8
            }
        }
        mutating func score(_ g: GroupScore) {
            double(g.value)
            int64(g.at.millis)
        }
        mutating func map<V>(_ m: [String: V], _ value: (inout Writer, V) -> Void) {
            count(m.count)
            for key in m.keys.sorted() {
                string(key)
                value(&self, m[key]!)
            }
        }
        mutating func optional<V>(_ v: V?, _ value: (inout Writer, V) -> Void) {
            if let v {
                byte(1)
                value(&self, v)
            } else {
                byte(0)
            }
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var position = 0
        mutating func byte() throws -> UInt8 {
            guard position < bytes.count else { throw LeadStateCodecError.truncated }
            defer { position += 1 }
            return bytes[position]
        }
        mutating func varint() throws -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
                if shift > 63 { throw LeadStateCodecError.malformed }
            }
        }
        mutating func int64() throws -> Int64 {
            let u = try varint()
            return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
        }
        mutating func int() throws -> Int { Int(try int64()) }
        mutating func count() throws -> Int {
            let n = try varint()
            guard n <= UInt64(bytes.count - position) * 8 + 8 else { throw LeadStateCodecError.malformed }
            return Int(n)
        }
        mutating func string() throws -> String {
            let n = try count()
            guard position + n <= bytes.count else { throw LeadStateCodecError.truncated }
            defer { position += n }
            guard let s = String(validating: bytes[position..<position + n], as: UTF8.self) else { throw LeadStateCodecError.malformed }
            return s
        }
        mutating func double() throws -> Double {
            guard position + 8 <= bytes.count else { throw LeadStateCodecError.truncated }
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
            position += 8
            return Double(bitPattern: bits)
        }
        mutating func score() throws -> GroupScore {
            GroupScore(value: try double(), at: Timestamp(millis: try int64()))
        }
        mutating func enumValue<E: RawRepresentable>(_: E.Type) throws -> E where E.RawValue == String {
            guard let e = E(rawValue: try string()) else { throw LeadStateCodecError.malformed }
            return e
        }
        mutating func map<V>(_ value: (inout Reader) throws -> V) throws -> [String: V] {
            let n = try count()
            var out: [String: V] = [:]
            out.reserveCapacity(n)
            for _ in 0..<n {
                let key = try string()
                out[key] = try value(&self)
            }
            return out
        }
        mutating func skipString() throws {
            let n = try count()
            guard position + n <= bytes.count else { throw LeadStateCodecError.truncated }
            position += n
        }
        mutating func skipMap(_ value: (inout Reader) throws -> Void) throws {
            for _ in 0..<(try count()) {
                try skipString()
                try value(&self)
            }
        }
        mutating func optional<V>(_ value: (inout Reader) throws -> V) throws -> V? {
            try byte() == 1 ? try value(&self) : nil
        }
    }
}

public enum LeadStateCodecError: Error, Sendable, Hashable {
    case unknownVersion, truncated, malformed, trailingBytes
}
