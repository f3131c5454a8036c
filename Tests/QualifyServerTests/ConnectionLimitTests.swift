import Logging
@testable import QualifyServer
import QualifyStore
import Testing

@Suite struct ConnectionLimitTests {
    /// Past the limit the server stops accepting (new connections wait in the kernel's queue), and takes them again
    /// once one closes.
    @Test func acceptsUpToTheLimitThenWaitsForOneToClose() {
        var limit = ConnectionLimit(maximum: 3, logger: Logger(label: "test"))
        for _ in 0..<3 {
            #expect(limit.isAcceptingNewConnections())
            limit.connectionOpened()
        }
        #expect(!limit.isAcceptingNewConnections())
        limit.connectionClosed()
        #expect(limit.isAcceptingNewConnections())
    }

    /// The automatic limit leaves descriptors for the database and files, and is at least 64.
    @Test func theAutomaticLimitStaysBelowTheDescriptorLimit() {
        let descriptors = ConnectionLimit.raiseDescriptorLimit()
        let automatic = ConnectionLimit.automatic()
        #expect(automatic >= 64 && automatic <= 10_000)
        if descriptors > 1_024 { #expect(automatic <= descriptors - 512) }
    }

    /// The one taxonomy: a store's error by its kind, anything else ours and passing.
    @Test func failuresAreClassifiedOnce() {
        struct DiskFull: Error {}
        #expect(FailureKind.of(DiskFull()) == .unavailable)
        #expect(FailureKind.of(StoreError.unavailable("down")) == .unavailable)
        #expect(FailureKind.of(StoreError.noActiveModel) == .notReady)
        #expect(FailureKind.of(StoreError.corrupt("x")) == .internalFault)
        #expect(FailureKind.of(StoreError.duplicateKey("k")) == .conflict(field: nil))
        #expect(APIProblem.from(DiskFull()).status == .serviceUnavailable)
        #expect(APIProblem.from(StoreError.unavailable("the PostgreSQL database gave no connection")).detail?.contains("PostgreSQL") == false)
    }
}
