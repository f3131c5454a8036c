/// Does the rule model predict outcomes? For leads whose deal was won or lost (a person's `win` or `lose` move), their
/// grade, temperature, fit points and stage just before the decision, and how often each group won — so marketing and
/// sales can tune the model on evidence ("does grade A really convert better than B?").
public enum RuleCalibration {
    /// One decided lead, as it stood just before its outcome was recorded.
    public struct Decided: Sendable, Hashable {
        public var grade: Grade
        public var fitPoints: Int
        public var temperature: Temperature
        public var stage: Stage
        public var won: Bool
        public init(grade: Grade, fitPoints: Int, temperature: Temperature, stage: Stage, won: Bool) {
            self.grade = grade
            self.fitPoints = fitPoints
            self.temperature = temperature
            self.stage = stage
            self.won = won
        }
    }

    public struct Row: Sendable, Hashable, Codable {
        public var group: String
        public var leads: Int
        public var won: Int
        /// won / leads
        public var rate: Double
        /// rate / the overall rate
        public var lift: Double
    }

    public struct Report: Sendable, Hashable, Codable {
        public var leads: Int
        public var won: Int
        public var rate: Double
        public var byGrade: [Row]
        public var byTemperature: [Row]
        public var byFitBand: [Row]
        public var byStage: [Row]
        /// Each grade against the next one down, and hot against warm, warm against cold, in words, with a
        /// two-proportion z-test at 95 %.
        public var findings: [String]
    }

    /// Fit points in bands of 10 (`< 0`, `0–9`, `10–19`, …, `50+`).
    public static func fitBand(_ points: Int) -> String {
        if points < 0 { return "< 0" }
        if points >= 50 { return "50+" }
        let low = points / 10 * 10
        return "\(low)–\(low + 9)"
    }

    public static func report(_ decided: [Decided]) -> Report {
        let won = decided.filter(\.won).count
        let overall = decided.isEmpty ? 0 : Double(won) / Double(decided.count)
        func rows(_ key: (Decided) -> String, order: [String]) -> [Row] {
            var counts: [String: (Int, Int)] = [:]
            for d in decided { counts[key(d), default: (0, 0)].0 += 1; if d.won { counts[key(d)]!.1 += 1 } }
            return order.compactMap { group in
                guard let (n, w) = counts[group] else { return nil }
                let rate = Double(w) / Double(n)
                return Row(group: group, leads: n, won: w, rate: rate, lift: overall > 0 ? rate / overall : 0)
            }
        }
        let bands = ["< 0"] + stride(from: 0, to: 50, by: 10).map { "\($0)–\($0 + 9)" } + ["50+"]
        let byGrade = rows({ $0.grade.rawValue }, order: Grade.allCases.map(\.rawValue))
        let byTemperature = rows({ $0.temperature.rawValue }, order: Temperature.allCases.map(\.rawValue))
        var findings: [String] = []
        func compare(_ rows: [Row], _ what: String) {
            for (better, worse) in zip(rows, rows.dropFirst()) {
                findings.append(finding(better, worse, what))
            }
        }
        compare(byGrade, "grade")
        compare(byTemperature, "")
        return Report(leads: decided.count, won: won, rate: overall, byGrade: byGrade, byTemperature: byTemperature,
                      byFitBand: rows({ fitBand($0.fitPoints) }, order: bands),
                      byStage: rows({ $0.stage.rawValue }, order: Stage.allCases.map(\.rawValue)), findings: findings)
    }

    /// "grade A converts better than B: 62 % vs 31 % (z 3.10; 50 and 120 decided leads)" or "… not clearly better …".
    static func finding(_ a: Row, _ b: Row, _ what: String) -> String {
        let z = zScore(a.won, a.leads, b.won, b.leads)
        let name = { (r: Row) in what.isEmpty ? r.group : "\(what) \(r.group)" }
        let rates = "\(percent(a.rate)) vs \(percent(b.rate)) (z \(z.formatted(2)); \(a.leads) and \(b.leads) decided leads)"
        if z > 1.96 { return "\(name(a)) converts better than \(b.group): \(rates)" }
        if z < -1.96 { return "\(name(a)) converts WORSE than \(b.group): \(rates) — the rules may rank these the wrong way round" }
        return "\(name(a)) does not clearly convert better than \(b.group): \(rates)"
    }

    /// The two-proportion z statistic (pooled), 0 when either group is empty or nobody (or everybody) won.
    public static func zScore(_ w1: Int, _ n1: Int, _ w2: Int, _ n2: Int) -> Double {
        guard n1 > 0, n2 > 0 else { return 0 }
        let p1 = Double(w1) / Double(n1), p2 = Double(w2) / Double(n2)
        let p = Double(w1 + w2) / Double(n1 + n2)
        let se = (p * (1 - p) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        return se > 0 ? (p1 - p2) / se : 0
    }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded())) %" }
}
