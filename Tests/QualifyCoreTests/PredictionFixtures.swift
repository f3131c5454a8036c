import QualifyCore

/// Synthetic leads for prediction tests: fixed seed, fixed ids, no clock.
enum PredictionFixtures {
    /// A 64-bit linear congruential generator (Knuth's MMIX constants): tiny, and independent of the code under test.
    struct LCG {
        var state: UInt64
        mutating func unit() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) * 0x1p-53
        }
    }

    /// `rows` leads with an id, a source (three common values and rare ones), visits (some missing), a constant
    /// region, minutes on site, and a `Won` outcome drawn from a logistic model of source and minutes.
    static func leads(rows: Int = 400, seed: UInt64 = 7, extra: ((Int, Bool, inout LCG) -> [String])? = nil,
                      extraHeaders: [String] = []) -> TrainingTable {
        var rng = LCG(state: seed)
        var table = TrainingTable(headers: ["Lead ID", "Source", "Visits", "Region", "Minutes", "Won"] + extraHeaders, rows: [])
        for i in 0..<rows {
            let u = rng.unit()
            let source = u < 0.5 ? "web" : u < 0.8 ? "partner" : u < 0.985 ? "event" : "rare-\(i % 3)"
            let minutes = (rng.unit() * 30).rounded()
            let visits = rng.unit() < 0.1 ? "" : "\(Int(rng.unit() * 8))"
            let logit = -1.5 + (source == "partner" ? 1.2 : source == "event" ? 0.6 : 0) + minutes / 10
            let won = rng.unit() < 1 / (1 + exp(-logit))
            var row = ["L\(1000 + i)", source, visits, "EU", "\(Int(minutes))", won ? "yes" : "no"]
            if let extra { row += extra(i, won, &rng) }
            table.rows.append(row)
        }
        table.lines = table.rows.indices.map { $0 + 2 }
        return table
    }

    static func exp(_ x: Double) -> Double {
        // e^x by squaring a Taylor series (tests avoid Foundation here so the core's own math is not the reference).
        var term = 1.0, sum = 1.0
        let y = x / 64
        for k in 1...20 {
            term *= y / Double(k)
            sum += term
        }
        for _ in 0..<6 { sum *= sum }
        return sum
    }

    static func prepared(_ table: TrainingTable, _ options: TrainingOptions) throws -> TrainingSet {
        try TrainingSet.prepare(table, options: options).get()
    }
}
