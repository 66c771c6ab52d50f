// ossmp CLI: the one-line progress display and human-readable sizes and durations.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include <ossmp/upload/actions.hpp>

namespace ossmp_cli {

/// "512 B", "1.50 KiB", "812.3 MiB", "1.00 GiB".
inline std::string human_bytes(double n) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (n >= 1024 && u < 4) {
        n /= 1024;
        ++u;
    }
    char buf[32];
    if (u == 0) std::snprintf(buf, sizeof buf, "%.0f %s", n, units[u]);
    else std::snprintf(buf, sizeof buf, n < 10 ? "%.2f %s" : n < 100 ? "%.1f %s" : "%.0f %s", n, units[u]);
    return buf;
}

/// "0:07", "12:03", "1:02:03".
inline std::string human_duration(double seconds) {
    if (seconds < 0) seconds = 0;
    auto s = static_cast<std::uint64_t>(seconds + 0.5);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
                                 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
    else std::snprintf(buf, sizeof buf, "%llu:%02llu", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
    return buf;
}

/// The progress line: percent, bytes, rate, ETA, parts done/in flight, retries. Streams
/// of unknown size show bytes and rate only.
inline std::string progress_line(const ossmp::progress& p) {
    std::string line;
    double rate = p.rate();
    char buf[64];
    if (p.bytes_total && *p.bytes_total > 0) {
        double frac = static_cast<double>(p.bytes_confirmed) / static_cast<double>(*p.bytes_total);
        std::snprintf(buf, sizeof buf, "%3.0f%% ", frac * 100);
        line += buf;
        line += human_bytes(static_cast<double>(p.bytes_confirmed)) + " / " +
                human_bytes(static_cast<double>(*p.bytes_total));
    } else {
        line += human_bytes(static_cast<double>(p.bytes_confirmed));
    }
    line += "  " + human_bytes(rate) + "/s";
    if (p.bytes_total && rate > 0)
        line += "  ETA " + human_duration(static_cast<double>(*p.bytes_total - p.bytes_confirmed) / rate);
    line += "  parts " + std::to_string(p.parts_done) + "/" + (p.parts_total ? std::to_string(p.parts_total) : "?");
    line += " (" + std::to_string(p.parts_in_flight) + " in flight)";
    if (p.retries) line += "  retries " + std::to_string(p.retries);
    return line;
}

}  // namespace ossmp_cli
