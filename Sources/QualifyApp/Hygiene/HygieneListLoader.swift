import Foundation
import QualifyCore
import QualifyStore

/// Loads the list-hygiene lists: an updated copy in `qualify-lists/` beside the database when there is one, otherwise
/// the bundled resource (see `Resources/lists/ATTRIBUTION.md`).
public enum HygieneListLoader {
    public static let directoryName = "qualify-lists"

    /// The `qualify-lists/` folder beside a database (a path or `sqlite:PATH`); for a server URL, in the current folder.
    public static func overrideDirectory(forDatabase location: String) -> URL {
        var path = location
        for prefix in ["sqlite://", "sqlite:"] where path.hasPrefix(prefix) {
            path = String(path.dropFirst(prefix.count))
            break
        }
        if path.contains("://") { path = StoreOpener.defaultPath }
        let directory = (path as NSString).deletingLastPathComponent
        return URL(fileURLWithPath: directory.isEmpty ? "." : directory).appendingPathComponent(directoryName)
    }

    /// Loads every list, preferring updated copies in `overrideDirectory` (nil: bundled lists only).
    public static func load(overrideDirectory: URL? = nil) throws -> LoadedHygieneLists {
        assemble(try HygieneListKind.allCases.map { try load($0, overrideDirectory: overrideDirectory) })
    }

    /// ``load(overrideDirectory:)`` with the lists read and parsed at the same time: loading them is a fixed ~20 ms
    /// of CPU, a large part of `qualify verify` on a short file, and a second core halves it.
    public static func loadConcurrently(overrideDirectory: URL? = nil) async throws -> LoadedHygieneLists {
        let loaded = try await withThrowingTaskGroup(of: (entries: Set<String>, origin: HygieneListOrigin).self) { group in
            for kind in HygieneListKind.allCases {
                group.addTask { try load(kind, overrideDirectory: overrideDirectory) }
            }
            var byKind: [HygieneListKind: (entries: Set<String>, origin: HygieneListOrigin)] = [:]
            for try await list in group { byKind[list.origin.kind] = list }
            return byKind
        }
        return assemble(HygieneListKind.allCases.compactMap { loaded[$0] })
    }

    /// One list: the updated copy in `overrideDirectory` when there is one, otherwise the bundled files.
    static func load(_ kind: HygieneListKind, overrideDirectory: URL?) throws -> (entries: Set<String>, origin: HygieneListOrigin) {
        if let dir = overrideDirectory {
            let file = dir.appendingPathComponent(kind.overrideFile)
            if FileManager.default.fileExists(atPath: file.path) {
                let data = try read(file)
                let parsed = try parse(data, kind: kind, name: file.path)
                return (parsed.entries, HygieneListOrigin(kind: kind, count: parsed.entries.count, source: file.path, isUpdated: true,
                                                          note: parsed.firstComment, skipped: parsed.skipped.count))
            }
        }
        var entries = Set<String>()
        var skipped = 0
        for name in kind.bundledFiles {
            // parse straight into one set: no union of two large sets afterwards
            var parsed = ParsedList(entries: entries, skipped: [], firstComment: nil)
            entries = []
            try parse(try read(bundledURL(name)), kind: kind, name: name, into: &parsed)
            entries = parsed.entries
            skipped += parsed.skipped.count
        }
        return (entries, HygieneListOrigin(kind: kind, count: entries.count, source: "bundled (\(kind.bundledFiles.joined(separator: ", ")))",
                                           isUpdated: false, note: nil, skipped: skipped))
    }

    /// The lists, in ``HygieneListKind/allCases`` order, as one value.
    static func assemble(_ lists: [(entries: Set<String>, origin: HygieneListOrigin)]) -> LoadedHygieneLists {
        var sets: [HygieneListKind: Set<String>] = [:]
        for list in lists { sets[list.origin.kind] = list.entries }
        let hygiene = HygieneLists(disposable: sets[.disposable] ?? [], allowlist: sets[.allowlist] ?? [],
                                   freeMail: sets[.free] ?? [], roleLocalParts: sets[.role] ?? [])
        return LoadedHygieneLists(lists: hygiene, origins: lists.map(\.origin))
    }

    /// The URL of a bundled list file.
    public static func bundledURL(_ name: String) throws -> URL {
        guard let dir = Bundle.module.url(forResource: "lists", withExtension: nil) else {
            throw ListError.missingResource("lists")
        }
        return dir.appendingPathComponent(name)
    }

