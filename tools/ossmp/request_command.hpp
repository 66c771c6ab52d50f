// ossmp CLI: what ls-uploads, ls-parts, abort and presign share: flags, the one oss://
// argument, the connection, --json.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "connection.hpp"
#include "report.hpp"

namespace ossmp_cli {

/// A parsed request command: its arguments, where OSS is, and whether to print JSON.
struct request_context {
    parsed_args args;
    connection conn;
    oss_url target;
    bool json = false;
};

/// Parses `argv` against `spec` plus the connection flags and --json; expects exactly one
/// oss:// argument (with a key when `need_key`). On failure reports the error and returns
/// nullopt with `status` set.
inline std::optional<request_context> setup_request(const std::vector<std::string>& argv, flag_spec spec,
                                                    bool need_key, const char* usage_line, int& status) {
    add_connection_flags(spec);
    spec["json"] = false;
    auto a = parse_args(argv, spec);
    bool json = a && a->has("json");
    auto fail = [&](const ossmp::error& e) {
        status = report_error(e, json);
        return std::nullopt;
    };
    if (!a) return fail(a.error());
    if (a->positional.size() != 1) return fail(usage(std::string("usage: ") + usage_line));
    auto target = target_of(a->positional[0], need_key);
    if (!target) return fail(target.error());
    auto c = resolve_connection(*a);
    if (!c) return fail(c.error());
    return request_context{std::move(*a), std::move(*c), std::move(*target), json};
}

}  // namespace ossmp_cli
