/// Which ABC-XYZ groups count as the best customers for the ideal customer profile.
public struct BestClasses: Sendable, Hashable, Codable {
    /// groups such as `AX`, in matrix order (A before B, X before Y)
    public private(set) var groups: [String]

    /// AX, AY and BX: the customers that bring most revenue and buy steadily.
    public static let standard = BestClasses(uncheckedGroups: ["AX", "AY", "BX"])

    init(uncheckedGroups: [String]) {
        groups = uncheckedGroups
    }

    /// Parses `AX,AY,BX`; a single letter stands for its row or column (`A` = AX, AY, AZ; `X` = AX, BX, CX).
    public init(parsing text: String) throws(IcpOptionProblem) {
        var chosen: Set<String> = []
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces.uppercased() }
        for item in items {
            let letters = Array(item)
            if letters.count == 2, let abc = AbcClass(rawValue: String(letters[0])), let xyz = XyzClass(rawValue: String(letters[1])) {
                chosen.insert(abc.rawValue + xyz.rawValue)
            } else if letters.count == 1, let abc = AbcClass(rawValue: item) {
                for xyz in XyzClass.allCases { chosen.insert(abc.rawValue + xyz.rawValue) }
            } else if letters.count == 1, let xyz = XyzClass(rawValue: item) {
                for abc in AbcClass.allCases { chosen.insert(abc.rawValue + xyz.rawValue) }
            } else {
                throw .best(text, "unknown class '\(item)'; name ABC-XYZ groups such as AX, AY, BX (A, B or C then X, Y or Z), "
                            + "or one letter for a whole row or column (A = AX, AY, AZ)")
            }
        }
        groups = AbcClass.allCases.flatMap { abc in XyzClass.allCases.map { abc.rawValue + $0.rawValue } }.filter(chosen.contains)
    }

    public func contains(_ group: String) -> Bool { groups.contains(group) }

    /// "AX, AY, BX"
    public var label: String { groups.joined(separator: ", ") }
}

public enum IcpOptionProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case best(String, String)
    case minimum(Int)

    public var description: String {
        switch self {
        case .best(let text, let why): return "--best '\(text)': \(why)"
        case .minimum(let n): return "--min-best \(n): the minimum support must be at least 1 best customer"
        }
    }
}
