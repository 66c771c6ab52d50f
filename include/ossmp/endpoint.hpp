// ossmp: where requests go. An endpoint (scheme, host, port, addressing style) plus a bucket
// and key resolve to the host and encoded path of a request:
//   virtual-hosted  https://bucket.oss-cn-hangzhou.aliyuncs.com/dir/key
//   path style      http://127.0.0.1:9000/bucket/dir/key   (IPs, localhost, custom servers)
//   CNAME           https://files.example.com/dir/key      (a domain bound to one bucket)
// The key is encoded by the one percent-encoder (percent.hpp) with '/' kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <ossmp/detail/ascii.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/percent.hpp>
#include <ossmp/result.hpp>
#include <ossmp/validate.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// How the bucket is named in a request.
enum class addressing_style : std::uint8_t {
    virtual_hosted,  ///< bucket as the first label of the host name (OSS default)
    path,            ///< bucket as the first path segment (IP literals, localhost, emulators)
    cname,           ///< the host is a custom domain bound to the bucket; bucket not in the URL
};

/// A parsed service endpoint.
struct endpoint {
    std::string scheme = "https";  ///< "https" or "http"
    std::string host;              ///< host name or IP literal (IPv6 in brackets), lower case
    std::uint16_t port = 0;        ///< 0 = the scheme's default port
    addressing_style style = addressing_style::virtual_hosted;

    /// host, plus ":port" when a non-default port is set: the Host header value.
    std::string authority() const {
        bool default_port = port == 0 || (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
        return default_port ? host : host + ":" + std::to_string(port);
    }
};

namespace detail {
inline bool is_ipv4_literal(std::string_view h) noexcept {
    int dots = 0, digits = 0;
    for (char c : h) {
        if (c == '.') {
            if (digits == 0) return false;
            ++dots;
            digits = 0;
        } else if (is_digit(c)) {
            if (++digits > 3) return false;
        } else {
            return false;
        }
    }
    return dots == 3 && digits > 0;
}
}  // namespace detail

/// Parses "https://oss-cn-hangzhou.aliyuncs.com", "oss-cn-hangzhou.aliyuncs.com" (https is
/// assumed), "http://127.0.0.1:9000", "http://[::1]:9000". A trailing '/' is allowed; any
/// other path, a query, a fragment or user info is errc::invalid_endpoint. Without an
/// explicit `style`, IP literals and localhost use path style and everything else is
/// virtual-hosted (CNAME must be asked for).
inline result<endpoint> parse_endpoint(std::string_view url, std::optional<addressing_style> style = {}) {
    auto fail = [&](std::string why) {
        return make_error(errc::invalid_endpoint, "endpoint " + detail::quote_for_message(url) + " " + why);
    };
    endpoint ep;
    std::string_view rest = url;
    if (auto p = rest.find("://"); p != std::string_view::npos) {
        ep.scheme = detail::lower(rest.substr(0, p));
        rest.remove_prefix(p + 3);
        if (ep.scheme != "http" && ep.scheme != "https") return fail("must use http or https");
    }
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.find_first_of("/?#@") != std::string_view::npos)
        return fail("must be scheme://host[:port] with no path, query or user info");
    std::string_view hostport = rest;
    std::string_view port_text;
    bool has_port = false;
    if (!hostport.empty() && hostport.front() == '[') {
        auto close = hostport.find(']');
        if (close == std::string_view::npos) return fail("has an unclosed IPv6 bracket");
        ep.host = detail::lower(hostport.substr(0, close + 1));
        auto after = hostport.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return fail("has text after the IPv6 address");
            port_text = after.substr(1);
            has_port = true;
        }
    } else {
        auto colon = hostport.rfind(':');
        if (colon != std::string_view::npos) {
            port_text = hostport.substr(colon + 1);
            hostport = hostport.substr(0, colon);
            has_port = true;
        }
        ep.host = detail::lower(hostport);
        for (char c : ep.host)
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
                return fail("has a character not allowed in a host name");
    }
    if (ep.host.empty() || ep.host == "[]") return fail("has no host");
    if (has_port) {
        auto port = detail::parse_unsigned<std::uint32_t>(port_text);
        if (!port || *port == 0 || *port > 65535) return fail("has an invalid port");
        ep.port = static_cast<std::uint16_t>(*port);
    }
    bool literal = ep.host.front() == '[' || detail::is_ipv4_literal(ep.host) || ep.host == "localhost";
    ep.style = style ? *style : (literal ? addressing_style::path : addressing_style::virtual_hosted);
    if (ep.style == addressing_style::virtual_hosted && ep.host.front() == '[')
        return fail("is an IPv6 literal, which cannot carry a bucket name; use path style");
    return ep;
}

/// The region id an endpoint host names under the dialect's service domain and label
/// prefix, e.g. "cn-hangzhou" for "oss-cn-hangzhou.aliyuncs.com" or
/// "oss-cn-hangzhou-internal.aliyuncs.com"; nullopt for hosts that do not follow the
/// pattern (custom domains, IPs, emulators).
inline std::optional<std::string> region_from_host(std::string_view host, const dialect& d = oss_dialect) {
    if (d.service_domain.empty()) return std::nullopt;
    if (host.size() <= d.service_domain.size() + 1 ||
        host.substr(host.size() - d.service_domain.size()) != d.service_domain ||
        host[host.size() - d.service_domain.size() - 1] != '.')
        return std::nullopt;
    auto label = host.substr(0, host.size() - d.service_domain.size() - 1);
    if (auto dot = label.rfind('.'); dot != std::string_view::npos) label = label.substr(dot + 1);
    const auto prefix = d.endpoint_label_prefix;
    if (label.substr(0, prefix.size()) != prefix) return std::nullopt;
    label.remove_prefix(prefix.size());
    for (std::string_view tail : {"-internal", "-vpc"})
        if (label.size() > tail.size() && label.substr(label.size() - tail.size()) == tail)
            label.remove_suffix(tail.size());
    if (label.empty() || label == "accelerate" || label == "cn") return std::nullopt;
    return std::string(label);
}

/// Where one request goes: the Host header value and the encoded path.
struct request_location {
    std::string scheme;  ///< "https" or "http"
    std::string host;    ///< authority: host[:port], the Host header value
    std::string path;    ///< encoded path, starts with '/'
};

/// Resolves `bucket` and `key` against `ep`. An empty key addresses the bucket (path "/"
/// or "/bucket/"); an empty bucket addresses the service ("/"). The bucket name and key are
/// validated first (errc::invalid_bucket_name / errc::invalid_object_key).
inline result<request_location> resolve(const endpoint& ep, std::string_view bucket, std::string_view key) {
    if (!bucket.empty())
        if (auto r = validate_bucket_name(bucket); !r) return r.error();
    if (!key.empty())
        if (auto r = validate_object_key(key); !r) return r.error();
    if (bucket.empty() && !key.empty())
        return make_error(errc::invalid_argument, "an object key needs a bucket");
    request_location loc;
    loc.scheme = ep.scheme;
    loc.host = ep.authority();
    loc.path = "/";
    if (bucket.empty()) return loc;
    switch (ep.style) {
    case addressing_style::virtual_hosted:
        loc.host = std::string(bucket) + "." + loc.host;
        break;
    case addressing_style::path:
        loc.path += bucket;
        loc.path += '/';
        break;
    case addressing_style::cname:
        break;
    }
    percent_encode_to(loc.path, key, encode_mode::path);
    return loc;
}

}  // namespace ossmp::inline v0
