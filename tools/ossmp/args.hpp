// ossmp CLI: command-line parsing. Strict: an unknown flag, a missing value or a stray
// argument is a usage error that names it (exit status 2), before anything is sent.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/result.hpp>

namespace ossmp_cli {

/// Flags a subcommand accepts: name (without "--") -> whether it takes a value.
using flag_spec = std::map<std::string, bool, std::less<>>;

/// A parsed command line: positional arguments and flags (repeatable flags keep every value).
struct parsed_args {
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>, std::less<>> flags;

    bool has(std::string_view f) const { return flags.count(f) != 0; }
    std::optional<std::string> value(std::string_view f) const {
        auto it = flags.find(f);
        if (it == flags.end() || it->second.empty()) return std::nullopt;
        return it->second.back();
    }
    const std::vector<std::string>& values(std::string_view f) const {
        static const std::vector<std::string> none;
        auto it = flags.find(f);
        return it == flags.end() ? none : it->second;
    }
};

/// True when the arguments ask for help ("--help" or "-h" before any "--").
inline bool wants_help(const std::vector<std::string>& argv) {
    for (const auto& a : argv) {
        if (a == "--") return false;
        if (a == "--help" || a == "-h") return true;
    }
    return false;
}

/// Parses argv[first..] against `spec`. "--flag value" and "--flag=value" both work; "--"
/// ends flags; "-" alone is a positional argument (standard input).
inline ossmp::result<parsed_args> parse_args(const std::vector<std::string>& argv, const flag_spec& spec) {
    parsed_args out;
    bool flags_done = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const auto& a = argv[i];
        if (flags_done || a == "-" || a.size() < 2 || a[0] != '-') {
            out.positional.push_back(a);
            continue;
        }
        if (a == "--") {
            flags_done = true;
            continue;
        }
        if (a.rfind("--", 0) != 0)
            return ossmp::make_error(ossmp::errc::invalid_argument, "unknown option '" + a + "' (options start with --)");
        std::string name = a.substr(2), value;
        bool inline_value = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            inline_value = true;
        }
        auto it = spec.find(name);
        if (it == spec.end()) return ossmp::make_error(ossmp::errc::invalid_argument, "unknown option --" + name);
        if (it->second) {
            if (!inline_value) {
                if (i + 1 >= argv.size())
                    return ossmp::make_error(ossmp::errc::invalid_argument, "option --" + name + " needs a value");
                value = argv[++i];
            }
            out.flags[name].push_back(value);
        } else {
            if (inline_value)
                return ossmp::make_error(ossmp::errc::invalid_argument, "option --" + name + " takes no value");
            out.flags[name];
        }
    }
    return out;
}

/// A plain decimal number that fits in T: digits only (no sign, no spaces), nullopt otherwise.
template <class T>
std::optional<T> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    if (v > std::numeric_limits<T>::max()) return std::nullopt;
    return static_cast<T>(v);
}

/// Splits "123unit" into its digits and its unit, lower-cased.
inline std::pair<std::string_view, std::string> number_and_unit(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    std::string unit(text.substr(digits));
    for (auto& c : unit)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return {text.substr(0, digits), unit};
}

/// Parses a size: plain bytes ("1048576"), binary units K/KiB, M/MiB, G/GiB, T/TiB
/// ("8MiB", "64M" = 64 MiB) and decimal KB/MB/GB/TB ("5MB" = 5,000,000). Case-insensitive
/// units; no fractions, no negative numbers; overflow is an error.
inline ossmp::result<std::uint64_t> parse_size(std::string_view text) {
    auto bad = [&] {
        return ossmp::make_error(ossmp::errc::invalid_argument,
                                 "invalid size '" + std::string(text) + "' (use bytes or e.g. 8MiB, 64M, 1GiB)");
    };
    auto [digits, unit] = number_and_unit(text);
    auto n = parse_number<std::uint64_t>(digits);
    if (!n) return bad();
    static const std::pair<const char*, std::uint64_t> units[] = {
        {"", 1}, {"b", 1}, {"k", 1ull << 10}, {"kib", 1ull << 10}, {"m", 1ull << 20}, {"mib", 1ull << 20},
        {"g", 1ull << 30}, {"gib", 1ull << 30}, {"t", 1ull << 40}, {"tib", 1ull << 40}, {"kb", 1000ull},
        {"mb", 1000000ull}, {"gb", 1000000000ull}, {"tb", 1000000000000ull}};
    for (auto [u, mult] : units)
        if (unit == u) {
            if (*n > UINT64_MAX / mult) return bad();
            return *n * mult;
        }
    return bad();
}

/// Parses a duration: seconds ("90", "90s"), or with a unit: ms, s, m, h ("500ms", "15m",
/// "2h"). Zero is refused.
inline ossmp::result<std::chrono::milliseconds> parse_duration(std::string_view text) {
    auto bad = [&] {
        return ossmp::make_error(ossmp::errc::invalid_argument,
                                 "invalid duration '" + std::string(text) + "' (use seconds or e.g. 500ms, 90s, 15m, 2h)");
    };
    auto [digits, unit] = number_and_unit(text);
    auto n = parse_number<std::uint32_t>(digits);
    if (!n || *n == 0) return bad();
    static const std::pair<const char*, std::int64_t> units[] = {
        {"", 1000}, {"s", 1000}, {"ms", 1}, {"m", 60000}, {"h", 3600000}};
    for (auto [u, mult] : units)
        if (unit == u) return std::chrono::milliseconds(static_cast<std::int64_t>(*n) * mult);
    return bad();
}

/// "oss://bucket/key" split into bucket and key (the key may be empty or contain '/').
struct oss_url {
    std::string bucket;
    std::string key;
};

/// Parses an oss:// URL. Errors name what is wrong (scheme, bucket).
inline ossmp::result<oss_url> parse_oss_url(std::string_view text) {
    constexpr std::string_view scheme = "oss://";
    if (text.substr(0, scheme.size()) != scheme)
        return ossmp::make_error(ossmp::errc::invalid_argument,
                                 "'" + std::string(text) + "' is not an oss:// URL (expected oss://BUCKET/KEY)");
    auto rest = text.substr(scheme.size());
    auto slash = rest.find('/');
    oss_url u;
    u.bucket = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) u.key = std::string(rest.substr(slash + 1));
    if (u.bucket.empty())
        return ossmp::make_error(ossmp::errc::invalid_argument, "'" + std::string(text) + "' names no bucket");
    return u;
}

}  // namespace ossmp_cli
