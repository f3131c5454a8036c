import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyUseCases

extension FollowUpWindow: ExpressibleByArgument {}

struct FollowUpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followups",
        abstract: "The follow-ups due: each lead, the step of its stage's cadence, the offer to make and why now; or mark one done.",
        discussion: """
            The model's follow_up: section gives each stage a cadence — steps due a number of days after the lead \
            entered the stage, never within the quiet period of the last touch (a follow-up done, a salesperson's call, \
            email or meeting). A reply or a meeting stops the stage's cadence; a stage move starts the next stage's. \
            Unsubscribed leads, hard bounces and addresses the hygiene check calls invalid, disposable or a role account \
            never get one (--suppressed lists them with why). A step naming `offer: best` makes the next-best offer: \
            the highest-ranked offer of the lead's stage that fits it, that it has not taken and that was not offered \
            within the quiet period. Mark a step done with `qualify followups done EMAIL --outcome sent`.
            """,
        subcommands: [List.self, Done.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the follow-ups due (the default).")
        @Option(help: "today (due by the end of today, UTC, overdue ones included: the default), overdue, or all.")
        var due: FollowUpWindow = .today
        @Option(help: "Only leads of this salesperson (the lead's owner, in any case).") var owner: String?
        @Option(help: "At most this many.") var limit = 100
        @Option(help: "table, csv or json.") var format: OutputFormat = .table
        @Flag(help: "List the leads that get no follow-up, with why (unsubscribed, hard bounce, a rejected address).") var suppressed = false
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000, not \(limit)") }
            if let owner, owner.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--owner needs a name") }
        }

        func run() async throws {
            let now = Timestamp.now()
            let cards = try await db.cards(now: now)
            let followUps = FollowUps(store: cards.store, verifier: cards.verifier)
            if suppressed {
                let held = try await followUps.held(limit: limit, now: now)
                switch format {
                case .json: print(try prettyJSON(held.map { ["email": $0.email, "name": $0.name ?? "", "stage": $0.stage.rawValue, "owner": $0.owner ?? "", "reason": $0.reason] }))
                case .csv:
                    print("email,name,stage,owner,reason")
                    for h in held { print([h.email, h.name ?? "", h.stage.rawValue, h.owner ?? "", h.reason].map(csvField).joined(separator: ",")) }
                case .table:
                    if held.isEmpty { print("no lead is held back from follow-ups"); return }
                    print(table(header: ["EMAIL", "NAME", "STAGE", "OWNER", "WHY"], rows: held.map { [$0.email, $0.name ?? "", $0.stage.label, $0.owner ?? "", $0.reason] }))
                }
                return
            }
            let items = try await followUps.due(due, owner: owner?.trimmingCharacters(in: .whitespaces), now: now, limit: limit)
            switch format {
            case .json:
                print(try prettyJSON(items.map { i -> [String: String] in
                    ["email": i.email, "name": i.name ?? "", "company": i.company ?? "", "owner": i.owner ?? "", "stage": i.stage.rawValue,
                     "grade": i.grade.rawValue, "step": "\(i.step)", "steps": "\(i.steps)", "channel": i.channel.rawValue, "offer": i.offer?.id ?? "",
                     "offer_title": i.offer?.title ?? "", "offer_reason": i.offerReason ?? "", "due_at": i.dueAt.iso8601,
                     "overdue": i.overdue ? "true" : "false", "why": i.why]
                }))
            case .csv:
                print("email,name,company,owner,stage,grade,step,steps,channel,offer,offer_reason,due_at,overdue,why")
                for i in items {
                    print([i.email, i.name ?? "", i.company ?? "", i.owner ?? "", i.stage.rawValue, i.grade.rawValue, "\(i.step)", "\(i.steps)",
                           i.channel.rawValue, i.offer?.id ?? "", i.offerReason ?? "", i.dueAt.iso8601, i.overdue ? "true" : "false", i.why]
                        .map(csvField).joined(separator: ","))
                }
            case .table:
                if items.isEmpty { print("no follow-up is due (\(due.rawValue))"); return }
                print(table(header: ["DUE", "EMAIL", "NAME", "STAGE", "STEP", "CHANNEL", "OFFER", "OWNER", "WHY"], rows: items.map { i in
                    [(i.overdue ? "OVERDUE " : "") + i.dueAt.isoDate, i.email, i.name ?? "", i.stage.label, "\(i.step)/\(i.steps)", i.channel.rawValue,
                     i.offer?.title ?? "—", i.owner ?? "", i.why]
                }))
            }
        }
    }

    struct Done: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "done",
            abstract: "Mark a lead's due follow-up step done: sent, called, done (a task) or skipped with a reason.",
            discussion: """
                Recorded as an event in the lead's log (type nurture.follow_up, with the stage, the step, the outcome, \
                the offer made and who), so the cadence moves to its next step and the card's timeline keeps what happened. \
                The offer made is the step's (for `offer: best`, the next-best offer now) unless --offer names another.
                """)
        @Argument(help: "The lead's email.") var email: String
        @Option(help: "sent, called, done or skipped.") var outcome: String
        @Option(help: "The offer made, if not the step's (an id of the model's catalogue).") var offer: String?
        @Option(help: "Why (required to skip).") var reason: String?
        @Option(help: "Who did it (default: $USER).") var by: String?
        @Option(help: ArgumentHelp("When (ISO-8601; default: now).", valueName: "time")) var at: String?
        @Option(help: "An id for the step done, so sending it twice records it once (default: a new one).") var id: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let key = try leadKey(email)
            let now = Timestamp.now()
            let when = try actionTime(at, now: now), who = actor(by)
            let cards = try await db.cards(now: now)
            let followUps = FollowUps(store: cards.store, verifier: cards.verifier)
            do {
                let item = try await followUps.done(key, outcome: outcome, offer: offer, reason: reason, by: who,
                                                    id: EventID(id ?? "followup:\(UUID().uuidString.lowercased())"), at: when)
                print("\(key.email): \(item.stage.label) step \(item.step) of \(item.steps) \(outcome.lowercased())\(item.offer.map { " (\($0.title))" } ?? ""), by \(who)")
            } catch let problem as FollowUpProblem {
                throw Failure(["email", "event"].contains(problem.field) ? problem.description : "--\(problem.field): \(problem.description)")
            } catch let problem as LeadCards.Problem {
                throw Failure(problem.description)
            }
        }
    }
}
