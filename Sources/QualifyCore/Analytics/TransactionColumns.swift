/// What a column of a transactions file means for the ABC-XYZ analysis.
public enum TransactionRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// who bought: a customer or account id or name
    case customer
    /// when: the order, invoice or transaction date
    case date
    /// how much: the line's revenue (negative for refunds and credit notes)
    case amount

    /// Headers that mean this role, best first: when several columns match, the first alias wins (so `Customer ID`
    /// beats `Customer`, `Net Amount` beats `Amount`) and the others are reported as passed over.
    public static let aliases: [TransactionRole: [String]] = [
        .customer: ["customer id", "customer number", "customer no", "account id", "client id", "customer", "customer name",
                    "account", "account name", "company", "company name", "client", "client name", "buyer"],
        .date: ["date", "transaction date", "order date", "invoice date", "purchase date", "sale date", "sales date",
                "payment date", "close date"],
        .amount: ["net amount", "amount", "revenue", "net revenue", "sales", "net sales", "total", "total amount",
                  "order total", "invoice total", "line total", "value", "net value", "dollar value"],
    ]

    /// Headers named in messages, the most common first.
    public var examples: [String] {
        switch self {
        case .customer: return ["Customer ID", "Customer", "Account Name", "Company"]
        case .date: return ["Date", "Order Date", "Invoice Date", "Transaction Date"]
        case .amount: return ["Amount", "Revenue", "Sales", "Total"]
        }
    }

    /// Role names accepted by `--map COLUMN=ROLE`, with their synonyms.
    public static func named(_ text: String) -> TransactionRole? {
        switch text.trimmingSpaces.lowercased() {
        case "customer", "account", "client": return .customer
        case "date": return .date
        case "amount", "revenue", "sales": return .amount
        default: return nil
        }
    }

    /// The alias rank of a header for this role (0 is best), or nil if the header does not mean it.
    static func rank(ofHeader header: String, for role: TransactionRole) -> Int? {
        let key = LeadFields.squash(header)
        return ranks[role]?[key]
    }

    private static let ranks: [TransactionRole: [String: Int]] = {
        var out: [TransactionRole: [String: Int]] = [:]
        for (role, names) in aliases {
            var table: [String: Int] = [:]
            for (rank, name) in names.enumerated() where table[LeadFields.squash(name)] == nil {
                table[LeadFields.squash(name)] = rank
            }
            out[role] = table
        }
        return out
    }()
}

/// Which column holds the customer, the date and the amount, found from the header line (common aliases) and
/// `--map COLUMN=ROLE` overrides. Other columns are ignored.
public struct TransactionColumns: Sendable, Hashable {
    public var headers: [String]
    /// 0-based column positions
    public var customer: Int
    public var date: Int
    public var amount: Int
    /// Columns that also matched a role but lost to a better alias (header, role), so a person can see the choice.
    public var passedOver: [(column: String, role: TransactionRole)]

    public static func == (a: TransactionColumns, b: TransactionColumns) -> Bool {
        a.headers == b.headers && a.customer == b.customer && a.date == b.date && a.amount == b.amount
    }

    public func hash(into h: inout Hasher) {
        h.combine(headers)
        h.combine([customer, date, amount])
    }

    public func column(for role: TransactionRole) -> Int {
        switch role {
        case .customer: return customer
        case .date: return date
        case .amount: return amount
        }
    }

    /// - Parameter overrides: column header (as written in the file) → role name (`customer`/`account`, `date`,
    ///   `amount`/`revenue`).
    public static func resolve(headers: [String], overrides: [String: String] = [:]) -> Result<TransactionColumns, TransactionHeaderProblem> {
        var chosen: [TransactionRole: Int] = [:]
        for (column, roleName) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let position = headers.firstIndex(of: column) else {
                return .failure(.unknownOverrideColumn(column, headers: headers))
            }
            guard let role = TransactionRole.named(roleName) else {
                return .failure(.unknownRole(roleName, column: column))
            }
            if let other = chosen[role] {
                return .failure(.roleMappedTwice(role, columns: [headers[other], column]))
            }
            chosen[role] = position
        }
        var passedOver: [(column: String, role: TransactionRole)] = []
        for role in TransactionRole.allCases where chosen[role] == nil {
            var best: (position: Int, rank: Int)?
            for (position, header) in headers.enumerated() where !chosen.values.contains(position) {
                guard let rank = TransactionRole.rank(ofHeader: header, for: role) else { continue }
                if let b = best, b.rank <= rank {
                    passedOver.append((header, role))
                } else {
                    if let b = best { passedOver.append((headers[b.position], role)) }
                    best = (position, rank)
                }
            }
            guard let found = best else { return .failure(.missingRole(role, headers: headers)) }
            chosen[role] = found.position
        }
        let positions = TransactionRole.allCases.map { chosen[$0]! }
        if Set(positions).count < positions.count {
            let column = positions.first { p in positions.filter { $0 == p }.count > 1 }!
            return .failure(.columnHasTwoRoles(headers[column]))
        }
        return .success(TransactionColumns(headers: headers, customer: chosen[.customer]!, date: chosen[.date]!,
                                           amount: chosen[.amount]!, passedOver: passedOver))
    }
}

public enum TransactionHeaderProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case missingRole(TransactionRole, headers: [String])
    case unknownOverrideColumn(String, headers: [String])
    case unknownRole(String, column: String)
    case roleMappedTwice(TransactionRole, columns: [String])
    case columnHasTwoRoles(String)

    public var description: String {
        switch self {
        case .missingRole(let role, let headers):
            let examples = role.examples.map { "'\($0)'" }.joined(separator: ", ")
            return "no \(role.rawValue) column among the headers [\(headers.joined(separator: ", "))] (looked for \(examples) …); "
                + "name it with --map COLUMN=\(role.rawValue)"
        case .unknownOverrideColumn(let column, let headers):
            return "--map names column '\(column)', which is not in the file (headers: \(headers.joined(separator: ", ")))"
        case .unknownRole(let role, let column):
            return "--map \(column)=\(role): unknown role '\(role)' (expected customer, date or amount)"
        case .roleMappedTwice(let role, let columns):
            return "--map gives the \(role.rawValue) role to both '\(columns.joined(separator: "' and '"))'; keep one"
        case .columnHasTwoRoles(let column):
            return "column '\(column)' cannot be both the customer, date or amount; map the roles to different columns with --map"
        }
    }
}
