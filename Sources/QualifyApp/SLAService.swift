import Logging
import QualifyCore
import QualifyStore
import QualifyUseCases
import ServiceLifecycle

/// Inside `qualify serve`: fires the SLA's escalation steps as they fall due (``LeadStore/escalate(now:limit:)``),
/// scanning every `interval`. Several servers on one database may all run it: each step's event id is unique, so a
/// step fires once.
struct SLAService: Service {
    let store: any LeadStore
    /// The installed hygiene lists' verifier: an address it rejects gets no follow-up, so none is announced.
    let verifier: EmailVerifier
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let pass = try await store.escalate(now: .now())
                for (lead, error) in pass.failed {
                    logger.error("SLA escalation of a lead failed; tried again next pass", metadata: ["lead": .string(lead), "error": .string(error)])
                }
                for step in pass.fired {
                    logger.info("SLA escalation", metadata: [
                        "lead": .string(step.lead), "owner": .string(step.owner), "step": .stringConvertible(step.step + 1),
                        "action": .string(step.action.rawValue),
                    ])
                }
            } catch {
                logger.error("SLA escalation pass failed; trying again", metadata: ["error": .string("\(type(of: error))")])
            }
            do {
                let pass = try await store.announceFollowUps(now: .now(), verifier: verifier)
                for (lead, error) in pass.failed {
                    logger.error("announcing a lead's follow-up failed; tried again next pass", metadata: ["lead": .string(lead), "error": .string(error)])
                }
                for step in pass.announced {
                    logger.info("follow-up due", metadata: ["lead": .string(step.lead), "stage": .string(step.stage.rawValue),
                                                            "step": .stringConvertible(step.step)])
                }
            } catch {
                logger.error("follow-up pass failed; trying again", metadata: ["error": .string("\(type(of: error))")])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
