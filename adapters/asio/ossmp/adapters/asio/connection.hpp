// ossmp Asio adapter (internal): one HTTP/1.1 connection, plain or TLS, behind one stream
// type, so the exchange code is written (and compiled) once for both.
#pragma once

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <variant>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::asio::detail {

namespace net = ::boost::asio;
namespace beast = ::boost::beast;
using steady = std::chrono::steady_clock;

/// A TCP stream with Beast's per-operation timeouts, and the same under TLS. Satisfies
/// AsyncReadStream and AsyncWriteStream: each operation goes to whichever stream it holds.
/// (Both branches of an initiation return the same type for the completion tokens used
/// here: void for Beast's internal handlers, an awaitable for use_awaitable.)
class any_stream {
public:
    using executor_type = beast::tcp_stream::executor_type;
    using tls_stream = net::ssl::stream<beast::tcp_stream>;

    explicit any_stream(beast::tcp_stream tcp) : s_(std::in_place_index<0>, std::move(tcp)) {}

    executor_type get_executor() noexcept { return lowest().get_executor(); }

    /// The TCP layer: timeouts (expires_at), the socket, close().
    beast::tcp_stream& lowest() noexcept {
        if (auto* t = std::get_if<tls_stream>(&s_)) return t->next_layer();
        return std::get<beast::tcp_stream>(s_);
    }
    /// The TLS stream, or nullptr for plain HTTP.
    tls_stream* tls() noexcept { return std::get_if<tls_stream>(&s_); }

    /// Wraps the (connected) TCP stream in TLS with `ctx`.
    void start_tls(net::ssl::context& ctx) {
        beast::tcp_stream tcp = std::move(std::get<beast::tcp_stream>(s_));
        s_.template emplace<tls_stream>(std::move(tcp), ctx);
    }

    template <class Buffers, class Token>
    auto async_read_some(const Buffers& b, Token&& token) {
        if (auto* t = tls()) return t->async_read_some(b, std::forward<Token>(token));
        return std::get<beast::tcp_stream>(s_).async_read_some(b, std::forward<Token>(token));
    }
    template <class Buffers, class Token>
    auto async_write_some(const Buffers& b, Token&& token) {
        if (auto* t = tls()) return t->async_write_some(b, std::forward<Token>(token));
        return std::get<beast::tcp_stream>(s_).async_write_some(b, std::forward<Token>(token));
    }

private:
    std::variant<beast::tcp_stream, tls_stream> s_;
};

/// One connection to one scheme+host+port, owned by a request while it is used and by the
/// pool while it is idle.
struct connection {
    explicit connection(beast::tcp_stream tcp) : stream(std::move(tcp)) {}

    any_stream stream;
    beast::flat_buffer buffer;  ///< bytes read and not yet parsed
    steady::time_point idle_since{};

    /// Sets the deadline of the operations that follow: `idle` from now, but never past
    /// `hard` (the exchange's total deadline); no deadline when both are unbounded.
    void arm(std::chrono::milliseconds idle, steady::time_point hard) {
        auto t = hard;
        if (idle.count() > 0) t = std::min(t, steady::now() + idle);
        if (t == steady::time_point::max()) stream.lowest().expires_never();
        else stream.lowest().expires_at(t);
    }

    /// True when the connection can carry another request: open, and nothing to read
    /// (between responses a peer only sends an EOF, a reset or a TLS close_notify).
    bool quiet() noexcept {
        auto& sock = stream.lowest().socket();
        if (!sock.is_open()) return false;
        pollfd p{sock.native_handle(), POLLIN, 0};
        return ::poll(&p, 1, 0) == 0;
    }

    /// Closes the socket (the peer sees an EOF); pending operations end with an error.
    void close() noexcept { stream.lowest().close(); }
};

}  // namespace ossmp::inline v0::adapters::asio::detail
