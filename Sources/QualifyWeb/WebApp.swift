import Foundation
import Hummingbird
import Logging
import Mustache
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

/// How the web app runs beside the API.
public struct WebSettings: Sendable {
    /// Mark the session cookie `Secure` (served over TLS, directly or behind a proxy).
    public var secureCookies: Bool
    /// The largest upload (ABC-XYZ transactions, a list to check), in bytes.
    public var maxUploadBytes: Int
    public init(secureCookies: Bool = false, maxUploadBytes: Int = 16 << 20) {
        self.secureCookies = secureCookies
        self.maxUploadBytes = maxUploadBytes
    }
}

/// The web app `qualify serve` serves at `/app` (and `/` leads there): server-rendered pages over the same use cases
/// as the API — the queue, the lead card, the model, insights, settings — for people signed in with their own
/// password. Every page checks its role (the API's: ``Role/permissions``), every form carries the session's CSRF
/// token, every value is escaped by the templates.
public enum QualifyWeb {
    public static func register(on router: Router<BasicRequestContext>, cards: LeadCards, settings: WebSettings = WebSettings(),
                                logger: Logger,
                                clock: @escaping @Sendable () -> Timestamp = { .now() }) throws {
        let web = try Web(cards: cards, people: People(store: cards.store), library: Templates.library(), settings: settings,
                          throttle: SignInThrottle(), downloads: Downloads(), logger: logger, clock: clock)
        web.routes(on: router)
    }
}

/// Who is looking at a page.
struct Viewer: Sendable {
    var user: UserRecord
    var session: WebSession
    /// How their actions are recorded (stage moves, answers, activations): "Name <email>".
    var recordedAs: String { "\(user.name) <\(user.email)>" }
}

/// A page's answer before it becomes a response.
enum PageResult: Sendable {
    case html(String, status: HTTPResponse.Status = .ok, cookies: [Cookie] = [])
    case redirect(String, cookies: [Cookie] = [])
    case file(String, name: String, contentType: String)
}

struct Web: Sendable {
    let cards: LeadCards
    var store: any QualifyStorage { cards.store }
    let people: People
    let library: MustacheLibrary
    let settings: WebSettings
    let throttle: SignInThrottle
    let downloads: Downloads
    let logger: Logger
    let clock: @Sendable () -> Timestamp

    static let sessionCookie = "qualify_session"
    /// Before sign-in: the sign-in form's CSRF token, checked against this cookie (double submit).
    static let preSessionCookie = "qualify_signin"

    init(cards: LeadCards, people: People, library: MustacheLibrary, settings: WebSettings, throttle: SignInThrottle,
         downloads: Downloads, logger: Logger, clock: @escaping @Sendable () -> Timestamp) {
        self.cards = cards
        self.people = people
        self.library = library
        self.settings = settings
        self.throttle = throttle
        self.downloads = downloads
        self.logger = logger
        self.clock = clock
    }

    func routes(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Response.redirect(to: "/app/queue", type: .normal) }
        router.get("/app") { _, _ in Response.redirect(to: "/app/queue", type: .normal) }
        router.get("/app/static/app.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/app/static/app.js") { _, _ in Self.asset(Assets.js, type: "text/javascript; charset=utf-8") }
        router.get("/app/sign-in") { request, _ in await respond { try await signInPage(request) } }
        router.post("/app/sign-in") { request, _ in await respond { try await signIn(request) } }
        router.post("/app/sign-out") { request, _ in await form(request, needs: nil) { viewer, _ in try await signOut(request, viewer) } }

