import QualifyCore
import Testing

/// The queue's order is grade × temperature (ranks 1–4 × 1–3, lower first, ties by grade), decided once.
@Suite struct QueueOrderTests {
    @Test func theBandsGoByPriorityThenGrade() {
        let names = QueueOrder.bands.map { "\($0.grade.rawValue)-\($0.temperature.rawValue)" }
        #expect(names == ["A-hot", "A-warm", "B-hot", "A-cold", "C-hot", "B-warm", "D-hot", "B-cold", "C-warm", "D-warm",
                          "C-cold", "D-cold"])
    }

    @Test(arguments: Grade.allCases) func positionsByRanksMatchTheBands(grade: Grade) {
        for temperature in Temperature.allCases {
            let position = QueueOrder.positionByRanks[grade.rank * 3 + temperature.rank]
            #expect(QueueOrder.bands[position] == (grade, temperature))
            #expect(QueueOrder.position(grade: grade, temperature: temperature) == position)
        }
    }

    @Test func temperatureFiltersAndTheTemperatureShownAgreeAtAnyTime() {
        let model = Fixtures.model
        for days: Int64 in [0, 40, 400, 900] {
            let order = QueueOrder(model: model, now: Decay.epoch.adding(.days(days)))
            for temperature in Temperature.allCases {
                let (min, below) = order.amplitudes(temperature)
                if let min { #expect(order.temperature(amplitude: min) == temperature) }
                if let below { #expect(order.temperature(amplitude: below.nextDown) == temperature) }
            }
            let hotNow = model.engagement.main.temperature.hot
            #expect(abs(order.engagement(amplitude: order.hotAmplitude) - hotNow) < 1e-9 * hotNow)
        }
    }
}
