// ossmp Asio adapter: upload(), the upload machine driven by a C++20 coroutine.
//
// Theory of operation
// -------------------
// `co_await upload(machine, client, source)` does what ossmp::run does, without a thread:
// it pulls actions from the machine and performs each in ONE visitor (detail::driver's
// operator() overloads, one per action type). Sending a request starts a child coroutine
// (co_spawn on the client's executor) that performs the exchange and posts the outcome to
// the driver's completion queue; the driver then pulls the next action at once, so up to
// max_in_flight part requests (plus the machine's one control request) are in flight
// together on one thread. await_io and wait_until park the driver on one timer, which a
// finishing request cancels (wakes) and a retry deadline expires; every queued outcome is
// then reported to the machine. Each request and its body_reader live in the driver's
// table until the outcome is reported; the driver returns only when the table is empty.
//
// Cancellation: the completion token's cancellation slot (bind_cancellation_slot with a
// cancellation_signal, a parallel_group, or the awaiting coroutine's own cancellation for
// use_awaitable) is accepted for every cancellation type and calls machine.cancel(): no new
// part starts, the requests in flight finish and are reported, then the machine aborts the
// upload or keeps it for resume (upload_config::on_cancel) and the result is
// errc::cancelled. A cancellation of type terminal also cuts the part uploads in flight
// short (their sockets are closed; the machine, draining, does not retry them); the
// control requests that follow (AbortMultipartUpload) are still sent and awaited, since
// only they leave no orphaned parts behind. A Complete already sent is never cut.
//
// CPU on the loop thread. Per request: signing (microseconds), and while the body streams,
// one chunk of options::write_buffer_size at a time is read and CRC-64'd (~30 us per
// 128 KiB), so no single step holds the loop longer than one chunk. digest_part (Content-
// MD5, or verifying a part OSS holds on resume) re-reads a whole part (up to 5 GiB): it is
// digested in slices of upload_options::digest_slice bytes with a `co_await post` between
// slices, so other uploads and requests run in between; or, when upload_options::offload
// names an executor (a thread_pool), digests, stream reads (read_source: the stream's own
// blocking reads) and checkpoint writes run there while the loop goes on. Without
// offload, a stream source's read and a checkpoint write (fsync) run on the loop thread.
//
// Threads: none. The driver and its requests run on the client's executor (upload()
// hops there first), so one thread, or one strand, must run it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <ossmp/adapters/asio/client.hpp>
#include <ossmp/atomic_file.hpp>
#include <ossmp/body_source.hpp>
#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/run.hpp>
#include <ossmp/upload/machine.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::asio {

/// Options of one upload().
struct upload_options {
    // Declared so that this is not an aggregate: g++ 12 copies a braced aggregate temporary
    // passed by value to a coroutine bitwise (upload(m, c, s, {}) would then free a
    // string's inline buffer); a class with a constructor is copied correctly.
    upload_options() = default;

    /// save_checkpoint actions write here, atomically ("" = checkpoints are not saved).
    std::string checkpoint_path;
    /// When set, save_checkpoint actions hand their text here instead (called on the loop
    /// thread; keep it short). An error fails the upload as a failed write does.
    std::function<result<void>(std::string text)> save_checkpoint;
    /// digest_part actions are computed in slices of this many bytes, with the event loop
    /// running other work between two slices (see the theory of operation). Smaller
    /// slices bound the loop's stall more tightly and cost one post() each.
    std::size_t digest_slice = 1u << 20;
    /// When set, digests, stream reads and checkpoint writes run on this executor (e.g. a
    /// boost::asio::thread_pool's), never on the loop thread. The body source must then
    /// allow read_at calls from two threads at once (file, memory and stream sources do).
    std::optional<::boost::asio::any_io_executor> offload;
};

namespace detail {

inline std::string describe(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "unknown exception";
    }
}

/// One request handed out by the machine, kept until its outcome is reported: the body
/// reader may point into the request's in-memory body, and the signal cuts it short.
struct flight {
    http_request request;
    body_reader body;
    net::cancellation_signal cut;
};

/// What the driver shares with its request coroutines: the table of requests in flight,
/// the outcomes not yet reported, and the timer the driver waits on.
struct hub {
    explicit hub(const net::any_io_executor& ex) : wake(ex, steady::time_point::max()) {}
    net::steady_timer wake;
    std::map<request_id, std::unique_ptr<flight>> live;
    std::deque<completion> done;