        router.get("/app/queue") { request, _ in await page(request, needs: .readLeads) { viewer in try await queuePage(request, viewer) } }
        router.get("/app/leads/{email}") { request, context in
            await page(request, needs: .readLeads) { viewer in try await cardPage(request, context.parameters.get("email") ?? "", viewer) }
        }
        router.post("/app/leads/{email}/stage") { request, context in
            await form(request, needs: .moveStages) { viewer, fields in try await moveStage(context.parameters.get("email") ?? "", fields, viewer) }
        }
        router.post("/app/leads/{email}/answers") { request, context in
            await form(request, needs: .moveStages) { viewer, fields in try await answer(context.parameters.get("email") ?? "", fields, viewer) }
        }
        router.get("/app/model") { request, _ in await page(request, needs: .readModel) { viewer in try await modelPage(viewer) } }
        router.post("/app/model") { request, _ in await form(request, needs: .manageModel) { viewer, fields in try await modelAction(fields, viewer) } }
        router.get("/app/model/diff") { request, _ in await page(request, needs: .readModel) { viewer in try await diffPage(request, viewer) } }
        router.get("/app/followups") { request, _ in await page(request, needs: .readLeads) { viewer in try await followUpsPage(request, viewer) } }
        router.post("/app/leads/{email}/followups") { request, context in
            await form(request, needs: .moveStages) { viewer, fields in try await followUpDone(context.parameters.get("email") ?? "", fields, viewer) }
        }
        router.get("/app/accounts") { request, _ in await page(request, needs: .readLeads) { viewer in try await accountsPage(request, viewer) } }
        router.get("/app/accounts/{domain}") { request, context in
            await page(request, needs: .readLeads) { viewer in try await accountPage(context.parameters.get("domain") ?? "", viewer) }
        }
        router.get("/app/insights") { request, _ in await page(request, needs: .readLeads) { viewer in try await insightsPage(viewer) } }
        router.get("/app/insights/calibration") { request, _ in await page(request, needs: .readLeads) { viewer in try await calibrationPage(viewer) } }
        router.get("/app/insights/funnel") { request, _ in await page(request, needs: .readLeads) { viewer in try await funnelPage(request, viewer) } }
        router.get("/app/insights/abc-xyz") { request, _ in await page(request, needs: .readLeads) { viewer in try abcXyzPage(viewer, result: nil) } }
        router.post("/app/insights/abc-xyz") { request, _ in
            await upload(request, needs: .readLeads) { viewer, file in try await abcXyzUpload(file, viewer) }
        }
        router.get("/app/insights/hygiene") { request, _ in await page(request, needs: .verifyEmails) { viewer in try hygienePage(viewer, result: nil) } }
        router.post("/app/insights/hygiene") { request, _ in
            await upload(request, needs: .verifyEmails) { viewer, file in try await hygieneUpload(file, viewer) }
        }
        router.get("/app/downloads/{id}") { request, context in
            await page(request, needs: .readLeads) { viewer in try await download(context.parameters.get("id") ?? "", viewer) }
        }
        router.get("/app/settings") { request, _ in await page(request, needs: .manageUsers) { viewer in try await settingsPage(viewer) } }
        router.post("/app/settings/users") { request, _ in await form(request, needs: .manageUsers) { viewer, fields in try await addUser(fields, viewer) } }
        router.post("/app/settings/users/{email}") { request, context in
            await form(request, needs: .manageUsers) { viewer, fields in try await changeUser(context.parameters.get("email") ?? "", fields, viewer) }
        }
        router.post("/app/settings/keys") { request, _ in await form(request, needs: .manageUsers) { viewer, fields in try await createKey(fields, viewer) } }
        router.get("/app/**") { request, _ in
            await respond { throw WebProblem.notFound("There is no page \(String(request.uri.path.prefix(200))).") }
        }
        router.post("/app/settings/keys/{id}/revoke") { request, context in
            await form(request, needs: .manageUsers) { viewer, _ in try await revokeKey(context.parameters.get("id") ?? "", viewer) }
        }
    }

    // MARK: the gate

    /// A page for a signed-in user whose role holds `needs`: a sign-in redirect without a session, a 403 page
    /// without the role.
    func page(_ request: Request, needs: Permission?, _ body: (Viewer) async throws -> PageResult) async -> Response {
        await respond {
            guard let viewer = try await viewer(request) else { return signInRedirect(request) }
            if let needs, !viewer.user.role.allows(needs) { return forbidden(viewer, needs) }
            return try await body(viewer)
        }
    }

    /// A form post: as ``page(_:needs:_:)``, and the form's `csrf` field must be the session's token.
    func form(_ request: Request, needs: Permission?, _ body: (Viewer, [String: String]) async throws -> PageResult) async -> Response {
        await respond {
            guard let viewer = try await viewer(request) else { return signInRedirect(request) }
            var request = request
            let fields = try await Forms.urlEncoded(&request, limit: 1 << 20)
            guard let csrf = fields["csrf"], Forms.constantTimeEqual(csrf, viewer.session.csrfToken) else { return csrfRefused(viewer) }
            if let needs, !viewer.user.role.allows(needs) { return forbidden(viewer, needs) }
            return try await body(viewer, fields)
        }
    }

    /// A file upload (multipart): the gate of ``form(_:needs:_:)``, then the file's bytes.
    func upload(_ request: Request, needs: Permission, _ body: (Viewer, Forms.Upload) async throws -> PageResult) async -> Response {
        await respond {
            guard let viewer = try await viewer(request) else { return signInRedirect(request) }
            guard viewer.user.role.allows(needs) else { return forbidden(viewer, needs) }
            var request = request
            let upload = try await Forms.multipart(&request, limit: settings.maxUploadBytes)
            guard let csrf = upload.fields["csrf"], Forms.constantTimeEqual(csrf, viewer.session.csrfToken) else { return csrfRefused(viewer) }
            return try await body(viewer, upload)
        }
    }

    func viewer(_ request: Request) async throws -> Viewer? {
        guard let token = request.cookies[Self.sessionCookie]?.value else { return nil }
        return try await people.session(token: token, at: clock()).map { Viewer(user: $0.user, session: $0.session) }
    }

    func signInRedirect(_ request: Request) -> PageResult {
        let path = request.method == .get ? request.uri.description : "/app/queue"
        return .redirect("/app/sign-in?next=" + Forms.percentEncoded(path))
    }

    func forbidden(_ viewer: Viewer, _ needs: Permission) -> PageResult {
        problemPage(viewer, status: .forbidden, heading: "Not for your role",
                    detail: "A \(viewer.user.role.rawValue) user may not \(needs.rawValue); that needs the \(Role.holding(needs).filter { People.roles.contains($0) }.spokenList) role. Ask an admin.")
    }

    func csrfRefused(_ viewer: Viewer) -> PageResult {
        problemPage(viewer, status: .forbidden, heading: "The form was refused",
                    detail: "It did not carry this session's security token (it came from another site, or from a page older than your sign-in). Reload the page and send it again.")
    }

    func problemPage(_ viewer: Viewer?, status: HTTPResponse.Status, heading: String, detail: String) -> PageResult {
        var context = layout(viewer, title: heading)
        context["heading"] = heading
        context["detail"] = detail
        return .html(render("problem", context), status: status)
    }

    /// Runs a page; anything it throws becomes an error page (ours: 500 or 503 without internals, logged).
    func respond(_ body: () async throws -> PageResult) async -> Response {
        let result: PageResult
        do {
            result = try await body()
        } catch let problem as WebProblem {
            result = problemPage(nil, status: problem.status, heading: problem.heading, detail: problem.detail)
        } catch {
            // the one taxonomy (FailureKind): what a store says it is; anything else is ours and passing — the
            // database locked, full or unreachable — answered without internals, logged with the request's id
            let kind = FailureKind.of(error)
            switch kind {
            case .notFound: result = problemPage(nil, status: .notFound, heading: "Not found", detail: "\(error)")
            case .conflict, .unprocessable: result = problemPage(nil, status: .conflict, heading: "That did not work", detail: "\(error)")
            case .notReady: result = problemPage(nil, status: .serviceUnavailable, heading: "Not ready", detail: "\(error)")
            case .internalFault, .unavailable:
                logger.error("web page failed", metadata: RequestID.failureFields(error).mapValues { .string($0) })
                result = kind == .internalFault
                    ? problemPage(nil, status: .internalServerError, heading: "Something went wrong on our side",
                                  detail: "Stored data could not be read; the log has details (request \(RequestID.current ?? "-")). Tell your admin the time it happened.")
                    : problemPage(nil, status: .serviceUnavailable, heading: "Something went wrong on our side",
                                  detail: "The server could not finish this just now (request \(RequestID.current ?? "-") in the log). Try again in a moment.")
            }
        }
        return Self.response(result, secure: settings.secureCookies)
    }

    static func response(_ result: PageResult, secure: Bool) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store", .init("X-Frame-Options")!: "DENY", .init("X-Content-Type-Options")!: "nosniff",
                                   .init("Referrer-Policy")!: "same-origin",
                                   .contentSecurityPolicy: "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"]
        switch result {
        case .html(let text, let status, let cookies):
            headers[.contentType] = "text/html; charset=utf-8"
            if status == .serviceUnavailable { headers[.retryAfter] = "1" }
            var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
            for cookie in cookies { response.setCookie(cookie) }
            return response
        case .redirect(let location, let cookies):
            headers[.location] = location
            var response = Response(status: .seeOther, headers: headers)
            for cookie in cookies { response.setCookie(cookie) }
            return response
        case .file(let text, let name, let type):
            headers[.contentType] = type
            headers[.contentDisposition] = "attachment; filename=\"\(name)\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: rendering

    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }

    /// What every page's layout needs.
    func layout(_ viewer: Viewer?, title: String, nav: String? = nil) -> [String: Any] {
        var context: [String: Any] = ["title": title]
        if let viewer {
            context["user"] = [
                "name": viewer.user.name, "role": viewer.user.role.rawValue, "csrf": viewer.session.csrfToken,
                "canModel": viewer.user.role.allows(.readModel), "canSettings": viewer.user.role.allows(.manageUsers),
                "navQueue": nav == "queue", "navModel": nav == "model", "navInsights": nav == "insights", "navAccounts": nav == "accounts", "navFollowUps": nav == "followups", "navSettings": nav == "settings",
            ] as [String: Any]
            context["csrf"] = viewer.session.csrfToken
        }
        return context
    }
}

