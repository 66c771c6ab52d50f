// The credential process provider (ossmp/credentials/process_provider.hpp) with real child
// processes: good output in each shape, bad JSON, a failing command, a sleeper killed at
// the timeout (with everything it started), oversized output, and stderr kept out of errors.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <sys/stat.h>

#include <ossmp/credentials/cache.hpp>
#include <ossmp/credentials/process_provider.hpp>

using namespace ossmp;
using namespace std::chrono_literals;

namespace {
const time_point now = from_unix_seconds(1'800'000'000);  // 2027-01-15: before the expirations below

std::string temp_path(const std::string& name) {
    return "/tmp/ossmp-process-provider-" + std::to_string(::getpid()) + "-" + name;
}
std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::string s;
    std::getline(in, s);
    return s;
}
// Processes of group `pgid` that are still running (zombies waiting for a reaper count as
// gone: they run nothing). Reads /proc/PID/stat: "pid (comm) state ppid pgrp ...".
int live_members(pid_t pgid) {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::ifstream in(entry.path() / "stat");
        std::string stat;
        if (!std::getline(in, stat)) continue;
        auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(stat.substr(close + 2));
        char state = 0;
        long ppid = 0, pgrp = 0;
        rest >> state >> ppid >> pgrp;
        if (pgrp == pgid && state != 'Z' && state != 'X') ++n;
    }
    return n;
}
bool process_group_gone(pid_t pgid) {
    for (int i = 0; i < 200; ++i) {  // the killed children are reparented and reaped
        if (live_members(pgid) == 0) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}
}  // namespace

TEST_CASE("process: a command printing the flat shape") {
    process_provider p(R"(printf '%s\n' '{"AccessKeyId":"STS.proc","AccessKeySecret":"proc-secret",)"
                       R"("SecurityToken":"proc-token","Expiration":"2030-01-01T00:00:00Z"}')");
    CHECK(p.name() == "credential process 'printf'");
    auto c = p.fetch(now);
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.proc");
    CHECK(c->access_key_secret == "proc-secret");
    CHECK(c->security_token == "proc-token");
    CHECK(c->expiration == *parse_iso8601("2030-01-01T00:00:00Z"));
}

TEST_CASE("process: a script file printing an AssumeRole response, in the shell's environment") {
    const std::string script = temp_path("assume-role.sh");
    {
        std::ofstream out(script);
        out << "#!/bin/sh\n"
               "echo 'diagnostics on stderr mention secret-on-stderr' >&2\n"
               "cat <<JSON\n"
               "{\"RequestId\": \"R\", \"Credentials\": {\"AccessKeyId\": \"STS.$OSSMP_TEST_ROLE\",\n"
               " \"AccessKeySecret\": \"s\", \"SecurityToken\": \"t\", \"Expiration\": \"2030-01-01T00:00:00Z\"}}\n"
               "JSON\n";
    }
    ::chmod(script.c_str(), 0755);
    ::setenv("OSSMP_TEST_ROLE", "uploader", 1);
    process_provider p(script + " --role uploader");
    CHECK(p.name() == "credential process '" + script.substr(script.rfind('/') + 1) + "'");
    auto c = p.fetch(now);
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.uploader");
    std::remove(script.c_str());
}

TEST_CASE("process: the CLI External shape and permanent keys") {
    process_provider p(R"(echo '{"mode":"AK","access_key_id":"LTAI","access_key_secret":"s"}')");
    auto c = p.fetch(now);
    REQUIRE(c);
    CHECK(c->access_key_id == "LTAI");
    CHECK_FALSE(c->expiration);
}

TEST_CASE("process: output that is not a credentials document") {
    process_provider bad(R"(echo '{"AccessKeyId":"id","AccessKeySecret":"leaked-secret-value",}')");
    auto e = bad.fetch(now);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::credentials_unavailable);
    CHECK(e.error().message ==
          "credential process 'echo': its output is unusable: JSON: expected a member name (a string) at byte 60");
    CHECK(e.error().what().find("leaked") == std::string::npos);

    process_provider text("echo hello-secret");
    REQUIRE_FALSE(text.fetch(now));
    CHECK(text.fetch(now).error().message.find("hello") == std::string::npos);

    process_provider nothing("true");
    CHECK(nothing.fetch(now).error().message ==
          "credential process 'true': its output is unusable: JSON: empty document at byte 0");

    process_provider missing(R"(echo '{"AccessKeyId":"id"}')");
    CHECK(missing.fetch(now).error().message ==
          "credential process 'echo': its output is unusable: \"AccessKeySecret\" is missing or empty");

    process_provider expired(
        R"(echo '{"AccessKeyId":"id","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2020-01-01T00:00:00Z"}')");
    auto x = expired.fetch(now);
    REQUIRE_FALSE(x);
    CHECK(x.error().message.find("the credentials it returned expired") != std::string::npos);
}

