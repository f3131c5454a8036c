import Foundation
import Logging

/// The process environment, read once, here and nowhere else: what the commands take from it when no flag says
/// otherwise (flags win). `QUALIFY_DATABASE` (the database), `QUALIFY_LOG_LEVEL` or `LOG_LEVEL` (trace … critical),
/// `USER` (who a person's action is recorded as), `CI` (set: no progress bars).
public struct QualifyEnvironment: Sendable {
    public var database: String?
    public var logLevel: Logger.Level?
    public var user: String?
    public var isCI: Bool

    public init(_ variables: [String: String]) {
        database = variables[StoreOpener.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        logLevel = (variables["QUALIFY_LOG_LEVEL"] ?? variables["LOG_LEVEL"]).flatMap { Logger.Level(rawValue: $0.lowercased()) }
        user = variables["USER"].flatMap { $0.isEmpty ? nil : $0 }
        isCI = variables["CI"] != nil
    }

    /// This process's environment.
    public static let current = QualifyEnvironment(ProcessInfo.processInfo.environment)
}
