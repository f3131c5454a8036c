import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyModelFile

struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Check, show and activate qualification models.",
        subcommands: [Check.self, ShowDefault.self, Show.self, Activate.self, Versions.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a model file; report every error with file, line and key. Exit 1 on errors.",
            discussion: """
                With a database (--database, $QUALIFY_DATABASE, or ./qualify.sqlite when it exists), also warns about                 fields the fit and routing rules read that no lead has ever carried (a column imported under another                 name, or never imported): those rules never match. Reads every fields update: seconds at millions of leads.
                """)
        @Argument(help: "The model file (YAML).") var file: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let (model, warnings) = try ModelLoader.load(file)
            for w in warnings { printError(w.description) }
            // against the leads, where there are some (a check never creates a database)
            var exists = true
            if case .sqlite(let path) = DatabaseLocation(db.location) { exists = FileManager.default.fileExists(atPath: path) }
            var fieldWarnings: [String] = []
            if exists {
                do {
                    let store = try await db.open(now: .now())
                    fieldWarnings = model.fieldsNeverCarried(try await store.fieldNamesCarried())
                    for w in fieldWarnings { printError("\(file): warning: \(w)") }
                } catch {
                    printError("note: the rules' fields were not compared with the leads: \(error)")
                }
            }
            print("\(file): ok — model '\(model.name)': \(model.fit.rules.count) fit rules, \(model.engagement.rules.count) engagement rules in \(model.engagement.groups.count) score group(s), stages \(model.stages.map(\.stage.label).joined(separator: ", "))\(warnings.count + fieldWarnings.count == 0 ? "" : ", \(warnings.count + fieldWarnings.count) warning(s)")")
        }
    }

    struct ShowDefault: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show-default", abstract: "Print the built-in model (a starting point to copy and edit).")
        func run() async throws { print(DefaultModel.yaml) }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the active model's source.")
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            let store = try await db.open(now: .now())
            guard let mv = try await store.activeModel() else { throw Failure("no model is active") }
            print("# version \(mv.version), activated \(mv.activatedAt)")
            print(mv.source)
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record FILE as a new model version and rescore every lead under it (same as `qualify rescore --model FILE`).")
        @Argument(help: "The model file (YAML).") var file: String
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await RescoreCommand.rescore(file: file, dryRun: false, examples: 10, db: db)
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recorded model versions.")
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            let store = try await db.open(now: .now())
            for v in try await store.modelVersions() {
                print("\(v.version)\t\(v.activatedAt)\t\(v.model.name)")
            }
        }
    }
}

/// Reads and checks a model file for the commands.
enum ModelLoader {
    static func load(_ path: String) throws -> (QualificationModel, [ModelIssue]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure("\(path): no such file (or it cannot be read)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure("\(path): not UTF-8 text; save the model as UTF-8")
        }
        switch ModelFile.parse(yaml: text, file: path) {
        case .success(let result): return result
        case .failure(let issues):
            throw Failure("\(issues.description)\n\(issues.errors.count) error(s) in \(path)")
        }
    }
}
