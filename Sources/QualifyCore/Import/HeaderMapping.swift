/// Maps a CSV file's headers to lead fields, recognising the headers common CRM exports use
/// (Salesforce, HubSpot, Pipedrive, Zoho, Mautic …) and any overrides given with `--map column=field`.
/// Columns that match nothing are kept as custom fields under a snake_case name, never dropped.
public struct HeaderMapping: Sendable, Hashable {
    /// One entry per column: the field it fills.
    public var fields: [String]
    /// Columns recognized as a known field (column header → field).
    public var recognized: [(column: String, field: String)] { zip(headers, fields).filter { LeadFields.known.contains($0.1) }.map { ($0.0, $0.1) } }
    /// Columns kept as custom fields.
    public var custom: [(column: String, field: String)] {
        zip(headers, fields).filter { !$0.1.isEmpty && !LeadFields.known.contains($0.1) }.map { ($0.0, $0.1) }
    }
    public var headers: [String]
    public var emailColumn: Int
    /// Columns left out: Qualify's own computed columns in a file it exported (`qualify_grade`, `Qualify Chance`, …),
    /// outputs rather than lead data. Their entry in ``fields`` is empty.
    public var ignored: [String] = []
    /// Columns that meant a field another column already fills, kept under a name of their own (column → field).
    public var renamed: [(column: String, field: String, insteadOf: String)] = []

    public static func == (a: HeaderMapping, b: HeaderMapping) -> Bool { a.fields == b.fields && a.headers == b.headers }
    public func hash(into h: inout Hasher) { h.combine(fields); h.combine(headers) }

    /// - Parameter overrides: column header (as written) → field name.
    public static func resolve(headers: [String], overrides: [String: String] = [:]) -> Result<HeaderMapping, HeaderProblem> {
        for column in overrides.keys where !headers.contains(column) {
            return .failure(.unknownOverrideColumn(column, headers: headers))
        }
        switch assign(headers: headers, overrides: overrides) {
        case .failure(let problem): return .failure(problem)
        case .success(let (fields, ignored, renamed)):
            guard let email = fields.firstIndex(of: "email") else { return .failure(.noEmailColumn(headers: headers)) }
            return .success(HeaderMapping(fields: fields, headers: headers, emailColumn: email, ignored: ignored, renamed: renamed))
        }
    }

    /// The field a lead import without `--map` fills from each column of a file with these headers, in order ("" for
    /// a column it ignores or cannot name): what a prediction trained on such a file reads a lead's features from.
    public static func fieldNames(headers: [String]) -> [String] {
        // a header without a letter or digit (refused by an import) names nothing here
        let named = headers.enumerated().map { i, h in LeadFields.snakeCase(h).isEmpty ? "\u{1}unnamed \(i)" : h }
        guard case .success(let assigned) = assign(headers: named, overrides: [:]) else { return headers.map { _ in "" } }
        return zip(named, assigned.fields).map { $0.hasPrefix("\u{1}") ? "" : $1 }
    }

    /// Each column's field: the override, or the field its header means, or — where an earlier column already fills
    /// that field — a field of the column's own name.
    static func assign(headers: [String], overrides: [String: String])
        -> Result<(fields: [String], ignored: [String], renamed: [(column: String, field: String, insteadOf: String)]), HeaderProblem> {
        var fields: [String] = []
        var seen: [String: String] = [:]
        var renamed: [(column: String, field: String, insteadOf: String)] = []
        // columns named by --map first, so an automatic match gives way to the user's choice
        let mappedFields = Set(overrides.values)
        var ignored: [String] = []
        for header in headers {
            if overrides[header] == nil, CRMExport.isComputedColumn(header) {
                ignored.append(header)
                fields.append("")
                continue
            }
            var field = overrides[header] ?? LeadFields.field(forHeader: header)
            if field.isEmpty { return .failure(.emptyHeader(position: fields.count + 1)) }
            if let other = seen[field] ?? (overrides[header] == nil && mappedFields.contains(field) ? "--map" : nil) {
                // two columns meaning one field (Salesforce's Phone and Mobile, Lead Origin and Lead Source): the later
                // one is kept as a field of its own name, never refused and never merged into the first
                if overrides[header] != nil { return .failure(.duplicateField(field, columns: [other, header])) }
                let wanted = field
                var candidate = LeadFields.snakeCase(header)
                if candidate.isEmpty || candidate == wanted || seen[candidate] != nil || LeadFields.known.contains(candidate) {
                    candidate = wanted + "_2"
                }
                var n = 2
                while seen[candidate] != nil || mappedFields.contains(candidate) {
                    n += 1
                    candidate = wanted + "_\(n)"
                }
                field = candidate
                renamed.append((header, field, wanted))
            }
            seen[field] = header
            fields.append(field)
        }
        return .success((fields, ignored, renamed))
    }
}

