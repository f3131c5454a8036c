/// A lead as it goes back to a CRM: its fields as imported or set, and what Qualify decided about it.
public struct ExportedLead: Sendable, Hashable {
    public var email: String
    public var fields: [String: String]
    public var grade: Grade
    public var fitPoints: Int
    public var engagement: Double
    public var temperature: Temperature
    public var stage: Stage
    public var checklistGrade: String?
    /// The chance of a deal (0…1) from the installed prediction model, if one is installed.
    public var chance: Double?
    public var nextOffer: String?
    public var lastActivity: Timestamp?

    public init(email: String, fields: [String: String], grade: Grade, fitPoints: Int, engagement: Double, temperature: Temperature,
                stage: Stage, checklistGrade: String?, chance: Double?, nextOffer: String?, lastActivity: Timestamp?) {
        self.email = email
        self.fields = fields
        self.grade = grade
        self.fitPoints = fitPoints
        self.engagement = engagement
        self.temperature = temperature
        self.stage = stage
        self.checklistGrade = checklistGrade
        self.chance = chance
        self.nextOffer = nextOffer
        self.lastActivity = lastActivity
    }
}

/// Writes leads for a CRM's importer: the column names a profile's importer maps without help, the lead's fields
/// (custom ones under their own names) and Qualify's columns, each named `Qualify …` (or `qualify_…`) so the
/// importer makes them properties of their own — and so `qualify import leads` knows them for Qualify's output and
/// leaves them out when the file comes back.
public enum CRMExport {
    public enum Profile: String, Sendable, CaseIterable {
        /// Qualify's own field names (`first_name`, …): what `qualify import leads` reads back unchanged
        case qualify
        /// HubSpot's contact import (Email, First Name, Company Name, Record ID, Contact owner, Lifecycle Stage …)
        case hubspot
        /// Salesforce's lead import (Id, Email, FirstName, LastName, Company, Title, LeadSource …)
        case salesforce
    }

    /// Qualify's computed columns, in order, by name in the `qualify` profile.
    static let computed = ["grade", "fit_points", "engagement", "temperature", "stage", "checklist_grade", "chance", "next_offer",
                           "last_activity"]

    /// The prefix of Qualify's computed columns: a lead import skips such columns (they are outputs, not lead data).
    public static func isComputedColumn(_ header: String) -> Bool {
        let squashed = header.lowercased().filter { $0.isLetter || $0.isNumber }
        return squashed.hasPrefix("qualify") && computed.contains { squashed == "qualify" + $0.filter { $0 != "_" } }
    }

    static let names: [Profile: [String: String]] = [
        .hubspot: ["crm_id": "Record ID", "email": "Email", "first_name": "First Name", "last_name": "Last Name", "company": "Company Name",
                   "job_title": "Job Title", "phone": "Phone Number", "website": "Website URL", "city": "City", "state": "State/Region",
                   "country": "Country/Region", "industry": "Industry", "employees": "Number of Employees",
                   "annual_revenue": "Annual Revenue", "lead_source": "Lead Source", "owner": "Contact owner", "created_at": "Create Date"],
        .salesforce: ["crm_id": "Id", "email": "Email", "first_name": "FirstName", "last_name": "LastName", "company": "Company",
                      "job_title": "Title", "phone": "Phone", "website": "Website", "city": "City", "state": "State", "country": "Country",
                      "industry": "Industry", "employees": "NumberOfEmployees", "annual_revenue": "AnnualRevenue",
                      "lead_source": "LeadSource", "owner": "Lead Owner", "created_at": "CreatedDate"],
    ]

    /// HubSpot's lifecycle stage (internal values) for the stages that have one; others leave the column empty.
    static func lifecycle(_ stage: Stage) -> String {
        switch stage {
        case .new, .iql: return "lead"
        case .mql: return "marketingqualifiedlead"
        case .sql: return "salesqualifiedlead"
        case .opportunity: return "opportunity"
        case .customer: return "customer"
        default: return ""
        }
    }

    /// The column names, in order: email and CRM id first, the known fields, the custom ones sorted, Qualify's.
    public static func columns(profile: Profile, fieldNames: Set<String>) -> [(key: String, header: String)] {
        let known = ["crm_id", "first_name", "last_name", "company", "job_title", "phone", "website", "city", "state", "country",
                     "industry", "employees", "annual_revenue", "lead_source", "owner", "created_at"]
        var keys = ["email"] + known.filter { fieldNames.contains($0) }
        keys += fieldNames.subtracting(keys).subtracting(["email"]).filter { !$0.hasPrefix(Checklist.fieldPrefix) }.sorted()
        var out = keys.map { key in (key: key, header: header(for: key, profile: profile)) }
        if profile == .hubspot { out.append((key: "$lifecycle", header: "Lifecycle Stage")) }
        out += computed.map { key in (key: "$" + key, header: profile == .qualify ? "qualify_" + key : "Qualify " + title(key)) }
        return out
    }

    static func header(for field: String, profile: Profile) -> String {
        if field == "email" && profile == .qualify { return "email" }
        return names[profile]?[field] ?? field
    }

    static func title(_ key: String) -> String {
        key.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// One lead's values for `columns`, as text.
    public static func values(_ lead: ExportedLead, columns: [(key: String, header: String)]) -> [String] {
        columns.map { column in
            switch column.key {
            case "email": return lead.email
            case "$lifecycle": return lifecycle(lead.stage)
            case "$grade": return lead.grade.rawValue
            case "$fit_points": return String(lead.fitPoints)
            case "$engagement": return Self.number(lead.engagement)
            case "$temperature": return lead.temperature.rawValue
            case "$stage": return lead.stage.rawValue
            case "$checklist_grade": return lead.checklistGrade ?? ""
            case "$chance": return lead.chance.map { Self.number($0) } ?? ""
            case "$next_offer": return lead.nextOffer ?? ""
            case "$last_activity": return lead.lastActivity?.iso8601 ?? ""
            default: return lead.fields[column.key] ?? ""
            }
        }
    }

    /// Engagement and chance as exported: four decimals.
    public static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    static func number(_ value: Double) -> String {
        let rounded = rounded(value)
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// A CSV line (RFC 4180). Spreadsheet formulas are neutralised as in every CSV for people (see ``CSVCell``: a
    /// phone number `+44 20 …` gets a leading apostrophe, which Excel hides); `raw` writes values verbatim for a file
    /// that goes straight into a CRM's importer.
    public static func csvLine(_ values: [String], raw: Bool) -> String {
        values.map { raw ? CSVCell.verbatim($0) : CSVCell.field($0) }.joined(separator: ",") + "\r\n"
    }
}
