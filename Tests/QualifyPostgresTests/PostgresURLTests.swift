@testable import QualifyPostgres
import Testing

@Suite struct PostgresURLTests {
    @Test func aFullURLGivesEveryPart() throws {
        let url = try PostgresURL("postgres://qualify:s%40cret@db.internal:6543/leads?sslmode=require")
        #expect(url.user == "qualify" && url.password == "s@cret" && url.host == "db.internal" && url.port == 6543)
        #expect(url.database == "leads" && url.tls == .require)
    }

    @Test func thePortDefaultsTo5432AndTLSToPrefer() throws {
        let url = try PostgresURL("postgresql://postgres@127.0.0.1/qualify")
        #expect(url.port == 5432 && url.tls == .prefer && url.password == nil && url.connectTimeout == 5)
        #expect(try PostgresURL("postgres://u@h/db?sslmode=disable&connect_timeout=2").connectTimeout == 2)
    }

    @Test(arguments: [
        ("mysql://u@h/db", "scheme 'mysql'"),
        ("postgres://u@h", "database name"),
        ("postgres://u@h/a/b", "database name 'a/b'"),
        ("postgres:///db", "no host"),
        ("postgres://h/db", "no user"),
        ("postgres://u@h:99999/db", "port 99999"),
        ("postgres://u@h/db?sslmode=maybe", "sslmode 'maybe'"),
        ("postgres://u@h/db?connect_timeout=0", "connect_timeout '0'"),
        ("postgres://u@h/db?connect_timeout=soon", "connect_timeout 'soon'"),
        ("postgres://u@h/db?pool=3", "parameter 'pool'"),
        ("postgres://u:pw@h:port/db", "is not a URL"),
    ])
    func aBadURLIsRefusedNamingTheBadPart(_ url: String, _ named: String) {
        #expect {
            try PostgresURL(url)
        } throws: { error in
            "\(error)".contains(named)
        }
    }

    @Test func aPasswordNeverAppearsInAMessage() {
        #expect(PostgresURL.redacted("postgres://u:hunter2@h:port/db") == "postgres://u:***@h:port/db")
        #expect(throws: PostgresURLError.self) { try PostgresURL("postgres://u:hunter2@h:port/db") }
        let message = (try? PostgresURL("postgres://u:hunter2@h:port/db")).map { _ in "" } ?? {
            do { _ = try PostgresURL("postgres://u:hunter2@h:port/db"); return "" } catch { return "\(error)" }
        }()
        #expect(!message.contains("hunter2"), "\(message)")
    }
}

@Suite struct PostgresConnectTests {
    @Test(.timeLimit(.minutes(1)))
    func connectingToNoServerFailsNamingWhere() async throws {
        do {
            let store = try await PostgresLeadStore.connect(url: "postgres://nobody:pw@127.0.0.1:1/nothing?sslmode=disable")
            await store.close()
            Issue.record("connected to a closed port")
        } catch {
            let message = "\(error)"
            #expect(message.contains("'nothing' at 127.0.0.1:1 as 'nobody'"), "\(message)")
            #expect(!message.contains("pw"), "\(message)")
        }
    }
}

extension PostgresConnectTests {
    @Test(.enabled(if: postgresTestURL != nil, "QUALIFY_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"))
    func aMissingDatabaseIsNamedWithTheServersReason() async throws {
        let url = try PostgresAdmin.url(postgresTestURL!, database: "qt_does_not_exist")
        do {
            let store = try await PostgresLeadStore.connect(url: url)
            await store.close()
            Issue.record("connected to a database that does not exist")
        } catch {
            #expect("\(error)".contains("'qt_does_not_exist'") && "\(error)".contains("does not exist"), "\(error)")
        }
    }
}
