import Foundation
import QualifyCore

/// Streams a CSV file through a trained model, writing one output row per input row: its line, the identifier
/// columns the model knows, the probability, the top three factors up and down and notes on values scored otherwise
/// than written (out of the training range, never seen). Bad rows are reported with their
/// line and skipped; the output is written in pieces, so the file can be larger than memory.
public struct ModelScoring {
    public var model: TrainedModel

    public init(model: TrainedModel) {
        self.model = model
    }

    public struct Report: Sendable {
        public var scored = 0
        public var rejected: [RejectedRow] = []
        /// Numeric cells that were not numbers (read as missing), per column.
        public var unreadable: [String: Int] = [:]
    }

    /// Scores every row of `path`, handing output text to `write` in pieces (the header first).
    public func run(path: String, write: (String) throws -> Void) throws -> Report {
        var report = Report()
        var scorer: Scorer?
        var identifiers: [(name: String, position: Int)] = []
        var width = 0
        var buffer = ""
        try TrainingData.forEachRecord(path: path) { step in
            switch step {
            case .header(let headers):
                do { scorer = try Scorer(model, headers: headers) } catch {
                    throw ModelFileFailure(path: path, reason: "\(error)")
                }
                identifiers = scorer!.identifierPositions(headers: headers)
                width = headers.count
                let columns = ["line"] + identifiers.map(\.name) + ["probability", "up_1", "up_2", "up_3", "down_1", "down_2", "down_3", "notes"]
                buffer += columns.map(Self.csvField).joined(separator: ",") + "\n"
            case .bad(let line, let reason):
                report.rejected.append(RejectedRow(line: line, reason: reason))
            case .row(let fields, let line):
                guard fields.count == width else {
                    report.rejected.append(RejectedRow(line: line, reason: "row has \(fields.count) field\(fields.count == 1 ? "" : "s") but the header has \(width)"))
                    return
                }
                let scored = scorer!.score(fields)
                for column in scored.unreadable { report.unreadable[column, default: 0] += 1 }
                var cells = ["\(line)"] + identifiers.map { fields[$0.position] } + [scored.probability.formatted(6)]
                for k in 0..<3 { cells.append(k < scored.up.count ? scored.up[k].description : "") }
                for k in 0..<3 { cells.append(k < scored.down.count ? scored.down[k].description : "") }
                cells.append(scored.notes.joined(separator: "; "))
                buffer += cells.map(Self.csvField).joined(separator: ",") + "\n"
                report.scored += 1
                if buffer.utf8.count >= 1 << 20 {
                    try write(buffer)
                    buffer = ""
                }
            }
        }
        if !buffer.isEmpty { try write(buffer) }
        return report
    }

    static func csvField(_ s: String) -> String { CSVCell.verbatim(s) }
}
