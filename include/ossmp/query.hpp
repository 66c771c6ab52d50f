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
    if (q.empty()) return {};
    // Encode every name and value back to back into one buffer, then sort views of it:
    // three allocations however many parameters (this runs for every signature).
    std::string buf;
    struct item {
        std::size_t name, name_len, value, value_len;
    };
    std::vector<item> items;
    items.reserve(q.size());
    for (const auto& p : q) {
        item it{buf.size(), 0, 0, 0};
        percent_encode_to(buf, p.name);
        it.name_len = buf.size() - it.name;
        it.value = buf.size();
        percent_encode_to(buf, p.value);
        it.value_len = buf.size() - it.value;
        items.push_back(it);
    }
    std::string_view b = buf;
    std::sort(items.begin(), items.end(), [b](const item& x, const item& y) {
        auto xn = b.substr(x.name, x.name_len), yn = b.substr(y.name, y.name_len);
        if (xn != yn) return xn < yn;
        return b.substr(x.value, x.value_len) < b.substr(y.value, y.value_len);
    });
    std::string out;
    out.reserve(buf.size() + 2 * items.size());
    for (const auto& it : items) {
        if (!out.empty()) out.push_back('&');
        out.append(b.substr(it.name, it.name_len));
        if (it.value_len) {
            out.push_back('=');
            out.append(b.substr(it.value, it.value_len));
        }
    }
    return out;
}

}  // namespace ossmp::inline v0
