// ossmp: the credentials provider for an ECS instance's RAM role, read from the instance
// metadata service (http://100.100.100.200), as Alibaba Cloud documents it
// (help.aliyun.com/zh/ecs/user-guide/obtain-a-temporary-authorization-token, "view
// instance metadata"):
//   1. security hardening mode: PUT /latest/api/token with header
//      X-aliyun-ecs-metadata-token-ttl-seconds: 1..21600; the 200 body is a metadata
//      token, sent as X-aliyun-ecs-metadata-token on the GETs below. Instances may
//      require it (HttpTokens=required); older ones may not know it;
//   2. GET /latest/meta-data/ram/security-credentials/  -> the role name (text), when the
//      caller did not name the role;
//   3. GET /latest/meta-data/ram/security-credentials/ROLE -> JSON:
//        {"AccessKeyId": "STS.x", "AccessKeySecret": "...", "Expiration":
//         "2017-11-01T05:20:01Z", "SecurityToken": "...", "LastUpdated": "...",
//         "Code": "Success"}
// Sans-IO: each step has a pure request builder and a pure response parser;
// ecs_role_provider performs the steps over any BlockingTransport. The metadata token is
// fetched afresh on every fetch (one PUT per credential lifetime costs nothing and no
// token outlives its use).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <ossmp/credentials.hpp>
#include <ossmp/credentials/document.hpp>
#include <ossmp/credentials/provider.hpp>
#include <ossmp/detail/ascii.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Environment variables the Alibaba Cloud SDKs (and the ossmp tool) read for this
/// provider: the role name, and "true" to require the metadata token.
inline constexpr std::string_view ecs_role_variable = "ALIBABA_CLOUD_ECS_METADATA";
inline constexpr std::string_view ecs_imdsv1_disabled_variable = "ALIBABA_CLOUD_IMDSV1_DISABLED";

/// Header names of the metadata service's security hardening mode.
inline constexpr std::string_view ecs_metadata_token_ttl_header = "X-aliyun-ecs-metadata-token-ttl-seconds";
inline constexpr std::string_view ecs_metadata_token_header = "X-aliyun-ecs-metadata-token";
/// Path of the role list; the role's credentials are at this path plus the role name.
inline constexpr std::string_view ecs_role_credentials_path = "/latest/meta-data/ram/security-credentials/";

/// Whether the metadata token (security hardening mode) is used.
enum class metadata_token : std::uint8_t {
    preferred,  ///< ask for one; if the service does not give one, go on without (SDK default)
    required,   ///< ask for one; fail without it (ALIBABA_CLOUD_IMDSV1_DISABLED=true)
    disabled,   ///< never ask (normal mode only)
};

/// Where and how the metadata service is asked.
struct ecs_metadata_options {
    /// The service's authority. Tests point it at a loopback server ("127.0.0.1:PORT").
    std::string host = "100.100.100.200";
    /// The role; empty = ask the service which role the instance has.
    std::string role;
    metadata_token token = metadata_token::preferred;
    /// Lifetime of the metadata token, 1..21600 seconds.
    std::uint32_t token_ttl_seconds = 21600;
};

namespace detail {
// RAM role names: 1..64 letters, digits, '.', '-', '_' (RAM's own rule). Checking it also
// keeps the name safe to put in a path without encoding.
inline bool is_ram_role_name(std::string_view s) noexcept {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_'))
            return false;
    return true;
}

inline http_request metadata_request(const ecs_metadata_options& opt, std::string method, std::string path,
                                     std::string_view token) {
    http_request req;
    req.method = std::move(method);
    req.scheme = "http";
    req.host = opt.host;
    req.path = std::move(path);
    if (!token.empty()) req.headers.set(ecs_metadata_token_header, token);
    return req;
}

inline error metadata_status_error(const http_response& resp, std::string_view what) {
    auto e = make_error(errc::service_error, std::string(what) + ": the metadata service answered HTTP " +
                                                 std::to_string(resp.status) + ", not 200");
    e.http_status = resp.status;
    return e;
}

inline result<void> check_metadata_host(std::string_view host) {
    if (host.empty()) return make_error(errc::invalid_argument, "ECS metadata host is empty");
    for (char c : host)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F || c == '/' || c == '?' ||
            c == '#' || c == '@')
            return make_error(errc::invalid_argument, "ECS metadata host must be host[:port]");
    return ok();
}
}  // namespace detail

