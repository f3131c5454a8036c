/// What the ideal customer profile is asked to do.
public struct IcpSettings: Sendable, Hashable, Codable {
    /// a value needs at least this many best customers to be judged; fewer is reported as "too few"
    public var minimumBest: Int
    /// a numeric trait with more distinct customer values than this is banded (``NumericBands``)
    public var maxCategories: Int
    /// bands for a banded trait (quartiles)
    public var bands: Int
    /// the normal quantile of the interval (1.96: 95 %)
    public var z: Double

    public init(minimumBest: Int = 5, maxCategories: Int = 10, bands: Int = NumericBands.defaultCount, z: Double = TraitLift.z95) {
        self.minimumBest = minimumBest
        self.maxCategories = maxCategories
        self.bands = bands
        self.z = z
    }
}

/// How one trait value compares between the best customers and the rest.
public enum TraitVerdict: String, Sendable, Hashable, Codable {
    /// significantly more common among the best (interval above 1)
    case higher
    /// significantly less common among the best (interval below 1)
    case lower
    /// the interval includes 1
    case notSignificant = "not significant"
    /// fewer best customers have it than the minimum support
    case tooFew = "too few"
}

/// What a trait value means as a test on a lead field.
public enum TraitTest: Sendable, Hashable, Codable {
    /// the value itself
    case equals(String)
    /// a band of a numeric trait: the lowest and highest value seen in it, both included
    case between(Double, Double)
    /// no value at all
    case blank
}

/// One row of the profile: a trait value, its shares among the best and the rest, the lift and its interval.
public struct TraitValueLift: Sendable, Hashable, Codable {
    /// the column header
    public var trait: String
    /// what people read: the value, a band such as `5–12`, or `(blank)`
    public var value: String
    public var test: TraitTest
    /// best customers with the value
    public var best: Int
    /// other customers with the value
    public var rest: Int
    public var bestShare: Double
    public var restShare: Double
    public var lift: TraitLift
    public var verdict: TraitVerdict
}

/// How a trait was read.
public struct IcpTrait: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// every value on its own
        case categories
        /// a numeric trait in quantile bands
        case bands
    }

    public var name: String
    public var kind: Kind
    /// customers with no value
    public var blank: Int
    /// the trait's values, most common among the best first
    public var values: [TraitValueLift]
}

/// The outcome of ``IdealCustomerProfile/run(_:traits:settings:)``.
public struct IcpReport: Sendable, Hashable, Codable {
    public var settings: IcpSettings
    public var bestLabel: String
    public var bestCount: Int
    public var restCount: Int
    public var traits: [IcpTrait]
    /// every trait value: significant ones by lift (highest first), then the not significant ones by lift, then the
    /// ones with too few best customers
    public var ranked: [TraitValueLift]

    public var customerCount: Int { bestCount + restCount }
    public var significant: [TraitValueLift] { ranked.filter { $0.verdict == .higher || $0.verdict == .lower } }
}
