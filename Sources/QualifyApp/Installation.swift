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
        let hygiene = try HygieneListLoader.load(overrideDirectory: HygieneListLoader.overrideDirectory(forDatabase: location))
        return LeadCards(store: store, verifier: hygiene.verifier(), prediction: try InstalledPrediction.load(forDatabase: location))
    }
}
