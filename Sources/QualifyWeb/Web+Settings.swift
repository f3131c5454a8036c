import Foundation
import Hummingbird
import QualifyCore
import QualifyServer
import QualifyStore
import QualifyUseCases

extension Web {
    func settingsPage(_ viewer: Viewer, flash: String? = nil, error: String? = nil, secret: String? = nil,
                      password: (email: String, value: String)? = nil, status: HTTPResponse.Status = .ok) async throws -> PageResult {
        var c = layout(viewer, title: "Settings", nav: "settings")
        c["flash"] = flash
        c["error"] = error
        c["secret"] = secret
        if let password { c["password"] = ["email": password.email, "value": password.value] }
        c["minPassword"] = People.minimumPasswordLength
        c["users"] = try await store.users().map { u -> [String: Any] in
            ["email": u.email, "emailPath": Forms.percentEncoded(u.email), "name": u.name, "role": u.role.rawValue,
             "state": u.disabled ? "disabled" : "active", "disabled": u.disabled, "csrf": viewer.session.csrfToken]
        }
        c["keys"] = try await store.apiKeys().reversed().map { k -> [String: Any] in
            ["id": k.id, "name": k.name, "role": k.role.rawValue, "created": Display.time(k.createdAt),
             "state": k.revokedAt.map { "revoked " + Display.time($0) } ?? "active", "revoked": k.revokedAt != nil, "csrf": viewer.session.csrfToken]
        }
        c["webhooks"] = try await store.subscriptions().map { s -> [String: Any] in
            ["id": s.id, "url": s.url, "events": s.events.map(\.rawValue).joined(separator: ", "),
             "state": !s.enabled ? "disabled" : s.failing ? "failing" : "enabled"]
        }
        let counts = try await store.deliveryCounts()
        c["deliveries"] = counts.isEmpty ? "none yet" : counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
        return .html(render("settings", c), status: status)
    }

    func addUser(_ fields: [String: String], _ viewer: Viewer) async throws -> PageResult {
        let given = fields["password"] ?? ""
        let password = given.isEmpty ? People.generatedPassword() : given
        do {
            let role = try People.role(fields["role"] ?? "")
            let user = try await people.add(email: fields["email"] ?? "", name: fields["name"], role: role, password: password, at: clock())
            return try await settingsPage(viewer, flash: "Added \(user.email) as \(user.role.rawValue).",
                                          password: given.isEmpty ? (user.email, password) : nil)
        } catch let problem as People.Problem {
            return try await settingsPage(viewer, error: "\(problem.field): \(problem)", status: .unprocessableContent)
        }
    }

    func changeUser(_ rawEmail: String, _ fields: [String: String], _ viewer: Viewer) async throws -> PageResult {
        let email = rawEmail.removingPercentEncoding ?? rawEmail
        do {
            switch fields["do"] ?? "" {
            case "disable":
                _ = try await people.change(email: email, disabled: true, at: clock())
                return try await settingsPage(viewer, flash: "\(email) is disabled and signed out.")
            case "enable":
                _ = try await people.change(email: email, disabled: false, at: clock())
                return try await settingsPage(viewer, flash: "\(email) may sign in again.")
            case "reset-password":
                let password = People.generatedPassword()
                try await people.setPassword(email: email, to: password, at: clock())
                return try await settingsPage(viewer, flash: "\(email) has a new password and was signed out.", password: (email, password))
            default:
                throw WebProblem.badRequest("Choose disable, enable or reset password.")
            }
        } catch let problem as People.Problem {
            return try await settingsPage(viewer, error: "\(problem)", status: .unprocessableContent)
        }
    }

    func createKey(_ fields: [String: String], _ viewer: Viewer) async throws -> PageResult {
        let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { return try await settingsPage(viewer, error: "name: give the key a name (up to 100 characters)", status: .unprocessableContent) }
        guard let role = Role(rawValue: fields["role"] ?? "") else {
            return try await settingsPage(viewer, error: "role: choose ingest, sales, marketing or admin", status: .unprocessableContent)
        }
        let made = APIKeys.make(name: name, role: role, at: clock())
        try await store.createAPIKey(made.record, secretHash: made.hash)
        return try await settingsPage(viewer, flash: "Created key \(made.record.id) (\(role.rawValue)).", secret: made.secret)
    }

    func revokeKey(_ id: String, _ viewer: Viewer) async throws -> PageResult {
        guard try await store.revokeAPIKey(id: id, at: clock()) else { throw WebProblem.notFound("no API key '\(id.prefix(20))'") }
        return try await settingsPage(viewer, flash: "Key \(id) is revoked (servers stop taking it within seconds).")
    }
}
