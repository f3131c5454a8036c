import Foundation
import QualifyCore

/// `qualify lists update`: checks a newer list file and copies it into `qualify-lists/`, where the loader prefers it.
public enum HygieneListUpdate {
    public struct Report: Sendable {
        public var kind: HygieneListKind
        public var entries: Int
        public var skipped: [(line: Int, text: String)]
        public var destination: URL
    }

    /// Reads `source` (one entry a line, or a JSON array of strings), keeps the valid entries in their normalized form
    /// and writes them, sorted, to `directory/<kind>.txt` under a first line saying where they came from and when.
    public static func install(_ kind: HygieneListKind, from source: String, into directory: URL, now: Date) throws -> Report {
        let url = URL(fileURLWithPath: source)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw HygieneListLoader.ListError.unreadable(source, "no such file")
        }
        let parsed = try HygieneListLoader.parse(try HygieneListLoader.read(url), kind: kind, name: source)
        if parsed.entries.isEmpty { throw HygieneListLoader.ListError.empty(source, kind) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw HygieneListLoader.ListError.unreadable(directory.path, "the folder cannot be created (\(error.localizedDescription))")
        }
        let stamp = ISO8601DateFormatter().string(from: now)
        var text = "# \(kind.rawValue) list copied from \(url.standardizedFileURL.path) on \(stamp) by `qualify lists update`"
        text += " (\(parsed.entries.count) entries, \(parsed.skipped.count) lines skipped)\n"
        text += parsed.entries.sorted().joined(separator: "\n")
        text += "\n"
        let destination = directory.appendingPathComponent(kind.overrideFile)
        do { try text.write(to: destination, atomically: true, encoding: .utf8) } catch {
            throw HygieneListLoader.ListError.unreadable(destination.path, "cannot be written (\(error.localizedDescription))")
        }
        return Report(kind: kind, entries: parsed.entries.count, skipped: parsed.skipped, destination: destination)
    }

    /// Removes the updated copy of a list, so the bundled one is used again. Returns whether there was one.
    public static func reset(_ kind: HygieneListKind, in directory: URL) throws -> Bool {
        let file = directory.appendingPathComponent(kind.overrideFile)
        guard FileManager.default.fileExists(atPath: file.path) else { return false }
        try FileManager.default.removeItem(at: file)
        return true
    }
}