    // Called from a request's completion handler, after which its coroutine and co_spawn
    // no longer touch the flight, so the driver may destroy it.
    void finish(request_id id, exchange_result r) {
        done.push_back({id, std::move(r)});
        wake.cancel();
    }
};

/// What one step of the loop decided: empty = carry on; set = upload() returns this.
using step = std::optional<result<upload_outcome>>;

template <class A>
inline constexpr bool unhandled_action = false;

/// The state of one upload() and the one visitor that performs every machine action.
/// When the machine gains an action, add an overload here (the catch-all below fails
/// the build until then).
template <BodySource S>
class driver {
public:
    driver(upload_machine& m, client& c, S& source, upload_options opts)
        : m_(m), c_(c), source_(source), opts_(std::move(opts)), hub_(std::make_shared<hub>(c.get_executor())) {}

    net::awaitable<result<upload_outcome>> run() {
        co_await net::this_coro::throw_if_cancelled(false);
        co_await net::this_coro::reset_cancellation_state(net::enable_total_cancellation());
        for (;;) {
            auto cs = co_await net::this_coro::cancellation_state;
            if (auto t = cs.cancelled(); t != net::cancellation_type::none) {
                m_.cancel();
                if ((t & net::cancellation_type::terminal) != net::cancellation_type::none) cut(true);
                co_await net::this_coro::reset_cancellation_state(net::enable_total_cancellation());
            }
            auto a = m_.next(now());
            step end = co_await std::visit(*this, a);
            if (end) {
                co_await drain();
                co_return std::move(*end);
            }
        }
    }

    // --- the visitor: one overload per action -------------------------------------------

    net::awaitable<step> operator()(send_request& a) {
        auto f = std::make_unique<flight>();
        f->request = std::move(a.request);
        f->body = body_reader::for_request(f->request, source_);
        flight& ref = *f;
        hub_->live.emplace(a.id, std::move(f));
        net::co_spawn(c_.get_executor(), exchange_one(c_, ref),
                      net::bind_cancellation_slot(ref.cut.slot(), [h = hub_, id = a.id](std::exception_ptr e,
                                                                                         exchange_result r) {
                          if (e) r = transport_error{errc::transport_other, "asio: request failed: " + describe(e)};
                          h->finish(id, std::move(r));
                      }));
        co_return step{};
    }

    net::awaitable<step> operator()(wait_until& a) {
        auto left = a.deadline - now();
        co_return co_await wait(a.deadline == time_point::max() ? steady::time_point::max()
                                                                  : steady::now() + std::max(left, duration(0)));
    }

    net::awaitable<step> operator()(await_io&) {
        if (hub_->live.empty() && hub_->done.empty())
            co_return step{make_error(errc::wrong_state, "the machine awaits I/O with no request in flight")};
        co_return co_await wait(steady::time_point::max());
    }

    net::awaitable<step> operator()(read_source& a) {
        if constexpr (requires { source_.fill(a.part_number, a.offset, a.max_length); }) {
            // (No co_await inside ?: anywhere here: g++ 12 destroys such temporaries twice.)
            std::optional<result<std::size_t>> got;
            if (opts_.offload) got = co_await net::co_spawn(*opts_.offload, fill_on(source_, a), net::use_awaitable);
            else got = source_.fill(a.part_number, a.offset, a.max_length);
            co_return check(*got ? m_.on_source_read(a.part_number, **got, now())
                                 : m_.on_local_error(got->error(), now()));
        } else {
            co_return check(
                m_.on_local_error(make_error(errc::unsupported, "this body source cannot be read as a stream"), now()));
        }
    }

    net::awaitable<step> operator()(digest_part& a) {
        std::optional<result<std::pair<std::uint64_t, std::string>>> dg;
        if (opts_.offload) dg = co_await net::co_spawn(*opts_.offload, digest_on(source_, a), net::use_awaitable);
        else dg = co_await digest_sliced(a);
        co_return check(*dg ? m_.on_part_digest(a.part_number, (*dg)->first, (*dg)->second, now())
                            : m_.on_local_error(dg->error(), now()));
    }

    net::awaitable<step> operator()(check_source&) {
        // A stat of the open file: cheap enough for the loop thread.
        auto id = current_identity(source_);
        co_return check(id ? m_.on_source_checked(*id, now()) : m_.on_local_error(id.error(), now()));
    }