/// Step 1: the PUT asking for a metadata token. Errors (errc::invalid_argument):
/// token_ttl_seconds outside 1..21600, a bad host. Next: send it, then
/// parse_ecs_metadata_token_response().
inline result<http_request> make_ecs_metadata_token_request(const ecs_metadata_options& opt) {
    if (opt.token_ttl_seconds < 1 || opt.token_ttl_seconds > 21600)
        return make_error(errc::invalid_argument, "ECS metadata token TTL " + std::to_string(opt.token_ttl_seconds) +
                                                      " s is outside 1..21600");
    if (auto h = detail::check_metadata_host(opt.host); !h) return h.error();
    auto req = detail::metadata_request(opt, "PUT", "/latest/api/token", {});
    req.headers.set(ecs_metadata_token_ttl_header, std::to_string(opt.token_ttl_seconds));
    return req;
}

/// Reads step 1's answer: the token (a 200 body of 1..4096 printable ASCII bytes, outer
/// whitespace trimmed). Errors: errc::service_error with http_status for another status
/// (an instance without hardening mode); errc::malformed_response for an empty, oversized
/// or non-printable token (never quoted). Next: with metadata_token::preferred, an error
/// means "go on without a token"; with required, it is fatal. Pass the token to the
/// requests of steps 2 and 3.
inline result<std::string> parse_ecs_metadata_token_response(const http_response& resp) {
    if (resp.status != 200) return detail::metadata_status_error(resp, "metadata token");
    std::string_view t = detail::trim(resp.body);
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
    while (!t.empty() && (t.front() == '\n' || t.front() == '\r')) t.remove_prefix(1);
    if (t.empty() || t.size() > 4096)
        return make_error(errc::malformed_response, "metadata token: empty or longer than 4096 bytes");
    for (char c : t)
        if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) >= 0x7F)
            return make_error(errc::malformed_response, "metadata token: not printable ASCII");
    return std::string(t);
}

/// Step 2 (when no role is configured): the GET listing the instance's RAM role, with the
/// metadata token when `token` is not empty. Errors: a bad host (errc::invalid_argument).
inline result<http_request> make_ecs_role_name_request(const ecs_metadata_options& opt, std::string_view token = {}) {
    if (auto h = detail::check_metadata_host(opt.host); !h) return h.error();
    return detail::metadata_request(opt, "GET", std::string(ecs_role_credentials_path), token);
}

/// Reads step 2's answer: the role name (the first line of a 200 body, trimmed). Errors:
/// errc::service_error with http_status for another status (404: the instance has no RAM
/// role); errc::malformed_response when the name breaks RAM's naming rule (1..64 letters,
/// digits, '.', '-', '_'; not quoted). Next: make_ecs_role_credentials_request(role).
inline result<std::string> parse_ecs_role_name_response(const http_response& resp) {
    if (resp.status != 200) return detail::metadata_status_error(resp, "RAM role name");
    std::string_view body = resp.body;
    std::string_view line = detail::trim(body.substr(0, body.find_first_of("\r\n")));
    if (!detail::is_ram_role_name(line))
        return make_error(errc::malformed_response, "RAM role name: not 1..64 letters, digits, '.', '-' or '_'");
    return std::string(line);
}

