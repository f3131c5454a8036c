import Foundation
import Hummingbird
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

extension Web {
    static let insightWeeks: Int64 = 12

    func insightsPage(_ viewer: Viewer, calibration: Bool = false) async throws -> PageResult {
        let now = clock()
        var c = layout(viewer, title: "Insights", nav: "insights")
        c["now"] = Display.time(now)
        let counts = try await store.priorityMatrix(now: now)
        let total = max(1, counts.map(\.leads).reduce(0, +))
        let most = max(1, counts.map(\.leads).max() ?? 1)
        c["temperatures"] = Temperature.allCases.map(\.rawValue)
        c["matrix"] = Grade.allCases.map { grade -> [String: Any] in
            ["grade": grade.rawValue, "cells": Temperature.allCases.map { t -> [String: Any] in
                let n = counts.first { $0.grade == grade && $0.temperature == t }?.leads ?? 0
                return ["grade": grade.rawValue, "temperature": t.rawValue, "count": n,
                        "background": Charts.tint(Double(n) / Double(most)),
                        "href": "/app/queue?view=all&stage=open&grade=\(grade.rawValue)&temperature=\(t.rawValue)"]
            }]
        }
        c["total"] = total
        // leads entering each stage, week by week
        let since = StageEntries.weekStart(now).subtracting(.days(7 * (Self.insightWeeks - 1)))
        let entries = try await store.stageEntries(since: since)
        let stages = Stage.allCases.filter { s in entries.contains { $0.stage == s } }
        c["weeks"] = Self.insightWeeks
        c["weeklyEmpty"] = entries.isEmpty
        c["weeklyStages"] = stages.map(\.label)
        c["weekly"] = (0..<Self.insightWeeks).map { i -> [String: Any] in
            let week = since.adding(.days(7 * i))
            return ["week": week.isoDate, "counts": stages.map { s in entries.first { $0.stage == s && $0.week == week }?.leads ?? 0 }]
        }
        // the calibration report reads every lead: on request only
        c["calibrationAsked"] = calibration
        return .html(render("insights", c))
    }

    func calibrationPage(_ viewer: Viewer) async throws -> PageResult {
        let decided = try await RuleCalibrationRun.decided(store: store, lists: store.lists, now: clock())
        guard case .html(var text, let status, let cookies) = try await insightsPage(viewer, calibration: true) else { return .redirect("/app/insights") }
        let figure: String
        if decided.isEmpty {
            figure = "<p class=\"empty\">No lead has an outcome yet: win and lose deals on their cards.</p>"
        } else {
            let report = RuleCalibration.report(decided)
            figure = "<figure>" + Charts.winRates([("Grade", report.byGrade), ("Temperature", report.byTemperature)], overall: report.rate)
                + "<figcaption>\(report.leads) decided deals, \(report.won) won (\(Int((report.rate * 100).rounded())) %). "
                + report.findings.map(Charts.escape).joined(separator: " ") + "</figcaption></figure>"
        }
        text = text.replacingOccurrences(of: Charts.calibrationSlot, with: figure)
        return .html(text, status: status, cookies: cookies)
    }

    // MARK: ABC-XYZ

