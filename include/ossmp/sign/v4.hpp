// ossmp: OSS signature version 4 (OSS4-HMAC-SHA256), as header authorization and as
// presigned URL.
//
// Stages, each a pure function returning its text so tests can name the stage that differs:
//   canonical request  METHOD \n URI \n query \n headers \n additional-headers \n payload-hash
//   scope              date/region/product/aliyun_v4_request
//   string to sign     OSS4-HMAC-SHA256 \n x-oss-date \n scope \n hex(SHA-256(canonical request))
//   signing key        HMAC chain "aliyun_v4"+secret -> date -> region -> product -> "aliyun_v4_request"
//   signature          hex(HMAC-SHA256(signing key, string to sign))
// URI and query go through the one percent-encoder, so they match the wire exactly. The
// names in these stages (the algorithm, "aliyun_v4", "aliyun_v4_request", UNSIGNED-PAYLOAD,
// the x-oss- headers and the presigned URL's parameters) come from the dialect.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ossmp/credentials.hpp>
#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/hmac.hpp>
#include <ossmp/crypto/sha256.hpp>
#include <ossmp/detail/ascii.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/limits.hpp>
#include <ossmp/percent.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/validate.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// OSS's V4 algorithm name ("OSS4-HMAC-SHA256"); the signers write the dialect's.
inline constexpr std::string_view v4_algorithm = oss_dialect.signing.v4_algorithm;
/// OSS's V4 payload hash ("UNSIGNED-PAYLOAD": the body is not hashed); the signers write
/// the dialect's.
inline constexpr std::string_view v4_unsigned_payload = oss_dialect.signing.v4_unsigned_payload;

/// The region as V4 scopes it: a leading "oss-" is removed ("oss-cn-hangzhou" ->
/// "cn-hangzhou"), since SDK samples pass either form.
inline std::string v4_region(std::string_view region) {
    if (region.substr(0, 4) == "oss-") region.remove_prefix(4);
    return std::string(region);
}

/// The canonical URI: UriEncode("/" + bucket + "/" + key) with '/' kept; "/bucket/" for a
/// bucket-level request, "/" without a bucket.
inline std::string v4_canonical_uri(std::string_view bucket, std::string_view key) {
    std::string out = "/";
    if (bucket.empty()) return out;
    percent_encode_to(out, bucket, encode_mode::path);
    out += '/';
    percent_encode_to(out, key, encode_mode::path);
    return out;
}

/// True for headers V4 always signs: the vendor prefix (x-oss-*), Content-Type, Content-MD5.
/// Names compare without regard to case.
inline bool v4_is_default_signed(std::string_view name, const dialect& d = oss_dialect) noexcept {
    return detail::iequals(name, "content-type") || detail::iequals(name, "content-md5") ||
           detail::istarts_with(name, d.header_prefix);
}

namespace detail {
// A header as V4 signs it: the name as sent (lower-cased when written) and the trimmed
// value, both views into the request. Host comes from the request's authority when the
// header list has none (transports add Host themselves).
struct v4_header_ref {
    std::string_view name;
    std::string_view value;
};

constexpr bool iless(std::string_view a, std::string_view b) noexcept {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        char x = to_lower(a[i]), y = to_lower(b[i]);
        if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
    }
    return a.size() < b.size();
}

inline std::optional<std::string_view> v4_header_value(const http_request& req, std::string_view lower_name) {
    std::optional<std::string_view> found;
    for (const auto& h : req.headers)
        if (iequals(h.name, lower_name)) {
            found = trim(h.value);
            break;
        }
    if (!found && lower_name == "host" && !req.host.empty()) found = std::string_view(req.host);
    return found;
}
}  // namespace detail

