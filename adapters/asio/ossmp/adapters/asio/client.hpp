// ossmp Asio adapter: an HTTP/1.1 client on Boost.Asio and Boost.Beast for coroutines.
//
// One client serves any number of concurrent requests (and uploads) on one executor. Each
// perform() takes a connection from the per-host pool (or opens one: resolve, connect,
// TLS handshake), writes the request head and streams the body from the body_reader in
// chunks of options::write_buffer_size, reads the response with Beast's parser, and puts
// the connection back when the response allows keep-alive.
//
// What goes on the wire: `METHOD target HTTP/1.1`, `Host: request.host`, every request
// header as given (an empty value is sent as `Name:`), and `Content-Length` (for PUT and
// POST always, else when the body is not empty); nothing else: no Accept, no
// Content-Type, no Expect, no User-Agent, never chunked. The head is written as built
// here, byte for byte (Beast's serializer would be an extra copy of the same text); the
// first body chunk goes out in the same write. The target is the request's, verbatim: no
// dot-segment removal, no re-encoding. No redirects are followed.
//
// A server may answer before the body is complete (an error it can tell from the head
// alone) and close: between chunks the client looks for bytes to read and, when there are
// some, or when a write fails, it reads the response and returns it rather than the write
// error. A reused connection that fails before any response byte arrived (the server
// closed it while it was idle) is retried once on a new connection, with the body
// rewound; that is the only retry here, the machine owns every other one.
//
// Timeouts are Beast's per-operation deadlines on the TCP stream (Asio timers): connect
// (resolve, connect, handshake), idle (no byte written or read for that long) and total
// (the whole exchange). Host names are resolved by Asio's resolver, which runs
// getaddrinfo on one internal thread Asio starts on first use (addresses are cached for a
// minute); numeric addresses, and host_mapping to one, need no resolver and no thread.
//
// Threads: none of its own. All calls on one client must come from one thread at a time
// (a single-threaded io_context, or a strand as the client's executor).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <ossmp/adapters/asio/connection.hpp>
#include <ossmp/adapters/asio/errors.hpp>
#include <ossmp/adapters/asio/options.hpp>
#include <ossmp/adapters/asio/pool.hpp>
#include <ossmp/body_source.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::asio {

