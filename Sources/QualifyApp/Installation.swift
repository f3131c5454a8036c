import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

/// What is installed beside a database — hygiene lists, the prediction model — and the use cases built on them: the
/// one place `serve` and the CLI's commands get them from, so a lead's card is the same in every shell.
public enum Installation {
    /// The lead card use case for `store`, opened from `location` (its lists and prediction are the ones installed
    /// for that location; see ``HygieneListLoader`` and ``InstalledPrediction``).
    public static func cards(for store: any QualifyStorage, location: String) throws -> LeadCards {
        try cards(for: store, hygiene: StoreOpener.hygiene(forDatabase: location), location: location)
    }

    /// The same with the lists already loaded (the ones the store was opened with), so they are read once.
    public static func cards(for store: any QualifyStorage, hygiene: LoadedHygieneLists, location: String) throws -> LeadCards {
        LeadCards(store: store, verifier: hygiene.verifier(), prediction: try InstalledPrediction.load(forDatabase: location))
    }

    /// Opens the store at `location` and its lead cards, loading the installed lists once for both.
    public static func open(_ location: String, now: Timestamp) async throws -> LeadCards {
        let hygiene = try StoreOpener.hygiene(forDatabase: location)
        let store = try await StoreOpener.open(location, now: now, lists: hygiene.emailLists)
        return try cards(for: store, hygiene: hygiene, location: location)
    }
}
