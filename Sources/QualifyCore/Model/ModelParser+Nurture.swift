extension ModelParser {
    /// `offers:` — the catalogue as a list of `{ id, title, kind, stages, when, taken: { event, where }, rank }`, or the
    /// older mapping of stage → offer names. Returns the per-stage names and the catalogue (nil for the older form).
    static func readOffers(_ node: ModelNode, _ r: inout ModelReader) -> (byStage: [Stage: [String]], catalogue: [Offer]?)? {
        if case .mapping = node {
            var offers: [Stage: [String]] = [:]
            guard let map = r.mapping(node, "offers", allowed: Stage.allCases.map(\.rawValue)) else { return nil }
            for (key, pair) in map {
                if let stage = Stage(rawValue: key), let list = r.strings(pair.value, "offers.\(key)") { offers[stage] = list }
            }
            return (offers, nil)
        }
        guard let list = r.list(node, "offers") else { return nil }
        var catalogue: [Offer] = []
        var ok = true
        let keys = ["id", "title", "kind", "stages", "when", "taken", "rank"]
        for (i, item) in list.enumerated() {
            let path = "offers[\(i)]"
            guard let m = r.mapping(item, path, allowed: keys) else { ok = false; continue }
            let id = r.required(m, "id", path, in: item).flatMap { r.identifier($0, "\(path).id") }
            if let id, id == FollowUpStep.bestOffer {
                r.error(m["id"]?.value, "\(path).id", "'\(id)' is reserved (a follow-up step's `offer: best` means the next-best offer); name the offer otherwise")
                ok = false
            }
            if let id, catalogue.contains(where: { $0.id == id }) {
                r.error(m["id"]?.value, "\(path).id", "offer '\(id)' is in the catalogue twice")
                ok = false
            }
            let title = m["title"].map { r.string($0.value, "\(path).title") } ?? id.map(Offer.words)
            let kind = m["kind"].map { r.string($0.value, "\(path).kind") } ?? id
            var stages: [Stage]?
            if let node = r.required(m, "stages", path, in: item), let names = r.strings(node, "\(path).stages") {
                stages = []
                for name in names {
                    if let stage = Stage(text: name) { stages!.append(stage) } else {
                        let known = Stage.allCases.map(\.rawValue)
                        r.error(node, "\(path).stages", "'\(name)' is not a stage\(hint(name, known)); expected some of: \(known.joined(separator: ", "))")
                        stages = nil
                        break
                    }
                }
                if let s = stages, s.isEmpty {
                    r.error(node, "\(path).stages", "an offer no stage can get is never made: list the stages it fits (e.g. [iql, recycled])")
                    stages = nil
                }
            }
            var when: FieldCondition?? = .some(nil)
            if let w = m["when"] { when = readFieldCondition(w.value, "\(path).when", &r).map { .some($0) } ?? .none }
            var taken: Offer.Taken?? = .some(nil)
            if let t = m["taken"] {
                taken = .none
                if let tm = r.mapping(t.value, "\(path).taken", allowed: ["event", "where"]),
                   let event = r.required(tm, "event", "\(path).taken", in: t.value).flatMap({ readEventType($0, "\(path).taken.event", &r) }) {
                    let conditions = tm["where"].map { readWhere($0.value, "\(path).taken.where", &r) } ?? []
                    if let conditions { taken = .some(Offer.Taken(event: event, conditions: conditions)) }
                }
            }
            var rank: Int? = i + 1
            if let k = m["rank"] {
                rank = r.int(k.value, "\(path).rank")
                if let n = rank, n < 1 { r.error(k.value, "\(path).rank", "a rank is 1 (offered first) or more, not \(n)"); rank = nil }
            }
            if let id, let title, let kind, let stages, let when, let taken, let rank {
                catalogue.append(Offer(id: id, title: title, kind: kind, stages: stages, when: when, taken: taken, rank: rank))
            } else { ok = false }
        }
        guard ok else { return nil }
        var byStage: [Stage: [String]] = [:]
        for offer in catalogue.enumerated().sorted(by: { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }).map(\.element) {
            for stage in offer.stages { byStage[stage, default: []].append(offer.id) }
        }
        return (byStage, catalogue)
    }

    /// `follow_up: { quiet: 2d, stop_on: [email_reply, …], mql: [ { after: 2d, offer: free_trial }, { after: 5d, channel: call } ], … }`.
    static func readFollowUp(_ node: ModelNode, offers: [Offer], _ r: inout ModelReader) -> FollowUpSection? {
        let stageKeys = Stage.allCases.map(\.rawValue)
        guard let map = r.mapping(node, "follow_up", allowed: ["quiet", "stop_on"] + stageKeys) else { return nil }
        var ok = true
        var quiet = TimeSpan.days(2)
        if let q = map["quiet"] {
            if let span = r.span(q.value, "follow_up.quiet") { quiet = span } else { ok = false }
        }
        var stopOn = FollowUpSection.defaultStopOn
        if let s = map["stop_on"] {
            if let list = r.strings(s.value, "follow_up.stop_on") { stopOn = list } else { ok = false }
        }
        var cadences: [Stage: [FollowUpStep]] = [:]
        for key in stageKeys {
            guard let pair = map[key], let stage = Stage(rawValue: key) else { continue }
            let path = "follow_up.\(key)"
            if [.customer, .disqualified].contains(stage) {
                r.error(pair.value, path, "\(stage.label) leads are not followed up by a cadence (won or ruled out): remove it")
                ok = false
                continue
            }
            guard let list = r.list(pair.value, path) else { ok = false; continue }
            var steps: [FollowUpStep] = []
            for (i, item) in list.enumerated() {
                let p = "\(path)[\(i)]"
                guard let m = r.mapping(item, p, allowed: ["after", "channel", "offer"]) else { ok = false; continue }
                let after = r.required(m, "after", p, in: item).flatMap { r.span($0, "\(p).after") }
                var channel: FollowUpStep.Channel? = .email
                if let c = m["channel"], let text = r.string(c.value, "\(p).channel") {
                    channel = FollowUpStep.Channel(rawValue: text)
                    if channel == nil {
                        let known = FollowUpStep.Channel.allCases.map(\.rawValue)
                        r.error(c.value, "\(p).channel", "unknown channel '\(text)'\(hint(text, known)); expected one of: \(known.joined(separator: ", "))")
                    }
                } else if m["channel"] != nil { channel = nil }
                var offer: String?? = .some(nil)
                if let o = m["offer"], let text = r.string(o.value, "\(p).offer") {
                    if text == FollowUpStep.bestOffer || offers.contains(where: { $0.id == text }) { offer = .some(text) } else {
                        let known = offers.map(\.id)
                        r.error(o.value, "\(p).offer", "unknown offer '\(text)'\(hint(text, known + [FollowUpStep.bestOffer])); name an offer of the catalogue, or 'best' for the next-best offer")
                        offer = .none
                    }
                } else if m["offer"] != nil { offer = .none }
                if let after, let last = steps.last, after <= last.after {
                    r.error(m["after"]?.value, "\(p).after", "steps go in order of time from the stage's entry: \(after) is not after the previous step's \(last.after)")
                    ok = false
                }
                if let after, let channel, let offer { steps.append(FollowUpStep(after: after, channel: channel, offer: offer)) } else { ok = false }
            }
            if steps.isEmpty, list.isEmpty { r.error(pair.value, path, "list at least one step ({ after: 2d, offer: … })"); ok = false }
            cadences[stage] = steps
        }
        return ok ? FollowUpSection(quiet: quiet, cadences: cadences, stopOn: stopOn) : nil
    }
}
