import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

extension QualifyAPI {
    func getFunnel(_ input: Operations.GetFunnel.Input) async throws -> Operations.GetFunnel.Output {
        let q = input.query
        try APIProblem.checkLength(q.from, "from", 10...40)
        try APIProblem.checkLength(q.to, "to", 10...40)
        try APIProblem.checkLength(q.by, "by", 1...100)
        let asked: FunnelRequest
        do { asked = try FunnelRequest(from: q.from, to: q.to, by: q.by, now: clock()) } catch {
            throw APIProblem.badRequest(error.description, field: error.field)
        }
        let report = try await store.funnel(asked.options, group: asked.group)
        return .ok(.init(body: .json(Self.funnel(report))))
    }

    static func funnel(_ r: FunnelReport) -> Components.Schemas.Funnel {
        func share(_ p: Proportion) -> Components.Schemas.Share {
            .init(successes: p.successes, trials: p.trials, rate: p.rate?.rounded(places: 4), low: p.low?.rounded(places: 4),
                  high: p.high?.rounded(places: 4))
        }
        func horizons(_ shares: [Proportion?]) -> [Components.Schemas.HorizonShare] {
            zip(r.horizons, shares).map { .init(days: $0, share: $1.map(share)) }
        }
        return .init(
            from: r.from?.date, to: r.to.date, arrivals: r.arrivals,
            stages: r.stages.map { s in
                .init(stage: .init(rawValue: s.stage.rawValue)!, entered: s.entered, wentFurther: share(s.advanced),
                      finishedStays: s.finishedStays, medianDays: s.medianDays?.rounded(places: 2), p90Days: s.p90Days?.rounded(places: 2),
                      stillThere: s.stillThere, stalled: s.stalled)
            },
            exits: r.exits.map { .init(to: .init(rawValue: $0.to.rawValue)!, action: $0.action, code: $0.code, count: $0.count) },
            horizons: r.horizons,
            cohorts: r.cohorts.map { c in
                .init(month: c.month, arrivals: c.arrivals, reachedSql: horizons(c.reachedSQL), reachedCustomer: horizons(c.reachedCustomer))
            },
            groupedBy: r.groupedBy,
            groups: r.groups.map { g in
                .init(value: g.value, arrivals: g.arrivals,
                      reached: g.reached.map { .init(stage: .init(rawValue: $0.stage.rawValue)!, share: share($0.share)) })
            })
    }
}
