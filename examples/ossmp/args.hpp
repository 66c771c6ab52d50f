// ossmp CLI: command-line parsing. Strict: an unknown flag, a missing value or a stray
// argument is a usage error that names it (exit status 2), before anything is sent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/detail/ascii.hpp>
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

/// Parses a size: plain bytes ("1048576"), binary units K/KiB, M/MiB, G/GiB, T/TiB
/// ("8MiB", "64M" = 64 MiB) and decimal KB/MB/GB/TB ("5MB" = 5,000,000). Case-insensitive
/// units; no fractions, no negative numbers; overflow is an error.
inline ossmp::result<std::uint64_t> parse_size(std::string_view text) {
    auto bad = [&] {
        return ossmp::make_error(ossmp::errc::invalid_argument,
                                 "invalid size '" + std::string(text) + "' (use bytes or e.g. 8MiB, 64M, 1GiB)");
    };
    std::size_t digits = 0;
    while (digits < text.size() && ossmp::detail::is_digit(text[digits])) ++digits;
    if (digits == 0) return bad();
    auto n = ossmp::detail::parse_unsigned<std::uint64_t>(text.substr(0, digits));
    if (!n) return bad();
    std::string unit = ossmp::detail::lower(text.substr(digits));
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
