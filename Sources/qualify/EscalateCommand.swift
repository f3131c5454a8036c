import ArgumentParser
import QualifyApp
import QualifyCore
import QualifyUseCases

struct EscalateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalate",
        abstract: "Fire the SLA escalation steps due now, and announce the follow-up steps newly due (qualify serve does both every 15 seconds).",
        discussion: """
            For cron-style use without a server. Each step (the model's sla: escalate: remind, tell_manager, reassign) \
            fires once per assignment, however often this runs or however many servers run beside it; each is an \
            event on the lead and a lead.sla_breached webhook. Likewise each follow-up step of the model's follow_up: \
            that fell due is announced once: a nurture.due event on the lead and a followup.due webhook.
            """)
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let now = Timestamp.now()
        let store = try await db.open(now: now)
        let (fired, failed) = try await store.escalate(now: now, limit: 10_000)
        for (lead, error) in failed { printError("qualify: \(lead): escalation failed: \(error)") }
        for step in fired {
            print("\(step.lead): step \(step.step + 1) \(step.action.rawValue) (owner \(step.owner)\(step.notify.map { ", to \($0)" } ?? ""))")
        }
        print(fired.isEmpty ? "no escalation due" : "\(fired.count) escalation step\(fired.count == 1 ? "" : "s") fired")
        let due = try await store.announceFollowUps(now: now, verifier: try await db.cards(now: now).verifier, limit: 10_000)
        for (lead, error) in due.failed { printError("qualify: \(lead): announcing its follow-up failed: \(error)") }
        print(due.announced.isEmpty ? "no follow-up newly due" : "\(due.announced.count) follow-up step\(due.announced.count == 1 ? "" : "s") announced (followup.due)")
    }
}
