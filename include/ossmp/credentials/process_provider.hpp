// ossmp: the credentials provider that runs a command and reads the credentials it prints
// (POSIX only: posix_spawn, pipes, poll, process groups).
//
// The command is the caller's text, run as `/bin/sh -c COMMAND` exactly as given: ossmp
// adds nothing to it and substitutes nothing in it, so quoting is the shell's as the user
// wrote it. The child gets:
//   * stdin: /dev/null (it cannot hang waiting for input);
//   * stdout: a pipe we read, up to process_options::max_output bytes; it must print one
//     JSON credentials document (credentials/document.hpp lists the accepted shapes);
//   * stderr: /dev/null by default (child_stderr::discard), because a helper may print
//     secrets in its diagnostics and ossmp never copies them anywhere; child_stderr::inherit
//     passes it through to our stderr, for a terminal user debugging their helper. Either
//     way it never reaches an error message;
//   * our environment (helpers read HOME, profiles, vault addresses...), signal mask
//     cleared, SIGPIPE back to its default, and a process group of its own, so that on a
//     timeout or oversized output the whole group (the shell and whatever it started) is
//     killed with SIGKILL and reaped.
// Errors name the provider ("credential process 'vault-creds'") and the reason: exit
// status, signal, timeout, output size, or where the JSON went wrong (a byte offset), never
// a byte of the output.
#pragma once

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ossmp/credentials.hpp>
#include <ossmp/credentials/document.hpp>
#include <ossmp/credentials/provider.hpp>
#include <ossmp/version.hpp>

extern char** environ;

namespace ossmp::inline v0 {

/// The environment variable the ossmp tool reads a credential command from.
inline constexpr std::string_view credentials_process_variable = "OSS_CREDENTIALS_PROCESS";

/// Where the child's stderr goes.
enum class child_stderr : std::uint8_t {
    discard,  ///< /dev/null: nothing the helper prints on stderr is seen by anyone
    inherit,  ///< our own stderr (a terminal user sees the helper's diagnostics)
};

/// How a credential command is run.
struct process_options {
    /// The whole run, start to exit; past it the process group is killed and fetch fails.
    duration timeout = std::chrono::seconds(60);
    /// stdout beyond this many bytes kills the process group and fails the fetch.
    std::size_t max_output = std::size_t(64) << 10;
    /// Where the child's stderr goes (see the header comment).
    child_stderr stderr_to = child_stderr::discard;
    /// The provider's name in messages; empty = "credential process 'PROGRAM'", PROGRAM
    /// being the command's first word without its directory (left out when that word is
    /// not a plain program name, e.g. "VAR=value").
    std::string name;
};

namespace detail {

inline std::string process_provider_name(std::string_view command) {
    std::string_view s = command;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    std::string_view word = s.substr(0, s.find_first_of(" \t\n"));
    if (auto slash = word.rfind('/'); slash != std::string_view::npos) word.remove_prefix(slash + 1);
    bool plain = !word.empty() && word.size() <= 64;
    for (char c : word)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == '+'))
            plain = false;
    return plain ? "credential process '" + std::string(word) + "'" : std::string("credential process");
}

// Closes a descriptor on scope exit.
struct fd_guard {
    int fd = -1;
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
};

// Runs `command` under `opt`; returns its stdout, or an errc::credentials_unavailable
// naming `name`. The child is always reaped before this returns.
inline result<std::string> run_credentials_command(const std::string& command, const process_options& opt,
                                                   std::string_view name) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + opt.timeout;
    int pipe_fds[2];
#if defined(__linux__)
    const bool piped = ::pipe2(pipe_fds, O_CLOEXEC) == 0;
#else  // close-on-exec set right after: a spawn on another thread in between may inherit them
    const bool piped = ::pipe(pipe_fds) == 0 && ::fcntl(pipe_fds[0], F_SETFD, FD_CLOEXEC) == 0 &&
                       ::fcntl(pipe_fds[1], F_SETFD, FD_CLOEXEC) == 0;
