import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

extension QualifyAPI {
    func logActivity(_ input: Operations.LogActivity.Input) async throws -> Operations.LogActivity.Output {
        let key = try Self.key(input.path.email)
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        try APIProblem.checkLength(body.outcome, "outcome", 0...64)
        try APIProblem.checkLength(body.note, "note", 0...4_096)
        try APIProblem.checkLength(body.id, "id", 1...200)
        let kind = SalesActivity(rawValue: body._type.rawValue)!
        let now = clock()
        let id = body.id ?? "sales:" + UUID().uuidString.lowercased()
        let by = Caller.recordedAs
        do {
            let logged = try await store.logActivity(kind, on: key, outcome: body.outcome, note: body.note, by: by, id: EventID(id),
                                                     at: body.at.map(Timestamp.init(date:)) ?? now, now: now)
            return .ok(.init(body: .json(.init(email: key.email, _type: kind.eventType, id: id, logged: logged))))
        } catch let problem as HandoffProblem {
            throw Self.problem(problem)
        }
    }

    func assignLead(_ input: Operations.AssignLead.Input) async throws -> Operations.AssignLead.Output {
        let key = try Self.key(input.path.email)
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        try APIProblem.checkLength(body.owner, "owner", 1...64)
        try APIProblem.checkLength(body.reason, "reason", 1...2_000)
        let by = Caller.recordedAs
        do {
            let text = try await store.assign(key, to: body.owner, reason: body.reason, by: by,
                                              id: EventID("$assign:" + UUID().uuidString.lowercased()), at: clock())
            return .ok(.init(body: .json(.init(email: key.email, owner: body.owner, reason: text))))
        } catch let problem as HandoffProblem {
            throw Self.problem(problem)
        }
    }

    static func problem(_ problem: HandoffProblem) -> APIProblem {
        switch problem {
        case .unknownLead: return .notFound(problem.description)
        case .alreadyOwner, .duplicateID: return .conflict(problem.description, field: problem.field)
        case .activity, .unknownPerson, .noTeam, .emptyReason, .event: return .unprocessable(problem.description, field: problem.field)
        }
    }
}
