// ossmp CLI: what every subcommand shares: where OSS is and how to sign (from flags and the
// environment the official tools use), exit statuses, error output, and one-shot requests.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <ossmp/adapters/curl.hpp>
#include <ossmp/ossmp.hpp>

#include "args.hpp"
#include "json_out.hpp"

namespace ossmp_cli {

/// Exit statuses, distinct per kind of failure so scripts can branch on them.
enum exit_status : int {
    exit_ok = 0,
    exit_internal = 1,     ///< a bug or an unexpected state
    exit_usage = 2,        ///< bad flags, sizes, URLs, missing credentials: nothing was sent
    exit_service = 3,      ///< OSS answered with an error (code, message, request id, EC shown)
    exit_integrity = 4,    ///< CRC-64 / digest mismatch, or the source changed
    exit_local_io = 5,     ///< a local file or checkpoint could not be read or written
    exit_network = 6,      ///< no usable answer from the network after retries
    exit_interrupted = 130,  ///< Ctrl-C: paused, the checkpoint is kept
};

/// The exit status for an error, by its band and kind.
inline int exit_status_for(const ossmp::error& e) {
    using ossmp::errc;
    switch (e.code) {
    case errc::cancelled: return exit_interrupted;
    case errc::crc_mismatch:
    case errc::digest_mismatch:
    case errc::source_changed: return exit_integrity;
    case errc::io_error:
    case errc::source_short_read:
    case errc::checkpoint_invalid: return exit_local_io;
    case errc::checkpoint_mismatch: return exit_usage;
    case errc::retries_exhausted: return e.oss_code.empty() && e.http_status == 0 ? exit_network : exit_service;
    default: break;
    }
    switch (ossmp::band(e.code)) {
    case 100: return exit_usage;
    case 200:
    case 300: return exit_service;
    case 400: return exit_network;
    default: return exit_internal;
    }
}

/// Prints an error as one line on stderr ("ossmp: error: ..."), or as the --json object on
/// stdout, and returns its exit status. Errors never carry secrets (see ossmp::error).
inline int report_error(const ossmp::error& e, bool json) {
    int status = exit_status_for(e);
    if (json) {
        json_object err;
        err.str("kind", ossmp::to_string(e.code))
            .str("operation", ossmp::to_string(e.op))
            .num("part", e.part_number)
            .num("http_status", static_cast<std::uint64_t>(e.http_status))
            .str("code", e.oss_code)
            .str("message", e.message)
            .str("request_id", e.request_id)
            .str("ec", e.ec);
        std::printf("%s\n", json_object().boolean("ok", false).raw("error", err.done()).num("exit_status", status).done().c_str());
    } else {
        std::fprintf(stderr, "ossmp: error: %s\n", e.what().c_str());
    }
    return status;
}

/// A usage error with our own message.
inline ossmp::error usage(std::string message) { return ossmp::make_error(ossmp::errc::invalid_argument, std::move(message)); }

/// Flags every network subcommand accepts.
inline void add_connection_flags(flag_spec& spec) {
    for (auto f : {"endpoint", "region", "sign", "access-key-id", "access-key-secret", "security-token"}) spec[f] = true;
    spec["path-style"] = false;
    spec["virtual-hosted"] = false;
}

inline std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

/// Where OSS is and how requests are signed, from flags first, then OSS_ENDPOINT,
/// OSS_REGION, OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN.
struct connection {
    ossmp::endpoint ep;
    ossmp::signing_config signing;
    ossmp::adapters::curl::options http;
};

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
    // Virtual-hosted names under localhost ("bucket.localhost") reach the loopback server.
    if (c.ep.host == "localhost" && c.ep.style == ossmp::addressing_style::virtual_hosted)
        c.http.connect_to.push_back({"", c.ep.port, "127.0.0.1", c.ep.port});
    return c;
}

/// Sends one small request (no part body) signed now, and returns the response or the
/// transport failure as an error.
inline ossmp::result<ossmp::http_response> send_once(ossmp::adapters::curl::client& http, const connection& c,
                                                     ossmp::http_request req) {
    if (auto r = ossmp::sign_request(req, c.signing, ossmp::system_clock{}.now()); !r) return r.error();
    ossmp::body_reader body = ossmp::body_reader(std::string_view(req.body));
    auto out = http.perform(req, body);
    if (auto* te = std::get_if<ossmp::transport_error>(&out)) {
        auto e = ossmp::make_error(te->code, te->message, req.op);
        return e;
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