    net::awaitable<step> operator()(release_body& a) {
        if constexpr (requires { source_.release(a.range); }) source_.release(a.range);
        co_return step{};
    }

    net::awaitable<step> operator()(save_checkpoint& a) {
        result<void> w = ok();
        if (opts_.save_checkpoint) w = opts_.save_checkpoint(std::move(a.text));
        else if (!opts_.checkpoint_path.empty() && opts_.offload)
            w = *co_await net::co_spawn(*opts_.offload, write_on(opts_.checkpoint_path, std::move(a.text)),
                                        net::use_awaitable);
        else if (!opts_.checkpoint_path.empty()) w = write_file_atomically(opts_.checkpoint_path, a.text);
        co_return w ? step{} : check(m_.on_local_error(w.error(), now()));
    }

    net::awaitable<step> operator()(finished& a) { co_return step{std::move(a.outcome)}; }

    net::awaitable<step> operator()(failed& a) { co_return step{std::move(a.err)}; }

    template <class A>
    net::awaitable<step> operator()(A&) {
        static_assert(unhandled_action<A>,
                      "ossmp::adapters::asio::upload does not handle this machine action: add an overload of "
                      "operator() to detail::driver in ossmp/adapters/asio/upload.hpp");
        co_return step{};
    }

private:
    static time_point now() { return system_clock{}.now(); }

    // A machine call's refusal ends the upload, except for a duplicate or stray report,
    // which the machine ignores without effect (as run() does).
    static step check(const result<void>& r) {
        if (r || r.error().code == errc::duplicate_response || r.error().code == errc::unknown_request) return {};
        return step{r.error()};
    }

    static net::awaitable<exchange_result> exchange_one(client& c, flight& f) {
        co_await net::this_coro::throw_if_cancelled(false);
        co_return co_await c.perform(f.request, f.body);
    }

    // Off-loop work returns optionals: co_spawn needs a default-constructible result.
    static net::awaitable<std::optional<result<std::size_t>>> fill_on(S& s, read_source a) {
        co_return s.fill(a.part_number, a.offset, a.max_length);
    }
    static net::awaitable<std::optional<result<std::pair<std::uint64_t, std::string>>>> digest_on(S& s, digest_part a) {
        co_return digest_range(s, a.range, a.md5);
    }
    static net::awaitable<std::optional<result<void>>> write_on(std::string path, std::string text) {
        co_return write_file_atomically(path, text);
    }

    // The digest of a part on the loop thread, yielding to the loop every digest_slice bytes.
    net::awaitable<result<std::pair<std::uint64_t, std::string>>> digest_sliced(const digest_part& a) {
        std::size_t chunk = std::clamp<std::size_t>(opts_.digest_slice, 4096, 1u << 20);
        if (digest_buf_.size() < chunk) digest_buf_.resize(chunk);
        std::uint64_t crc = 0, done = 0, since_yield = 0;
        md5 h;
        while (done < a.range.length) {
            auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, a.range.length - done));
            auto r = source_.read_at(a.range.offset + done, std::span<char>(digest_buf_.data(), want));
            if (!r) co_return r.error();
            if (*r == 0)
                co_return make_error(errc::source_short_read,
                                     "the source ended before offset " + std::to_string(a.range.offset + a.range.length));
            crc = crc64_update(crc, digest_buf_.data(), *r);
            if (a.md5) h.update(digest_buf_.data(), *r);
            done += *r;
            since_yield += *r;
            if (since_yield >= opts_.digest_slice && done < a.range.length) {
                since_yield = 0;
                co_await net::post(c_.get_executor(), net::use_awaitable);
            }
        }
        co_return std::pair{crc, a.md5 ? base64_encode(h.final()) : std::string()};
    }

    // Parks until an outcome is queued or `until` passes, then reports every queued outcome.
    net::awaitable<step> wait(steady::time_point until) {
        if (hub_->done.empty()) {
            hub_->wake.expires_at(until);
            (void)co_await hub_->wake.async_wait(tuple_awaitable);
        }
        while (!hub_->done.empty()) {
            completion c = std::move(hub_->done.front());
            hub_->done.pop_front();
            auto it = hub_->live.find(c.id);
            std::uint64_t crc = it != hub_->live.end() ? it->second->body.crc64() : 0;
            auto r = std::holds_alternative<http_response>(c.outcome)
                         ? m_.on_response(c.id, std::get<http_response>(c.outcome), now(), crc)
                         : m_.on_transport_error(c.id, std::get<transport_error>(c.outcome), now());
            if (it != hub_->live.end()) hub_->live.erase(it);
            if (auto s = check(r)) co_return s;
        }
        co_return step{};
    }

    // Cuts requests in flight short: part uploads only, or (at the very end) all of them.
    void cut(bool parts_only) {
        for (auto& [id, f] : hub_->live)
            if (!parts_only || f->request.op == operation::upload_part) f->cut.emit(net::cancellation_type::terminal);
    }

    // The upload has ended: wait for every request still in flight (none, normally: the
    // machine drains before it ends) so none outlives the caller's source.
    net::awaitable<void> drain() {
        while (!hub_->live.empty()) {
            if (hub_->done.empty()) {
                hub_->wake.expires_at(steady::time_point::max());
                (void)co_await hub_->wake.async_wait(tuple_awaitable);
                auto cs = co_await net::this_coro::cancellation_state;
                if ((cs.cancelled() & net::cancellation_type::terminal) != net::cancellation_type::none) cut(false);
            }
            while (!hub_->done.empty()) {
                hub_->live.erase(hub_->done.front().id);
                hub_->done.pop_front();
            }
        }
    }

    upload_machine& m_;
    client& c_;
    S& source_;
    upload_options opts_;
    std::shared_ptr<hub> hub_;
    std::vector<char> digest_buf_;
};

