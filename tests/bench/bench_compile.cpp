// Compile cost: what one translation unit pays for including an ossmp header, next to what it
// pays for nlohmann/json's header, compiled in the same run by the same compiler with the same
// flags (-std=c++20 -O2 -c). A codebase pays this in every file that includes the header.
//
// Each measured TU is a file holding only `#include <...>` lines. Cost is the compiler
// process's CPU time (user + system, from wait4) rather than wall time, so a busy machine
// slows both sides alike instead of adding its queueing delay. Every round compiles every TU
// once, in order, with the nlohmann TU interleaved every few TUs, so drift over the run hits
// ours and the peer alike; each figure is the median over the rounds.
//
// One JSON line per public header (headers outside detail/ directories, found by scanning
// include/ossmp, so new headers are measured without touching this file) and per entry-point
// set ("builders+signer": requests/*.hpp with sign/signer.hpp; "parsers": responses/*.hpp).
// The unit is TUs per CPU second (higher is better, as every ossmp-bench unit), so
// ratio = nlohmann's seconds / ours: ratio >= 1 means the header costs no more than
// nlohmann/json's, ratio >= 2 that it costs at most half. Milliseconds go to stderr.
//
// Environment: OSSMP_BENCH_CXX overrides the compiler, OSSMP_BENCH_COMPILE_RUNS the number of
// rounds (default 5), OSSMP_BENCH_COMPILE_JOBS how many compilers run at once (default 1; more
// shortens the run on a busy machine, CPU time being per process), OSSMP_BENCH_COMPILE_ONLY
// keeps only TUs whose name contains it, OSSMP_BENCH_COMPILE_INCLUDE measures another copy of
// include/ (e.g. an older checkout's, for before/after figures).
#include "bench.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct tu {
    std::string name;  // reported as "compile/<name>"
    std::string path;  // the .cpp file
    std::vector<double> seconds;
};

[[noreturn]] void die(const std::string& why) {
    std::fprintf(stderr, "bench compile: %s\n", why.c_str());
    std::exit(1);
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

// Starts the compiler on `source`.
pid_t start_compile(const std::vector<std::string>& base_args, const std::string& source) {
    std::vector<std::string> args = base_args;
    args.push_back(source);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (int rc = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ); rc != 0)
        die("cannot start " + args[0] + ": " + std::strerror(rc));
    return pid;
}

