import QualifyCore
import Testing

/// The lift of a trait value and its Katz interval, against values worked out by hand (z = 1.959964).
@Suite struct IcpLiftTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

    @Test func aValueHeldByHalfTheBestAndAQuarterOfTheRestHasALiftOfTwo() throws {
        // 10 of 20 best, 20 of 80 others: 0.50 / 0.25 = 2.
        // se = √(1/10 − 1/20 + 1/20 − 1/80) = √0.0875 = 0.295804; ln 2 = 0.693147
        // interval = exp(0.693147 ∓ 1.959964 × 0.295804) = exp(0.113382), exp(1.272912) = 1.120060, 3.571238
        let lift = try #require(TraitLift.compute(bestWith: 10, best: 20, restWith: 20, rest: 80))
        #expect(Self.close(lift.lift, 2))
        #expect(Self.close(lift.lower, 1.120060, 1e-6))
        #expect(Self.close(lift.upper, 3.571238, 1e-6))
        #expect(!lift.corrected)
        #expect(lift.isSignificant)
    }

    @Test func anIntervalThatHoldsOneIsNotSignificant() throws {
        // 3 of 10 best, 25 of 100 others: 0.30 / 0.25 = 1.2; se = √(1/3 − 1/10 + 1/25 − 1/100) = √0.263333 = 0.513160
        // interval = exp(0.182322 ∓ 1.005775) = 0.438913, 3.280832
        let lift = try #require(TraitLift.compute(bestWith: 3, best: 10, restWith: 25, rest: 100))
        #expect(Self.close(lift.lift, 1.2))
        #expect(Self.close(lift.lower, 0.438913))
        #expect(Self.close(lift.upper, 3.280832))
        #expect(!lift.isSignificant)
    }

    @Test func aValueRareAmongTheBestHasAnIntervalBelowOne() throws {
        // 5 of 100 best, 50 of 100 others: 0.05 / 0.50 = 0.1; se = √(1/5 − 1/100 + 1/50 − 1/100) = √0.2 = 0.447214
        // interval = exp(−2.302585 ∓ 0.876518) = 0.041623, 0.240253
        let lift = try #require(TraitLift.compute(bestWith: 5, best: 100, restWith: 50, rest: 100))
        #expect(Self.close(lift.lift, 0.1))
        #expect(Self.close(lift.lower, 0.041623, 1e-5))
        #expect(Self.close(lift.upper, 0.240253, 1e-6))
        #expect(lift.isSignificant && lift.upper < 1)
    }

    @Test func aZeroCellAddsOneHalfToEveryCell() throws {
        // 5 of 10 best, 0 of 40 others: cells 5.5, 5.5, 0.5, 40.5 → (5.5/11) / (0.5/41) = 41
        // se = √(1/5.5 − 1/11 + 1/0.5 − 1/41) = √2.066519 = 1.437539
        // interval = exp(3.713572 ∓ 2.817525) = 2.449900, 686.150543
        let lift = try #require(TraitLift.compute(bestWith: 5, best: 10, restWith: 0, rest: 40))
        #expect(lift.corrected)
        #expect(Self.close(lift.lift, 41))
        #expect(Self.close(lift.lower, 2.449900, 1e-6))
        #expect(Self.close(lift.upper, 686.150543, 1e-6))
        // every best customer has it (b = 0): corrected too, and finite
        let all = try #require(TraitLift.compute(bestWith: 10, best: 10, restWith: 20, rest: 40))
        #expect(all.corrected)
        #expect(Self.close(all.lift, (10.5 / 11) / (20.5 / 41)))
    }

    @Test func anEmptyGroupHasNoLift() {
        #expect(TraitLift.compute(bestWith: 0, best: 0, restWith: 3, rest: 10) == nil)
        #expect(TraitLift.compute(bestWith: 1, best: 5, restWith: 0, rest: 0) == nil)
        #expect(TraitLift.compute(bestWith: 6, best: 5, restWith: 1, rest: 10) == nil)
    }

    @Test(arguments: [(2.0, 7), (3.0, 11), (4.0, 14), (1.04, 0), (1.06, 1)])
    func fitPointsAreTenTimesTheNaturalLogOfTheLiftRounded(lift: Double, points: Int) {
        // ln 2 = 0.693 → 7; ln 3 = 1.099 → 11; ln 4 = 1.386 → 14; ln 1.04 = 0.039 → 0; ln 1.06 = 0.058 → 1
        #expect(IcpFitRules.points(lift: lift) == points)
    }
}

/// Quantile bands for numeric traits.
@Suite struct IcpBandTests {
    @Test func quartileEdgesAreTheValuesAtTheQuarterPositions() {
        // sorted 1…8, n = 8: edges v[0] = 1, v[2] = 3, v[4] = 5, v[6] = 7
        let bands = NumericBands(values: [8, 3, 1, 7, 2, 6, 5, 4])
        #expect(bands.edges == [1, 3, 5, 7])
        #expect(bands.band(of: 1) == 0)
        #expect(bands.band(of: 2) == 0)
        #expect(bands.band(of: 3) == 1)
        #expect(bands.band(of: 6.5) == 2)
        #expect(bands.band(of: 8) == 3)
        #expect(bands.band(of: 100) == 3)
        #expect(bands.band(of: 0) == 0)
    }

    @Test func aValueSharedByManyCustomersIsNeverSplitAcrossBands() {
        // sorted 1,1,1,1,1,2,3,4: v[2] = v[4] = 1 repeat the first edge and are dropped; v[6] = 3
        let bands = NumericBands(values: [1, 1, 1, 1, 1, 2, 3, 4])
        #expect(bands.edges == [1, 3])
        #expect(bands.band(of: 2) == 0)
        #expect(bands.band(of: 4) == 1)
        #expect(NumericBands(values: []).edges == [0])
        #expect(NumericBands(values: [5, 5, 5]).edges == [5])
    }

    @Test func numbersArePrintedPlainly() {
        #expect(NumericBands.plain(12) == "12")
        #expect(NumericBands.plain(-3) == "-3")
        #expect(NumericBands.plain(2.5) == "2.5")
    }
}
