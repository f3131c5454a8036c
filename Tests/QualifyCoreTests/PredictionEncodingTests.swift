import QualifyCore
import Testing

/// From CSV cells to a training set and features: target values, exclusions, pooling, bins, missing values.
@Suite struct PredictionEncodingTests {
    typealias F = PredictionFixtures

    @Test(arguments: [("1", true), ("0", false), ("Yes", true), ("no", false), ("TRUE", true), ("false", false),
                      ("won", true), ("Lost", false), ("Converted", true), ("not converted", false), (" y ", true)])
    func targetValuesAreReadInAnyCase(cell: String, expected: Bool) {
        #expect(TargetValue.parse(cell) == expected)
    }

    @Test(arguments: ["", "maybe", "2", "open"])
    func otherTargetValuesAreNotRead(cell: String) {
        #expect(TargetValue.parse(cell) == nil)
    }

    @Test func rowsWithAnUnreadableTargetAreLeftOutWithTheirLine() throws {
        var table = F.leads(rows: 60)
        table.rows[4][5] = "maybe"
        table.rows[9][5] = ""
        let set = try F.prepared(table, TrainingOptions(target: "Won"))
        #expect(set.rows == 58)
        #expect(set.rejected.map(\.line) == [6, 11])
        #expect(set.rejected[0].reason.contains("'maybe' is not one of 1/0, true/false, yes/no"))
        #expect(set.positiveValues == ["yes"] && set.negativeValues == ["no"])
    }

    @Test func identifiersConstantsAndRequestedColumnsAreExcludedWithTheirReason() throws {
        let set = try F.prepared(F.leads(), TrainingOptions(target: "Won", exclude: ["Visits"]))
        #expect(set.excluded == [
            ExcludedColumn(column: "Lead ID", reason: .identifier),
            ExcludedColumn(column: "Visits", reason: .requested),
            ExcludedColumn(column: "Region", reason: .constant),
        ])
        #expect(set.columns.map(\.name) == ["Source", "Minutes"])
        #expect(set.identifiers == ["Lead ID"])
    }

    @Test func keepBringsBackAnIdentifier() throws {
        let set = try F.prepared(F.leads(), TrainingOptions(target: "Won", keep: ["Lead ID"]))
        #expect(set.columns.map(\.name).contains("Lead ID"))
    }

    @Test func theDefaultLeakageColumnsAreExcludedWhenPresentAndKeepOverrides() throws {
        let table = F.leads(extra: { _, won, _ in [won ? "Closed" : "Ringing", "02.Medium"] },
                            extraHeaders: ["Tags", "Asymmetrique Activity Index"])
        let set = try F.prepared(table, TrainingOptions(target: "Won"))
        #expect(set.excluded.filter { $0.reason == .leakage }.map(\.column) == ["Tags", "Asymmetrique Activity Index"])
        let kept = try F.prepared(table, TrainingOptions(target: "Won", keep: ["Tags"]))
        #expect(kept.columns.map(\.name).contains("Tags"))
    }

    @Test(arguments: [
        (TrainingOptions(target: "Outcome"), "target column 'Outcome' is not in the header (columns: Lead ID, Source, Visits, Region, Minutes, Won)"),
        (TrainingOptions(target: "Won", exclude: ["Colour"]), "--exclude names column 'Colour', which is not in the header"),
        (TrainingOptions(target: "Won", keep: ["Tags"]), "--keep names column 'Tags', which is not in the header"),
    ])
    func aBadRequestSaysWhatIsWrongAndWhatExists(options: TrainingOptions, message: String) {
        guard case .failure(let error) = TrainingSet.prepare(F.leads(rows: 30), options: options) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.description.contains(message))
    }

    @Test func tooFewRowsOfAClassForTheFoldsIsAnError() {
        let table = TrainingTable(headers: ["x", "won"], rows: [["1", "1"], ["2", "0"], ["3", "0"], ["4", "1"]])
        guard case .failure(let error) = TrainingSet.prepare(table, options: TrainingOptions(target: "won")) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.description.contains("each class needs at least 5 rows for 5-fold cross-validation — add data or lower --folds"))
    }

    @Test func rareCategoriesArePooledIntoOther() throws {
        let set = try F.prepared(F.leads(rows: 400), TrainingOptions(target: "Won"))
        let source = FeatureEncoder.fit(set, rows: Array(0..<set.rows), options: TrainingOptions(target: "Won"))[0]
        #expect(source.categorical?.categories == ["web", "partner", "event"])
        #expect(source.categorical?.pooled == true)
        #expect(source.levelNames.last == "(other)")
        let pooled = try #require(source.categorical?.pooledValues)
        #expect(!pooled.isEmpty && pooled.allSatisfy { $0.hasPrefix("rare-") })
        #expect(pooled == pooled.sorted())
        for value in pooled {
            #expect(source.level(of: value, number: nil) == 3)
            #expect(source.level(of: value.uppercased(), number: nil) == 3)
        }
        #expect(source.level(of: "never-seen", number: nil) == nil)  // unseen: neutral, not "other"
        #expect(source.level(of: " WEB ", number: nil) == 0)
    }

    @Test func numericColumnsAreStandardizedBinnedAndFlagMissingValues() throws {
        let table = TrainingTable(headers: ["n", "won"], rows: (0..<20).map { i in
            [i < 2 ? "NA" : "\(i)", i % 2 == 0 ? "1" : "0"]
        })
        let options = TrainingOptions(target: "won", folds: 2, numericBins: 4)
        let set = try F.prepared(table, options)
        let column = FeatureEncoder.fit(set, rows: Array(0..<20), options: options)[0]
        let numeric = try #require(column.numeric)
        #expect(numeric.mean == 10.5)  // 2 … 19
        #expect(numeric.missingIndicator)
        #expect(numeric.binEdges == [5, 10, 14])  // sorted values 2…19 at positions ⌊k·18/4⌋ − 1 = 3, 8, 12
        #expect(column.featureCount == 1 + 1 + 4)
        let encoded = FeatureEncoder.encode(set, rows: [0, 2, 19], columns: [column])
        #expect(encoded.levels == [4, 0, 3])  // missing (level 4 = bins), the first bin, the last
        #expect(encoded.standardized[0] == 0)
        let x = FeatureEncoder.design(encoded)
        #expect(x.width == 6)
        #expect(x.indices[x.starts[0]..<x.starts[1]] == [1])  // only the missing indicator
    }
}
