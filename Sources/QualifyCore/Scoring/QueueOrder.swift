/// The sales queue's order at a moment, decided once: priority is grade × temperature — (grade rank 1–4) ×
/// (temperature rank 1–3), lower first: A-hot 1, A-warm and B-hot 2, … D-cold 12, ties by grade — then engagement now,
/// then the order leads were created (the store's row id: ties are listed as an index keeps them). Temperature at `now` is read off a lead's stored amplitude (``LeadState/mainAmplitude(_:)``): a lead is
/// hot when its amplitude is at least `hot·2^((now−epoch)/h)` (see ``Decay``), so no row is touched to decay and the
/// twelve (grade, temperature) bands are amplitude ranges that move with `now`.
public struct QueueOrder: Sendable, Hashable {
    /// The grade and temperature of each band, in the order the queue lists them.
    public static let bands: [(grade: Grade, temperature: Temperature)] = {
        var all: [(grade: Grade, temperature: Temperature)] = []
        for grade in [Grade.a, .b, .c, .d] {
            for temperature in [Temperature.hot, .warm, .cold] { all.append((grade, temperature)) }
        }
        return all.sorted { x, y in
            let px = (x.grade.rank + 1) * (x.temperature.rank + 1), py = (y.grade.rank + 1) * (y.temperature.rank + 1)
            return px != py ? px < py : x.grade.rank < y.grade.rank
        }
    }()

    /// The position of a (grade, temperature) band in ``bands``.
    public static func position(grade: Grade, temperature: Temperature) -> Int {
        bands.firstIndex { $0.grade == grade && $0.temperature == temperature }!
    }

    /// ``position(grade:temperature:)`` by grade rank (0–3) and temperature rank (0–3), flattened as
    /// `gradeRank * 3 + temperatureRank`: what a store's `ORDER BY` looks up.
    public static let positionByRanks: [Int] = (0..<12).map { i in
        position(grade: [Grade.a, .b, .c, .d][i / 3], temperature: [Temperature.hot, .warm, .cold][i % 3])
    }

    /// The amplitude at or above which a lead is hot at `now`, and warm.
    public let hotAmplitude: Double
    public let warmAmplitude: Double
    /// `2^((now−epoch)/h)`: an amplitude divided by it is the engagement now.
    public let growth: Double

    public init(model: QualificationModel, now: Timestamp) {
        let main = model.engagement.main
        growth = 1 / Decay.factor(from: Decay.epoch, to: now, halfLife: main.halfLife)
        hotAmplitude = main.temperature.hot * growth
        warmAmplitude = main.temperature.warm * growth
    }

    /// The amplitudes a temperature filter keeps: at least `min` (if any) and below `below` (if any).
    public func amplitudes(_ temperature: Temperature) -> (min: Double?, below: Double?) {
        switch temperature {
        case .hot: return (hotAmplitude, nil)
        case .warm: return (warmAmplitude, hotAmplitude)
        case .cold: return (nil, warmAmplitude)
        }
    }

    /// The temperature of a stored amplitude now (the same comparison as the band a store sorts it into).
    public func temperature(amplitude: Double) -> Temperature {
        amplitude >= hotAmplitude ? .hot : amplitude >= warmAmplitude ? .warm : .cold
    }

    /// The engagement now of a stored amplitude.
    public func engagement(amplitude: Double) -> Double { amplitude / growth }
}
