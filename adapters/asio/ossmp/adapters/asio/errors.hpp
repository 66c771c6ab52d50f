// ossmp Asio adapter: how Asio, OpenSSL and Beast error codes become transport_error kinds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/system/error_code.hpp>

#include <ossmp/error.hpp>
#include <ossmp/transport_error.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::asio {

/// Where in an exchange a failure happened; the same error code means different things
/// in different phases (a reset while connecting is a connect failure).
enum class phase : std::uint8_t {
    resolve,    ///< looking the host name up
    connect,    ///< opening the TCP connection
    handshake,  ///< the TLS handshake, certificate and host name checks
    send,       ///< writing the request head or body
    receive,    ///< reading the response
};

/// The phase's name as it appears in messages ("connect", "TLS handshake", ...).
constexpr std::string_view to_string(phase p) noexcept {
    switch (p) {
    case phase::resolve: return "resolve";
    case phase::connect: return "connect";
    case phase::handshake: return "TLS handshake";
    case phase::send: return "send";
    case phase::receive: return "receive";
    }
    return "exchange";
}

/// The transport_error kind of error code `ec` met in phase `p`:
///   ETIMEDOUT (the kernel gave up)                          -> errc::transport_timeout
///   any failure while resolving or connecting               -> errc::transport_connect
///   any failure in the TLS handshake (certificate, name)    -> errc::transport_tls
///   reset, broken pipe, EOF or a truncated message or TLS
///   stream while sending or receiving                       -> errc::transport_reset
///   another OpenSSL error while sending or receiving        -> errc::transport_tls
///   anything else (a response Beast cannot parse, a body
///   over options::max_response_body, ...)                   -> errc::transport_other
/// The client's own timers (connect, idle, total timeouts) report errc::transport_timeout
/// whatever code the aborted operation returned; a body_reader failure reports its own code.
inline errc error_kind(const boost::system::error_code& ec, phase p) noexcept {
    namespace net = ::boost::asio;
    namespace http = ::boost::beast::http;
    if (ec == net::error::timed_out) return errc::transport_timeout;
    if (p == phase::resolve || p == phase::connect) return errc::transport_connect;
    if (p == phase::handshake) return errc::transport_tls;
    if (ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == net::error::eof ||
        ec == net::error::connection_aborted || ec == net::error::not_connected || ec == net::error::shut_down ||
        ec == net::ssl::error::stream_truncated || ec == http::error::end_of_stream ||
        ec == http::error::partial_message)
        return errc::transport_reset;
    if (ec.category() == net::error::get_ssl_category()) return errc::transport_tls;
    return errc::transport_other;
}

/// A transport_error for `ec` in phase `p` talking to `authority` (host:port): the kind
/// from error_kind, and a message naming the phase, the peer and the code, e.g. "asio:
/// connect to 127.0.0.1:1: Connection refused [system:111]". Messages never contain
/// request headers, so no signature or STS token can reach one.
inline transport_error to_transport_error(const boost::system::error_code& ec, phase p, std::string_view authority,
                                          std::string_view detail = {}) {
    std::string msg = "asio: ";
    msg += to_string(p);
    msg += p == phase::receive ? " from " : p == phase::send ? " to " : p == phase::connect ? " to " : " of ";
    msg += authority;
    msg += ": ";
    msg += ec.message();
    msg += " [";
    msg += ec.category().name();
    msg += ':';
    msg += std::to_string(ec.value());
    msg += ']';
    if (!detail.empty()) {
        msg += " (";
        msg += detail;
        msg += ')';
    }
    return transport_error{error_kind(ec, p), std::move(msg)};
}

}  // namespace ossmp::inline v0::adapters::asio