    /// A list file's entries: one a line (blank lines and `#` comments skipped) or a JSON array of strings.
    public struct ParsedList: Sendable {
        public var entries: Set<String>
        /// Lines (1-based) or array positions that were not entries, with their text.
        public var skipped: [(line: Int, text: String)]
        /// The first `#` comment, if the file starts with one.
        public var firstComment: String?
    }

    /// Parses a list file. Domains are checked and kept in lowercase ASCII form (Unicode entries are converted);
    /// role names are lowercased. Entries that are not domains (or local parts) are skipped and reported.
    public static func parse(_ data: Data, kind: HygieneListKind, name: String) throws -> ParsedList {
        var result = ParsedList(entries: [], skipped: [], firstComment: nil)
        try parse(data, kind: kind, name: name, into: &result)
        return result
    }

    static func parse(_ data: Data, kind: HygieneListKind, name: String, into result: inout ParsedList) throws {
        let firstByte = data.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 })
        if firstByte == UInt8(ascii: "[") {
            let array: [String]
            do { array = try JSONDecoder().decode([String].self, from: data) } catch {
                throw ListError.unreadable(name, "it starts with '[' but is not a JSON array of strings")
            }
            result.entries.reserveCapacity(result.entries.count + array.count)
            for (i, text) in array.enumerated() { add(text[...], line: i + 1, kind: kind, to: &result) }
            return
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ListError.unreadable(name, "it is not UTF-8 text") }
        result.entries.reserveCapacity(result.entries.count + text.utf8.count / 12)
        var number = 0
        // split on bytes: "\r\n" is one Character, so a Character split would not cut CRLF lines
        let bytes = text.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex
            number += 1
            var line = text[start..<end]
            start = end < bytes.endIndex ? bytes.index(after: end) : end
            if line.utf8.last == 0x0D { line = Substring(line.utf8.dropLast()) }
            if line.utf8.first == UInt8(ascii: "#") {
                if number == 1 { result.firstComment = String(line.dropFirst()).trimmingCharacters(in: .whitespaces) }
                continue
            }
            add(line, line: number, kind: kind, to: &result)
        }
    }

    static func add(_ raw: Substring, line: Int, kind: HygieneListKind, to result: inout ParsedList) {
        if let plain = plainEntry(raw, domain: kind.holdsDomains) {
            result.entries.insert(plain)
            return
        }
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return }
        if kind.holdsDomains {
            if let ascii = IDNA.toASCII(text.lowercased(), normalize: UnicodeNormalization.nfc), ascii.contains(".") {
                result.entries.insert(ascii)
            } else {
                result.skipped.append((line, text))
            }
        } else if text.unicodeScalars.contains(where: { $0 == "@" || $0.properties.isWhitespace }) {
            result.skipped.append((line, text))
        } else {
            result.entries.insert(UnicodeNormalization.nfc(text.lowercased()))
        }
    }

    /// The common case, checked on bytes: an entry already in its final form (lowercase letters, digits, `-`, `.`, and
    /// for domains valid labels with at least one dot and no A-label), returned as is. Nil sends it through the full check.
    static func plainEntry(_ s: Substring, domain: Bool) -> String? {
        var dots = 0
        var labelStart = true
        var labelLength = 0
        var previous: UInt8 = 0
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "-"): if domain && labelStart { return nil }
            case UInt8(ascii: "."):
                if labelStart || previous == UInt8(ascii: "-") { return nil }
                dots += 1
                labelStart = true
                labelLength = 0
                previous = b
                continue
            case UInt8(ascii: "_"): if domain { return nil }
            default: return nil
            }
            if domain && labelLength == 3 && b == UInt8(ascii: "-") && previous == UInt8(ascii: "-") { return nil }  // "xn--", "ab--"
            labelStart = false
            labelLength += 1
            if labelLength > 63 { return nil }
            previous = b
        }
        if labelStart { return nil }  // empty, or a trailing dot
        if domain && (dots == 0 || previous == UInt8(ascii: "-") || s.utf8.count > 253) { return nil }
        return String(s)
    }

    static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw ListError.unreadable(url.path, "it cannot be read (\(error.localizedDescription))")
        }
    }

    public enum ListError: Error, CustomStringConvertible, Equatable {
        case missingResource(String)
        case unreadable(String, String)
        case empty(String, HygieneListKind)

        public var description: String {
            switch self {
            case .missingResource(let name):
                return "the bundled list resource '\(name)' is missing from this build (reinstall qualify, or run `qualify lists update`)"
            case .unreadable(let path, let why): return "\(path): \(why)"
            case .empty(let path, let kind):
                return "\(path): no \(kind.holdsDomains ? "domains" : "local parts") found (expected one a line, or a JSON array of strings)"
            }
        }
    }
}