TEST_CASE("process: non-zero exit, signals and stderr stay out of the error") {
    process_provider failing("echo 'token=secret-on-stderr' >&2; echo '{\"AccessKeyId\":\"x\"}'; exit 3");
    auto e = failing.fetch(now);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::credentials_unavailable);
    CHECK(e.error().message ==
          "credential process 'echo': exited with status 3 (its stderr is discarded; run it by hand to see why)");
    CHECK(e.error().what().find("secret-on-stderr") == std::string::npos);

    process_options inherit;
    inherit.stderr_to = child_stderr::inherit;
    inherit.name = "my helper";
    process_provider shown("exit 4", inherit);
    CHECK(shown.name() == "my helper");
    CHECK(shown.fetch(now).error().message == "my helper: exited with status 4");

    process_provider killed("kill -9 $$");
    CHECK(killed.fetch(now).error().message == "credential process 'kill': was killed by signal 9");

    process_provider nosuch("/nonexistent/ossmp-helper");
    CHECK(nosuch.fetch(now).error().message.find("exited with status 127") != std::string::npos);
    CHECK(nosuch.name() == "credential process 'ossmp-helper'");

    process_provider empty("  ");
    CHECK(empty.fetch(now).error().message == "credential process: the command is empty");
    // A first word that is not a plain program name (it could be VAR=secret) is left out.
    CHECK(process_provider("TOKEN=abc helper").name() == "credential process");
}

TEST_CASE("process: a sleeper is killed at the timeout, with everything it started") {
    const std::string pidfile = temp_path("sleeper.pid");
    process_options opt;
    opt.timeout = 300ms;
    // The shell stays the parent of a sleep (not exec'd: two commands), and a background
    // sleep joins the group too; the kill must take all of them.
    process_provider p("echo $$ > " + pidfile + "; sleep 30 & sleep 30; echo never", opt);
    auto start = std::chrono::steady_clock::now();
    auto e = p.fetch(now);
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::credentials_unavailable);
    CHECK(e.error().message == "credential process 'echo': no answer within 300 ms; the process was killed");
    CHECK(took < 5s);
    CHECK(took >= 300ms);
    pid_t shell = static_cast<pid_t>(std::stol(read_file(pidfile)));
    CHECK(process_group_gone(shell));  // the shell was the group leader; nothing is left
    std::remove(pidfile.c_str());

    // A process that closes its stdout but keeps running is waited for, within the timeout.
    process_provider lingering("exec >&-; sleep 30", opt);
    CHECK(lingering.fetch(now).error().message ==
          "credential process 'exec': no answer within 300 ms; the process was killed");
}

TEST_CASE("process: output beyond the bound kills the process") {
    process_options opt;
    opt.max_output = 1000;
    process_provider p("yes '{}'", opt);  // prints forever
    auto e = p.fetch(now);
    REQUIRE_FALSE(e);
    CHECK(e.error().message == "credential process 'yes': printed more than 1000 bytes; the process was killed");

    process_provider big("head -c 200000 /dev/zero");  // default bound: 64 KiB
    CHECK(big.fetch(now).error().message ==
          "credential process 'head': printed more than 65536 bytes; the process was killed");
}

TEST_CASE("process: behind a cache it runs once per lifetime") {
    const std::string counter = temp_path("runs");
    std::remove(counter.c_str());
    // Each run appends a line and prints credentials valid for an hour from 2027-01-15.
    credentials_cache<process_provider> cache(
        std::in_place, "echo run >> " + counter +
                           R"(; echo '{"AccessKeyId":"STS.c","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2027-01-15T09:00:00Z"}')");
    const time_point start = *parse_iso8601("2027-01-15T08:00:00Z");
    for (int minute = 0; minute < 55; ++minute) REQUIRE(cache.fetch(start + std::chrono::minutes(minute)));
    auto lines = [&] {
        std::ifstream in(counter);
        int n = 0;
        for (std::string l; std::getline(in, l);) ++n;
        return n;
    };
    CHECK(lines() == 1);
    // At 08:55 the margin (5 minutes) is reached; the command prints the same expiration,
    // now 5 minutes away: a third of it (100 s) becomes the margin.
    REQUIRE(cache.fetch(start + 55min));
    CHECK(lines() == 2);
    std::remove(counter.c_str());
}
