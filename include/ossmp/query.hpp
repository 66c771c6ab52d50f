// ossmp: query parameters, kept raw (unencoded) until the request goes out.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ossmp/percent.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// One query parameter, raw (not percent-encoded). An empty value means "present without
/// a value" (`?uploads`); OSS draws no distinction between `k` and `k=`.
struct query_param {
    std::string name;
    std::string value;
    friend bool operator==(const query_param&, const query_param&) = default;
};

/// Query parameters in the order they were added.
using query_params = std::vector<query_param>;

/// The first parameter named `name` (exact, case-sensitive match), or nullptr.
inline const query_param* find_param(const query_params& q, std::string_view name) noexcept {
    for (const auto& p : q)
        if (p.name == name) return &p;
    return nullptr;
}

/// Sets `name` to `value`, replacing an existing parameter of that name.
inline void set_param(query_params& q, std::string_view name, std::string_view value = {}) {
    for (auto& p : q)
        if (p.name == name) {
            p.value.assign(value);
            return;
        }
    q.push_back({std::string(name), std::string(value)});
}

/// The encoded query string without '?': each parameter as encode(name)[=encode(value)]
/// (no '=' for an empty value), sorted by encoded name then encoded value in byte order,
/// joined by '&'. This one form is both what goes on the wire and the V4 canonical query,
/// and it matches the sorted query the official SDKs emit for presigned URLs.
inline std::string encode_query(const query_params& q) {
    std::vector<std::pair<std::string, std::string>> enc;
    enc.reserve(q.size());
    for (const auto& p : q) enc.emplace_back(percent_encode(p.name), percent_encode(p.value));
    std::sort(enc.begin(), enc.end());
    std::string out;
    for (const auto& [n, v] : enc) {
        if (!out.empty()) out.push_back('&');
        out += n;
        if (!v.empty()) {
            out.push_back('=');
            out += v;
        }
    }
    return out;
}

}  // namespace ossmp::inline v0
