// ossmp cpp-httplib adapter: a blocking transport for the upload machine on cpp-httplib.
//
// Header-only; build with cpp-httplib's compile flags and link its library (meson:
// dependency ossmp_httplib_dep, or `ossmp-httplib`; pkg-config cpp-httplib, which defines
// CPPHTTPLIB_OPENSSL_SUPPORT and friends: httplib's class layouts depend on them, so they must
// match the library's). Written against Debian's cpp-httplib 0.11.4. The ossmp core never
// includes this header.
//
// What is sent, and what cpp-httplib 0.11.4 does on its own (checked by the adapter tests
// against a raw socket server):
//   * requests go out through Client::send(Request&) with a content provider, never through
//     the Put/Post convenience calls: those add `Content-Type` from their content_type
//     argument, while send() adds none; the request's own Content-Type (when it has one)
//     travels as an ordinary header, so what was signed is what is sent;
//   * the target is sent verbatim (set_url_encode(false): no re-encoding, no dot-segment
//     removal); Host is sent as a header equal to request.host; Content-Length is httplib's,
//     from the body size (also `Content-Length: 0` on an empty PUT or POST), never chunked;
//   * httplib adds `Accept: */*` and `User-Agent: cpp-httplib/0.11.4` when the request has
//     none. Neither is signed by OSS V1 or V4 (unless a caller lists them in V4's
//     additional headers, in which case the request carries them and httplib adds nothing);
//   * no redirects, keep-alive, no decompression of answers (bodies arrive as stored).
//
// Limitations of cpp-httplib 0.11.4, documented rather than hidden:
//   * it percent-decodes response header values as it parses them ("a%20b" arrives as
//     "a b"). The headers the upload machine reads (ETag, x-oss-hash-crc64ecma,
//     x-oss-request-id, Content-Length) never contain '%'; user metadata echoed by
//     GetObject/HeadObject may;
//   * response headers come back ordered by name (httplib keeps them in a map), names
//     spelled as received;
//   * there is no total timeout, only connect, read and write timeouts (each an inactivity
//     bound); a read or write failure after its timeout's worth of silence is reported as
//     errc::transport_timeout, other read/write failures as errc::transport_reset;
//   * proxies: none (httplib does not read http_proxy/https_proxy);
//   * host mapping needs a numeric address (httplib resolves mapped names with
//     AI_NUMERICHOST);
//   * it writes to sockets without MSG_NOSIGNAL: a peer that resets the connection while a
//     body is being sent raises SIGPIPE, so a process using this adapter must ignore SIGPIPE
//     (signal(SIGPIPE, SIG_IGN)), or it dies on the first reset.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <httplib.h>

#include <ossmp/body_source.hpp>
#include <ossmp/error.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/transport_error.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::httplib {

/// Connects requests for one host (and port) to another address and port, keeping the
/// Host header, TLS SNI and certificate checks on the original name. This is how
/// virtual-hosted style (`bucket.localhost:PORT`) reaches a server on 127.0.0.1.
struct host_mapping {
    std::string host;                ///< host name as in request.host; "" = every host
    std::uint16_t port = 0;          ///< port as in request.host; 0 = every port
    std::string address;             ///< numeric IP to connect to instead; "" = resolve `host`
    std::uint16_t address_port = 0;  ///< port to connect to; 0 = the request's port
};

/// Settings of a client. Defaults work: HTTPS checks the peer against the system CA store.
struct options {
    /// Longest wait for a connection (and TLS handshake start); errc::transport_timeout.
    std::chrono::milliseconds connect_timeout{10000};
    /// Longest silence while reading the response (e.g. while the server digests a part);
    /// errc::transport_timeout. Must exceed the time the server needs to answer a part.
    std::chrono::milliseconds read_timeout{60000};
    /// Longest time the socket may stay unwritable while sending; errc::transport_timeout.
    std::chrono::milliseconds write_timeout{60000};
    /// Bytes read from the body_reader and written per send() (the adapter's only body
    /// buffer, allocated once per client).
    std::size_t send_buffer_size = 1u << 20;
    /// CA bundle file / hashed directory for HTTPS; "" = OpenSSL's default paths.
    std::string ca_file;
    std::string ca_dir;
    /// Connection redirections, first match wins (see host_mapping).
    std::vector<host_mapping> connect_to;
    /// Idle connections kept, one per scheme+host; beyond this the cache starts over.
    std::size_t max_hosts = 16;
};

