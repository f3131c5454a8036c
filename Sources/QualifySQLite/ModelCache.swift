import Foundation
import GRDB
import QualifyCore
import QualifyStore

/// The active model and its compiled engine, kept between transactions: decoding the model and compiling its
/// regexes cost more than scoring one event, so a single-event request must not pay for them each time.
/// Each transaction still reads the active version number, so a model activated by another process (or instance)
/// is picked up by the next transaction; only the decode and compile are skipped while the version is unchanged.
final class ModelCache: @unchecked Sendable {
    private let lock = NSLock()
    // Engine holds compiled regexes that are only read once built; the lock guards the slot, not their use. One
    // engine is used by several threads at once (the writer, and batches scored on read snapshots): everything in it
    // is immutable after init except each Regex's lowered program, which the standard library builds lazily with an
    // atomic compare-and-swap (it is safe to match one Regex from several threads), so sharing it is safe.
    private var cached: (version: Int, model: ModelVersion, engine: Engine)?

    func current(_ db: Database, lists: EmailLists) throws -> (ModelVersion, Engine) {
        guard let version = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM model_version") else {
            throw StoreError.noActiveModel
        }
        if let hit = lock.withLock({ cached }), hit.version == version { return (hit.model, hit.engine) }
        let model = try SQLiteLeadStore.requireModel(db)
        let engine = try Engine(model: model.model, lists: lists)
        lock.withLock { cached = (model.version, model, engine) }
        return (model, engine)
    }
}
