#include "auth.hpp"

#include <algorithm>
#include <cstdio>

#include <ossmp/detail/ascii.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/sign/v1.hpp>
#include <ossmp/sign/v4.hpp>

#include "oss_error.hpp"
#include "util.hpp"

namespace ossmp::inline v0::emulator::detail {

namespace {

using details_t = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view v4_query_prefix = "x-oss-";

error access_denied(std::string message, std::string ec, details_t d = {}) {
    return oss_error(403, "AccessDenied", std::move(message), std::move(ec), std::move(d));
}

error bad_authorization(std::string message, std::string ec) {
    return oss_error(400, "InvalidArgument", std::move(message), std::move(ec));
}

error unknown_key(const std::string& ak) {
    return oss_error(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.",
                     "0002-00000902", {{"OSSAccessKeyId", ak}});
}

const credentials* find_account(const std::vector<credentials>& accounts, std::string_view ak) {
    for (const auto& a : accounts)
        if (constant_time_equal(a.access_key_id, ak)) return &a;
    return nullptr;
}

// The token the request carries in the places OSS reads it for this scheme, or nullptr.
const std::string* find_token(const incoming_request& req, bool in_query, std::string& storage) {
    if (in_query) {
        for (std::string_view name : {"security-token", "x-oss-security-token"})
            if (auto* p = find_param(req.query, name)) return &p->value;
        return nullptr;
    }
    if (auto v = req.headers.get(oss_dialect.security_token_header)) {
        storage.assign(*v);
        return &storage;
    }
    return nullptr;
}

// An STS account requires its token; a permanent key must not come with one.
result<void> check_token(const incoming_request& req, const credentials& acct, bool in_query) {
    std::string storage;
    const std::string* sent = find_token(req, in_query, storage);
    if (acct.has_token()) {
        if (!sent)
            return oss_error(403, "InvalidAccessKeyId",
                             "The OSS Access Key Id you provided is temporary and needs its security token.",
                             "0002-00000903", {{"OSSAccessKeyId", acct.access_key_id}});
        if (!constant_time_equal(*sent, acct.security_token))
            return oss_error(403, "InvalidSecurityToken", "The security token you provided is invalid.",
                             "0002-00000904");
        return ok();
    }
    if (sent)
        return oss_error(403, "InvalidSecurityToken",
                         "A security token was sent with an access key that is not temporary.", "0002-00000904");
    return ok();
}

// A copy of the request whose security token is replaced by a placeholder, for echoing.
incoming_request redact(const incoming_request& req) {
    incoming_request r = req;
    for (auto& p : r.query)
        if (p.name == "security-token" || p.name == "x-oss-security-token") p.value = std::string(redacted_token);
    if (r.headers.contains(oss_dialect.security_token_header))
        r.headers.set(oss_dialect.security_token_header, redacted_token);
    return r;
}

std::string bytes_text(std::string_view s) {
    std::string out;
    out.reserve(s.size() * 3);
    char buf[4];
    for (char c : s) {
        std::snprintf(buf, sizeof buf, "%02X ", static_cast<unsigned char>(c));
        out += buf;
    }
    return out;
}

result<void> check_skew(time_point request_time, std::string_view shown, time_point now, std::chrono::seconds max_skew) {
    auto diff = request_time > now ? request_time - now : now - request_time;
    if (diff > max_skew)
        return oss_error(403, "RequestTimeTooSkewed",
                         "The difference between the request time and the current time is too large.",
                         "0002-00000504",
                         {{"RequestTime", std::string(shown)},
                          {"ServerTime", format_iso8601(now)},
                          {"MaxAllowedSkewMilliseconds",
                           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(max_skew).count())}});
    return ok();
}

error expired(std::string_view expires_shown, time_point now) {
    return access_denied("Request has expired.", "0002-00000069",
                         {{"Expires", std::string(expires_shown)}, {"ServerTime", format_iso8601(now)}});
}

// ---- V1 ----

std::string v1_expected_string(const incoming_request& req, std::string_view date_line) {
    auto resource = v1_canonical_resource(req.bucket, req.key, req.query);
    return v1_string_to_sign(req.method, req.headers, date_line, resource);
}

error v1_mismatch(const incoming_request& req, const credentials& acct, std::string_view provided, bool query) {
    auto shown_req = redact(req);
    std::string date_line;
    if (query) {
        date_line = find_param(req.query, "Expires")->value;
    } else {
        auto d = req.headers.get(oss_dialect.date_header);
        date_line = std::string(d ? *d : req.headers.get_or("Date"));
    }
    auto shown = v1_expected_string(shown_req, date_line);
    return oss_error(403, "SignatureDoesNotMatch",
                     "The request signature we calculated does not match the signature you provided. Check your "
                     "key and signing method.",
                     "0002-00000040",
                     {{"OSSAccessKeyId", acct.access_key_id},
                      {"SignatureProvided", std::string(provided)},
                      {"StringToSign", shown},
                      {"StringToSignBytes", bytes_text(shown)}});
}

result<auth_outcome> v1_header(const incoming_request& req, std::string_view auth,
                               const std::vector<credentials>& accounts, time_point now,
                               std::chrono::seconds max_skew) {
    auto rest = auth.substr(4);
    auto colon = rest.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size())
        return bad_authorization("Authorization header is invalid.", "0002-00000061");
    auto ak = rest.substr(0, colon), sig = rest.substr(colon + 1);
    auto* acct = find_account(accounts, ak);
    if (!acct) return unknown_key(std::string(ak));

