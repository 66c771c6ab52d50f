// Test support: running a program as a child process with a chosen environment and stdin,
// capturing stdout, stderr and the exit status; or starting it in the background to kill.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ossmp_test {

struct process_result {
    int status = -1;  ///< exit status, or 128 + signal number when killed
    std::string out, err;
    long max_rss_kib = 0;  ///< the child's peak resident memory (getrusage's ru_maxrss)
};

/// This process's environment with `overrides` applied, as NAME=VALUE strings for exec:
/// an override replaces the variable (exec'd programs see the first of duplicates, so
/// appending would not), and an empty override removes it.
inline std::vector<std::string> environment_with(const std::map<std::string, std::string>& overrides) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (auto& [k, v] : overrides) {
        if (v.empty()) env.erase(k);
        else env[k] = v;
    }
    std::vector<std::string> out;
    for (auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

/// A child process with its stdout/stderr piped to us.
class child {
public:
    child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env_overrides,
          const std::string& stdin_data = {}) {
        int in[2], out[2], err[2];
        if (::pipe(in) || ::pipe(out) || ::pipe(err)) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_adddup2(&fa, err[1], 2);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) posix_spawn_file_actions_addclose(&fa, fd);
        auto env_strings = environment_with(env_overrides);
        std::vector<char*> envp, args;
        for (auto& s : env_strings) envp.push_back(s.data());
        envp.push_back(nullptr);
        std::vector<std::string> argv_copy = argv;
        for (auto& s : argv_copy) args.push_back(s.data());
        args.push_back(nullptr);
        if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), envp.data()) != 0)
            throw std::runtime_error("cannot start " + argv[0]);
        posix_spawn_file_actions_destroy(&fa);
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        out_ = out[0];
        err_ = err[0];
        feeder_ = std::thread([fd = in[1], data = stdin_data] {
            std::size_t done = 0;
            while (done < data.size()) {
                auto n = ::write(fd, data.data() + done, data.size() - done);
                if (n <= 0) break;
                done += static_cast<std::size_t>(n);
            }
            ::close(fd);
        });
        readers_[0] = std::thread([this] { drain(out_, result_.out); });
        readers_[1] = std::thread([this] { drain(err_, result_.err); });
    }
    ~child() {
        if (!waited_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }

    pid_t pid() const { return pid_; }

    /// What the child wrote to stdout so far (it may still be running).
    std::string out_so_far() {
        std::lock_guard lock(mutex_);
        return result_.out;
    }
    void signal(int sig) { ::kill(pid_, sig); }

    /// Waits for the child to end; returns what it printed and its status.
    process_result wait() {
        int st = 0;
        struct rusage ru {};
        while (::wait4(pid_, &st, 0, &ru) < 0 && errno == EINTR) {
        }
        result_.max_rss_kib = ru.ru_maxrss;
        waited_ = true;
        feeder_.join();
        readers_[0].join();
        readers_[1].join();
        ::close(out_);
        ::close(err_);
        result_.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return result_;
    }

private:
    void drain(int fd, std::string& into) {
        char buf[65536];
        for (;;) {
            auto n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            std::lock_guard lock(mutex_);
            into.append(buf, static_cast<std::size_t>(n));
        }
    }

    pid_t pid_ = -1;
    int out_ = -1, err_ = -1;
    bool waited_ = false;
    process_result result_;
    std::mutex mutex_;
    std::thread feeder_, readers_[2];
};

/// Runs a program to completion.
inline process_result run_process(const std::vector<std::string>& argv,
                                  const std::map<std::string, std::string>& env = {}, const std::string& stdin_data = {}) {
    child c(argv, env, stdin_data);
    return c.wait();
}

}  // namespace ossmp_test
