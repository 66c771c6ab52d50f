// ossmp libcurl adapter: a concurrent Transport on curl_multi, driven by the one thread that
// calls start() and wait().
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include <ossmp/adapters/curl/options.hpp>
#include <ossmp/adapters/curl/transfer.hpp>
#include <ossmp/body_source.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/time.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::curl {

/// A Transport that runs any number of requests at once on one curl multi handle, all on
/// the calling thread: start() adds a request, wait() runs libcurl until one finishes.
/// Connections are shared through the multi handle's connection cache and kept alive.
///
///     ossmp::adapters::curl::multi_transport t(opts);
///     auto outcome = ossmp::run(machine, t, source);
///
/// Not thread-safe: one thread calls start(), wait() and cancel() (that is how ossmp::run
/// drives a transport; cancel() ends every request in flight at once). It does its work,
/// including reading bodies from the body_readers, inside wait(). Measured on 2 cores it
/// is slower than thread_pool_transport<client> for large parts (one thread does every
/// send(), CRC and poll; see adapters/curl/README.md), so prefer the thread pool for
/// throughput and this for many small concurrent requests on few threads. Neither
/// copyable nor movable (libcurl holds pointers into it).
class multi_transport {
public:
    /// A transport with `opts` for every request. Initialises libcurl once per process.
    explicit multi_transport(options opts = {}) : opts_(std::move(opts)) {
        if (global_init() == CURLE_OK) multi_ = curl_multi_init();
    }
    multi_transport(const multi_transport&) = delete;
    multi_transport& operator=(const multi_transport&) = delete;
    /// Abandons requests still in flight (their completions are never reported) and closes
    /// every connection.
    ~multi_transport() {
        for (auto& a : active_)
            if (multi_) curl_multi_remove_handle(multi_, a.t->handle());
        active_.clear();
        idle_.clear();
        if (multi_) curl_multi_cleanup(multi_);
    }

    /// Starts sending `req` with the body from `body`; both must stay valid until wait()
    /// has returned the completion for `id`. A request that cannot even be started (no
    /// multi handle, a header with CR or LF) completes at once with a transport_error,
    /// returned by the next wait().
    void start(request_id id, const http_request& req, body_reader& body) {
        std::unique_ptr<detail::transfer> t;
        if (!idle_.empty()) {
            t = std::move(idle_.back());
            idle_.pop_back();
        } else {
            t = std::make_unique<detail::transfer>(opts_);
        }
        if (!multi_) {
            done_.push_back({id, transport_error{errc::transport_other, "libcurl could not create a multi handle"}});
            idle_.push_back(std::move(t));
            return;
        }
        if (auto e = t->prepare(req, body)) {
            done_.push_back({id, std::move(*e)});
            idle_.push_back(std::move(t));
            return;
        }
        if (CURLMcode mc = curl_multi_add_handle(multi_, t->handle()); mc != CURLM_OK) {
            t->abandon();
            done_.push_back({id, transport_error{errc::transport_other,
                                                 std::string("curl_multi_add_handle: ") + curl_multi_strerror(mc)}});
            idle_.push_back(std::move(t));
            return;
        }
        active_.push_back({id, std::move(t)});
    }

    /// Returns one finished request (a response of any status, or a transport_error as
    /// client::perform describes), running transfers until one finishes or `deadline`
    /// passes (then nullopt). time_point::max() waits as long as it takes. With nothing in
    /// flight and nothing finished it returns nullopt at once.
    std::optional<completion> wait(time_point deadline) {
        for (;;) {
            if (!done_.empty()) {
                auto c = std::move(done_.front());
                done_.pop_front();
                return c;
            }
            if (active_.empty()) return std::nullopt;
            int running = 0;
            CURLMcode mc = curl_multi_perform(multi_, &running);
            if (mc != CURLM_OK) {
                fail_all(std::string("curl_multi_perform: ") + curl_multi_strerror(mc));
                continue;
            }
            collect();
            if (!done_.empty()) continue;
            // libcurl shortens the wait to its own next timer; the cap only bounds how late
            // a deadline far away is noticed. (Compared in milliseconds: time_point::max()
            // cannot be converted to a finer clock.)
            long long ms = 1000;
            if (deadline != time_point::max()) {
                auto now = std::chrono::floor<duration>(std::chrono::system_clock::now());
                if (now >= deadline) return std::nullopt;
                ms = std::clamp<long long>((deadline - now).count(), 1, 1000);
            }
            mc = curl_multi_poll(multi_, nullptr, 0, static_cast<int>(ms), nullptr);
            if (mc != CURLM_OK) fail_all(std::string("curl_multi_poll: ") + curl_multi_strerror(mc));
        }
    }

    /// Ends every request in flight at once: each is reported by the next wait() calls as a
    /// transport_error of errc::cancelled (requests already finished keep their outcome).
    /// Their connections are closed; requests started later are not affected.
    void cancel() {
        for (auto& a : active_) {
            curl_multi_remove_handle(multi_, a.t->handle());
            done_.push_back({a.id, a.t->cancelled()});
            idle_.push_back(std::move(a.t));
        }
        active_.clear();
    }

    /// Requests started and not yet returned by wait().
    std::size_t in_flight() const noexcept { return active_.size() + done_.size(); }

    /// The settings every request uses.
    const options& settings() const noexcept { return opts_; }

private:
    struct active {
        request_id id;
        std::unique_ptr<detail::transfer> t;
    };

    // Moves every finished transfer to done_.
    void collect() {
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL* h = msg->easy_handle;
            CURLcode rc = msg->data.result;
            auto it = std::find_if(active_.begin(), active_.end(), [&](const active& a) { return a.t->handle() == h; });
            if (it == active_.end()) continue;
            curl_multi_remove_handle(multi_, h);
            done_.push_back({it->id, it->t->finish(rc)});
            idle_.push_back(std::move(it->t));
            active_.erase(it);
        }
    }

    // libcurl's multi layer itself failed (out of memory): every request in flight fails.
    void fail_all(const std::string& why) {
        for (auto& a : active_) {
            curl_multi_remove_handle(multi_, a.t->handle());
            a.t->abandon();
            a.t->renew();
            done_.push_back({a.id, transport_error{errc::transport_other, why}});
            idle_.push_back(std::move(a.t));
        }
        active_.clear();
    }

    options opts_;
    CURLM* multi_ = nullptr;
    std::vector<active> active_;
    std::vector<std::unique_ptr<detail::transfer>> idle_;
    std::deque<completion> done_;
};

static_assert(Transport<multi_transport>);
static_assert(CancellableTransport<multi_transport>);

}  // namespace ossmp::inline v0::adapters::curl