namespace detail {

inline constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

inline bool has_control(std::string_view s) noexcept {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

/// Where a request goes: the pool key, the name TLS checks, and the address to connect to.
struct route {
    std::string key;            ///< "scheme://host:port", lower case
    std::string authority;      ///< request.host, for messages
    std::string name;           ///< host without port or brackets: SNI and certificate check
    std::string connect_host;   ///< after host_mapping
    std::uint16_t connect_port = 0;
    bool tls = false;
};

/// Routes `req` (scheme, host[:port]) through `mappings`; an error names what is wrong.
inline std::variant<route, transport_error> route_of(const http_request& req, const std::vector<host_mapping>& mappings) {
    auto bad = [&](std::string why) { return transport_error{errc::transport_other, "asio: " + std::move(why)}; };
    route r;
    if (req.scheme == "https") r.tls = true;
    else if (req.scheme != "http") return bad("unsupported scheme '" + req.scheme + "' (http or https)");
    std::string_view a = req.host;
    if (a.empty() || has_control(a)) return bad("the request's host is empty or contains CR, LF or NUL");
    std::uint16_t port = r.tls ? 443 : 80;
    std::string_view name = a, port_text;
    if (a.front() == '[') {
        auto close = a.find(']');
        if (close == std::string_view::npos) return bad("unbalanced '[' in host " + req.host);
        name = a.substr(1, close - 1);
        if (close + 1 < a.size()) {
            if (a[close + 1] != ':') return bad("junk after ']' in host " + req.host);
            port_text = a.substr(close + 2);
        }
    } else if (auto colon = a.rfind(':'); colon != std::string_view::npos) {
        name = a.substr(0, colon);
        port_text = a.substr(colon + 1);
    }
    if (!port_text.empty() || a.back() == ':') {
        unsigned v = 0;
        for (char c : port_text) {
            if (c < '0' || c > '9' || v > 65535) return bad("bad port in host " + req.host);
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        if (port_text.empty() || v == 0 || v > 65535) return bad("bad port in host " + req.host);
        port = static_cast<std::uint16_t>(v);
    }
    r.name.assign(name);
    r.authority = req.host;
    r.connect_host = r.name;
    r.connect_port = port;
    for (const auto& m : mappings) {
        if ((m.host.empty() || iequals(m.host, r.name)) && (m.port == 0 || m.port == port)) {
            if (!m.address.empty()) r.connect_host = m.address;
            if (m.address_port != 0) r.connect_port = m.address_port;
            break;
        }
    }
    if (r.connect_host.size() > 2 && r.connect_host.front() == '[' && r.connect_host.back() == ']')
        r.connect_host = r.connect_host.substr(1, r.connect_host.size() - 2);
    r.key = req.scheme + "://" + r.name + ":" + std::to_string(port);
    for (auto& c : r.key) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    return r;
}

/// The request line and header block, exactly as sent; empty with `why` set when a field
/// cannot be sent (CR, LF or NUL in it, an empty name).
inline std::string request_head(const http_request& req, std::uint64_t length, std::string& why) {
    std::string target = req.target();
    if (req.method.empty() || has_control(req.method) || req.method.find(' ') != std::string::npos || has_control(target) ||
        target.find(' ') != std::string::npos) {
        why = "the request's method or target is empty or contains a space, CR, LF or NUL";
        return {};
    }
    std::string h;
    h.reserve(256 + req.headers.size() * 64);
    h += req.method;
    h += ' ';
    h += target;
    h += " HTTP/1.1\r\nHost: ";
    h += req.host;
    h += "\r\n";
    for (const auto& f : req.headers) {
        if (f.name.empty() || has_control(f.name) || has_control(f.value) || f.name.find(':') != std::string::npos) {
            why = "request header " + (has_control(f.name) ? std::string("name") : f.name) +
                  " is empty or contains ':', CR, LF or NUL";
            return {};
        }
        h += f.name;
        h += f.value.empty() ? ":" : ": ";
        h += f.value;
        h += "\r\n";
    }
    if (length > 0 || req.method == "PUT" || req.method == "POST") {
        h += "Content-Length: ";
        h += std::to_string(length);
        h += "\r\n";
    }
    h += "\r\n";
    return h;
}

/// What an exchange learnt about its connection and body, for perform()'s decisions.
struct exchange_flags {
    bool reusable = false;       ///< the connection may carry another request
    bool response_bytes = false; ///< the server sent anything at all
    bool body_failed = false;    ///< the body_reader failed (its code is in the error)
    bool cancelled = false;      ///< the exchange was cancelled
};

}  // namespace detail

/// Counters of a client, for tests and tuning.
struct client_stats {
    std::uint64_t exchanges = 0;          ///< requests performed (each attempt counted)
    std::uint64_t connections_opened = 0; ///< TCP connections established
    std::uint64_t reused = 0;             ///< exchanges on a kept-alive connection
    std::uint64_t stale_retries = 0;      ///< reused connections found dead and replaced
    std::size_t open = 0;                 ///< connections open now (in use or idle)
    std::size_t idle = 0;                 ///< idle connections now
    std::size_t peak_per_host = 0;        ///< most connections open at once to one host
};

/// An HTTP/1.1 client for C++20 coroutines (see the top of this file). Create it with the
/// executor every request runs on; it must outlive every perform() and upload() using it,
/// and be destroyed before its io_context. Not copyable or movable (requests in flight
/// point to it).
class client {
public:
    using executor_type = ::boost::asio::any_io_executor;

    explicit client(executor_type ex, options opts = {})
        : ex_(std::move(ex)),
          opts_(std::move(opts)),
          resolver_(ex_),
          pool_(opts_.max_connections_per_host, opts_.keep_alive_idle) {}
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// The executor every request of this client runs on.
    executor_type get_executor() const noexcept { return ex_; }
    /// The options it was made with.
    const options& settings() const noexcept { return opts_; }

    /// Sends `req` with the body read from `body` and reads the response. Never throws for
    /// network failures: the result is the response (any HTTP status) or a transport_error
    /// (kinds: see errors.hpp; a body_reader failure keeps the reader's own code, e.g.
    /// errc::io_error or errc::source_short_read). `req` and `body` must stay valid until
    /// the returned awaitable completes. Cancellation: a terminal cancellation through the
    /// awaiting coroutine's cancellation slot ends the exchange at once (the connection is
    /// closed) with errc::transport_other "request cancelled", unless the coroutine throws
    /// first (Asio's throw_if_cancelled, on by default).
    ::boost::asio::awaitable<exchange_result> perform(const http_request& req, body_reader& body) {
        namespace net = detail::net;
        auto routed = detail::route_of(req, opts_.connect_to);
        if (auto* e = std::get_if<transport_error>(&routed)) co_return std::move(*e);
        const auto& r = std::get<detail::route>(routed);
        std::string why;
        std::string head = detail::request_head(req, body.size(), why);
        if (head.empty()) co_return transport_error{errc::transport_other, "asio: " + why};
        auto deadline = opts_.total_timeout.count() > 0 ? detail::steady::now() + opts_.total_timeout
                                                        : detail::steady::time_point::max();
        for (int attempt = 0;; ++attempt) {
            held h(pool_, r.key);
            auto lease = co_await pool_.acquire(r.key, deadline, attempt == 0);
            if (!lease) co_return co_await waited_too_long(r, deadline);
            h.slot = true;
            h.conn = std::move(lease->conn);
            if (!h.conn) {
                auto opened = co_await open(r, deadline);
                if (auto* e = std::get_if<transport_error>(&opened)) co_return std::move(*e);
                h.conn = std::move(std::get<std::unique_ptr<detail::connection>>(opened));
            } else {
                ++stats_.reused;
            }
            ++stats_.exchanges;
            detail::exchange_flags f;
            auto out = co_await exchange(*h.conn, r, head, req, body, deadline, f);
            h.reusable = f.reusable;
            auto* te = std::get_if<transport_error>(&out);
            bool stale = te && te->code == errc::transport_reset && lease->reused && attempt == 0 &&
                         !f.response_bytes && !f.body_failed && !f.cancelled;
            if (!stale) co_return out;
            ++stats_.stale_retries;
            body.rewind();
        }
    }

    /// Counters (see client_stats).
    client_stats stats() const noexcept {
        client_stats s = stats_;
        s.open = pool_.open();
        s.idle = pool_.idle();
        s.peak_per_host = pool_.peak_per_host();
        return s;
    }

private:
    using connection_ptr = std::unique_ptr<detail::connection>;

    // A pool slot (and its connection) held by perform(), given back however perform()
    // ends (a co_return, or an exception thrown through it by a cancellation).
    struct held {
        detail::pool& pool;
        const std::string& key;
        bool slot = false;
        bool reusable = false;
        connection_ptr conn;
        held(detail::pool& p, const std::string& k) : pool(p), key(k) {}
        held(const held&) = delete;
        held& operator=(const held&) = delete;
        ~held() {
            bool keep = reusable && conn;
            if (slot) pool.release(key, std::move(conn), keep);
        }
    };

    // A body buffer of write_buffer_size bytes, taken from and given back to the client's
    // spares, so a part does not cost a fresh allocation (and its page faults).
    class buffer_lease {
    public:
        explicit buffer_lease(client& c) : c_(c) {
            if (!c.spare_buffers_.empty()) {
                buf_ = std::move(c.spare_buffers_.back());
                c.spare_buffers_.pop_back();
            } else {
                buf_ = std::make_unique<char[]>(c.opts_.write_buffer_size);
            }
        }
        buffer_lease(const buffer_lease&) = delete;
        buffer_lease& operator=(const buffer_lease&) = delete;
        ~buffer_lease() {
            if (c_.spare_buffers_.size() < max_spare_buffers) c_.spare_buffers_.push_back(std::move(buf_));
        }
        std::span<char> span() const noexcept { return {buf_.get(), c_.opts_.write_buffer_size}; }

    private:
        client& c_;
        std::unique_ptr<char[]> buf_;
    };
    static constexpr std::size_t max_spare_buffers = 32;

    static ::boost::asio::awaitable<bool> cancelled() {
        auto cs = co_await ::boost::asio::this_coro::cancellation_state;
        co_return cs.cancelled() != ::boost::asio::cancellation_type::none;
    }

    ::boost::asio::awaitable<transport_error> waited_too_long(const detail::route& r, detail::steady::time_point deadline) {
        if (detail::steady::now() >= deadline)
            co_return transport_error{errc::transport_timeout, "asio: total timeout while waiting for a connection to " +
                                                                   r.authority + " (max_connections_per_host)"};
        co_return transport_error{errc::transport_other, "asio: request cancelled while waiting for a connection"};
    }

    transport_error timeout_error(const detail::route& r, detail::steady::time_point deadline, std::string_view what) const {
        bool total = detail::steady::now() >= deadline;
        return transport_error{errc::transport_timeout,
                               "asio: " + std::string(what) + " " + r.authority + ": " +
                                   (total ? "total timeout (" + std::to_string(opts_.total_timeout.count()) + " ms)"
                                          : "no progress for " + std::to_string(opts_.idle_timeout.count()) + " ms")};
    }

    // The TLS context, made on first use; nullptr (with tls_error_ set) when the CA store
    // cannot be loaded.
    detail::net::ssl::context* tls_context() {
        namespace net = detail::net;
        if (tls_ || !tls_error_.empty()) return tls_.get();
        auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
        boost::system::error_code ec;
        ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                             net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1,
                         ec);
        ctx->set_verify_mode(net::ssl::verify_peer, ec);
        if (opts_.ca_file.empty()) ctx->set_default_verify_paths(ec);
        else ctx->load_verify_file(opts_.ca_file, ec);
        if (ec) {
            tls_error_ = (opts_.ca_file.empty() ? std::string("cannot load the system CA store")
                                                : "cannot load CA file " + opts_.ca_file) +
                         ": " + ec.message();
            return nullptr;
        }
        tls_ = std::move(ctx);
        return tls_.get();
    }

    // Resolves (or reuses a cached answer), connects and, for https, shakes hands.
    ::boost::asio::awaitable<std::variant<connection_ptr, transport_error>> open(const detail::route& r,
                                                                               detail::steady::time_point deadline) {
        namespace net = detail::net;
        using tcp = net::ip::tcp;
        auto limit = std::min(deadline, detail::steady::now() + opts_.connect_timeout);
        std::vector<tcp::endpoint> eps;
        boost::system::error_code ec;
        auto addr = net::ip::make_address(r.connect_host, ec);
        if (!ec) {
            eps.emplace_back(addr, r.connect_port);
        } else {
            std::string dns_key = r.connect_host + ":" + std::to_string(r.connect_port);
            auto hit = dns_.find(dns_key);
            if (hit != dns_.end() && detail::steady::now() - hit->second.at < std::chrono::minutes(1)) {
                eps = hit->second.endpoints;
            } else {
                auto [rec, results] =
                    co_await resolver_.async_resolve(r.connect_host, std::to_string(r.connect_port), detail::tuple_awaitable);
                if (rec) co_return to_transport_error(rec, phase::resolve, r.connect_host);
                for (const auto& e : results) eps.push_back(e.endpoint());
                dns_[dns_key] = {eps, detail::steady::now()};
            }
        }
        detail::beast::tcp_stream tcp_stream(ex_);
        tcp_stream.expires_at(limit);
        auto [cec, ep] = co_await tcp_stream.async_connect(eps, detail::tuple_awaitable);
        if (cec == detail::beast::error::timeout)
            co_return transport_error{errc::transport_timeout,
                                      "asio: connect to " + r.authority + ": no connection within " +
                                          std::to_string(opts_.connect_timeout.count()) + " ms"};
        if (cec) {
            if (co_await cancelled()) co_return transport_error{errc::transport_other, "asio: request cancelled"};
            co_return to_transport_error(cec, phase::connect, r.connect_host + ":" + std::to_string(r.connect_port));
        }
        tcp_stream.socket().set_option(tcp::no_delay(true), ec);
        auto c = std::make_unique<detail::connection>(std::move(tcp_stream));
        if (r.tls) {
            auto* ctx = tls_context();
            if (!ctx) co_return transport_error{errc::transport_tls, "asio: " + tls_error_};
            c->stream.start_tls(*ctx);
            auto* s = c->stream.tls();
            SSL* ssl = s->native_handle();
            (void)net::ip::make_address(r.name, ec);
            // SNI names hosts only (RFC 6066); the certificate must carry the name or address.
            bool named = ec ? SSL_set_tlsext_host_name(ssl, r.name.c_str()) == 1 && SSL_set1_host(ssl, r.name.c_str()) == 1
                            : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), r.name.c_str()) == 1;
            if (!named) co_return transport_error{errc::transport_tls, "asio: cannot set up TLS for " + r.name};
            c->stream.lowest().expires_at(limit);
            auto [hec] = co_await s->async_handshake(net::ssl::stream_base::client, detail::tuple_awaitable);
            if (hec == detail::beast::error::timeout)
                co_return transport_error{errc::transport_timeout, "asio: TLS handshake with " + r.authority +
                                                                       ": not done within " +
                                                                       std::to_string(opts_.connect_timeout.count()) +
                                                                       " ms"};
            if (hec) {
                long v = SSL_get_verify_result(ssl);
                co_return to_transport_error(hec, phase::handshake, r.authority,
                                             v == X509_V_OK ? std::string_view() : X509_verify_cert_error_string(v));
            }
        }
        c->stream.lowest().expires_never();
        ++stats_.connections_opened;
        co_return c;
    }

    // One request on connection `c`: head and body out, response in (see the top of the file).
    ::boost::asio::awaitable<exchange_result> exchange(detail::connection& c, const detail::route& r,
                                                       const std::string& head, const http_request& req,
                                                       body_reader& body, detail::steady::time_point deadline,
                                                       detail::exchange_flags& f) {
        namespace net = detail::net;
        namespace http = detail::beast::http;
        using error_code = boost::system::error_code;
        auto body_error = [&](const error& e) {
            f.body_failed = true;
            return transport_error{e.code, "reading the request body failed: " + e.message};
        };
        error_code send_ec;
        bool early = false;  // the server answered before the body was complete
        {
            buffer_lease buf(*this);
            auto out = buf.span();
            std::size_t n = 0;
            if (body.remaining() > 0) {
                auto got = body.read(out);
                if (!got) {
                    f.reusable = true;  // nothing was sent yet
                    co_return body_error(got.error());
                }
                n = *got;
            }
            std::array<net::const_buffer, 2> first{net::buffer(head), net::buffer(out.data(), n)};
            c.arm(opts_.idle_timeout, deadline);
            std::tie(send_ec, std::ignore) = co_await net::async_write(c.stream, first, detail::tuple_awaitable);
            while (!send_ec && body.remaining() > 0) {
                // Plain HTTP only: under TLS 1.3 the server's session tickets are bytes to
                // read too, and only a TLS read can tell them from an answer.
                error_code aec;
                if (!c.stream.tls() && c.stream.lowest().socket().available(aec) > 0) {
                    early = true;
                    break;
                }
                auto got = body.read(out);
                if (!got) co_return body_error(got.error());
                c.arm(opts_.idle_timeout, deadline);
                std::tie(send_ec, std::ignore) =
                    co_await net::async_write(c.stream, net::buffer(out.data(), *got), detail::tuple_awaitable);
            }
        }
        if (send_ec == detail::beast::error::timeout) co_return timeout_error(r, deadline, "send to");
        if (send_ec == net::error::operation_aborted && co_await cancelled()) {
            f.cancelled = true;
            co_return transport_error{errc::transport_other, "asio: request cancelled"};
        }
        // Read the response even after a failed write: the server may have answered first.
        std::optional<http::response_parser<http::string_body>> p;
        error_code rec;
        for (;;) {
            p.emplace();
            p->header_limit(64 * 1024);
            p->body_limit(opts_.max_response_body);
            if (req.method == "HEAD") p->skip(true);
            while (!rec && !p->is_done()) {
                c.arm(opts_.idle_timeout, deadline);
                std::tie(rec, std::ignore) = co_await http::async_read_some(c.stream, c.buffer, *p, detail::tuple_awaitable);
                f.response_bytes |= p->got_some();
            }
            if (rec || !p->is_header_done()) break;
            int status = p->get().result_int();
            if (status < 100 || status >= 200 || status == 101) break;  // 1xx: informational, read on
        }
        if (!rec && p->is_done()) {
            auto& msg = p->get();
            f.reusable = !send_ec && !early && msg.keep_alive() && !p->need_eof() && c.buffer.size() == 0;
            http_response resp;
            resp.status = static_cast<int>(msg.result_int());
            for (const auto& field : msg) resp.headers.add(std::string(field.name_string()), std::string(field.value()));
            resp.body = std::move(msg.body());
            co_return resp;
        }
        if (rec == detail::beast::error::timeout) co_return timeout_error(r, deadline, "receive from");
        if (rec == net::error::operation_aborted && co_await cancelled()) {
            f.cancelled = true;
            co_return transport_error{errc::transport_other, "asio: request cancelled"};
        }
        if (send_ec) co_return to_transport_error(send_ec, phase::send, r.authority);
        co_return to_transport_error(rec, phase::receive, r.authority);
    }

    struct dns_entry {
        std::vector<detail::net::ip::tcp::endpoint> endpoints;
        detail::steady::time_point at;
    };

    executor_type ex_;
    options opts_;
    detail::net::ip::tcp::resolver resolver_;
    std::unordered_map<std::string, dns_entry> dns_;
    std::unique_ptr<detail::net::ssl::context> tls_;  // before pool_: connections use it
    std::string tls_error_;
    std::vector<std::unique_ptr<char[]>> spare_buffers_;
    client_stats stats_;
    detail::pool pool_;
};

}  // namespace ossmp::inline v0::adapters::asio