/// A request the web app refuses with a page (the user's fault: 4xx).
struct WebProblem: Error {
    var status: HTTPResponse.Status
    var heading: String
    var detail: String
    static func notFound(_ detail: String) -> WebProblem { WebProblem(status: .notFound, heading: "Not found", detail: detail) }
    static func badRequest(_ detail: String) -> WebProblem { WebProblem(status: .badRequest, heading: "That did not work", detail: detail) }
}

/// Sign-in attempts that failed, per email: after ``limit`` in ``window`` seconds, that email's sign-in is refused
/// until the window passes (whatever the password), so a password cannot be guessed at speed. Per process: several
/// instances each count their own.
actor SignInThrottle {
    let limit = 5
    let window: Double = 900
    private var attempts: [String: [Double]] = [:]

    /// Counts an attempt for `email` (its sign-in form: ``People/signInName(_:)``) before the password is checked,
    /// so parallel guesses count too; false once `limit` attempts fell within `window`.
    func attempt(_ email: String, now: Double) -> Bool {
        let recent = (attempts[email] ?? []).filter { now - $0 < window }
        guard recent.count < limit else {
            attempts[email] = recent
            return false
        }
        if attempts.count > 100_000 { forgetOld(now: now) }
        attempts[email] = recent + [now]
        return true
    }

    /// A right password clears the email's attempts.
    func succeeded(_ email: String) { attempts[email] = nil }

    /// Drops the emails whose attempts are all past the window; if that is not enough, the half tried longest ago.
    private func forgetOld(now: Double) {
        attempts = attempts.filter { $0.value.contains { now - $0 < window } }
        if attempts.count > 100_000 {
            let keep = attempts.sorted { ($0.value.last ?? 0) > ($1.value.last ?? 0) }.prefix(50_000)
            attempts = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}

/// Files made for a user to download (the checked list, the ABC-XYZ classes), kept in memory for 30 minutes, at most
/// ``budget`` bytes in all (the oldest go first).
actor Downloads {
    let budget = 256 << 20
    private var files: [String: (owner: String, name: String, text: String, until: Double)] = [:]

    func keep(_ text: String, name: String, owner: String, now: Double) -> String {
        files = files.filter { $0.value.until > now }
        var held = files.values.reduce(0) { $0 + $1.text.utf8.count } + text.utf8.count
        for (id, file) in files.sorted(by: { $0.value.until < $1.value.until }) where held > budget {
            held -= file.text.utf8.count
            files[id] = nil
        }
        let id = People.randomToken()
        files[id] = (owner, name, text, now + 1800)
        return id
    }

    func file(_ id: String, owner: String, now: Double) -> (name: String, text: String)? {
        guard let f = files[id], f.owner == owner, f.until > now else { return nil }
        return (f.name, f.text)
    }
}