    auto x_date = req.headers.get(oss_dialect.date_header);
    std::string_view date_line = x_date ? *x_date : req.headers.get_or("Date");
    if (date_line.empty()) return access_denied("OSS authentication requires a valid Date.", "0002-00000016");
    auto t = parse_http_date(date_line);
    if (!t) return access_denied("OSS authentication requires a valid Date.", "0002-00000017");
    if (auto r = check_skew(*t, date_line, now, max_skew); !r) return r.error();
    if (auto r = check_token(req, *acct, false); !r) return r.error();

    auto expected = v1_signature(acct->access_key_secret, v1_expected_string(req, date_line));
    if (!constant_time_equal(expected, sig)) return v1_mismatch(req, *acct, sig, false);
    return auth_outcome{acct, "v1-header"};
}

result<auth_outcome> v1_query(const incoming_request& req, const std::vector<credentials>& accounts, time_point now) {
    auto *ak = find_param(req.query, "OSSAccessKeyId"), *exp = find_param(req.query, "Expires"),
         *sig = find_param(req.query, "Signature");
    if (!ak || ak->value.empty()) return access_denied("OSSAccessKeyId is missing from the signed URL.", "0002-00000073");
    if (!exp || !sig || sig->value.empty())
        return access_denied("Expires and Signature are required in a signed URL.", "0002-00000074");
    auto* acct = find_account(accounts, ak->value);
    if (!acct) return unknown_key(ak->value);
    std::uint64_t expires = 0;
    if (!parse_u64(exp->value, expires)) return access_denied("Expires must be a Unix time in seconds.", "0002-00000075");
    if (static_cast<std::int64_t>(expires) < to_unix_seconds(now)) return expired(exp->value, now);
    if (auto r = check_token(req, *acct, true); !r) return r.error();
    auto expected = v1_signature(acct->access_key_secret, v1_expected_string(req, exp->value));
    if (!constant_time_equal(expected, sig->value)) return v1_mismatch(req, *acct, sig->value, true);
    return auth_outcome{acct, "v1-query"};
}

// ---- V4 ----

struct v4_credential {
    std::string_view ak, date, region, product;
};

bool parse_credential(std::string_view c, v4_credential& out) {
    // ak/date/region/product/aliyun_v4_request, split from the right.
    std::string_view parts[4];
    for (int i = 3; i >= 0; --i) {
        auto slash = c.rfind('/');
        if (slash == std::string_view::npos) return false;
        parts[i] = c.substr(slash + 1);
        c = c.substr(0, slash);
    }
    if (parts[3] != "aliyun_v4_request" || c.empty()) return false;
    out = {c, parts[0], parts[1], parts[2]};
    return !out.date.empty() && !out.region.empty() && !out.product.empty();
}

result<std::vector<std::string>> parse_additional(std::string_view text) {
    std::vector<std::string> out;
    if (text.empty())
        return bad_authorization("AdditionalHeaders must not be empty when present.", "0002-00000209");
    if (text.back() == ';')
        return bad_authorization("AdditionalHeaders must not end with ';'.", "0002-00000210");
    while (!text.empty()) {
        auto semi = text.find(';');
        auto name = text.substr(0, semi);
        if (name.empty()) return bad_authorization("AdditionalHeaders has an empty name.", "0002-00000210");
        out.push_back(ossmp::detail::lower(name));
        if (semi == std::string_view::npos) break;
        text.remove_prefix(semi + 1);
    }
    return out;
}

bool is_iso_basic(std::string_view s) {
    if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
    for (std::size_t i = 0; i < 15; ++i)
        if (i != 8 && !ossmp::detail::is_digit(s[i])) return false;
    return true;
}

