import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `waitpid`.
///
/// Hand-written because Foundation's `Process` is not usable here: on Linux it learns of a child's exit on a
/// run-loop thread of its own, and under Swift Testing's parallel runs that stalled (children left as zombies,
/// `isRunning` true forever), which hung the whole test run until CI's time limit. The child gets an empty signal
/// mask and default handlers (a test process may block signals, and children inherit that), standard input from
/// `/dev/null`, and its output in files, so no pipe can fill up and block it.
final class Spawned {
    let pid: pid_t
    private(set) var exitStatus: Int32?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `executable` with `arguments` in `directory` (through `env -C`, the portable way to set a child's
    /// working directory with posix_spawn), writing standard output and error to the given files.
    init(_ executable: String, _ arguments: [String], environment: [String: String], directory: String? = nil,
         standardOutput: String = "/dev/null", standardError: String = "/dev/null",
         standardInput inputFD: Int32? = nil, standardOutputFD outputFD: Int32? = nil) throws {
        var argv = [executable] + arguments
        var path = executable
        if let directory {
            path = "/usr/bin/env"
            argv = ["/usr/bin/env", "-C", directory, "--"] + argv
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let inputFD { posix_spawn_file_actions_adddup2(&actions, inputFD, 0) } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let outputFD { posix_spawn_file_actions_adddup2(&actions, outputFD, 1) } else {
            posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// The exit status once the child has ended (128 + signal when a signal ended it), nil while it runs.
    @discardableResult
    func poll() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return nil }
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return exitStatus
    }

    var isRunning: Bool { poll() == nil }

    /// Waits for the child to end; after `timeLimit` seconds it is killed and nil is returned.
    func wait(timeLimit: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeLimit)
        while poll() == nil {
            if Date() > deadline {
                kill()
                return nil
            }
            usleep(5_000)
        }
        return exitStatus
    }

    /// Kills the child (SIGKILL) and reaps it.
    func kill() {
        guard poll() == nil else { return }
        Glibc.kill(pid, SIGKILL)
        while poll() == nil { usleep(2_000) }
    }
}
