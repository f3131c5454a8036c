import Foundation
import QualifyCore

/// Reads a CSV file for training (``read(path:)``) and runs the training pipeline on it, timing each step; the
/// learning itself is ``Trainer`` in the core. Bad rows are reported with their line and left out.
public enum TrainingData {
    /// A whole CSV file as cells: header plus rows. Rows the scanner cannot read (bad quoting, invalid UTF-8 …) or
    /// whose field count differs from the header's are rejected with their line.
    public static func read(path: String) throws -> (table: TrainingTable, rejected: [RejectedRow]) {
        var rows: [[String]] = [], lines: [Int] = []
        var rejected: [RejectedRow] = []
        var headers: [String]?
        try forEachRecord(path: path) { step in
            switch step {
            case .header(let fields):
                headers = fields
            case .row(let fields, let line):
                let width = headers?.count ?? 0
                if fields.count != width {
                    rejected.append(RejectedRow(line: line, reason: "row has \(fields.count) field\(fields.count == 1 ? "" : "s") but the header has \(width)"))
                } else {
                    rows.append(fields)
                    lines.append(line)
                }
            case .bad(let line, let reason):
                rejected.append(RejectedRow(line: line, reason: reason))
            }
        }
        return (TrainingTable(headers: headers ?? [], rows: rows, lines: lines), rejected)
    }

    enum Step {
        case header([String])
        case row([String], line: Int)
        case bad(line: Int, String)
    }

    /// Streams a CSV file through ``CSVScanner`` one chunk at a time. A file whose header cannot be read, or an
    /// empty file, is an error that names the file.
    static func forEachRecord(path: String, _ body: (Step) throws -> Void) throws {
        var chunks = try FileChunks(path: path)
        var scanner = CSVScanner()
        var final = false
        var sawHeader = false
        var sniffed = false
        loop: while true {
            switch scanner.next(final: final) {
            case .needMore:
                if let data = try chunks.next() {
                    // the delimiter — comma, semicolon, tab or pipe — read from the header line
                    if !sniffed {
                        sniffed = true
                        scanner = CSVScanner(delimiter: CSVDialect.sniffDelimiter(data))
                    }
                    scanner.append(data)
                } else { final = true }
            case .end:
                break loop
            case .bad(let line, let problem):
                if !sawHeader { throw ImportError.header(path, problem.description) }
                try body(.bad(line: line, problem.description))
            case .record(let fields, let line):
                if sawHeader {
                    try body(.row(fields, line: line))
                } else {
                    sawHeader = true
                    try body(.header(fields.map(\.trimmingSpaces)))
                }
            }
        }
        if !sawHeader { throw ImportError.empty(path) }
    }

    /// What a training run produced, and how long each step took.
    public struct Run: Sendable {
        public var model: TrainedModel
        /// Rows left out: unreadable CSV, wrong field count, unreadable target.
        public var rejected: [RejectedRow]
        /// The line and cross-validation fold (1 … k) of every row trained on.
        public var folds: [(line: Int, fold: Int)]
        public var timings: Timings
    }

    public struct Timings: Sendable {
        /// Parsing the CSV file into cells.
        public var read: Duration
        /// Target parsed, columns typed, excluded and interned.
        public var prepare: Duration
        public var crossValidation: Duration
        public var lambdaChoice: Duration
        /// Encoding every row and fitting the learners on them (the trees only when chosen).
        public var finalFit: Duration
        /// In-sample metrics and the leakage guard.
        public var report: Duration
        public var total: Duration { read + prepare + crossValidation + lambdaChoice + finalFit + report }
    }

    /// Reads the file, cross-validates the learners, chooses λ and fits the final models.
    public static func train(path: String, options: TrainingOptions) throws -> Run {
        let clock = ContinuousClock()
        var start = clock.now
        let (table, csvRejects) = try read(path: path)
        let read = clock.now - start
        start = clock.now
        let set: TrainingSet
        switch TrainingSet.prepare(table, options: options) {
        case .success(let s): set = s
        case .failure(let error): throw TrainingFailure(path: path, error: error)
        }
        let prepare = clock.now - start
        start = clock.now
        let cv = Trainer.crossValidate(set, options: options)
        let crossValidation = clock.now - start
        start = clock.now
        let lambda = Trainer.finalLambda(set, options: options, crossValidation: cv)
        let lambdaChoice = clock.now - start
        start = clock.now
        let final = Trainer.fitModels(set, options: options, lambda: lambda, boosted: cv.chosen == .boostedTrees)
        let finalFit = clock.now - start
        start = clock.now
        var model = Trainer.assemble(set, options: options, crossValidation: cv, final: final)
        let report = clock.now - start
        let rejected = (csvRejects + set.rejected.map { RejectedRow(line: $0.line, reason: $0.reason) }).sorted { $0.line < $1.line }
        model.data.rejectedRows = rejected.count
        return Run(model: model, rejected: rejected, folds: zip(set.lines, cv.folds).map { ($0, $1 + 1) },
                   timings: Timings(read: read, prepare: prepare, crossValidation: crossValidation, lambdaChoice: lambdaChoice,
                                    finalFit: finalFit, report: report))
    }

    /// The artifact as JSON text: keys sorted, so the same model is the same bytes.
    public static func encode(_ model: TrainedModel) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(model)
        data.append(0x0A)
        return data
    }

    /// Reads an artifact written by ``encode(_:)``; a file that is not one says so.
    public static func loadModel(path: String) throws -> TrainedModel {
        guard FileManager.default.fileExists(atPath: path) else { throw ImportError.fileNotFound(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw ImportError.unreadable(path) }
        struct Header: Decodable { var format: String? }
        let header = try? JSONDecoder().decode(Header.self, from: data)
        guard let format = header?.format else {
            throw ModelFileFailure(path: path, reason: "not a model file written by `qualify train` (no \"format\" key)")
        }
        guard TrainedModel.readableFormats.contains(format) else {
            throw ModelFileFailure(path: path, reason: ScoringError.unsupportedFormat(format).description)
        }
        do {
            return try JSONDecoder().decode(TrainedModel.self, from: data)
        } catch {
            throw ModelFileFailure(path: path, reason: "not a valid \(format) file (\(error)); retrain it with `qualify train`")
        }
    }

    /// `line,fold` for every row trained on: the benchmark uses it to give other libraries the same folds.
    public static func foldsCSV(_ folds: [(line: Int, fold: Int)]) -> String {
        var text = "line,fold\n"
        for (line, fold) in folds { text += "\(line),\(fold)\n" }
        return text
    }
}

/// A training request refused by the core, with the file it was about.
public struct TrainingFailure: Error, CustomStringConvertible {
    public var path: String
    public var error: TrainingError
    public var description: String { "\(path): \(error.description)" }
}

/// A model file that cannot be used.
public struct ModelFileFailure: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
