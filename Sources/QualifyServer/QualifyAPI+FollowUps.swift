import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

extension QualifyAPI {
    var followUps: FollowUps { FollowUps(store: store, verifier: cards.verifier) }

    func listFollowUps(_ input: Operations.ListFollowUps.Input) async throws -> Operations.ListFollowUps.Output {
        let q = input.query
        let limit = q.limit ?? 100
        guard (1...1000).contains(limit) else { throw APIProblem.badRequest("limit must be from 1 to 1000, not \(limit)", field: "limit") }
        try APIProblem.checkLength(q.owner, "owner", 1...200)
        let window = q.due.flatMap { FollowUpWindow(rawValue: $0.rawValue) } ?? .today
        let owner = q.owner?.trimmingCharacters(in: .whitespaces)
        if let owner, owner.isEmpty { throw APIProblem.badRequest("owner needs a name", field: "owner") }
        let items = try await followUps.due(window, owner: owner, now: clock(), limit: limit)
        return .ok(.init(body: .json(.init(followups: items.map(Self.followUp)))))
    }

    func listHeldLeads(_ input: Operations.ListHeldLeads.Input) async throws -> Operations.ListHeldLeads.Output {
        let limit = input.query.limit ?? 100
        guard (1...1000).contains(limit) else { throw APIProblem.badRequest("limit must be from 1 to 1000, not \(limit)", field: "limit") }
        let held = try await followUps.held(limit: limit, now: clock())
        return .ok(.init(body: .json(.init(held: held.map { .init(email: $0.email, name: $0.name, stage: .init($0.stage), owner: $0.owner, reason: $0.reason) }))))
    }

    func followUpDone(_ input: Operations.FollowUpDone.Input) async throws -> Operations.FollowUpDone.Output {
        let key = try Self.key(input.path.email)
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        try APIProblem.checkLength(body.offer, "offer", 1...64)
        try APIProblem.checkLength(body.reason, "reason", 1...2_000)
        try APIProblem.checkLength(body.id, "id", 1...200)
        let at = body.at.map(Timestamp.init(date:)) ?? clock()
        do {
            let item = try await followUps.done(key, outcome: body.outcome.rawValue, offer: body.offer, reason: body.reason, by: Caller.recordedAs,
                                                id: EventID(body.id ?? "followup:" + UUID().uuidString.lowercased()), at: at)
            return .ok(.init(body: .json(Self.followUp(item))))
        } catch let problem as FollowUpProblem {
            switch problem {
            case .nothingDue: throw APIProblem.conflict(problem.description, field: problem.field)
            case .rejected: throw APIProblem.unprocessable(problem.description, field: problem.field)
            case .unknownOutcome, .skipWithoutReason, .nobody, .unknownOffer: throw APIProblem.unprocessable(problem.description, field: problem.field)
            }
        } catch let problem as LeadCards.Problem {
            throw APIProblem.notFound(problem.description)
        }
    }

    static func followUp(_ i: FollowUpItem) -> Components.Schemas.FollowUp {
        .init(email: i.email, name: i.name, company: i.company, owner: i.owner, stage: .init(i.stage), grade: .init(i.grade), step: i.step,
              steps: i.steps, channel: .init(rawValue: i.channel.rawValue)!, offer: i.offer.map { .init(id: $0.id, title: $0.title, kind: $0.kind) },
              offerReason: i.offerReason, dueAt: i.dueAt.date, overdue: i.overdue, why: i.why)
    }
}