    func abcXyzPage(_ viewer: Viewer, result: [String: Any]?, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> PageResult {
        var c = layout(viewer, title: "ABC-XYZ", nav: "insights")
        c["result"] = result
        c["error"] = error
        return .html(render("abcxyz", c), status: status)
    }

    func abcXyzUpload(_ upload: Forms.Upload, _ viewer: Viewer) async throws -> PageResult {
        guard !upload.file.isEmpty else { return try abcXyzPage(viewer, result: nil, error: "Choose a CSV file to upload.", status: .badRequest) }
        let path = try TempFile.write(upload.file)
        defer { TempFile.remove(path) }
        let name = upload.fileName.map { ($0 as NSString).lastPathComponent } ?? "upload.csv"
        let settings = AbcXyzSettings(period: .month, abc: try AbcCutoffs(parsing: "80,15"), xyz: try XyzThresholds(parsing: "0.5,1.0"))
        let importer = TransactionImporter(period: .month, delimiter: TransactionImporter.sniffDelimiter(path: path), dayFirst: false,
                                           overrides: [:], keepRejected: 5)
        let imported: TransactionImporter.Report
        do { imported = try importer.run(path: path, progress: { _ in }) } catch let error as ImportError {
            return try abcXyzPage(viewer, result: nil, error: "\(name): \(error.description.replacingOccurrences(of: path, with: name))", status: .unprocessableContent)
        }
        guard imported.usedRows > 0 else {
            let why = imported.rejected.prefix(3).map { "line \($0.line): \($0.reason)" }.joined(separator: "; ")
            return try abcXyzPage(viewer, result: nil, error: "\(name): no usable rows (\(imported.rejectedCount) rejected) \(why)", status: .unprocessableContent)
        }
        let report = AbcXyzAnalysis.run(imported.ledger, settings: settings)
        let view = AbcXyzView(report: report, file: name)
        var csv: [UInt8] = []
        view.writeCustomersCSV { csv.append(contentsOf: $0) }
        let id = await downloads.keep(String(decoding: csv, as: UTF8.self), name: "abc-xyz-classes.csv", owner: viewer.user.email,
                                      now: Double(clock().millis) / 1000)
        let xyz = XyzClass.allCases
        let result: [String: Any] = [
            "customers": report.matrix.cells.map(\.customers).reduce(0, +),
            "svg": AbcXyzChart(view: view).svg(),
            "xyz": xyz.map(\.rawValue),
            "rows": AbcClass.allCases.map { abc -> [String: Any] in
                ["abc": abc.rawValue, "cells": xyz.map { x in report.matrix.cells.first { $0.abc == abc && $0.xyz == x }?.customers ?? 0 }]
            },
            "download": "/app/downloads/\(id)",
        ]
        return try abcXyzPage(viewer, result: result, error: imported.rejectedCount > 0 ? "\(imported.rejectedCount) rows were rejected (for example line \(imported.rejected.first?.line ?? 0): \(imported.rejected.first?.reason ?? ""))" : nil)
    }

    // MARK: list hygiene

    func hygienePage(_ viewer: Viewer, result: [String: Any]?, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> PageResult {
        var c = layout(viewer, title: "Check a list", nav: "insights")
        c["result"] = result
        c["error"] = error
        return .html(render("hygiene", c), status: status)
    }

    func hygieneUpload(_ upload: Forms.Upload, _ viewer: Viewer) async throws -> PageResult {
        guard !upload.file.isEmpty else { return try hygienePage(viewer, result: nil, error: "Choose a CSV file to upload.", status: .badRequest) }
        let input = try TempFile.write(upload.file)
        let output = try TempFile.write([])
        defer { TempFile.remove(input); TempFile.remove(output) }
        let name = upload.fileName.map { ($0 as NSString).lastPathComponent } ?? "upload.csv"
        let report: VerifyReport
        do {
            guard let handle = FileHandle(forWritingAtPath: output) else { throw WebProblem.badRequest("cannot write a temporary file") }
            defer { try? handle.close() }
            report = try await EmailFileVerifier(verifier: cards.verifier).run(path: input, output: handle)
        } catch let error as VerifyError {
            return try hygienePage(viewer, result: nil, error: "\(name): \(error.description.replacingOccurrences(of: input, with: name))", status: .unprocessableContent)
        }
        let checked = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let id = await downloads.keep(checked, name: "checked.csv", owner: viewer.user.email, now: Double(clock().millis) / 1000)
        let result: [String: Any] = [
            "rows": report.rows,
            "verdicts": report.verdicts.sorted { $0.value > $1.value }.map { ["name": $0.key, "count": $0.value] },
            "reasons": report.reasons.sorted { $0.value > $1.value }.map { ["name": $0.key, "count": $0.value] },
            "download": "/app/downloads/\(id)",
        ]
        return try hygienePage(viewer, result: result)
    }

    func download(_ id: String, _ viewer: Viewer) async throws -> PageResult {
        guard let file = await downloads.file(id, owner: viewer.user.email, now: Double(clock().millis) / 1000) else {
            throw WebProblem.notFound("This download has expired (files are kept 30 minutes). Upload the file again.")
        }
        return .file(file.text, name: file.name, contentType: "text/csv; charset=utf-8")
    }
}

/// Uploads go through a temporary file: the importers read files (and stream them), as the command line does.
/// They are kept in a directory of this process only the server's user may enter (0700), made once, so no other
/// user of the machine can read an upload while it is written.
enum TempFile {
    static let directory: String? = {
        let path = NSTemporaryDirectory() + "qualify-uploads-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            return path
        } catch {
            return nil
        }
    }()

    static func write(_ bytes: [UInt8]) throws -> String {
        guard let directory else {
            throw WebProblem(status: .serviceUnavailable, heading: "Something went wrong on our side", detail: "Uploads cannot be kept for reading on this server (its temporary directory is not writable).")
        }
        let path = directory + "/" + UUID().uuidString
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw WebProblem(status: .serviceUnavailable, heading: "Something went wrong on our side", detail: "The upload could not be kept for reading.")
        }
        return path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }
}