template <BodySource S>
net::awaitable<std::optional<result<upload_outcome>>> drive(upload_machine& m, client& c, S& source,
                                                            upload_options opts) {
    driver<S> d(m, c, source, std::move(opts));
    co_return co_await d.run();
}

}  // namespace detail

/// Drives `machine` to its end over `http`, reading part bodies from `source`, as an Asio
/// asynchronous operation with completion signature `void(result<upload_outcome>)`: the
/// outcome, or the error the upload failed with, exactly what ossmp::run would return
/// (errc::cancelled after a cancellation; the upload aborted or kept per
/// upload_config::on_cancel). `token` is any completion token: a callback, use_awaitable,
/// use_future, deferred; its associated cancellation slot cancels the upload (see the
/// theory of operation), its associated executor runs the completion. The upload itself
/// runs on the client's executor. `machine`, `http` and `source` must outlive the
/// operation. Throws only what allocation throws.
template <BodySource S, class CompletionToken>
auto async_upload(upload_machine& machine, client& http, S& source, upload_options opts, CompletionToken&& token) {
    namespace net = ::boost::asio;
    auto init = [&machine, &http, &source](auto handler, upload_options o) {
        auto slot = net::get_associated_cancellation_slot(handler);
        auto ex = net::get_associated_executor(handler, http.get_executor());
        net::co_spawn(http.get_executor(), detail::drive(machine, http, source, std::move(o)),
                      net::bind_cancellation_slot(
                          slot, net::bind_executor(ex, [h = std::move(handler)](
                                                           std::exception_ptr e,
                                                           std::optional<result<upload_outcome>> r) mutable {
                              if (e) std::rethrow_exception(e);
                              std::move(h)(std::move(*r));
                          })));
    };
    return net::async_initiate<CompletionToken, void(result<upload_outcome>)>(std::move(init), token, std::move(opts));
}

/// `co_await upload(machine, http, source)`: async_upload with use_awaitable. Cancelled
/// through the awaiting coroutine's cancellation state (for a coroutine started by
/// co_spawn with a bound slot, Asio passes only terminal cancellation unless the coroutine
/// calls this_coro::reset_cancellation_state with a wider filter).
///
///     namespace oa = ossmp::adapters::asio;
///     oa::client http(co_await boost::asio::this_coro::executor);
///     ossmp::result<ossmp::upload_outcome> r = co_await oa::upload(machine, http, source);
template <BodySource S>
::boost::asio::awaitable<result<upload_outcome>> upload(upload_machine& machine, client& http, S& source,
                                                        upload_options opts = {}) {
    return async_upload(machine, http, source, std::move(opts), ::boost::asio::use_awaitable);
}

}  // namespace ossmp::inline v0::adapters::asio
