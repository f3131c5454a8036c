import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log a salesperson's call, email, meeting or note on a lead.",
        discussion: """
            The activity is an event in the lead's log (type sales.call, sales.email, sales.meeting or sales.note, with \
            the outcome, the note and who): scored if the model has engagement rules for that type, and shown on the \
            card's timeline. Outcomes: call — connected, voicemail, no_answer, busy, wrong_number; email — sent, replied, \
            bounced; meeting — held, no_show, rescheduled, cancelled; a note has none. Give --id to make a retry safe.
            """)
    @Argument(help: "The lead's email.") var email: String
    @Argument(help: "call, email, meeting or note.") var kind: SalesActivity
    @Option(help: "What came of it (see above; not for a note).") var outcome: String?
    @Option(help: "Free text (required for a note).") var note: String?
    @Option(help: "Who did it (default: $USER).") var by: String?
    @Option(help: ArgumentHelp("When it happened (ISO-8601; default: now).", valueName: "time")) var at: String?
    @Option(help: "An id for the activity, so sending it twice logs it once (default: a new one).") var id: String?
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let key = try leadKey(email)
        let now = Timestamp.now()
        let when = try actionTime(at, now: now), who = actor(by)
        let store = try await db.open(now: now)
        do {
            let new = try await store.logActivity(kind, on: key, outcome: outcome, note: note, by: who,
                                                  id: EventID(id ?? "sales:\(UUID().uuidString.lowercased())"), at: when, now: now)
            print(new ? "\(key.email): \(kind.rawValue) logged (\(outcome ?? "note"), by \(who), \(when.iso8601))"
                      : "\(key.email): activity '\(id ?? "")' was already logged; nothing changed")
        } catch let problem as HandoffProblem {
            throw Failure(problem.description)
        }
    }
}

struct AssignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Give a lead to another person of the model's team, with a reason.",
        discussion: """
            Recorded like routing's decision — an assignment event in the lead's log, with who reassigned it and why — \
            and announced as a lead.assigned webhook. The person is an id from the model's team: section.
            """)
    @Argument(help: "The lead's email.") var email: String
    @Argument(help: "The person's id in the model's team.") var person: String
    @Option(help: "Why (required).") var reason: String
    @Option(help: "Who is reassigning the lead (default: $USER).") var by: String?
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let key = try leadKey(email)
        let now = Timestamp.now()
        let who = actor(by)
        let store = try await db.open(now: now)
        do {
            let text = try await store.assign(key, to: person, reason: reason, by: who,
                                              id: EventID("$assign:\(UUID().uuidString.lowercased())"), at: now)
            print("\(key.email): \(text) (by \(who))")
        } catch let problem as HandoffProblem {
            throw Failure(problem.description)
        }
    }
}

extension SalesActivity: ExpressibleByArgument {}

/// The lead an email names, or a usage error naming the address.
func leadKey(_ email: String) throws -> LeadKey {
    switch EmailAddress.identity(email) {
    case .success(let k): return k
    case .failure(let p): throw ValidationError("'\(email)' is not an email address: \(p)")
    }
}
