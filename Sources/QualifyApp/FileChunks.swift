import Foundation

/// Reads a file in chunks (so a multi-gigabyte import holds one chunk at a time) and knows its size for progress.
struct FileChunks {
    let handle: FileHandle
    let size: UInt64
    let path: String
    var read: UInt64 = 0
    static let chunkSize = 4 << 20

    init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ImportError.fileNotFound(path) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError.unreadable(path) }
        self.handle = handle
        self.path = path
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        self.size = (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// The next chunk, or nil at the end.
    mutating func next() throws -> Data? {
        let data = try handle.read(upToCount: Self.chunkSize) ?? Data()
        if data.isEmpty { return nil }
        read += UInt64(data.count)
        return data
    }

    var fraction: Double { size == 0 ? 1 : min(1, Double(read) / Double(size)) }

    /// The share of the file used so far: read, less the `pending` bytes read ahead and not yet turned into rows
    /// (a 4 MiB chunk is most of a small file: by bytes read, a 50,000-row import showed 100 % at row 37,000).
    func fraction(pending: Int) -> Double {
        size == 0 ? 1 : min(1, Double(read - min(read, UInt64(max(0, pending)))) / Double(size))
    }
}

public enum ImportError: Error, CustomStringConvertible {
    case fileNotFound(String)
    case unreadable(String)
    case header(String, String)
    case empty(String)

    public var description: String {
        switch self {
        case .fileNotFound(let p): return "\(p): no such file"
        case .unreadable(let p): return "\(p): cannot be read (check its permissions)"
        case .header(let p, let why): return "\(p): line 1: \(why)"
        case .empty(let p): return "\(p): the file is empty; expected a header line and rows"
        }
    }
}

/// Where an import stands, for a progress bar.
public struct ImportProgress: Sendable {
    public var file: String
    public var fraction: Double
    public var rows: Int
    public var rejected: Int
    public init(file: String, fraction: Double, rows: Int, rejected: Int) {
        self.file = file
        self.fraction = fraction
        self.rows = rows
        self.rejected = rejected
    }
}

/// A row that did not land, with the line it starts on and why.
public struct RejectedRow: Sendable, Hashable {
    public var line: Int
    public var reason: String
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}
