import QualifyCore
import QualifyStore

/// The account queue: accounts scored now from their contacts, in priority order (``AccountScore/precedes``).
public struct AccountQueue: Sendable, Hashable {
    /// The first `limit` accounts that pass the filter.
    public var accounts: [AccountScore]
    /// How many accounts passed the filter, and how many were scored.
    public var matched: Int
    public var total: Int
    public var modelVersion: Int
    public var modelName: String
}

/// Which accounts the queue lists.
public struct AccountFilter: Sendable, Hashable {
    public var grade: Grade?
    public var temperature: Temperature?
    public var limit: Int
    public init(grade: Grade? = nil, temperature: Temperature? = nil, limit: Int = 50) {
        self.grade = grade
        self.temperature = temperature
        self.limit = limit
    }
    /// The most accounts one request lists.
    public static let maximumLimit = 1000
}

/// An account's card: its score, its contacts with their grades, stages, owners and roles, and the combined ledger.
public struct AccountCardView: Sendable, Hashable {
    public var score: AccountScore
    public var contacts: [Contact]
    /// The contacts' ledger lines, newest first (the latest ``AccountCards/shownLedgerLines`` of the most engaged
    /// ``AccountCards/ledgerContacts`` contacts).
    public var ledger: [Line]
    public var asOf: Timestamp
    public var modelVersion: Int
    public var modelName: String

    public struct Contact: Sendable, Hashable {
        public var email: String
        public var name: String?
        public var title: String?
        public var grade: Grade
        public var fitPoints: Int
        public var stage: Stage
        public var engagement: Double
        public var temperature: Temperature
        public var owner: String?
        public var roles: [String]
        public var lastActivity: Timestamp?
    }

    public struct Line: Sendable, Hashable {
        public var contact: String
        public var line: LeadCard.Line
    }
}

public enum AccountProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownAccount(String)
    public var description: String {
        switch self {
        case .unknownAccount(let domain):
            return "no account '\(domain)': accounts form from company email domains (free-mail and disposable domains never do); `qualify accounts` lists them"
        }
    }
}

/// The account use cases every shell calls.
public enum AccountCards {
    /// The contacts whose ledgers the card combines (the most engaged first), and the lines it keeps.
    public static let ledgerContacts = 25
    public static let shownLedgerLines = 200
    /// The most contacts an account may have for a lead's card to score it: scoring reads every contact, and a card
    /// must stay cheap (a shared domain with thousands of leads would make each of their cards read all of them).
    public static let cardContactLimit = 500

    /// The account queue at `now` under the active model: every lead read once in table order, each added to its
    /// account's tally (``AccountTally``), then the tallies scored, filtered and sorted.
    public static func queue(_ store: any LeadStore, filter: AccountFilter, now: Timestamp, pageSize: Int = 5000) async throws -> AccountQueue {
        let (model, engine) = try await activeEngine(store)
        let rules = model.model.accounts ?? .standard
        let phrases = AccountTally.phrases(rules)
        var tallies: [Int64: AccountTally] = [:]
        var after: Int64 = 0
        while true {
            let page = try await store.accountContactPage(afterLeadID: after, limit: pageSize)
            for (account, domain, name, contact) in page.contacts {
                tallies[account, default: AccountTally(domain: domain, name: name, rules: rules, phrases: phrases,
                                                    roleContactsKept: roleHoldersListed)].add(contact)
            }
            guard let next = page.nextAfter else { break }
            after = next
        }
        let order = QueueOrder(model: model.model, now: now)
        var kept: [AccountScore] = []
        var matched = 0
        for tally in tallies.values {
            let score = tally.score(model: model.model, order: order, fitPoints: engine.fitPoints(of:))
            if let grade = filter.grade, score.grade != grade { continue }
            if let temperature = filter.temperature, score.temperature != temperature { continue }
            matched += 1
            kept.append(score)
        }
        kept.sort(by: AccountScore.precedes)
        return AccountQueue(accounts: Array(kept.prefix(max(0, filter.limit))), matched: matched, total: tallies.count,
                            modelVersion: model.version, modelName: model.model.name)
    }

    /// How many holders of each role the account queue names (the card names all).
    public static let roleHoldersListed = 3

    /// The account of `domain` scored at `now`, for a lead card (nil when there is no such account).
    public static func score(_ store: any LeadStore, domain: String, now: Timestamp) async throws -> AccountScore? {
        guard let account = try await store.accountContacts(domain: domain.lowercased()) else { return nil }
        let (model, engine) = try await activeEngine(store)
        return AccountScore.score(account, model: model.model, order: QueueOrder(model: model.model, now: now), fitPoints: engine.fitPoints(of:))
    }

    /// The card of the account of `domain` (any case) at `now`.
    public static func card(_ store: any LeadStore, domain: String, now: Timestamp) async throws -> AccountCardView {
        let domain = domain.trimmingSpaces.lowercased()
        guard let account = try await store.accountContacts(domain: domain) else { throw AccountProblem.unknownAccount(domain) }
        let (model, engine) = try await activeEngine(store)
        let order = QueueOrder(model: model.model, now: now)
        let score = AccountScore.score(account, model: model.model, order: order, fitPoints: engine.fitPoints(of:))
        let rules = model.model.accounts ?? .standard
        let phrases = AccountTally.phrases(rules)
        let thresholds = model.model.engagement.main.temperature
        var contacts: [AccountCardView.Contact] = []
        for c in account.contacts {
            let engagement = order.engagement(amplitude: c.amplitude)
            let title = c.fields[rules.titleField]
            let roles = title.map { AccountTally.roles(ofTitle: $0, phrases: phrases).map { rules.roles[$0].id } } ?? []
            contacts.append(AccountCardView.Contact(
                email: c.email, name: c.name, title: title, grade: c.grade, fitPoints: c.fitPoints, stage: c.stage, engagement: engagement,
                temperature: thresholds.temperature(for: engagement), owner: c.owner, roles: roles, lastActivity: c.lastActivity))
        }
        contacts.sort { x, y in x.engagement != y.engagement ? x.engagement > y.engagement : x.email < y.email }
        var ledger: [AccountCardView.Line] = []
        for contact in contacts.prefix(ledgerContacts) {
            let key = LeadKey(normalizedEmail: contact.email)
            guard let record = try await store.lead(key) else { continue }
            let card = LeadCard.build(key: key, events: record.events, account: domain, engine: engine, asOf: now, zone: SystemZones.rules)
            ledger += card.ledger.map { AccountCardView.Line(contact: contact.email, line: $0) }
        }
        ledger.sort { x, y in
            x.line.entry.at != y.line.entry.at ? x.line.entry.at > y.line.entry.at : x.contact < y.contact
        }
        return AccountCardView(score: score, contacts: contacts, ledger: Array(ledger.prefix(shownLedgerLines)), asOf: now,
                               modelVersion: model.version, modelName: model.model.name)
    }

    static func activeEngine(_ store: any LeadStore) async throws -> (ModelVersion, Engine) {
        guard let active = try await store.activeModel() else { throw StoreError.noActiveModel }
        return try store.engines.cached(version: active.version) ?? store.engines.compile(active, lists: store.lists)
    }
}