/// Charts drawn on the server as SVG (every text escaped).
enum Charts {
    static let calibrationSlot = "<!--calibration-->"

    /// White to a light tint of the accent blue (at most 35 %), so dark text stays readable on every cell.
    static func tint(_ share: Double) -> String {
        let t = 0.35 * min(max(share, 0), 1)
        func mix(_ accent: Double) -> Int { Int((255 * (1 - t) + accent * t).rounded()) }
        return "rgb(\(mix(11)), \(mix(92)), \(mix(173)))"
    }

    static func escape(_ text: String) -> String { Templates.ScalarHTML.escape(text) }

    /// Win rate per group as horizontal bars, with the overall rate as a dashed line.
    static func winRates(_ sections: [(String, [RuleCalibration.Row])], overall: Double) -> String {
        let rowHeight = 26.0, labelWidth = 150.0, barWidth = 420.0
        let rows = sections.reduce(0) { $0 + $1.1.count + 1 }
        let height = Double(rows) * rowHeight + 30
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(labelWidth + barWidth + 150)) \(Int(height))\" role=\"img\" aria-label=\"Win rate by grade and by temperature\">"
        var y = 10.0
        for (title, group) in sections {
            out += "<text x=\"0\" y=\"\(y + 16)\" font-weight=\"700\" font-size=\"14\">\(escape(title))</text>"
            y += rowHeight
            for row in group {
                let w = max(1, barWidth * row.rate)
                out += "<text x=\"10\" y=\"\(y + 16)\" font-size=\"13\">\(escape(row.group))</text>"
                out += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(Display.number(w))\" height=\"16\" fill=\"#0b5cad\"/>"
                out += "<text x=\"\(Display.number(labelWidth + w + 6))\" y=\"\(y + 16)\" font-size=\"12\">\(Int((row.rate * 100).rounded())) % of \(row.leads)</text>"
                y += rowHeight
            }
        }
        let x = labelWidth + barWidth * overall
        out += "<line x1=\"\(Display.number(x))\" y1=\"0\" x2=\"\(Display.number(x))\" y2=\"\(Int(height))\" stroke=\"#b42318\" stroke-dasharray=\"4 3\"/>"
        out += "<text x=\"\(Display.number(x + 4))\" y=\"\(Int(height) - 4)\" font-size=\"12\" fill=\"#b42318\">overall \(Int((overall * 100).rounded())) %</text>"
        return out + "</svg>"
    }
}