// Scope checks shared by header and query V4.
result<void> check_scope(const v4_credential& c, std::string_view x_oss_date, const std::string& region) {
    if (c.date != x_oss_date.substr(0, 8))
        return bad_authorization("The date in the credential scope does not match x-oss-date.", "0002-00000220");
    if (c.region != region)
        return bad_authorization("Invalid signing region in Authorization: the region is '" + region + "'.",
                                 "0002-00000221");
    if (c.product != "oss")
        return bad_authorization("Invalid signing product in Authorization: expected 'oss'.", "0002-00000222");
    return ok();
}

http_request as_http_request(const incoming_request& req) {
    http_request r;
    r.method = req.method;
    r.bucket = req.bucket;
    r.key = req.key;
    r.query = req.query;
    r.headers = req.headers;
    r.host = req.host;
    return r;
}

struct v4_computed {
    std::string canonical_request, string_to_sign, signature;
};

v4_computed v4_compute(const incoming_request& req, const std::vector<std::string>& additional,
                       std::string_view hashed_payload, std::string_view x_oss_date, const v4_credential& c,
                       const credentials& acct) {
    v4_computed out;
    out.canonical_request = v4_canonical_request(as_http_request(req), additional, hashed_payload);
    out.string_to_sign = v4_string_to_sign(x_oss_date, v4_scope(c.date, c.region, c.product), out.canonical_request);
    out.signature = v4_signature(derive_v4_signing_key(acct.access_key_secret, c.date, c.region, c.product),
                                 out.string_to_sign);
    return out;
}

error v4_mismatch(const incoming_request& shown_req, const std::vector<std::string>& additional,
                  std::string_view hashed_payload, const v4_computed& real, const credentials& acct,
                  std::string_view provided) {
    // The string to sign carries only a hash of the canonical request, so the real one is
    // shown; the canonical request itself is shown with the token replaced.
    auto shown_canonical = v4_canonical_request(as_http_request(shown_req), additional, hashed_payload);
    return oss_error(403, "SignatureDoesNotMatch",
                     "The request signature we calculated does not match the signature you provided. Check your "
                     "key and signing method.",
                     "0002-00000201",
                     {{"OSSAccessKeyId", acct.access_key_id},
                      {"SignatureProvided", std::string(provided)},
                      {"StringToSign", real.string_to_sign},
                      {"StringToSignBytes", bytes_text(real.string_to_sign)},
                      {"CanonicalRequest", shown_canonical}});
}

result<auth_outcome> v4_header(const incoming_request& req, std::string_view auth,
                               const std::vector<credentials>& accounts, const std::string& region, time_point now,
                               std::chrono::seconds max_skew) {
    auto rest = auth.substr(v4_algorithm.size() + 1);
    std::string_view credential, signature;
    std::optional<std::string_view> additional_text;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto item = ossmp::detail::trim(rest.substr(0, comma));
        auto eq = item.find('=');
        if (eq == std::string_view::npos)
            return bad_authorization("Authorization header is invalid.", "0002-00000061");
        auto name = item.substr(0, eq), value = item.substr(eq + 1);
        if (name == "Credential")
            credential = value;
        else if (name == "AdditionalHeaders")
            additional_text = value;
        else if (name == "Signature")
            signature = value;
        else
            return bad_authorization("Authorization header has an unknown field.", "0002-00000061");
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    v4_credential c;
    if (!parse_credential(credential, c))
        return bad_authorization("The Credential in the Authorization header is invalid.", "0002-00000205");
    if (signature.empty()) return bad_authorization("The Authorization header has no Signature.", "0002-00000206");
    std::vector<std::string> additional;
    if (additional_text) {
        auto a = parse_additional(*additional_text);
        if (!a) return a.error();
        additional = std::move(*a);
    }
    auto sha = req.headers.get(oss_dialect.content_sha256_header);
    if (!sha || *sha != v4_unsigned_payload)
        return bad_authorization("x-oss-content-sha256 must be UNSIGNED-PAYLOAD.", "0002-00000214");
    auto x_date = req.headers.get(oss_dialect.date_header);
    if (!x_date || !is_iso_basic(*x_date))
        return bad_authorization("V4 requests need an x-oss-date header in the form YYYYMMDDTHHMMSSZ.",
                                 "0002-00000211");
    auto t = parse_iso8601(*x_date);
    if (!t) return bad_authorization("x-oss-date is not a valid time.", "0002-00000211");
    if (auto r = check_scope(c, *x_date, region); !r) return r.error();
    auto* acct = find_account(accounts, c.ak);
    if (!acct) return unknown_key(std::string(c.ak));
    if (auto r = check_skew(*t, *x_date, now, max_skew); !r) return r.error();
    if (auto r = check_token(req, *acct, false); !r) return r.error();
    auto real = v4_compute(req, additional, *sha, *x_date, c, *acct);
    if (!constant_time_equal(real.signature, signature))
        return v4_mismatch(redact(req), additional, *sha, real, *acct, signature);
    return auth_outcome{acct, "v4-header"};
}

