// ossmp CLI: where OSS is and how to sign (from flags and the environment the official
// tools use), the overall --timeout, and one-shot requests for the listing commands.
#pragma once

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <ossmp/adapters/curl.hpp>
#include <ossmp/ossmp.hpp>

#include "args.hpp"
#include "report.hpp"

namespace ossmp_cli {

/// Flags every network subcommand accepts.
inline void add_connection_flags(flag_spec& spec) {
    for (auto f : {"endpoint", "region", "sign", "access-key-id", "access-key-secret", "security-token", "timeout"})
        spec[f] = true;
    spec["path-style"] = false;
    spec["virtual-hosted"] = false;
}

/// The help lines for add_connection_flags.
inline constexpr const char* connection_help =
    "  --endpoint URL        OSS endpoint (default: $OSS_ENDPOINT), e.g. https://oss-cn-hangzhou.aliyuncs.com\n"
    "  --region R            V4 signing region (default: $OSS_REGION, or read off the endpoint)\n"
    "  --sign v1|v4          signature version (default v4)\n"
    "  --path-style | --virtual-hosted   addressing style (default: virtual-hosted for OSS hosts)\n"
    "  --access-key-id ID, --access-key-secret S, --security-token T\n"
    "                        credentials (default: $OSS_ACCESS_KEY_ID, $OSS_ACCESS_KEY_SECRET,\n"
    "                        $OSS_SESSION_TOKEN; flags show in `ps`, the variables do not)\n"
    "  --timeout DURATION    give up after this long overall (e.g. 90s, 15m, 2h; exit status 6)\n";

inline std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

/// Where OSS is, how requests are signed, and the overall deadline.
struct connection {
    ossmp::endpoint ep;
    ossmp::signing_config signing;
    ossmp::adapters::curl::options http;
    std::optional<std::chrono::milliseconds> timeout;        ///< --timeout
    std::optional<std::chrono::steady_clock::time_point> deadline;  ///< when it runs out

    /// The error for a run that reached its --timeout; `what` says what was going on.
    ossmp::error timed_out(const std::string& what) const {
        auto ms = timeout ? timeout->count() : 0;
        std::string t = ms % 1000 ? std::to_string(ms) + " ms" : std::to_string(ms / 1000) + " s";
        return ossmp::make_error(ossmp::errc::transport_timeout, "gave up after --timeout " + t + ": " + what);
    }
    bool past_deadline() const { return deadline && std::chrono::steady_clock::now() >= *deadline; }
};

/// Reads flags first, then OSS_ENDPOINT, OSS_REGION, OSS_ACCESS_KEY_ID,
/// OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN.
inline ossmp::result<connection> resolve_connection(const parsed_args& a) {
    connection c;
    auto ep_text = a.value("endpoint");
    if (!ep_text) ep_text = env("OSS_ENDPOINT");
    if (!ep_text) return usage("no endpoint: set OSS_ENDPOINT or pass --endpoint (e.g. https://oss-cn-hangzhou.aliyuncs.com)");
    if (a.has("path-style") && a.has("virtual-hosted")) return usage("--path-style and --virtual-hosted exclude each other");
    std::optional<ossmp::addressing_style> style;
    if (a.has("path-style")) style = ossmp::addressing_style::path;
    if (a.has("virtual-hosted")) style = ossmp::addressing_style::virtual_hosted;
    auto ep = ossmp::parse_endpoint(*ep_text, style);
    if (!ep) return ep.error();
    c.ep = *ep;

    auto sign = a.value("sign").value_or("v4");
    if (sign == "v1") c.signing.version = ossmp::signature_version::v1;
    else if (sign == "v4") c.signing.version = ossmp::signature_version::v4;
    else return usage("--sign must be v1 or v4 (got '" + sign + "')");

    auto region = a.value("region");
    if (!region) region = env("OSS_REGION");
    if (!region) region = ossmp::region_from_host(c.ep.host);
    if (c.signing.version == ossmp::signature_version::v4) {
        if (!region)
            return usage("V4 signing needs a region: set OSS_REGION or pass --region (e.g. cn-hangzhou), or use --sign v1");
        c.signing.v4.region = *region;
    }
    auto id = a.value("access-key-id");
    if (!id) id = env("OSS_ACCESS_KEY_ID");
    auto secret = a.value("access-key-secret");
    if (!secret) secret = env("OSS_ACCESS_KEY_SECRET");
    auto token = a.value("security-token");
    if (!token) token = env("OSS_SESSION_TOKEN");
    if (!id || !secret)
        return usage("no credentials: set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS)");
    c.signing.creds = {*id, *secret, token.value_or("")};
    if (auto r = ossmp::validate_credentials(c.signing.creds); !r) return r.error();
    if (auto t = a.value("timeout")) {
        auto d = parse_duration(*t);
        if (!d) return usage("--timeout: " + d.error().message);
        c.timeout = *d;
        c.deadline = std::chrono::steady_clock::now() + *d;
    }
    // Virtual-hosted names under localhost ("bucket.localhost") reach the loopback server.
    if (c.ep.host == "localhost" && c.ep.style == ossmp::addressing_style::virtual_hosted)
        c.http.connect_to.push_back({"", c.ep.port, "127.0.0.1", c.ep.port});
    return c;
}

/// Sends one small request (no part body) signed now, and returns the response or the
/// transport failure as an error. With a --timeout the request gets what is left of it.
inline ossmp::result<ossmp::http_response> send_once(const connection& c, ossmp::http_request req) {
    auto http_opts = c.http;
    if (c.deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*c.deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return c.timed_out(std::string(ossmp::to_string(req.op)) + " was not sent");
        http_opts.total_timeout = left;
        http_opts.connect_timeout = std::min(http_opts.connect_timeout, left);
    }
    if (auto r = ossmp::sign_request(req, c.signing, ossmp::system_clock{}.now()); !r) return r.error();
    ossmp::body_reader body = ossmp::body_reader(std::string_view(req.body));
    ossmp::adapters::curl::client http(http_opts);
    auto out = http.perform(req, body);
    if (auto* te = std::get_if<ossmp::transport_error>(&out)) {
        if (te->code == ossmp::errc::transport_timeout && c.past_deadline())
            return c.timed_out(std::string(ossmp::to_string(req.op)) + " had no answer");
        return ossmp::make_error(te->code, te->message, req.op);
    }
    return std::get<ossmp::http_response>(std::move(out));
}

/// The bucket and key of an oss:// argument, with the key required or forbidden.
inline ossmp::result<oss_url> target_of(const std::string& text, bool need_key) {
    auto u = parse_oss_url(text);
    if (!u) return u;
    if (need_key && u->key.empty())
        return usage("'" + text + "' names no object key (expected oss://BUCKET/KEY)");
    if (auto r = ossmp::validate_bucket_name(u->bucket); !r) return r.error();
    if (!u->key.empty())
        if (auto r = ossmp::validate_object_key(u->key); !r) return r.error();
    return u;
}

}  // namespace ossmp_cli
