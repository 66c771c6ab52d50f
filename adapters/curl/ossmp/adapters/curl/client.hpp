// ossmp libcurl adapter: the blocking client, one reused easy handle (BlockingTransport).
#pragma once

#include <memory>
#include <utility>

#include <curl/curl.h>

#include <ossmp/adapters/curl/options.hpp>
#include <ossmp/adapters/curl/transfer.hpp>
#include <ossmp/body_source.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::curl {

/// A blocking HTTP client on one libcurl easy handle, reused for every request so its
/// connections stay alive between requests (keep-alive per host). It satisfies
/// ossmp::BlockingTransport:
///
///     ossmp::adapters::curl::client c;                            // sequential
///     ossmp::sequential_transport t(c);
///
///     ossmp::thread_pool_transport<ossmp::adapters::curl::client>  // N connections
///         pool(4, [&] { return ossmp::adapters::curl::client(opts); });
///
/// One client serves one thread at a time (an easy handle is not thread-safe); use a
/// thread_pool_transport for concurrency, which gives each worker its own client. Movable,
/// not copyable. If the process uses HTTPS, ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)):
/// NOSIGNAL is set so that timeouts work in threads, and with it libcurl no longer shields
/// TLS writes to a closed socket from SIGPIPE.
class client {
public:
    /// A client with `opts` (see options). Initialises libcurl once per process (see
    /// global_init). Never throws for libcurl failures; they surface as the transport_error
    /// of each perform().
    explicit client(options opts = {}) : t_(std::make_unique<detail::transfer>(std::move(opts))) {}

    /// Sends `req` with the body from `body` (read until complete; body.crc64() is then the
    /// CRC-64 of the bytes sent) and waits for the whole response. Returns the response
    /// for any HTTP status (the caller, e.g. the upload machine, judges it), or a
    /// transport_error when no usable response arrived: code per error_kind(), or, when
    /// body.read() failed, that error's code (io_error, source_short_read), which the
    /// machine treats as fatal. HEAD responses carry their headers and an empty body.
    exchange_result perform(const http_request& req, body_reader& body) {
        if (!t_) return transport_error{errc::transport_other, "this curl client was moved from"};
        if (auto e = t_->prepare(req, body)) return std::move(*e);
        CURLcode rc = curl_easy_perform(t_->handle());
        return t_->finish(rc);
    }

    /// The settings this client was made with.
    const options& settings() const noexcept { return t_->settings(); }

private:
    std::unique_ptr<detail::transfer> t_;
};

static_assert(BlockingTransport<client>);

}  // namespace ossmp::inline v0::adapters::curl