result<auth_outcome> v4_query(const incoming_request& req, const std::vector<credentials>& accounts,
                              const std::string& region, time_point now, std::chrono::seconds max_skew) {
    auto get = [&](std::string_view suffix) { return find_param(req.query, std::string(v4_query_prefix) + std::string(suffix)); };
    auto *version = get("signature-version"), *credential = get("credential"), *date = get("date"),
         *expires = get("expires"), *signature = get("signature"), *additional_p = get("additional-headers");
    if (!version || version->value != v4_algorithm)
        return bad_authorization("x-oss-signature-version must be OSS4-HMAC-SHA256.", "0002-00000066");
    v4_credential c;
    if (!credential || !parse_credential(credential->value, c))
        return bad_authorization("x-oss-credential is invalid.", "0002-00000205");
    if (!signature || signature->value.empty())
        return bad_authorization("x-oss-signature is missing.", "0002-00000206");
    if (!expires) return bad_authorization("x-oss-expires is missing.", "0002-00000215");
    std::uint64_t seconds = 0;
    if (!parse_u64(expires->value, seconds) || seconds < 1 || seconds > std::uint64_t(v4_max_expires_seconds))
        return bad_authorization("x-oss-expires must be 1 to 604800 seconds.", "0002-00000232");
    if (!date || !is_iso_basic(date->value))
        return bad_authorization("x-oss-date must be in the form YYYYMMDDTHHMMSSZ.", "0002-00000211");
    auto t = parse_iso8601(date->value);
    if (!t) return bad_authorization("x-oss-date is not a valid time.", "0002-00000211");
    std::vector<std::string> additional;
    if (additional_p) {
        auto a = parse_additional(additional_p->value);
        if (!a) return a.error();
        additional = std::move(*a);
    }
    if (auto r = check_scope(c, date->value, region); !r) return r.error();
    auto* acct = find_account(accounts, c.ak);
    if (!acct) return unknown_key(std::string(c.ak));
    // A URL signed in the future is a skewed clock; one past its validity has expired.
    if (*t > now + max_skew) return check_skew(*t, date->value, now, max_skew).error();
    if (now > *t + std::chrono::seconds(seconds))
        return expired(format_iso8601(*t + std::chrono::seconds(seconds)), now);
    if (auto r = check_token(req, *acct, true); !r) return r.error();
    incoming_request unsigned_req = req;
    std::erase_if(unsigned_req.query, [](const query_param& p) { return p.name == "x-oss-signature"; });
    auto sha = req.headers.get(oss_dialect.content_sha256_header);
    std::string_view hashed = sha ? *sha : v4_unsigned_payload;
    auto real = v4_compute(unsigned_req, additional, hashed, date->value, c, *acct);
    if (!constant_time_equal(real.signature, signature->value))
        return v4_mismatch(redact(unsigned_req), additional, hashed, real, *acct, signature->value);
    return auth_outcome{acct, "v4-query"};
}

}  // namespace

result<auth_outcome> authenticate(const incoming_request& req, const std::vector<credentials>& accounts,
                                  const std::string& region, time_point now, std::chrono::seconds max_skew) {
    if (auto auth = req.headers.get("Authorization")) {
        std::string_view a = *auth;
        if (a.substr(0, v4_algorithm.size() + 1) == std::string(v4_algorithm) + " ")
            return v4_header(req, a, accounts, region, now, max_skew);
        if (a.substr(0, 4) == "OSS ") return v1_header(req, a, accounts, now, max_skew);
        return bad_authorization("Authorization header is invalid.", "0002-00000061");
    }
    if (find_param(req.query, "x-oss-signature-version") || find_param(req.query, "x-oss-signature") ||
        find_param(req.query, "x-oss-credential"))
        return v4_query(req, accounts, region, now, max_skew);
    if (find_param(req.query, "OSSAccessKeyId") || find_param(req.query, "Signature") ||
        find_param(req.query, "Expires"))
        return v1_query(req, accounts, now);
    return access_denied("You have no right to access this object because of bucket acl.", "0003-00000001");
}

}  // namespace ossmp::inline v0::emulator::detail