/// The transport_error kind for a failed httplib request:
///   Connection, BindIPAddress                  -> errc::transport_connect
///   ConnectionTimeout                          -> errc::transport_timeout
///   Read, Write (peer closed or reset)         -> errc::transport_reset
///   SSLConnection, SSLLoadingCerts,
///   SSLServerVerification                      -> errc::transport_tls
///   anything else (Canceled, which perform()
///   replaces by the body_reader's error, ...)  -> errc::transport_other
/// perform() refines Read and Write into errc::transport_timeout when the failure came
/// after the corresponding timeout's worth of silence.
constexpr errc error_kind(::httplib::Error e) noexcept {
    switch (e) {
    case ::httplib::Error::Connection:
    case ::httplib::Error::BindIPAddress:
        return errc::transport_connect;
    case ::httplib::Error::ConnectionTimeout:
        return errc::transport_timeout;
    case ::httplib::Error::Read:
    case ::httplib::Error::Write:
        return errc::transport_reset;
    case ::httplib::Error::SSLConnection:
    case ::httplib::Error::SSLLoadingCerts:
    case ::httplib::Error::SSLServerVerification:
        return errc::transport_tls;
    default:
        return errc::transport_other;
    }
}

namespace detail {

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) {
               return lower(x) == lower(y);
           });
}

// "host", "host:port", "[v6]", "[v6]:port" -> (host as written, port or 0).
inline std::pair<std::string, std::uint16_t> split_authority(std::string_view a) {
    std::string_view host = a, port;
    if (!a.empty() && a.front() == '[') {
        auto close = a.find(']');
        host = a.substr(0, close == std::string_view::npos ? a.size() : close + 1);
        if (close != std::string_view::npos && close + 1 < a.size() && a[close + 1] == ':') port = a.substr(close + 2);
    } else if (auto colon = a.rfind(':'); colon != std::string_view::npos) {
        host = a.substr(0, colon);
        port = a.substr(colon + 1);
    }
    std::uint32_t p = 0;
    for (char c : port) {
        if (c < '0' || c > '9' || p > 65535) return {std::string(host), 0};
        p = p * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return {std::string(host), p > 65535 ? std::uint16_t{0} : static_cast<std::uint16_t>(p)};
}

}  // namespace detail

/// A blocking HTTP client on cpp-httplib, satisfying ossmp::BlockingTransport. It keeps
/// one keep-alive httplib::Client per scheme+host, so consecutive requests reuse their
/// connection. One client serves one thread at a time; use thread_pool_transport for
/// concurrency (each worker gets its own client and connections):
///
///     ossmp::thread_pool_transport<ossmp::adapters::httplib::client>
///         pool(4, [&] { return ossmp::adapters::httplib::client(opts); });
///
/// Movable, not copyable. Ignore SIGPIPE in the process (see the limitations above).
class client {
public:
    /// A client with `opts`. Connections are opened lazily by perform().
    explicit client(options opts = {}) : s_(std::make_unique<state>()) {
        s_->opts = std::move(opts);
        s_->buffer.resize(std::max<std::size_t>(s_->opts.send_buffer_size, 4096));
    }

