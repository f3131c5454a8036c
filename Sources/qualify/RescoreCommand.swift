import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

struct RescoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescore",
        abstract: "Replay all history under a new model: with --dry-run print what would change; without, apply it as a new model version.")
    @Option(help: "The new model file (YAML).") var model: String
    @Flag(help: "Only report what would change; write nothing.") var dryRun = false
    @Option(help: "How many example leads to show.") var examples = 10
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await Self.rescore(file: model, dryRun: dryRun, examples: examples, db: db)
    }

    static func rescore(file: String, dryRun: Bool, examples: Int, db: DatabaseOptions) async throws {
        let (model, warnings) = try ModelLoader.load(file)
        for w in warnings { printError(w.description) }
        let source = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let now = Timestamp.now()
        let store = try await db.open(now: now)
        let started = Date()
        if dryRun {
            let report = try await store.dryRun(model, now: now, examples: examples)
            print("dry run of \(file) (nothing written):")
            print(report.summary)
        } else {
            let (version, report) = try await store.activate(model, source: source, at: now, by: "cli:" + (QualifyEnvironment.current.user ?? "unknown"))
            print("model '\(model.name)' activated as version \(version.version):")
            print(report.summary)
        }
        printError(String(format: "replayed in %.1f s", Date().timeIntervalSince(started)))
    }
}

struct StageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage",
        abstract: "Record a person's stage move: recycle, disqualify, accept (SQL → opportunity), reject (SQL → recycled), win (SQL or opportunity → customer) or lose (→ recycled), with a reason.",
        discussion: "Automatic moves only go forward; people can move leads back or out, and must say why. The move is an event in the lead's log, so replays keep it.")
    @Argument(help: "The lead's email.") var email: String
    @Argument(help: "recycle, disqualify, accept, reject, win or lose.") var action: StageAction
    @Option(help: "Why (required).") var reason: String
    @Option(help: "A reason code from the model's reasons: list for the action (required when the model lists some).") var code: String?
    @Option(help: "Who is moving the lead (default: $USER).") var by: String?
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let key = try leadKey(email)
        let now = Timestamp.now()
        let store = try await db.open(now: now)
        let who = actor(by)
        do {
            let change = try await store.moveStage(key, action: action, reason: reason, by: who,
                                                   id: EventID("$stage:\(UUID().uuidString.lowercased())"), at: now, code: code)
            print("\(key.email): \(change.from.label) → \(change.to.label) (\(change.reason), by \(who))")
        } catch let error as StoreError {
            throw Failure(error.description)
        }
    }
}

extension StageAction: ExpressibleByArgument {}

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Count what the database holds.")
    @OptionGroup var db: DatabaseOptions
    func run() async throws {
        let store = try await db.open(now: .now())
        let s = try await store.statistics()
        let own = s.ownEvents == 0 ? "" : " (\(s.ownEvents) recorded by qualify: assignments, escalations, follow-ups announced)"
        print("leads \(s.leads) · accounts \(s.accounts) · events \(s.events)\(own) · stage changes \(s.stageChanges) · model version \(s.modelVersion.map(String.init) ?? "none")")
    }
}
