// ossmp libcurl adapter: the blocking client, one reused easy handle (BlockingTransport).
#pragma once

#include <atomic>
#include <memory>
#include <string>
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
/// ossmp::BlockingTransport and ossmp::CancellableBlockingTransport:
///
///     ossmp::adapters::curl::client c;                            // sequential
///     ossmp::sequential_transport t(c);
///
///     ossmp::thread_pool_transport<ossmp::adapters::curl::client>  // N connections,
///         pool(4, [&] { return ossmp::adapters::curl::client(opts); });  // cancellable
///
/// One client serves one thread at a time (an easy handle is not thread-safe); use a
/// thread_pool_transport for concurrency, which gives each worker its own client. Movable,
/// not copyable. If the process uses HTTPS, ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)):
/// NOSIGNAL is set so that timeouts work in threads, and with it libcurl no longer shields
/// TLS writes to a closed socket from SIGPIPE.
///
/// A failed transfer never spoils the client: the next request gets a fresh easy handle
/// (see transfer.hpp); kept-alive connections live in the client's own multi handle and
/// survive that.
class client {
public:
    /// A client with `opts` (see options). Initialises libcurl once per process (see
    /// global_init). Never throws for libcurl failures; they surface as the transport_error
    /// of each perform().
    explicit client(options opts = {})
        : multi_(global_init() == CURLE_OK ? curl_multi_init() : nullptr),
          t_(std::make_unique<detail::transfer>(std::move(opts))) {}

    /// Sends `req` with the body from `body` (read until complete; body.crc64() is then the
    /// CRC-64 of the bytes sent) and waits for the whole response. Returns the response
    /// for any HTTP status (the caller, e.g. the upload machine, judges it), or a
    /// transport_error when no usable response arrived: code per error_kind() (a name
    /// that does not resolve reads "could not resolve host NAME"), or, when body.read()
    /// failed, that error's code (io_error, source_short_read), which the machine treats
    /// as fatal. HEAD responses carry their headers and an empty body.
    exchange_result perform(const http_request& req, body_reader& body) { return exchange(req, body, nullptr); }

    /// The same, ending early when `stop` becomes true (from any thread): it is checked
    /// before the request starts and at least every 100 ms while it runs; the outcome is
    /// then a transport_error of errc::cancelled (the connection is closed, since a
    /// request may be half sent). thread_pool_transport::cancel() works through this.
    exchange_result perform(const http_request& req, body_reader& body, const std::atomic<bool>& stop) {
        return exchange(req, body, &stop);
    }

    /// The settings this client was made with.
    const options& settings() const noexcept { return t_->settings(); }

private:
    struct multi_deleter {
        void operator()(CURLM* m) const noexcept { curl_multi_cleanup(m); }
    };

    exchange_result exchange(const http_request& req, body_reader& body, const std::atomic<bool>* stop) {
        if (!t_) return transport_error{errc::transport_other, "this curl client was moved from"};
        if (stop && stop->load()) return transport_error{errc::cancelled, "the request was cancelled before it was sent"};
        if (auto e = t_->prepare(req, body)) return std::move(*e);
        if (!multi_) return t_->finish(curl_easy_perform(t_->handle()));  // no multi handle: no cancel
        CURLM* m = multi_.get();
        CURL* h = t_->handle();
        if (CURLMcode mc = curl_multi_add_handle(m, h); mc != CURLM_OK) {
            t_->abandon();
            return transport_error{errc::transport_other, std::string("curl_multi_add_handle: ") + curl_multi_strerror(mc)};
        }
        // What curl_easy_perform does inside, with a stop flag looked at between polls.
        for (;;) {
            int running = 0;
            CURLMcode mc = curl_multi_perform(m, &running);
            int left = 0;
            while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
                if (msg->msg != CURLMSG_DONE || msg->easy_handle != h) continue;
                CURLcode rc = msg->data.result;
                curl_multi_remove_handle(m, h);
                return t_->finish(rc);
            }
            if (mc == CURLM_OK && !(stop && stop->load()))
                mc = curl_multi_poll(m, nullptr, 0, stop ? 100 : 1000, nullptr);
            if (mc != CURLM_OK || (stop && stop->load())) {
                curl_multi_remove_handle(m, h);
                auto cancelled = t_->cancelled();
                if (mc == CURLM_OK) return cancelled;
                return transport_error{errc::transport_other, std::string("curl_multi: ") + curl_multi_strerror(mc)};
            }
        }
    }

    // Declared in this order so the multi handle is cleaned up after the easy handle left it.
    std::unique_ptr<CURLM, multi_deleter> multi_;
    std::unique_ptr<detail::transfer> t_;
};

static_assert(BlockingTransport<client>);
static_assert(CancellableBlockingTransport<client>);

}  // namespace ossmp::inline v0::adapters::curl
