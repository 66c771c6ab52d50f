// ossmp: OSS signature version 1 (HMAC-SHA1), as header authorization and as presigned URL.
//
// Each stage is a pure function returning its text, so a test can name the stage that
// differs from a vector (aws-c-auth keeps its stages separately callable for the same
// reason):
//   canonical resource  "/bucket/key?sub=resource"   raw (unencoded) key and values
//   string to sign      VERB \n Content-MD5 \n Content-Type \n Date \n x-oss-headers resource
//   signature           base64(HMAC-SHA1(secret, string to sign))
//   authorization       "OSS <access key id>:<signature>"
// sign_v1 and presign_v1 run the stages on a built request and apply the result. Every
// name they write (the scheme, the x-oss- prefix, the sub-resource list, the presigned
// URL's parameters) comes from the dialect.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ossmp/credentials.hpp>
#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/hmac.hpp>
#include <ossmp/detail/ascii.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// True when the query parameter `name` is a V1 sub-resource, i.e. part of the canonical
/// resource: one of the dialect's list (OSS: oss_v1_sub_resources, the union of the
/// official SDKs' lists). Query names starting with the dialect's vendor prefix (x-oss-)
/// are signed too, as go2 does.
inline bool is_v1_sub_resource(std::string_view name, const dialect& d = oss_dialect) noexcept {
    for (auto s : d.signing.v1_sub_resources)
        if (s == name) return true;
    return !d.header_prefix.empty() && name.substr(0, d.header_prefix.size()) == d.header_prefix;
}

/// Canonicalized vendor headers: every header whose lower-cased name starts with the
/// dialect prefix, as "name:value\n" with the name lower-cased and the value trimmed,
/// sorted by name in byte order; repeated names are joined with ','.
inline std::string v1_canonical_headers(const headers& h, const dialect& d = oss_dialect) {
    std::vector<std::pair<std::string, std::string>> items;
    for (const auto& f : h) {
        if (!detail::istarts_with(f.name, d.header_prefix)) continue;
        auto name = detail::lower(f.name);
        auto value = std::string(detail::trim(f.value));
        auto it = std::find_if(items.begin(), items.end(), [&](auto& p) { return p.first == name; });
        if (it != items.end())
            it->second += "," + value;
        else
            items.emplace_back(std::move(name), std::move(value));
    }
    std::sort(items.begin(), items.end());
    std::string out;
    for (const auto& [n, v] : items) {
        out += n;
        out += ':';
        out += v;
        out += '\n';
    }
    return out;
}

/// The canonicalized resource: "/" + bucket + "/" + key with the key RAW ("/bucket/" for a
/// bucket, "/" for the service), then "?" and the signed sub-resources sorted by name in
/// byte order as name[=value] (raw value; no '=' when empty) joined by '&'.
/// `extra_sub_resources` names further query parameters to sign.
inline std::string v1_canonical_resource(std::string_view bucket, std::string_view key, const query_params& q,
                                         std::span<const std::string> extra_sub_resources = {},
                                         const dialect& d = oss_dialect) {
    std::string out = "/";
    if (!bucket.empty()) {
        out += bucket;
        out += '/';
        out += key;
    }
    std::vector<const query_param*> signed_params;
    for (const auto& p : q) {
        bool extra = std::find(extra_sub_resources.begin(), extra_sub_resources.end(), p.name) !=
                     extra_sub_resources.end();
        if (extra || is_v1_sub_resource(p.name, d)) signed_params.push_back(&p);
    }
    std::sort(signed_params.begin(), signed_params.end(), [](auto* a, auto* b) {
        return a->name != b->name ? a->name < b->name : a->value < b->value;
    });
    for (std::size_t i = 0; i < signed_params.size(); ++i) {
        out += i == 0 ? '?' : '&';
        out += signed_params[i]->name;
        if (!signed_params[i]->value.empty()) {
            out += '=';
            out += signed_params[i]->value;
        }
    }
    return out;
}

/// The string to sign: method, Content-MD5, Content-Type, the date line, the canonical
/// vendor headers and the canonical resource, separated as OSS defines (no trailing
/// newline). `date_line` is the x-oss-date value when the request has one, else the Date
/// header (or, for presigned URLs, the Expires value).
inline std::string v1_string_to_sign(std::string_view method, const headers& h, std::string_view date_line,
                                     std::string_view canonical_resource, const dialect& d = oss_dialect) {
    std::string out;
    out += method;
    out += '\n';
    out += detail::trim(h.get_or("Content-MD5"));
    out += '\n';
    out += detail::trim(h.get_or("Content-Type"));
    out += '\n';
    out += date_line;
    out += '\n';
    out += v1_canonical_headers(h, d);
    out += canonical_resource;
    return out;
}