// Waits for any started compiler; returns its pid and sets `seconds` to the CPU time (user +
// system) it and its children (cc1plus, as) used. Dies when it failed: a figure for a TU
// that does not compile would be meaningless.
pid_t finish_compile(double& seconds) {
    int status = 0;
    struct rusage ru {};
    pid_t pid;
    while ((pid = ::wait4(-1, &status, 0, &ru)) < 0)
        if (errno != EINTR) die(std::string("wait4: ") + std::strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("a compiler run failed (see its messages above)");
    auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    seconds = secs(ru.ru_utime) + secs(ru.ru_stime);
    return pid;
}

// Compiles each TU in `order` (pointers into ours/peer, repeats allowed) with up to `jobs`
// compilers at a time, appending each run's CPU seconds to its TU.
void compile_all(const std::vector<std::string>& base_args, const std::vector<tu*>& order, int jobs) {
    std::vector<std::pair<pid_t, tu*>> running;
    std::size_t next = 0;
    while (next < order.size() || !running.empty()) {
        while (next < order.size() && running.size() < std::size_t(jobs)) {
            running.emplace_back(start_compile(base_args, order[next]->path), order[next]);
            ++next;
        }
        double secs = 0;
        pid_t pid = finish_compile(secs);
        auto it = std::find_if(running.begin(), running.end(), [&](auto& r) { return r.first == pid; });
        if (it == running.end()) continue;  // not one of ours
        it->second->seconds.push_back(secs);
        running.erase(it);
    }
}

void write_tu(const std::string& path, const std::vector<std::string>& includes) {
    std::ofstream f(path);
    for (auto& h : includes) f << "#include <" << h << ">\n";
    if (!f) die("cannot write " + path);
}

// Public headers relative to include/: every .hpp outside a detail/ directory, sorted.
std::vector<std::string> public_headers(const fs::path& include_dir) {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(include_dir / "ossmp")) {
        if (!e.is_regular_file() || e.path().extension() != ".hpp") continue;
        auto rel = e.path().lexically_relative(include_dir).generic_string();
        if (rel.find("/detail/") != std::string::npos) continue;
        out.push_back(rel);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> starting_with(const std::vector<std::string>& headers, const std::string& prefix) {
    std::vector<std::string> out;
    for (auto& h : headers)
        if (h.rfind(prefix, 0) == 0) out.push_back(h);
    return out;
}

void bench_compile() {
    const fs::path include_dir = env_or("OSSMP_BENCH_COMPILE_INCLUDE", OSSMP_SOURCE_DIR "/include");
    const std::string cxx = env_or("OSSMP_BENCH_CXX", OSSMP_BENCH_CXX);
    const int runs = std::max(1, std::atoi(env_or("OSSMP_BENCH_COMPILE_RUNS", "5").c_str()));
    const std::string only = env_or("OSSMP_BENCH_COMPILE_ONLY", "");
    const int jobs = std::max(1, std::atoi(env_or("OSSMP_BENCH_COMPILE_JOBS", "1").c_str()));

    char tmpl[] = "/tmp/ossmp-bench-compile-XXXXXX";
    if (!::mkdtemp(tmpl)) die(std::string("mkdtemp: ") + std::strerror(errno));
    const fs::path dir = tmpl;

    auto headers = public_headers(include_dir);
    std::vector<tu> ours;
    auto add = [&](const std::string& name, const std::vector<std::string>& includes) {
        if (!only.empty() && name.find(only) == std::string::npos) return;
        auto path = (dir / ("tu" + std::to_string(ours.size()) + ".cpp")).string();
        write_tu(path, includes);
        ours.push_back({name, path, {}});
    };
    auto builders = starting_with(headers, "ossmp/requests/");
    builders.push_back("ossmp/sign/signer.hpp");
    add("set/builders+signer", builders);
    add("set/parsers", starting_with(headers, "ossmp/responses/"));
    for (auto& h : headers) add(h, {h});
    if (ours.empty()) die("OSSMP_BENCH_COMPILE_ONLY=" + only + " matches no TU");
    tu peer{"nlohmann/json.hpp", (dir / "peer.cpp").string(), {}};
    write_tu(peer.path, {"nlohmann/json.hpp"});

    std::vector<std::string> base = {cxx, "-std=c++20", "-O2", "-I" + include_dir.string(), "-c", "-o", "/dev/null"};
    if (const std::string nlohmann_inc = OSSMP_BENCH_NLOHMANN_INCLUDE; !nlohmann_inc.empty())
        base.push_back("-I" + nlohmann_inc);
    // One warm-up of each side first, so the first round does not also pay for cold file
    // caches; then the rounds, the peer interleaved.
    std::vector<tu*> order = {&peer, &ours.front()};
    compile_all(base, order, 1);
    peer.seconds.clear();
    ours.front().seconds.clear();
    order.clear();
    constexpr std::size_t peer_every = 8;
    for (int r = 0; r < runs; ++r)
        for (std::size_t i = 0; i < ours.size(); ++i) {
            if (i % peer_every == 0) order.push_back(&peer);
            order.push_back(&ours[i]);
        }
    compile_all(base, order, jobs);
    fs::remove_all(dir);

    const double peer_s = ossmp_bench::median(peer.seconds);
    const std::string peer_name = "nlohmann/json.hpp " OSSMP_BENCH_NLOHMANN_VERSION " (same flags)";
    std::fprintf(stderr, "# compile: %s -std=c++20 -O2 -I%s, median CPU time of %d runs (%d at a time)\n",
                 cxx.c_str(), include_dir.c_str(), runs, jobs);
    std::fprintf(stderr, "# %-40s %8.0f ms\n", "nlohmann/json.hpp", peer_s * 1e3);
    for (auto& t : ours) {
        const double s = ossmp_bench::median(t.seconds);
        ossmp_bench::report("compile/" + t.name, 1.0 / s, peer_name, 1.0 / peer_s, "TU/cpu-s");
        std::fprintf(stderr, "# %-40s %8.0f ms  %.2fx nlohmann\n", t.name.c_str(), s * 1e3, s / peer_s);
    }
}

OSSMP_BENCH("compile", bench_compile);

}  // namespace
