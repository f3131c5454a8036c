import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

extension QualifyAPI {
    func listAccounts(_ input: Operations.ListAccounts.Input) async throws -> Operations.ListAccounts.Output {
        let q = input.query
        let limit = q.limit ?? 50
        guard (1...AccountFilter.maximumLimit).contains(limit) else {
            throw APIProblem.badRequest("limit must be from 1 to \(AccountFilter.maximumLimit), not \(limit)", field: "limit")
        }
        try APIProblem.checkLength(q.grade, "grade", 1...1)
        try APIProblem.checkLength(q.temperature, "temperature", 1...10)
        let grade = try q.grade.map { text in
            try Grade(text: text) ?? { throw APIProblem.badRequest("grade '\(text.prefix(20))' is not A, B, C or D", field: "grade") }()
        }
        let temperature = try q.temperature.map { text in
            try Temperature(text: text)
                ?? { throw APIProblem.badRequest("temperature '\(text.prefix(20))' is not hot, warm or cold", field: "temperature") }()
        }
        let queue = try await AccountCards.queue(store, filter: AccountFilter(grade: grade, temperature: temperature, limit: limit), now: clock())
        return .ok(.init(body: .json(.init(accounts: queue.accounts.map(Self.account), matched: queue.matched, total: queue.total,
                                           modelVersion: queue.modelVersion))))
    }

    func getAccount(_ input: Operations.GetAccount.Input) async throws -> Operations.GetAccount.Output {
        let domain = input.path.domain
        try APIProblem.checkLength(domain, "domain", 1...253)
        let view: AccountCardView
        do { view = try await AccountCards.card(store, domain: domain, now: clock()) } catch let problem as AccountProblem {
            throw APIProblem.notFound(problem.description)
        }
        return .ok(.init(body: .json(Self.accountCard(view))))
    }

    static func accountCard(_ view: AccountCardView) -> Components.Schemas.AccountCard {
        .init(account: account(view.score), asOf: view.asOf.date, modelVersion: view.modelVersion,
              contacts: view.contacts.map { c in
                  .init(email: c.email, name: c.name, title: c.title, grade: .init(c.grade), fitPoints: c.fitPoints, stage: .init(c.stage),
                        engagement: c.engagement.rounded(places: 4), temperature: .init(c.temperature), owner: c.owner, roles: c.roles,
                        lastActivity: c.lastActivity?.date)
              },
              ledger: view.ledger.map { .init(contact: $0.contact, line: ledgerLine($0.line)) })
    }

    static func account(_ a: AccountScore) -> Components.Schemas.Account {
        .init(domain: a.domain, name: a.name, contacts: a.contacts, engagement: a.engagement.rounded(places: 4),
              engagementRule: a.engagementRule, engagedContacts: a.engagedContacts, temperature: .init(a.temperature),
              fitPoints: a.fitPoints, grade: .init(a.grade), fitSource: a.fitSource, fitRules: a.fitRules,
              roles: a.roles.map { .init(role: $0.role, count: $0.count, contacts: $0.contacts) }, missingRoles: a.missingRoles, stage: .init(a.stage),
              owners: a.owners, lastActivity: a.lastActivity?.date)
    }
}