#endif
    if (!piped) return provider_error(name, std::string("cannot create a pipe: ") + std::strerror(errno));
    fd_guard out{pipe_fds[0]};
    fd_guard child_end{pipe_fds[1]};

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], 1);
    if (opt.stderr_to == child_stderr::discard) posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
    char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(child_end.fd);
    child_end.fd = -1;
    if (rc != 0) return provider_error(name, std::string("cannot start /bin/sh: ") + std::strerror(rc));

    int status = 0;
    bool reaped = false;
    auto kill_group = [&] {
        ::kill(-pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        reaped = true;
    };
    auto ms_left = [&] {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        return left < 0 ? 0 : (left > 1000 ? 1000 : static_cast<int>(left));
    };
    auto timed_out = [&] {
        kill_group();
        return provider_error(name, "no answer within " +
                                        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                           opt.timeout).count()) +
                                        " ms; the process was killed");
    };

    std::string output;
    char buf[4096];
    for (;;) {  // read stdout until EOF
        if (clock::now() >= deadline) return timed_out();
        pollfd p{out.fd, POLLIN, 0};
        int n = ::poll(&p, 1, ms_left());
        if (n < 0 && errno != EINTR) {
            kill_group();
            return provider_error(name, std::string("poll failed: ") + std::strerror(errno));
        }
        if (n <= 0) continue;
        ssize_t got = ::read(out.fd, buf, sizeof buf);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            kill_group();
            return provider_error(name, std::string("reading its output failed: ") + std::strerror(errno));
        }
        if (got == 0) break;
        if (output.size() + static_cast<std::size_t>(got) > opt.max_output) {
            kill_group();
            return provider_error(name, "printed more than " + std::to_string(opt.max_output) +
                                            " bytes; the process was killed");
        }
        output.append(buf, static_cast<std::size_t>(got));
    }
    while (!reaped) {  // stdout is closed; wait for the exit, still within the deadline
        pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            reaped = true;
            break;
        }
        if (w < 0 && errno != EINTR) {  // e.g. SIGCHLD ignored by the host: status unknown
            reaped = true;
            status = 0;
            break;
        }
        if (clock::now() >= deadline) return timed_out();
        ::poll(nullptr, 0, 5);
    }
    if (WIFSIGNALED(status))
        return provider_error(name, "was killed by signal " + std::to_string(WTERMSIG(status)));
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        std::string why = "exited with status " + std::to_string(WEXITSTATUS(status));
        if (opt.stderr_to == child_stderr::discard) why += " (its stderr is discarded; run it by hand to see why)";
        return provider_error(name, why);
    }
    return output;
}

}  // namespace detail

/// Runs a credential command on every fetch (put a credentials_cache in front so it runs
/// once per credential lifetime, not once per request).
class process_provider {
public:
    /// A provider running `command` (see the header comment) under `options`.
    explicit process_provider(std::string command, process_options options = {})
        : command_(std::move(command)), opt_(std::move(options)),
          name_(opt_.name.empty() ? detail::process_provider_name(command_) : opt_.name) {}

    /// Runs the command and reads its credentials. Errors (errc::credentials_unavailable,
    /// naming the provider): the command is empty; /bin/sh cannot start; the process runs
    /// past the timeout or prints more than max_output bytes (it is killed); it exits
    /// non-zero or is killed by a signal; its output is not a credentials document (the
    /// reason and byte offset, never the output); the credentials are unusable or already
    /// expired at `now`. Next: retry later, or fix the command (run it by hand).
    result<credentials> fetch(time_point now) const {
        if (command_.find_first_not_of(" \t\n") == std::string::npos) return detail::provider_error(name_, "the command is empty");
        auto out = detail::run_credentials_command(command_, opt_, name_);
        if (!out) return std::move(out).error();
        auto creds = parse_credentials_document(*out);
        if (!creds) return detail::provider_error(name_, "its output is unusable: " + creds.error().message);
        return detail::checked_credentials(name_, std::move(*creds), now);
    }

    std::string_view name() const noexcept { return name_; }
    /// The command as given.
    const std::string& command() const noexcept { return command_; }

private:
    std::string command_;
    process_options opt_;
    std::string name_;
};

static_assert(CredentialsProvider<process_provider>);

}  // namespace ossmp::inline v0
