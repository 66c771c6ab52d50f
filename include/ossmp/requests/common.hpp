// ossmp: pieces shared by the request builders: starting a request for a bucket and key,
// adding validated headers, and checking values against OSS's limits (limits.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ossmp/dialect.hpp>
#include <ossmp/endpoint.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/limits.hpp>
#include <ossmp/result.hpp>
#include <ossmp/validate.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Extra request headers as (name, value) pairs, e.g. user metadata without its prefix.
using header_pairs = std::vector<std::pair<std::string, std::string>>;

namespace detail {

// A request addressed at bucket/key on `ep`, with names validated and the path encoded.
inline result<http_request> start_request(operation op, std::string_view method, const endpoint& ep,
                                          std::string_view bucket, std::string_view key) {
    if (bucket.empty() && op != operation::none)
        return make_error(errc::invalid_bucket_name, "a bucket name is required", op);
    auto loc = resolve(ep, bucket, key);
    if (!loc) {
        auto e = std::move(loc).error();
        e.op = op;
        return e;
    }
    http_request req;
    req.op = op;
    req.method.assign(method);
    req.scheme = std::move(loc->scheme);
    req.host = std::move(loc->host);
    req.path = std::move(loc->path);
    req.bucket.assign(bucket);
    req.key.assign(key);
    return req;
}

// Adds a header after validating it; empty values are skipped (an unset option).
inline result<void> put_header(http_request& req, std::string_view name, std::string_view value) {
    if (value.empty()) return ok();
    if (auto r = validate_header(name, value); !r) {
        auto e = r.error();
        e.op = req.op;
        return e;
    }
    req.headers.set(name, value);
    return ok();
}

inline result<void> check_upload_id(std::string_view upload_id, operation op) {
    if (upload_id.empty()) return make_error(errc::invalid_argument, "upload id is empty", op);
    for (char c : upload_id)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return make_error(errc::invalid_argument, "upload id contains control characters", op);
    return ok();
}

inline result<void> check_part_number(std::uint32_t n, operation op) {
    if (n < 1 || n > max_part_number)
        return make_error(errc::invalid_part_number,
                          "part number " + std::to_string(n) + " is outside 1..10000", op, n);
    return ok();
}

inline result<void> check_one_of(std::string_view what, std::string_view value,
                                 std::initializer_list<std::string_view> allowed, operation op) {
    if (value.empty()) return ok();
    std::string list;
    for (auto a : allowed) {
        if (a == value) return ok();
        list += list.empty() ? "" : ", ";
        list += a;
    }
    return make_error(errc::invalid_argument,
                      std::string(what) + " " + quote_for_message(value) + " is not one of: " + list, op);
}

inline result<void> check_traffic_limit(std::uint64_t limit, operation op) {
    if (limit != 0 && (limit < min_traffic_limit || limit > max_traffic_limit))
        return make_error(errc::invalid_argument,
                          "traffic limit " + std::to_string(limit) +
                              " bit/s is outside 819200..838860800 (100 KB/s..100 MB/s)", op);
    return ok();
}

// Adds caller-supplied raw headers; they may not override what the signer owns.
inline result<void> put_extra_headers(http_request& req, const header_pairs& extra) {
    for (const auto& [n, v] : extra) {
        if (iequals(n, "Authorization") || iequals(n, "Host") || iequals(n, "Content-Length"))
            return make_error(errc::invalid_header_value,
                              "header " + n + " is set by the signer or the transport, not by the caller", req.op);
        if (auto r = validate_header(n, v); !r) {
            auto e = r.error();
            e.op = req.op;
            return e;
        }
        req.headers.add(n, v);
    }
    return ok();
}

}  // namespace detail
}  // namespace ossmp::inline v0