/// The additional headers that will actually be signed: requested names lower-cased, minus
/// default-signed names and names the request does not carry (or carries empty),
/// de-duplicated and sorted. This is the go2/py2 rule; ali-oss throws instead of dropping.
inline std::vector<std::string> v4_effective_additional_headers(const http_request& req,
                                                                std::span<const std::string> requested,
                                                                const dialect& d = oss_dialect) {
    std::vector<std::string> out;
    for (const auto& r : requested) {
        auto name = detail::lower(r);
        if (v4_is_default_signed(name, d)) continue;
        auto v = detail::v4_header_value(req, name);
        if (v && !v->empty()) out.push_back(std::move(name));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

/// The canonical request. `additional` must be the effective additional headers
/// (v4_effective_additional_headers); `hashed_payload` is normally UNSIGNED-PAYLOAD.
inline std::string v4_canonical_request(const http_request& req, std::span<const std::string> additional,
                                        std::string_view hashed_payload, const dialect& d = oss_dialect) {
    std::string out;
    out.reserve(512);
    out += req.method;
    out += '\n';
    out += v4_canonical_uri(req.bucket, req.key);
    out += '\n';
    out += encode_query(req.query);
    out += '\n';
    auto is_additional = [&](std::string_view name) {
        for (const auto& a : additional)
            if (detail::iequals(a, name)) return true;
        return false;
    };
    std::vector<detail::v4_header_ref> signed_headers;
    signed_headers.reserve(req.headers.size() + 1);
    bool has_host = false;
    for (const auto& h : req.headers) {
        has_host = has_host || detail::iequals(h.name, "host");
        if (v4_is_default_signed(h.name, d) || is_additional(h.name))
            signed_headers.push_back({h.name, detail::trim(h.value)});
    }
    if (!has_host && !req.host.empty() && is_additional("host")) signed_headers.push_back({"host", req.host});
    std::stable_sort(signed_headers.begin(), signed_headers.end(),
                     [](const auto& a, const auto& b) { return detail::iless(a.name, b.name); });
    for (std::size_t i = 0; i < signed_headers.size(); ++i) {
        // Repeated names join their values with ',' under one name, as on the wire.
        if (i > 0 && detail::iequals(signed_headers[i].name, signed_headers[i - 1].name)) {
            out.back() = ',';
        } else {
            for (char c : signed_headers[i].name) out.push_back(detail::to_lower(c));
            out += ':';
        }
        out += signed_headers[i].value;
        out += '\n';
    }
    out += '\n';
    for (std::size_t i = 0; i < additional.size(); ++i) {
        if (i) out += ';';
        out += additional[i];
    }
    out += '\n';
    out += hashed_payload;
    return out;
}

/// "date/region/product/aliyun_v4_request" (the dialect's terminator); `date` is YYYYMMDD.
inline std::string v4_scope(std::string_view date, std::string_view region, std::string_view product,
                            const dialect& d = oss_dialect) {
    std::string s;
    s.reserve(64);
    s += date;
    s += '/';
    s += region;
    s += '/';
    s += product;
    s += '/';
    s += d.signing.v4_terminator;
    return s;
}

/// The string to sign for a canonical request, headed by the dialect's algorithm name.
inline std::string v4_string_to_sign(std::string_view x_oss_date, std::string_view scope,
                                     std::string_view canonical_request, const dialect& d = oss_dialect) {
    std::string s;
    s.reserve(160);
    s += d.signing.v4_algorithm;
    s += '\n';
    s += x_oss_date;
    s += '\n';
    s += scope;
    s += '\n';
    s += hex_encode(sha256::hash(canonical_request));
    return s;
}

/// A derived V4 signing key (32 bytes). Secret material: never log it.
using v4_signing_key = std::array<std::uint8_t, 32>;

/// Derives the signing key: HMAC-SHA256 chain keyed by the dialect's key prefix + secret
/// ("aliyun_v4" + secret) over the date (YYYYMMDD), the region, the product and the
/// terminator ("aliyun_v4_request").
inline v4_signing_key derive_v4_signing_key(std::string_view secret, std::string_view date,
                                            std::string_view region, std::string_view product,
                                            const dialect& d = oss_dialect) {
    std::string k0(d.signing.v4_key_prefix);
    k0 += secret;
    auto k1 = hmac_sha256::mac(k0, date);
    auto k2 = hmac_sha256(k1.data(), k1.size()).update(region).final();
    auto k3 = hmac_sha256(k2.data(), k2.size()).update(product).final();
    return hmac_sha256(k3.data(), k3.size()).update(d.signing.v4_terminator).final();
}

/// hex(HMAC-SHA256(signing key, string to sign)), lower case.
inline std::string v4_signature(const v4_signing_key& key, std::string_view string_to_sign) {
    return hex_encode(hmac_sha256(key.data(), key.size()).update(string_to_sign).final());
}
/// The same with an HMAC already keyed with the signing key (re-armed afterwards).
inline std::string v4_signature(hmac_sha256& keyed, std::string_view string_to_sign) {
    return hex_encode(keyed.update(string_to_sign).final());
}

/// Remembers the last derived signing key, so signing many requests on one day costs one
/// HMAC instead of five. The key changes with the secret, the date, the region, the
/// product or the dialect's derivation names. Not thread-safe: give each thread (or each
/// upload machine) its own cache.
class v4_key_cache {
public:
    /// The signing key for these inputs, derived only when they changed since last time.
    const v4_signing_key& get(std::string_view secret, std::string_view date, std::string_view region,
                              std::string_view product, const dialect& d = oss_dialect) {
        if (!valid_ || secret != secret_ || date != date_ || region != region_ || product != product_ ||
            d.signing.v4_key_prefix != key_prefix_ || d.signing.v4_terminator != terminator_) {
            key_ = derive_v4_signing_key(secret, date, region, product, d);
            mac_ = hmac_sha256(key_.data(), key_.size());
            secret_.assign(secret);
            date_.assign(date);
            region_.assign(region);
            product_.assign(product);
            key_prefix_.assign(d.signing.v4_key_prefix);
            terminator_.assign(d.signing.v4_terminator);
            valid_ = true;
            ++derivations_;
        }
        return key_;
    }
    /// An HMAC keyed with the signing key for these inputs; final() re-arms it, so the key's
    /// pads are hashed once per key rather than once per signature.
    hmac_sha256& keyed(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view product, const dialect& d = oss_dialect) {
        get(secret, date, region, product, d);
        return *mac_;
    }
    /// How many times a key was derived (a test hook that costs nothing).
    std::uint64_t derivations() const noexcept { return derivations_; }

private:
    v4_signing_key key_{};
    std::optional<hmac_sha256> mac_;
    std::string secret_;  // compared, never exposed; as sensitive as the credentials it mirrors
    std::string date_, region_, product_, key_prefix_, terminator_;
    bool valid_ = false;
    std::uint64_t derivations_ = 0;
};

/// Options for V4 signing.
struct v4_options {
    std::string region;                           ///< e.g. "cn-hangzhou" ("oss-" prefix accepted)
    std::string product = "oss";                  ///< "oss", or "oss-cloudbox" for CloudBox
    std::vector<std::string> additional_headers;  ///< further header names to sign (e.g. "host")
};

/// Every stage of a V4 header signature.
struct v4_signing {
    std::string x_oss_date;          ///< YYYYMMDDTHHMMSSZ
    std::string scope;
    std::string additional_headers;  ///< effective names joined by ';' ("" when none)
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;
    std::string authorization;       ///< also set on the request
};

namespace detail {
inline result<void> check_v4_inputs(const credentials& creds, const v4_options& opts) {
    if (auto r = validate_credentials(creds); !r) return r;
    auto region = v4_region(opts.region);
    if (region.empty())
        return make_error(errc::invalid_region, "V4 signing needs a region (e.g. cn-hangzhou)");
    for (char c : region)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return make_error(errc::invalid_region, "region " + quote_for_message(opts.region) +
                                                        " may contain only lower-case letters, digits and '-'");
    if (opts.product.empty()) return make_error(errc::invalid_argument, "V4 signing needs a product (oss)");
    return ok();
}
}  // namespace detail

/// Signs `req` with V4 header authorization at time `now`: sets x-oss-date, Date (RFC 1123,
/// not signed), x-oss-content-sha256: UNSIGNED-PAYLOAD, the STS token header when the
/// credentials have one, and Authorization, replacing any earlier signature (a retry
/// re-signs the same request with a fresh time). `cache` may be null.
inline result<v4_signing> sign_v4(http_request& req, const credentials& creds, time_point now,
                                  const v4_options& opts, v4_key_cache* cache = nullptr,
                                  const dialect& d = oss_dialect) {
    if (auto r = detail::check_v4_inputs(creds, opts); !r) return r.error();
    v4_signing s;
    s.x_oss_date = format_iso8601_basic(now);
    auto date = std::string_view(s.x_oss_date).substr(0, 8);
    auto region = v4_region(opts.region);
    req.headers.erase("Authorization");
    req.headers.set(d.date_header, s.x_oss_date);
    req.headers.set("Date", format_http_date(now));
    req.headers.set(d.content_sha256_header, d.signing.v4_unsigned_payload);
    if (creds.has_token())
        req.headers.set(d.security_token_header, creds.security_token);
    else
        req.headers.erase(d.security_token_header);
    std::vector<std::string> additional;
    if (!opts.additional_headers.empty()) additional = v4_effective_additional_headers(req, opts.additional_headers, d);
    for (std::size_t i = 0; i < additional.size(); ++i) {
        if (i) s.additional_headers += ';';
        s.additional_headers += additional[i];
    }
    s.scope = v4_scope(date, region, opts.product, d);
    s.canonical_request = v4_canonical_request(req, additional, d.signing.v4_unsigned_payload, d);
    s.string_to_sign = v4_string_to_sign(s.x_oss_date, s.scope, s.canonical_request, d);
    if (cache)
        s.signature =
            v4_signature(cache->keyed(creds.access_key_secret, date, region, opts.product, d), s.string_to_sign);
    else
        s.signature = v4_signature(derive_v4_signing_key(creds.access_key_secret, date, region, opts.product, d),
                                   s.string_to_sign);
    s.authorization = std::string(d.signing.v4_algorithm) + " Credential=" + creds.access_key_id + "/" + s.scope;
    if (!s.additional_headers.empty()) s.authorization += ",AdditionalHeaders=" + s.additional_headers;
    s.authorization += ",Signature=" + s.signature;
    req.headers.set("Authorization", s.authorization);
    return s;
}

/// A V4 presigned URL and its stages.
struct v4_presigned {
    std::string x_oss_date;
    std::string scope;
    std::string additional_headers;
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;
    query_params added;      ///< the query parameters the signer added (the dialect's names; signature last)
    std::string url;         ///< the full URL to hand out
    ossmp::headers headers;  ///< signed headers the URL's user must send
};

/// Presigns `req` with V4 query authorization, signed at `now` and valid until `expires`
/// (1 s to 7 days later, else errc::invalid_expiry). The STS token becomes the signed
/// x-oss-security-token query parameter. Signed headers (Content-Type, Content-MD5,
/// x-oss-*, additional ones) are returned: whoever uses the URL must send them.
inline result<v4_presigned> presign_v4(const http_request& req, const credentials& creds, time_point now,
                                       time_point expires, const v4_options& opts,
                                       v4_key_cache* cache = nullptr, const dialect& d = oss_dialect) {
    if (auto r = detail::check_v4_inputs(creds, opts); !r) return r.error();
    auto seconds = to_unix_seconds(expires) - to_unix_seconds(now);
    if (seconds < 1 || seconds > v4_max_expires_seconds)
        return make_error(errc::invalid_expiry, "a V4 presigned URL must expire 1 to 604800 seconds after signing (got " +
                                                    std::to_string(seconds) + ")");
    v4_presigned p;
    p.x_oss_date = format_iso8601_basic(now);
    auto date = std::string_view(p.x_oss_date).substr(0, 8);
    auto region = v4_region(opts.region);
    p.scope = v4_scope(date, region, opts.product, d);
    http_request r = req;
    auto additional = v4_effective_additional_headers(r, opts.additional_headers, d);
    for (std::size_t i = 0; i < additional.size(); ++i) {
        if (i) p.additional_headers += ';';
        p.additional_headers += additional[i];
    }
    const auto& n = d.signing;
    auto name = [](std::string_view v) { return std::string(v); };
    if (creds.has_token()) p.added.push_back({name(n.v4_query_security_token), creds.security_token});
    p.added.push_back({name(n.v4_query_algorithm), name(n.v4_algorithm)});
    p.added.push_back({name(n.v4_query_date), p.x_oss_date});
    p.added.push_back({name(n.v4_query_expires), std::to_string(seconds)});
    p.added.push_back({name(n.v4_query_credential), creds.access_key_id + "/" + p.scope});
    if (!p.additional_headers.empty()) p.added.push_back({name(n.v4_query_additional_headers), p.additional_headers});
    for (const auto& a : p.added) set_param(r.query, a.name, a.value);
    p.canonical_request = v4_canonical_request(r, additional, n.v4_unsigned_payload, d);
    p.string_to_sign = v4_string_to_sign(p.x_oss_date, p.scope, p.canonical_request, d);
    if (cache)
        p.signature =
            v4_signature(cache->keyed(creds.access_key_secret, date, region, opts.product, d), p.string_to_sign);
    else
        p.signature = v4_signature(derive_v4_signing_key(creds.access_key_secret, date, region, opts.product, d),
                                   p.string_to_sign);
    p.added.push_back({name(n.v4_query_signature), p.signature});
    set_param(r.query, n.v4_query_signature, p.signature);
    for (const auto& h : req.headers) {
        auto name = detail::lower(h.name);
        if (v4_is_default_signed(name, d) ||
            std::find(additional.begin(), additional.end(), name) != additional.end())
            p.headers.add(h.name, h.value);
    }
    p.url = r.url();
    return p;
}

}  // namespace ossmp::inline v0
