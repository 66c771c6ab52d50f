// ossmp-bench harness. Every benchmark measures ours and a peer in the same process run,
// alternating rounds so drift (frequency, the other core's load) hits both equally, and
// prints one JSON line:
//   {"bench": "...", "ours": X, "peer": "...", "peer_value": Y, "unit": "MB/s", "ratio": X/Y}
// Units are always "higher is better" (MB/s, ops/s, docs/s), so ratio >= 1 means ours wins.
// The line format is a contract other checks parse: do not change it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace ossmp_bench {

struct bench_case {
    const char* name;
    void (*run)();
};

inline std::vector<bench_case>& registry() {
    static std::vector<bench_case> r;
    return r;
}

struct registrar {
    registrar(const char* name, void (*fn)()) { registry().push_back({name, fn}); }
};

// Prevents the optimizer from discarding a computed value.
template <class T>
inline void keep(const T& v) {
    asm volatile("" : : "g"(&v) : "memory");
}

inline double seconds_of(const std::function<void()>& fn) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double>(t1 - t0).count();
}

inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// Runs `ours` and `peer` alternately `rounds` times (after one warm-up each) and returns
// the median seconds of each.
inline std::pair<double, double> time_pair(const std::function<void()>& ours,
                                           const std::function<void()>& peer, int rounds = 9) {
    ours();
    peer();
    std::vector<double> a, b;
    for (int i = 0; i < rounds; ++i) {
        if (i % 2 == 0) {
            a.push_back(seconds_of(ours));
            b.push_back(seconds_of(peer));
        } else {
            b.push_back(seconds_of(peer));
            a.push_back(seconds_of(ours));
        }
    }
    return {median(a), median(b)};
}

inline std::string json_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        o += c;
    }
    return o;
}

// Prints the contract line. `ours` and `peer_value` are in `unit` (higher is better).
inline void report(const std::string& bench, double ours, const std::string& peer, double peer_value,
                   const std::string& unit) {
    std::printf("{\"bench\": \"%s\", \"ours\": %.6g, \"peer\": \"%s\", \"peer_value\": %.6g, "
                "\"unit\": \"%s\", \"ratio\": %.4f}\n",
                json_escape(bench).c_str(), ours, json_escape(peer).c_str(), peer_value,
                json_escape(unit).c_str(), peer_value > 0 ? ours / peer_value : 0.0);
    std::fflush(stdout);
}

}  // namespace ossmp_bench

#define OSSMP_BENCH_CONCAT2(a, b) a##b
#define OSSMP_BENCH_CONCAT(a, b) OSSMP_BENCH_CONCAT2(a, b)
// Registers `void fn()` as a benchmark group named `name` (selectable on the command line).
#define OSSMP_BENCH(name, fn) \
    static ::ossmp_bench::registrar OSSMP_BENCH_CONCAT(ossmp_bench_reg_, __LINE__)(name, fn)
