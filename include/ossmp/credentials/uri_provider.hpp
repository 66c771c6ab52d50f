// ossmp: the credentials provider for a credentials URI: an HTTP(S) GET whose 200 answer is
// a credentials document (credentials/document.hpp), as the Alibaba Cloud credentials SDKs
// read ALIBABA_CLOUD_CREDENTIALS_URI (a local credential server, a sidecar, a vault agent).
//
// Sans-IO like the rest of the core: make_credentials_uri_request() builds the request,
// parse_credentials_uri_response() reads the answer, both pure; uri_provider performs them
// over any BlockingTransport (the curl or httplib adapter's client, or your own).
// The URI may hold a secret in its path or query (a one-time key), so it never appears in a
// message: the provider calls itself "credentials URI http://host:port".
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <ossmp/credentials.hpp>
#include <ossmp/credentials/document.hpp>
#include <ossmp/credentials/provider.hpp>
#include <ossmp/endpoint.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// The environment variable the Alibaba Cloud SDKs (and the ossmp tool) read the URI from.
inline constexpr std::string_view credentials_uri_variable = "ALIBABA_CLOUD_CREDENTIALS_URI";

namespace detail {
struct split_uri {
    std::string scheme;     // "http" or "https"
    std::string authority;  // host[:port], as the Host header
    std::string target;     // path and query as given, "/" when empty
};

inline result<split_uri> split_credentials_uri(std::string_view uri) {
    auto bad = [](std::string why) { return make_error(errc::invalid_argument, "credentials URI " + why); };
    auto sep = uri.find("://");
    if (sep == std::string_view::npos) return bad("must start with http:// or https://");
    split_uri out;
    out.scheme = lower(uri.substr(0, sep));
    if (out.scheme != "http" && out.scheme != "https") return bad("must start with http:// or https://");
    std::string_view rest = uri.substr(sep + 3);
    if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    std::size_t end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, end);
    if (authority.find('@') != std::string_view::npos) return bad("must not carry user info (user:password@)");
    auto ep = parse_endpoint(out.scheme + "://" + std::string(authority), addressing_style::path);
    if (!ep) return bad("has an invalid host or port");
    out.authority = ep->authority();
    std::string_view target = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    for (char c : target)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F)
            return bad("has a space, control or non-ASCII byte in its path or query (percent-encode it)");
    out.target = target.empty() ? "/" : target.front() == '?' ? "/" + std::string(target) : std::string(target);
    return out;
}
}  // namespace detail

/// What a provider for `uri` is called in messages: "credentials URI SCHEME://HOST[:PORT]"
/// (path and query left out: they may hold a secret), or "credentials URI" when `uri`
/// cannot be read.
inline std::string credentials_uri_name(std::string_view uri) {
    auto s = detail::split_credentials_uri(uri);
    return s ? "credentials URI " + s->scheme + "://" + s->authority : std::string("credentials URI");
}

/// Builds the GET for `uri` ("http[s]://host[:port][/path][?query]"; a #fragment is
/// dropped). The path and query are sent exactly as written (already percent-encoded, as
/// in any URL), so the request's `path` holds both and its `query` is empty. Errors
/// (errc::invalid_argument, never quoting the URI): not http or https, user info, a bad
/// host or port, a space, control or non-ASCII byte in the path or query. Next: send it
/// (perform_request), then parse_credentials_uri_response().
inline result<http_request> make_credentials_uri_request(std::string_view uri) {
    auto s = detail::split_credentials_uri(uri);
    if (!s) return std::move(s).error();
    http_request req;
    req.method = "GET";
    req.scheme = std::move(s->scheme);
    req.host = std::move(s->authority);
    req.path = std::move(s->target);
    req.headers.set("Accept", "application/json");
    return req;
}

/// Reads a credentials URI's answer: a 200 whose body is a credentials document (any
/// shape credentials/document.hpp accepts). Errors: errc::service_error with http_status
/// for another status (the body is not quoted: it may echo secrets); otherwise
/// parse_credentials_document()'s errors. Next: sign with the credentials; fetch again
/// before credentials.expiration (credentials_cache does).
inline result<credentials> parse_credentials_uri_response(const http_response& resp) {
    if (resp.status != 200) {
        auto e = make_error(errc::service_error, "answered HTTP " + std::to_string(resp.status) + ", not 200");
        e.http_status = resp.status;
        return e;
    }
    return parse_credentials_document(resp.body);
}

/// Fetches credentials from a credentials URI over a BlockingTransport it owns (a
/// adapters::curl::client, say; its timeouts bound the fetch).
template <BlockingTransport B>
class uri_provider {
public:
    /// A provider for `uri`, sending with `client`.
    uri_provider(B client, std::string uri)
        : client_(std::move(client)), uri_(std::move(uri)), name_(credentials_uri_name(uri_)) {}

    /// One GET. Errors (errc::credentials_unavailable, naming the provider): the URI is
    /// invalid; the transport failed (its kind and message); the server answered another
    /// status than 200; the body is not a credentials document (the reason and byte offset,
    /// never the body); the credentials are unusable or already expired at `now`.
    /// Next: retry later; a cache in front keeps using unexpired credentials meanwhile.
    result<credentials> fetch(time_point now) {
        auto creds = detail::provider_step(client_, make_credentials_uri_request(uri_), name_,
                                           parse_credentials_uri_response);
        if (!creds) return creds;
        return detail::checked_credentials(name_, std::move(*creds), now);
    }

    std::string_view name() const noexcept { return name_; }
    /// The transport client (to read its settings, say).
    B& client() noexcept { return client_; }

private:
    B client_;
    std::string uri_;
    std::string name_;
};

}  // namespace ossmp::inline v0