/// Step 3: the GET for `role`'s credentials, with the metadata token when `token` is not
/// empty. Errors (errc::invalid_argument): `role` breaks RAM's naming rule, a bad host.
inline result<http_request> make_ecs_role_credentials_request(const ecs_metadata_options& opt, std::string_view role,
                                                              std::string_view token = {}) {
    if (!detail::is_ram_role_name(role))
        return make_error(errc::invalid_argument, "ECS RAM role name must be 1..64 letters, digits, '.', '-' or '_'");
    if (auto h = detail::check_metadata_host(opt.host); !h) return h.error();
    return detail::metadata_request(opt, "GET", std::string(ecs_role_credentials_path) + std::string(role), token);
}

/// Reads step 3's answer: a 200 credentials document (flat shape, "Code": "Success") with
/// a security token and an expiration, as the service always sends. Errors:
/// errc::service_error with http_status for another status; parse_credentials_document()'s
/// errors; errc::missing_field when SecurityToken or Expiration is missing. Next: sign
/// with them; fetch again before credentials.expiration (credentials_cache does).
inline result<credentials> parse_ecs_role_credentials_response(const http_response& resp) {
    if (resp.status != 200) return detail::metadata_status_error(resp, "RAM role credentials");
    auto c = parse_credentials_document(resp.body);
    if (!c) return c;
    if (!c->has_token()) return make_error(errc::missing_field, "\"SecurityToken\" is missing or empty");
    if (!c->expiration) return make_error(errc::missing_field, "\"Expiration\" is missing or empty");
    return c;
}

/// What an ECS RAM role provider is called in messages: "ECS RAM role 'ROLE'", or "ECS RAM
/// role" when the role is looked up.
inline std::string ecs_role_name(std::string_view role) {
    return role.empty() || !detail::is_ram_role_name(role) ? std::string("ECS RAM role")
                                                           : "ECS RAM role '" + std::string(role) + "'";
}

/// Fetches an ECS instance's RAM role credentials over a BlockingTransport it owns. Give
/// the client short timeouts (the SDKs use 1 s): off ECS, 100.100.100.200 does not answer.
template <BlockingTransport B>
class ecs_role_provider {
public:
    ecs_role_provider(B client, ecs_metadata_options options = {})
        : client_(std::move(client)), opt_(std::move(options)), name_(ecs_role_name(opt_.role)) {}

    /// Runs steps 1 (unless disabled), 2 (unless the role is configured) and 3. Errors
    /// (errc::credentials_unavailable, naming the provider): invalid options; a transport
    /// failure; with metadata_token::required, no token; a role list or credentials answer
    /// that is not 200 or not well formed; unusable or already expired credentials.
    /// Next: retry later; a cache in front keeps using unexpired credentials meanwhile.
    result<credentials> fetch(time_point now) {
        std::string token;
        if (opt_.token != metadata_token::disabled) {
            auto req = make_ecs_metadata_token_request(opt_);
            if (!req) return detail::provider_error(name_, req.error());  // bad options: always fatal
            auto t = detail::provider_step(client_, req, name_, parse_ecs_metadata_token_response);
            if (t) token = std::move(*t);
            else if (opt_.token == metadata_token::required) return std::move(t).error();
        }
        std::string role = opt_.role;
        if (role.empty()) {
            auto r = detail::provider_step(client_, make_ecs_role_name_request(opt_, token), name_,
                                           parse_ecs_role_name_response);
            if (!r) return std::move(r).error();
            role = std::move(*r);
        }
        auto creds = detail::provider_step(client_, make_ecs_role_credentials_request(opt_, role, token), name_,
                                           parse_ecs_role_credentials_response);
        if (!creds) return creds;
        return detail::checked_credentials(name_, std::move(*creds), now);
    }

    std::string_view name() const noexcept { return name_; }
    /// The transport client.
    B& client() noexcept { return client_; }

private:
    B client_;
    ecs_metadata_options opt_;
    std::string name_;
};

}  // namespace ossmp::inline v0
