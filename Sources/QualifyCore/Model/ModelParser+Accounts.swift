extension ModelParser {
    /// `accounts: { engagement: sum_top|sum|max, top: N, fit: best_contact|fields, temperature: { hot, warm },
    /// title_field: job_title, roles: { decision_maker: [ceo, …], … } }`; every key optional (``AccountRules/standard``).
    static func readAccounts(_ node: ModelNode, _ r: inout ModelReader) -> AccountRules? {
        guard let map = r.mapping(node, "accounts", allowed: ["engagement", "top", "fit", "temperature", "title_field", "roles"]) else { return nil }
        var rules = AccountRules.standard
        var ok = true
        var top: Int?
        if let t = map["top"] {
            if let n = r.int(t.value, "accounts.top") {
                if n < 1 { r.error(t.value, "accounts.top", "top is how many of the most engaged contacts count: at least 1, not \(n)"); ok = false } else { top = n }
            } else { ok = false }
        }
        if let e = map["engagement"], let text = r.string(e.value, "accounts.engagement") {
            switch text {
            case "sum_top": rules.engagement = .sumOfTop(top ?? 3)
            case "sum", "max":
                rules.engagement = text == "sum" ? .sum : .max
                if map["top"] != nil {
                    r.error(map["top"]?.value, "accounts.top", "top only applies to engagement: sum_top (this model sums with '\(text)'); remove it")
                    ok = false
                }
            default:
                let known = ["sum_top", "sum", "max"]
                r.error(e.value, "accounts.engagement", "unknown rule '\(text)'\(hint(text, known)); expected one of: \(known.joined(separator: ", "))")
                ok = false
            }
        } else if map["engagement"] != nil { ok = false } else if let top { rules.engagement = .sumOfTop(top) }
        if let f = map["fit"], let text = r.string(f.value, "accounts.fit") {
            if let fit = AccountRules.Fit(rawValue: text) { rules.fit = fit } else {
                let known = AccountRules.Fit.allCases.map(\.rawValue)
                r.error(f.value, "accounts.fit", "unknown fit '\(text)'\(hint(text, known)); expected one of: \(known.joined(separator: ", "))")
                ok = false
            }
        } else if map["fit"] != nil { ok = false }
        if let t = map["temperature"] {
            if let thresholds = readTemperature(t.value, "accounts.temperature", &r) { rules.temperature = thresholds } else { ok = false }
        }
        if let t = map["title_field"] {
            if let field = r.string(t.value, "accounts.title_field"), !field.trimmingSpaces.isEmpty { rules.titleField = field } else {
                r.error(t.value, "accounts.title_field", "name the lead field that holds the job title (e.g. job_title)")
                ok = false
            }
        }
        if let node = map["roles"]?.value {
            if case .mapping(let pairs, _) = node {
                var roles: [BuyingRole] = []
                if pairs.isEmpty { r.error(node, "accounts.roles", "list at least one role (decision_maker, champion, technical, finance …)"); ok = false }
                for pair in pairs {
                    let path = "accounts.roles.\(pair.key)"
                    guard let id = r.identifier(.scalar(pair.key, quoted: true, pair.keyMark), path),
                          let titles = r.strings(pair.value, path) else { ok = false; continue }
                    if titles.isEmpty { r.error(pair.value, path, "list the job-title words that mark a \(id) (e.g. [cfo, finance, procurement])"); ok = false; continue }
                    if let bad = titles.first(where: { BuyingRole.words($0).isEmpty }) {
                        r.error(pair.value, path, "'\(bad)' has no letter or digit: a role is recognised by words in the job title")
                        ok = false
                        continue
                    }
                    roles.append(BuyingRole(id: id, titles: titles))
                }
                rules.roles = roles
            } else {
                r.error(node, "accounts.roles", "expected a mapping of role → [job-title words], got \(node.kindName)")
                ok = false
            }
        }
        return ok ? rules : nil
    }
}
