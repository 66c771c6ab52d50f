// ossmp: the JSON credentials document that credential processes, credentials URIs and the
// ECS metadata service return, in the shapes Alibaba Cloud's tools actually print.
//
// Accepted shapes (members not listed are ignored; member names are case-sensitive):
//   1. flat, as the ECS metadata service (help.aliyun.com/zh/ecs/user-guide/
//      obtain-a-temporary-authorization-token), the credentials URI provider of the
//      Alibaba Cloud credentials SDKs (credentials-go providers/uri.go: ALIBABA_CLOUD_
//      CREDENTIALS_URI) and the OSS tools' process providers (ossfs 2 process_creds)
//      return it:
//        {"AccessKeyId": "...", "AccessKeySecret": "...", "SecurityToken": "...",
//         "Expiration": "2026-12-04T12:00:00Z", "Code": "Success", "LastUpdated": "..."}
//      SecurityToken, Expiration and Code are optional here; a Code other than "Success"
//      means the source reports a failure;
//   2. an STS AssumeRole response, as `aliyun sts AssumeRole` prints it (STS API
//      2015-04-01; aliyun-sts-go-sdk Response): the flat members inside "Credentials":
//        {"RequestId": "...", "AssumedRoleUser": {...},
//         "Credentials": {"AccessKeyId": ..., "AccessKeySecret": ..., "SecurityToken": ...,
//                         "Expiration": "2015-04-09T11:52:19Z"}}
//   3. the Alibaba Cloud CLI's External mode (`aliyun configure --mode External`,
//      credentials-go providers/external.go), recognised by "mode" or "access_key_id":
//        {"mode": "StsToken", "access_key_id": "...", "access_key_secret": "...",
//         "sts_token": "...", "expiration": "2026-12-04T12:00:00Z"}
//      mode is "AK" or "StsToken" (inferred from sts_token when absent); StsToken needs
//      sts_token.
// An empty string or null counts as absent. Expiration is ISO 8601 UTC ("...Z", with or
// without milliseconds); numbers and other time zones are refused rather than guessed at.
#pragma once

#include <string>
#include <string_view>

#include <ossmp/credentials.hpp>
#include <ossmp/json/reader.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Bounds of a credentials document: 64 KiB (an STS token is 1-2 KB), nesting 8 deep (the
/// STS response nests 2), 4096 values.
inline constexpr json::reader_options credentials_document_limits{std::size_t(64) << 10, 8, 4096};

namespace detail {

enum class member_state { absent, ok, not_string };

// The string member `name` of `obj`: absent (missing, null or ""), ok (value set), or
// not_string.
inline member_state string_member(const json::value& obj, std::string_view name, std::string_view& value) {
    const json::value* v = obj.find(name);
    if (!v || v->is_null()) return member_state::absent;
    if (!v->is_string()) return member_state::not_string;
    value = v->as_string();
    return value.empty() ? member_state::absent : member_state::ok;
}

struct credentials_reader {
    const json::value& obj;
    credentials out;
    error err;

    bool fail(errc code, std::string message) {
        err = make_error(code, std::move(message));
        return false;
    }
    // Reads a string member; `required` makes absence an error.
    bool get(std::string_view name, std::string& into, bool required) {
        std::string_view v;
        switch (string_member(obj, name, v)) {
        case member_state::ok: into.assign(v); return true;
        case member_state::not_string: return fail(errc::invalid_field, "\"" + std::string(name) + "\" is not a string");
        case member_state::absent:
            if (required) return fail(errc::missing_field, "\"" + std::string(name) + "\" is missing or empty");
            return true;
        }
        return true;
    }
    bool get_expiration(std::string_view name) {
        std::string text;
        if (!get(name, text, false)) return false;
        if (text.empty()) return true;
        auto t = parse_iso8601(text);
        if (!t)  // parse_iso8601's message quotes the text; ours does not
            return fail(errc::invalid_field, "\"" + std::string(name) +
                                                 "\" is not an ISO 8601 UTC time like 2026-12-04T12:00:00Z");
        out.expiration = *t;
        return true;
    }
};

}  // namespace detail

/// Reads the credentials in `text`, a JSON document in one of the shapes above.
///
/// Returns credentials with id, secret, the token when one was given and the expiration
/// when one was given, after validate_credentials(). Errors (messages name members, never
/// values, and never quote the document):
///   * errc::json_syntax / errc::json_limit: not JSON, or beyond credentials_document_limits;
///   * errc::malformed_response: the root is not an object, "Credentials" is not an object,
///     "Code" is not "Success", or "mode" is neither "AK" nor "StsToken";
///   * errc::missing_field: the id or secret (or, in StsToken mode, the token) is missing;
///   * errc::invalid_field: a member has the wrong type, or Expiration is not ISO 8601 UTC;
///   * errc::invalid_credentials: validate_credentials() refused the values.
/// Next: a provider restates errors as errc::credentials_unavailable naming itself.
inline result<credentials> parse_credentials_document(std::string_view text) {
    auto doc = json::parse(text, credentials_document_limits);
    if (!doc) return std::move(doc).error();
    const json::value& root = *doc;
    if (!root.is_object()) return make_error(errc::malformed_response, "the document is not a JSON object");

    const json::value* obj = &root;
    if (const json::value* wrapped = root.find("Credentials")) {
        if (!wrapped->is_object()) return make_error(errc::malformed_response, "\"Credentials\" is not an object");
        obj = wrapped;
    }
    detail::credentials_reader r{*obj, {}, {}};
    const bool cli_external = obj->find("mode") || obj->find("access_key_id");
    if (cli_external) {
        std::string mode;
        if (!r.get("mode", mode, false)) return r.err;
        if (!mode.empty() && mode != "AK" && mode != "StsToken")
            return make_error(errc::malformed_response, "\"mode\" is neither \"AK\" nor \"StsToken\"");
        if (!r.get("access_key_id", r.out.access_key_id, true) ||
            !r.get("access_key_secret", r.out.access_key_secret, true) ||
            !r.get("sts_token", r.out.security_token, mode == "StsToken") || !r.get_expiration("expiration"))
            return r.err;
    } else {
        std::string code;
        if (!r.get("Code", code, false)) return r.err;
        if (!code.empty() && code != "Success")
            return make_error(errc::malformed_response, "\"Code\" is not \"Success\": the source reports a failure");
        if (!r.get("AccessKeyId", r.out.access_key_id, true) ||
            !r.get("AccessKeySecret", r.out.access_key_secret, true) ||
            !r.get("SecurityToken", r.out.security_token, false) || !r.get_expiration("Expiration"))
            return r.err;
    }
    if (auto v = validate_credentials(r.out); !v) return v.error();
    return std::move(r.out);
}

}  // namespace ossmp::inline v0
