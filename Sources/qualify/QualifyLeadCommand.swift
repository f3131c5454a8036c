import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

struct QualifyLeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qualify",
        abstract: "Record a lead's answers to the model's qualification checklist; print its priority grade.",
        discussion: """
            Answers are yes, partly, no or unknown, one per requirement of the active model's 'checklist:' section \
            (see `qualify model show-default`). With --answer ID=VALUE (repeatable) the answers are recorded as given \
            (for scripts); without it, on a terminal, each question is asked in turn (Enter keeps the current answer). \
            Answers are stored as fields (checklist_ID) of the lead, so the event log keeps who answered and when and \
            `qualify lead EMAIL --as-of DATE` shows the answers of that date. The priority grade (P1–P4) is the \
            weighted share of the checklist met; unanswered requirements count as not met.
            """)

    @Argument(help: "The lead's email.") var email: String
    @Option(name: .customLong("answer"), help: ArgumentHelp("A requirement's answer, e.g. budget=yes (repeatable).", valueName: "id=value"))
    var answers: [String] = []
    @Option(help: "Who answered (default: the login name).") var by: String?
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let now = Timestamp.now()
        let key: LeadKey
        switch EmailAddress.identity(email) {
        case .success(let k): key = k
        case .failure(let p): throw ValidationError("'\(email)' is not an email address: \(p)")
        }
        let store = try await db.open(now: now)
        guard let model = try await store.activeModel() else { throw Failure("no model is active") }
        guard let checklist = model.model.checklist else { throw Failure(ChecklistProblem.noChecklist.description) }
        guard let record = try await store.lead(key) else { throw Failure("no lead with email '\(key.email)' (import it first)") }
        let who = by ?? QualifyEnvironment.current.user ?? "cli"

        var given: [(String, String)] = []
        for a in answers {
            let parts = a.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--answer '\(a)' is not ID=VALUE (e.g. budget=yes); requirements: \(checklist.requirements.map(\.id).joined(separator: ", "))")
            }
            given.append((parts[0], parts[1]))
        }
        if given.isEmpty {
            guard isatty(STDIN_FILENO) == 1 else {
                throw Failure("give answers with --answer ID=VALUE (requirements: \(checklist.requirements.map(\.id).joined(separator: ", "))), or run on a terminal to be asked")
            }
            let current = PriorityAssessment.assess(checklist, events: record.events, asOf: now)
            print("Qualifying \(key.email): answer yes, partly, no or unknown (Enter keeps the current answer)")
            for line in current.lines {
                while true {
                    print("\n[\(line.requirement), \(line.kind.rawValue), weight \(line.weight)] \(line.question)")
                    print("  now: \(line.answer?.rawValue ?? "not answered")> ", terminator: "")
                    fflush(nil)
                    guard let text = readLine() else { break }
                    if text.trimmingCharacters(in: .whitespaces).isEmpty { break }
                    if Answer(text: text) != nil { given.append((line.requirement, text)); break }
                    print("  '\(text)' is not an answer: type yes, partly, no or unknown")
                }
            }
            if given.isEmpty { print("nothing changed"); return }
        }
        let fields: [String: String]
        switch PriorityAssessment.fields(for: given, in: checklist) {
        case .success(let f): fields = f
        case .failure(let problem): throw Failure(problem.description)
        }
        _ = try await store.upsertLeads([LeadUpsert(key: key, fields: fields, origin: who)], source: "checklist", at: now)
        guard let updated = try await store.lead(key) else { throw Failure("the lead disappeared while answering") }
        let assessment = PriorityAssessment.assess(checklist, events: updated.events, asOf: now)
        print(ChecklistText.render(assessment))
    }
}

enum ChecklistText {
    static func render(_ a: PriorityAssessment) -> String {
        var out = ["priority    \(a.summary)"]
        for line in a.lines {
            let answer = line.answer?.rawValue ?? "—"
            let who = line.by.map { " (\($0), \(line.at?.isoDate ?? ""))" } ?? ""
            out.append("  \(answer.padding(toLength: 8, withPad: " ", startingAt: 0)) ×\(line.weight)  \(line.requirement): \(line.question)\(who)")
        }
        return out.joined(separator: "\n")
    }
}
