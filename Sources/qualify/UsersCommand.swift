import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, list, disable and enable the people who sign in to the web app, and reset their passwords.",
        discussion: """
            Roles: sales (the queue, lead cards, stage moves, checklists), marketing (also the model), admin (also \
            users, API keys and webhooks). Passwords are at least \(People.minimumPasswordLength) characters and kept as bcrypt \
            hashes; without --password-stdin one is made and printed once. Disabling a user or resetting their password \
            signs them out everywhere.

            Examples:
              qualify users add ana@example.com --role admin --name "Ana Diaz"
              printf '%s' "$PASSWORD" | \\
                qualify users add sam@example.com --role sales --password-stdin
              qualify users reset-password sam@example.com
            """,
        subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self])

    /// The password from stdin (its first line), or a new one to print.
    static func password(fromStdin: Bool) throws -> (String, generated: Bool) {
        guard fromStdin else { return (People.generatedPassword(), true) }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("--password-stdin: no password on standard input (pipe one in, e.g. printf '%s' \"$PASSWORD\" | qualify users …)")
        }
        return (line, false)
    }

    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let problem as People.Problem { throw Failure(problem.description) }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user (prints a new password once, unless --password-stdin).")
        @Argument(help: "Their email: what they sign in with.") var email: String
        @Option(help: "sales, marketing or admin.") var role: String
        @Option(help: "Their name as pages and histories show it (default: the email's local part).") var name: String?
        @Flag(help: "Read the password from standard input instead of making one.") var passwordStdin = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let role = try await UsersCommand.run { try People.role(self.role) }
            let (password, generated) = try UsersCommand.password(fromStdin: passwordStdin)
            let store = try await db.open(now: .now())
            let user = try await UsersCommand.run {
                try await People(store: store).add(email: email, name: name, role: role, password: password, at: .now())
            }
            printError("added \(user.email) (\(user.name)) as \(user.role.rawValue); they sign in at /app on `qualify serve`")
            if generated { print(password) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users (never a password).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let users = try await db.open(now: .now()).users()
            if users.isEmpty { print("no users; add one with: qualify users add EMAIL --role admin"); return }
            print("EMAIL                           ROLE        STATE      NAME")
            for u in users {
                print("\(u.email.padding(toLength: 32, withPad: " ", startingAt: 0))\(u.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))\((u.disabled ? "disabled" : "active").padding(toLength: 11, withPad: " ", startingAt: 0))\(u.name)")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a user signing in (and sign them out everywhere).")
        @Argument(help: "The user's email.") var email: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            _ = try await UsersCommand.run { try await People(store: store).change(email: email, disabled: true, at: .now()) }
            print("disabled \(email.lowercased())")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled user sign in again.")
        @Argument(help: "The user's email.") var email: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            _ = try await UsersCommand.run { try await People(store: store).change(email: email, disabled: false, at: .now()) }
            print("enabled \(email.lowercased())")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password",
                                                        abstract: "Give a user a new password (printed once, unless --password-stdin) and sign them out.")
        @Argument(help: "The user's email.") var email: String
        @Flag(help: "Read the new password from standard input instead of making one.") var passwordStdin = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let (password, generated) = try UsersCommand.password(fromStdin: passwordStdin)
            let store = try await db.open(now: .now())
            try await UsersCommand.run { try await People(store: store).setPassword(email: email, to: password, at: .now()) }
            printError("\(email.lowercased()) has a new password and is signed out everywhere")
            if generated { print(password) }
        }
    }
}