/// base64(HMAC-SHA1(secret, string_to_sign)).
inline std::string v1_signature(std::string_view secret, std::string_view string_to_sign) {
    return base64_encode(hmac_sha1::mac(secret, string_to_sign));
}

/// Every stage of a V1 header signature, for inspection and tests.
struct v1_signing {
    std::string canonical_resource;
    std::string string_to_sign;
    std::string signature;
    std::string authorization;  ///< "OSS <id>:<signature>"; also set on the request
};

/// Options for V1 signing.
struct v1_options {
    std::vector<std::string> extra_sub_resources;  ///< further query names to sign
};

/// Signs `req` with V1 header authorization at time `now`: sets Date (RFC 1123 of `now`),
/// the STS token header when the credentials have one, and Authorization; any earlier
/// signature is replaced, so a retry re-signs the same request with a fresh time. When the
/// request carries an x-oss-date header its value is the signed date (OSS rule), so
/// callers re-signing must not leave a stale x-oss-date in place (builders never add one).
inline result<v1_signing> sign_v1(http_request& req, const credentials& creds, time_point now,
                                  const v1_options& opts = {}, const dialect& d = oss_dialect) {
    if (auto r = validate_credentials(creds); !r) return r.error();
    req.headers.set("Date", format_http_date(now));
    if (creds.has_token())
        req.headers.set(d.security_token_header, creds.security_token);
    else
        req.headers.erase(d.security_token_header);
    req.headers.erase("Authorization");
    auto date_line = req.headers.get(d.date_header).value_or(req.headers.get_or("Date"));
    v1_signing s;
    s.canonical_resource = v1_canonical_resource(req.bucket, req.key, req.query, opts.extra_sub_resources, d);
    s.string_to_sign = v1_string_to_sign(req.method, req.headers, date_line, s.canonical_resource, d);
    s.signature = v1_signature(creds.access_key_secret, s.string_to_sign);
    s.authorization = std::string(d.signing.v1_scheme) + creds.access_key_id + ":" + s.signature;
    req.headers.set("Authorization", s.authorization);
    return s;
}

/// A V1 presigned URL and its stages.
struct v1_presigned {
    std::string canonical_resource;
    std::string string_to_sign;
    std::string signature;
    query_params added;      ///< OSSAccessKeyId, Expires, Signature (and security-token), as the dialect names them
    std::string url;         ///< the full URL to hand out
    ossmp::headers headers;  ///< signed headers the URL's user must send (Content-Type, x-oss-*)
};

/// Presigns `req` with V1 query authorization, valid until `expires` (absolute). The STS
/// token becomes the signed `security-token` query parameter. Headers that were signed
/// (Content-MD5, Content-Type, x-oss-*) are returned: whoever uses the URL must send them.
inline result<v1_presigned> presign_v1(const http_request& req, const credentials& creds, time_point expires,
                                       const v1_options& opts = {}, const dialect& d = oss_dialect) {
    if (auto r = validate_credentials(creds); !r) return r.error();
    v1_presigned p;
    query_params q = req.query;
    const auto& n = d.signing;
    if (creds.has_token()) {
        set_param(q, n.v1_query_security_token, creds.security_token);
        p.added.push_back({std::string(n.v1_query_security_token), creds.security_token});
    }
    auto expires_text = std::to_string(to_unix_seconds(expires));
    p.canonical_resource = v1_canonical_resource(req.bucket, req.key, q, opts.extra_sub_resources, d);
    p.string_to_sign = v1_string_to_sign(req.method, req.headers, expires_text, p.canonical_resource, d);
    p.signature = v1_signature(creds.access_key_secret, p.string_to_sign);
    for (query_param qp : {query_param{std::string(n.v1_query_access_key), creds.access_key_id},
                           query_param{std::string(n.v1_query_expires), expires_text},
                           query_param{std::string(n.v1_query_signature), p.signature}}) {
        set_param(q, qp.name, qp.value);
        p.added.push_back(std::move(qp));
    }
    for (const auto& h : req.headers)
        if (detail::iequals(h.name, "Content-MD5") || detail::iequals(h.name, "Content-Type") ||
            detail::istarts_with(h.name, d.header_prefix))
            p.headers.add(h.name, h.value);
    p.url = req.scheme + "://" + req.host + (req.path.empty() ? std::string("/") : req.path) + "?" + encode_query(q);
    return p;
}

}  // namespace ossmp::inline v0
