import Foundation
import QualifyCore

/// The prediction model lead cards and the API use: a `qualify train` artifact copied beside the database as
/// `qualify-prediction.json` by `qualify predict --install`. Absent means cards show no chance.
public enum InstalledPrediction {
    public static let fileName = "qualify-prediction.json"

    /// Where the installed model lives for a database (a path or `sqlite:PATH`; for a server URL, the current folder).
    public static func path(forDatabase location: String) -> String {
        HygieneListLoader.overrideDirectory(forDatabase: location).deletingLastPathComponent().appendingPathComponent(fileName).path
    }

    /// The installed model, or nil when none is installed.
    public static func load(forDatabase location: String) throws -> TrainedModel? {
        let path = path(forDatabase: location)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do { return try TrainingData.loadModel(path: path) } catch {
            throw InstallError("the installed prediction model '\(path)' cannot be read: \(error) (install another with `qualify predict --install FILE`, or remove it with `qualify predict --uninstall`)")
        }
    }

    /// Checks that `source` is a model this version scores, then copies it into place (replacing any other).
    public static func install(_ source: String, forDatabase location: String) throws -> TrainedModel {
        let model = try TrainingData.loadModel(path: source)
        do { _ = try LeadPrediction.score(model, fields: [:]) } catch { throw InstallError("\(error)") }
        let target = path(forDatabase: location)
        let partial = target + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try FileManager.default.copyItem(atPath: source, toPath: partial)
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        try FileManager.default.moveItem(atPath: partial, toPath: target)
        return model
    }

    /// Removes the installed model; false if there was none.
    public static func uninstall(forDatabase location: String) throws -> Bool {
        let target = path(forDatabase: location)
        guard FileManager.default.fileExists(atPath: target) else { return false }
        try FileManager.default.removeItem(atPath: target)
        return true
    }

    public struct InstallError: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }
}
