// ossmp: the Transport concept, the one thing a caller writes to plug in an HTTP stack.
//
// A Transport sends requests the upload machine hands out and hands back what happened:
//
//   void start(request_id id, const http_request& req, body_reader& body);
//       Begin sending `req`. Connect to req.scheme://req.host, write req.method and
//       req.target(), every field of req.headers, `Host: req.host` and
//       `Content-Length: body.size()`, then the body read from `body` (call body.read()
//       until it returns 0). `req` and `body` stay valid until the completion for `id`
//       has been returned from wait() (the driver owns them). A blocking transport may do
//       the whole exchange here and queue the completion.
//   std::optional<completion> wait(time_point deadline);
//       Return one finished request, waiting until one finishes or `deadline` passes
//       (then nullopt). time_point::max() means no deadline.
//
// Optionally, a Transport can end its requests in flight early (CancellableTransport):
//
//   void cancel();
//       End every request in flight now (or as soon as it can), called on the thread that
//       calls start() and wait(). Each still completes exactly once through wait(): with
//       its response if it had already finished, else with a transport_error of
//       errc::cancelled. Requests started after the call are not affected. ossmp::run calls
//       it when the upload is cancelled, so Ctrl-C does not wait for a slow or silent
//       server; the machine still decides what happens to the upload (abort or keep).
//
// Obligations, because the request is signed before it reaches you: send headers exactly
// as given (do not add Content-Type, Content-MD5 or x-oss-* headers, do not change the
// path: no dot-segment normalization, no re-encoding), do not follow redirects, and report
// every started request exactly once. Map failures below HTTP to transport_error codes:
// connect (refused, unreachable, DNS), timeout, reset (peer closed mid-request), tls,
// other. An HTTP error status is a response, not a transport error.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <variant>
#include <vector>

#include <ossmp/body_source.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/request_id.hpp>
#include <ossmp/time.hpp>
#include <ossmp/transport_error.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// What happened to one request: an HTTP response (any status) or a transport failure.
using exchange_result = std::variant<http_response, transport_error>;

/// A finished request, as a Transport reports it.
struct completion {
    request_id id = 0;
    exchange_result outcome;
};

/// An HTTP stack the upload driver can use (see the obligations above).
template <class T>
concept Transport = requires(T& t, request_id id, const http_request& req, body_reader& body, time_point deadline) {
    { t.start(id, req, body) } -> std::same_as<void>;
    { t.wait(deadline) } -> std::same_as<std::optional<completion>>;
};

/// A blocking HTTP client: performs one whole exchange per call. thread_pool_transport
/// turns N of them into a concurrent Transport; sequential_transport turns one into a
/// Transport with one request at a time.
template <class B>
concept BlockingTransport = requires(B& b, const http_request& req, body_reader& body) {
    { b.perform(req, body) } -> std::same_as<exchange_result>;
};

/// A Transport that can end its requests in flight early: `void cancel()` (see above).
template <class T>
concept CancellableTransport = Transport<T> && requires(T& t) { t.cancel(); };

/// A BlockingTransport whose exchange can be interrupted from another thread: the overload
/// `perform(req, body, stop)` returns soon after `stop` becomes true (checked before it
/// starts and while it runs), with a transport_error of errc::cancelled unless the response
/// was already complete. thread_pool_transport uses it to implement cancel().
template <class B>
concept CancellableBlockingTransport =
    BlockingTransport<B> &&
    requires(B& b, const http_request& req, body_reader& body, const std::atomic<bool>& stop) {
        { b.perform(req, body, stop) } -> std::same_as<exchange_result>;
    };

namespace detail {
// Readable diagnostics instead of a wall of template errors (Beast #2994).
template <class T>
constexpr bool check_transport() {
    static_assert(requires(T& t, request_id id, const http_request& req, body_reader& body) {
        { t.start(id, req, body) } -> std::same_as<void>;
    }, "a Transport needs `void start(ossmp::request_id, const ossmp::http_request&, ossmp::body_reader&)`");
    static_assert(requires(T& t, time_point deadline) {
        { t.wait(deadline) } -> std::same_as<std::optional<completion>>;
    }, "a Transport needs `std::optional<ossmp::completion> wait(ossmp::time_point deadline)`");
    return true;
}
}  // namespace detail

/// A Transport over one BlockingTransport: start() performs the request at once.
template <BlockingTransport B>
class sequential_transport {
public:
    explicit sequential_transport(B& client) noexcept : client_(client) {}
    void start(request_id id, const http_request& req, body_reader& body) {
        done_.push_back({id, client_.perform(req, body)});
    }
    std::optional<completion> wait(time_point) {
        if (done_.empty()) return std::nullopt;
        auto c = std::move(done_.front());
        done_.erase(done_.begin());
        return c;
    }

private:
    B& client_;
    std::vector<completion> done_;
};

}  // namespace ossmp::inline v0
