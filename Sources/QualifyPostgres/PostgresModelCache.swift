#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

/// The active model and its compiled engine, kept between transactions: decoding the model and compiling its
/// regexes cost more than scoring one event, so a single-event request must not pay for them each time.
/// Each transaction still reads the active version number, so a model activated by another process (or another
/// server on the same database) is picked up by the next transaction; only the decode and compile are skipped while
/// the version is unchanged.
///
/// `@unchecked` for the same reason as the SQLite store's cache: `Engine` (QualifyCore) is not declared `Sendable`,
/// though it is only read once built; the lock guards the slot, not the engine's use. Declaring `Engine` and
/// `CompiledModel` `Sendable` in the core would let this become a `Mutex`.
final class PostgresModelCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (version: Int, model: ModelVersion, engine: Engine)?

    func current(_ db: PostgresConnection, lists: EmailLists, logger: Logger) async throws -> (ModelVersion, Engine) {
        let rows = try await db.query("SELECT MAX(version) FROM model_version", logger: logger).collect()
        guard let version = try rows.first?.decode(Int?.self) else { throw StoreError.noActiveModel }
        if let hit = lock.withLock({ cached }), hit.version == version { return (hit.model, hit.engine) }
        let model = try await PostgresLeadStore.requireModel(db, logger: logger)
        let engine = try Engine(model: model.model, lists: lists)
        lock.withLock { cached = (model.version, model, engine) }
        return (model, engine)
    }
}
#endif
