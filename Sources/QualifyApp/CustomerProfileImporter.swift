import Foundation
import QualifyCore

/// Reads a transactions file once for the ideal customer profile: each chunk feeds both the ABC-XYZ reader (customer,
/// date, amount) and the trait reader (the customer's other columns), then runs ABC-XYZ and the profile.
public struct CustomerProfileImporter: Sendable {
    public var transactions: TransactionImporter
    public var traits: TraitSelection

    public init(transactions: TransactionImporter, traits: TraitSelection = .standard) {
        self.transactions = transactions
        self.traits = traits
    }

    public struct Report: Sendable {
        public var imported: TransactionImporter.Report
        /// the trait columns profiled, in file order (or as named)
        public var traits: [String]
        /// columns the automatic selection left out, and why
        public var skipped: [SkippedTraitColumn]
        public var tally: CustomerTraitTally
    }

    /// Reads the file at `path`. Throws ``ImportError`` when the file is missing, empty, its header cannot be mapped
    /// or a named trait is not a column.
    public func run(path: String, progress: (ImportProgress) -> Void = { _ in }) throws -> Report {
        var chunks = try FileChunks(path: path)
        let t = transactions
        var reader = TransactionReader(period: t.period, delimiter: t.delimiter, dayFirst: t.dayFirst, overrides: t.overrides)
        reader.keepRejected = t.keepRejected
        var traitReader = CustomerTraitReader(selection: traits, delimiter: t.delimiter, dayFirst: t.dayFirst, overrides: t.overrides)
        let name = (path as NSString).lastPathComponent
        do {
            while let data = try chunks.next() {
                try reader.read(data, final: false)
                try traitReader.read(data, final: false)
                progress(ImportProgress(file: name, fraction: chunks.fraction, rows: reader.rows, rejected: reader.rejectedCount))
            }
            try reader.read([], final: true)
            try traitReader.read([], final: true)
        } catch let problem as TransactionFileProblem {
            throw Self.importError(problem, path: path)
        } catch let problem as CustomerTraitProblem {
            if case .file(let inner) = problem { throw Self.importError(inner, path: path) }
            throw ImportError.header(path, problem.description)
        }
        progress(ImportProgress(file: name, fraction: 1, rows: reader.rows, rejected: reader.rejectedCount))
        guard let columns = reader.columns else { throw ImportError.empty(path) }
        let imported = TransactionImporter.Report(
            ledger: reader.ledger, columns: columns, rows: reader.rows, rejectedCount: reader.rejectedCount,
            rejected: reader.rejected.map { RejectedRow(line: $0.line, reason: $0.reason) })
        return Report(imported: imported, traits: traitReader.traits, skipped: traitReader.skipped, tally: traitReader.tally)
    }

    static func importError(_ problem: TransactionFileProblem, path: String) -> ImportError {
        switch problem {
        case .empty: return ImportError.empty(path)
        case .header, .headerLine: return ImportError.header(path, problem.description)
        }
    }
}