    /// Sends `req` with the body from `body` (read until complete; body.crc64() is then the
    /// CRC-64 of the bytes sent) and waits for the whole response. Returns the response
    /// for any HTTP status, or a transport_error when no usable response arrived: code per
    /// error_kind(), or, when body.read() failed, that error's code (io_error,
    /// source_short_read), which the upload machine treats as fatal.
    exchange_result perform(const http_request& req, body_reader& body) {
        if (!s_) return transport_error{errc::transport_other, "this httplib client was moved from"};
        auto [host, port] = detail::split_authority(req.host);
        if (req.scheme != "http" && req.scheme != "https")
            return transport_error{errc::transport_other, "unsupported URL scheme \"" + req.scheme + "\""};
        if (port == 0) port = req.scheme == "https" ? 443 : 80;
        auto& cli = client_for(req.scheme, host, port);

        ::httplib::Request hreq;
        hreq.method = req.method;
        hreq.path = req.target();
        hreq.headers.emplace("Host", req.host);
        for (const auto& h : req.headers) hreq.headers.emplace(h.name, h.value);

        std::optional<error> read_error;
        using clock = std::chrono::steady_clock;
        auto last_progress = clock::now();
        if (body.size() > 0) {
            hreq.content_length_ = static_cast<std::size_t>(body.size());
            hreq.content_provider_ = [&](std::size_t, std::size_t length, ::httplib::DataSink& sink) {
                auto want = std::min(length, s_->buffer.size());
                auto r = body.read(std::span<char>(s_->buffer.data(), want));
                if (r && *r == 0)
                    r = make_error(errc::source_short_read, "the body ended before its Content-Length");
                if (!r) {
                    read_error = std::move(r).error();
                    return false;  // httplib reports Canceled; replaced below
                }
                // A failed write is httplib's to report (Error::Write), so keep returning true.
                sink.write(s_->buffer.data(), *r);
                last_progress = clock::now();
                return true;
            };
        }

        ::httplib::Response hres;
        ::httplib::Error err = ::httplib::Error::Success;
        bool ok = cli.send(hreq, hres, err);
        if (ok && err == ::httplib::Error::Success) {
            http_response out;
            out.status = hres.status;
            for (auto& [name, value] : hres.headers) out.headers.add(name, value);
            out.body = std::move(hres.body);
            return out;
        }
        if (read_error)
            return transport_error{read_error->code, "reading the request body failed: " + read_error->message};
        errc kind = error_kind(err);
        auto silent = clock::now() - last_progress;
        if ((err == ::httplib::Error::Read && silent >= s_->opts.read_timeout) ||
            (err == ::httplib::Error::Write && silent >= s_->opts.write_timeout))
            kind = errc::transport_timeout;
        return transport_error{kind, "cpp-httplib error " + std::to_string(static_cast<int>(err)) + " (" +
                                         ::httplib::to_string(err) + ") talking to " + req.scheme + "://" + req.host};
    }

    /// The settings this client was made with (not on a moved-from client).
    const options& settings() const noexcept { return s_->opts; }

private:
    struct state {
        options opts;
        std::vector<char> buffer;
        std::map<std::string, std::unique_ptr<::httplib::Client>> clients;
    };

    ::httplib::Client& client_for(const std::string& scheme, const std::string& host, std::uint16_t port) {
        std::string key = scheme + "://" + host + ":" + std::to_string(port);
        if (auto it = s_->clients.find(key); it != s_->clients.end()) return *it->second;
        if (s_->clients.size() >= s_->opts.max_hosts) s_->clients.clear();
        const host_mapping* map = nullptr;
        for (const auto& m : s_->opts.connect_to)
            if ((m.host.empty() || detail::iequals(m.host, host)) && (m.port == 0 || m.port == port)) {
                map = &m;
                break;
            }
        std::uint16_t connect_port = map && map->address_port ? map->address_port : port;
        auto c = std::make_unique<::httplib::Client>(scheme + "://" + host + ":" + std::to_string(connect_port));
        // httplib looks the mapping up by its host name without brackets.
        std::string bare = host.size() > 1 && host.front() == '[' ? host.substr(1, host.size() - 2) : host;
        if (map && !map->address.empty()) c->set_hostname_addr_map({{bare, map->address}});
        const auto& o = s_->opts;
        c->set_keep_alive(true);
        c->set_follow_location(false);
        c->set_url_encode(false);
        c->set_decompress(false);
        c->set_compress(false);
        c->set_tcp_nodelay(true);
        c->set_connection_timeout(o.connect_timeout);
        c->set_read_timeout(o.read_timeout);
        c->set_write_timeout(o.write_timeout);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
        if (scheme == "https") {
            if (!o.ca_file.empty() || !o.ca_dir.empty()) c->set_ca_cert_path(o.ca_file, o.ca_dir);
            c->enable_server_certificate_verification(true);
        }
#endif
        return *s_->clients.emplace(key, std::move(c)).first->second;
    }

    std::unique_ptr<state> s_;
};

static_assert(BlockingTransport<client>);

}  // namespace ossmp::inline v0::adapters::httplib