public enum HeaderProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case noEmailColumn(headers: [String])
    case duplicateField(String, columns: [String])
    case unknownOverrideColumn(String, headers: [String])
    case emptyHeader(position: Int)

    public var description: String {
        switch self {
        case .noEmailColumn(let headers):
            return "no email column among the headers [\(headers.joined(separator: ", "))]; name it with --map COLUMN=email"
        case .duplicateField(let field, let columns):
            return "--map sends columns '\(columns.joined(separator: "' and '"))' both to field '\(field)'; map one elsewhere with --map COLUMN=FIELD"
        case .unknownOverrideColumn(let column, let headers):
            return "--map names column '\(column)', which is not in the file (headers: \(headers.joined(separator: ", ")))"
        case .emptyHeader(let position):
            return "column \(position) has an empty header; name it, or map it with --map"
        }
    }
}

/// The lead fields Qualify knows, and the CRM headers that mean them.
public enum LeadFields {
    public static let aliases: [String: [String]] = [
        "email": ["email", "e-mail", "email address", "e-mail address", "work email", "business email", "emailaddress", "primary email"],
        "first_name": ["first name", "firstname", "given name", "first", "forename"],
        "last_name": ["last name", "lastname", "surname", "family name", "last"],
        "company": ["company", "company name", "account name", "organization", "organisation", "organization name", "employer", "account"],
        "job_title": ["job title", "title", "position", "job role", "role", "designation", "jobtitle"],
        "industry": ["industry", "sector", "vertical"],
        "employees": ["number of employees", "employees", "company size", "employee count", "no. of employees", "headcount", "size", "numberofemployees", "num employees"],
        "country": ["country", "country/region", "country region", "nation"],
        "lead_source": ["lead source", "source", "leadsource", "original source", "lead origin", "channel"],
        "phone": ["phone", "phone number", "mobile", "mobile phone", "telephone", "work phone"],
        "website": ["website", "company website", "web site", "url", "domain"],
        "city": ["city", "town"],
        "state": ["state", "state/province", "province", "region"],
        "annual_revenue": ["annual revenue", "revenue", "company revenue"],
        "created_at": ["create date", "created date", "created", "created at", "date created", "creation date", "person created", "lead created"],
        "owner": ["lead owner", "owner", "contact owner", "sales rep"],
        "crm_id": ["record id", "lead id", "contact id", "id", "crm id", "salesforce id", "hubspot id", "person id"],
    ]

    public static let known: Set<String> = Set(aliases.keys)

    private static let lookup: [String: String] = {
        var out: [String: String] = [:]
        for (field, names) in aliases {
            for name in names { out[squash(name)] = field }
            out[squash(field)] = field
        }
        return out
    }()

    /// The field a header means: a known field, or the header in snake_case as a custom field.
    public static func field(forHeader header: String) -> String {
        if let known = lookup[squash(header)] { return known }
        // Pipedrive names columns by entity: `Person - Email`, `Organization - Name`
        if let dash = header.firstRange(of: " - ") {
            let entity = squash(String(header[..<dash.lowerBound])), rest = String(header[dash.upperBound...])
            if entity == "person", let known = lookup[squash(rest)] { return known }
            if entity == "organization" || entity == "organisation" {
                if squash(rest) == "name" { return "company" }
                if let known = lookup[squash(rest)], organizationFields.contains(known) { return known }
            }
        }
        return snakeCase(header)
    }

    /// The known fields an organization's column may fill (its name is the company).
    static let organizationFields: Set<String> = ["industry", "employees", "website", "country", "city", "state", "annual_revenue", "owner"]

    /// Lowercase letters and digits only: `E-Mail Address` → `emailaddress`.
    static func squash(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }.map(Character.init))
    }

    /// `Lead Score (Custom)` → `lead_score_custom`.
    public static func snakeCase(_ s: String) -> String {
        var out = ""
        var pendingUnderscore = false
        for u in s.trimmingSpaces.lowercased().unicodeScalars {
            if u.properties.isAlphabetic || ("0"..."9").contains(u) {
                if pendingUnderscore && !out.isEmpty { out += "_" }
                pendingUnderscore = false
                out.unicodeScalars.append(u)
            } else {
                pendingUnderscore = true
            }
        }
        return out
    }
}
