import Foundation
import QualifyCore

/// The active model and its compiled engine, kept between transactions: decoding the model and compiling its
/// regexes cost more than scoring one event, so a single-event request must not pay for them each time. Each
/// transaction still reads the active version number, so a model activated by another process (or another server on
/// the same database) is picked up by the next transaction; only the decode and compile are skipped while the
/// version is unchanged. A store owns one (``LeadStore/engines``); the use cases ask it.
///
/// `@unchecked`: `Engine` (QualifyCore) is not declared `Sendable`. It is only read once built: everything in it is
/// immutable after init except each Regex's lowered program, which the standard library builds lazily with an atomic
/// compare-and-swap (matching one Regex from several threads is safe), and each regex's memo of answers, which has a
/// lock of its own (`MemoizedRegex`). The lock here guards the slot, not the engine's use.
public final class EngineCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (model: ModelVersion, engine: Engine)?

    public init() {}

    /// The active model and its engine, as of `transaction` (which reads the version number).
    public func current(_ transaction: any LeadTransaction, lists: EmailLists) async throws -> (ModelVersion, Engine) {
        let version = try await transaction.activeModelVersion()
        if let hit = cached(version: version) { return hit }
        return try compile(try await transaction.modelVersion(version), lists: lists)
    }

    /// The engine of `version` if it is the one compiled last.
    public func cached(version: Int) -> (ModelVersion, Engine)? {
        lock.withLock { cached.flatMap { $0.model.version == version ? ($0.model, $0.engine) : nil } }
    }

    /// The model compiled last (the active one as of the last transaction that asked), if any.
    public func latest() -> (ModelVersion, Engine)? {
        lock.withLock { cached.map { ($0.model, $0.engine) } }
    }

    /// Compiles `model` and keeps it as the cached one.
    public func compile(_ model: ModelVersion, lists: EmailLists) throws -> (ModelVersion, Engine) {
        let engine = try Engine(model: model.model, lists: lists)
        lock.withLock { cached = (model, engine) }
        return (model, engine)
    }
}
