// ossmp Asio adapter (internal): idle kept-alive connections per scheme+host+port, and the
// per-host connection limit with its first-come-first-served queue. Single-threaded: every
// call comes from the client's executor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <ossmp/adapters/asio/connection.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::asio::detail {

class pool {
public:
    /// What acquire() hands out: a kept-alive connection (`reused`), or, with `conn` empty,
    /// the right to open a new one (one slot of the per-host limit, returned with release()).
    struct lease {
        std::unique_ptr<connection> conn;
        bool reused = false;
    };

    pool(std::size_t max_per_host, std::chrono::milliseconds keep_alive_idle)
        : max_per_host_(max_per_host), keep_alive_idle_(keep_alive_idle) {}
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;

    /// A connection or a slot for `key` (only a slot unless `allow_idle`); waits (at most
    /// until `deadline`) while the host is at its limit. Empty when the wait timed out or
    /// was cancelled.
    net::awaitable<std::optional<lease>> acquire(const std::string& key, steady::time_point deadline,
                                                 bool allow_idle = true) {
        auto& h = hosts_[key];
        while (allow_idle && !h.idle.empty()) {
            auto c = std::move(h.idle.back());
            h.idle.pop_back();
            if (steady::now() - c->idle_since < keep_alive_idle_ && c->quiet()) co_return lease{std::move(c), true};
            c->close();
            --h.open;
        }
        if (max_per_host_ == 0 || h.open < max_per_host_) {
            ++h.open;
            peak_ = std::max(peak_, h.open);
            co_return lease{};
        }
        waiter w{net::steady_timer(co_await net::this_coro::executor, deadline), std::nullopt};
        h.waiters.push_back(&w);
        (void)co_await w.timer.async_wait(net::as_tuple(net::use_awaitable));
        // A grant wins over a timeout or cancellation that raced with it.
        if (w.granted) co_return std::move(w.granted);
        auto& q = hosts_[key].waiters;
        for (auto it = q.begin(); it != q.end(); ++it)
            if (*it == &w) {
                q.erase(it);
                break;
            }
        co_return std::nullopt;
    }

    /// Gives back what acquire() handed out: `c` kept alive when `reusable`, else closed
    /// (or never opened) and its slot freed. The first waiter, if any, gets it.
    void release(const std::string& key, std::unique_ptr<connection> c, bool reusable) {
        auto& h = hosts_[key];
        if (c && reusable) {
            c->idle_since = steady::now();
            if (!h.waiters.empty()) return grant(h, lease{std::move(c), true});
            h.idle.push_back(std::move(c));
            return;
        }
        if (c) c->close();
        --h.open;
        if (!h.waiters.empty() && (max_per_host_ == 0 || h.open < max_per_host_)) {
            ++h.open;
            grant(h, lease{});
        }
    }

    /// Connections open now (in use or idle), over every host.
    std::size_t open() const noexcept {
        std::size_t n = 0;
        for (const auto& [k, h] : hosts_) n += h.open;
        return n;
    }
    /// Idle connections now, over every host.
    std::size_t idle() const noexcept {
        std::size_t n = 0;
        for (const auto& [k, h] : hosts_) n += h.idle.size();
        return n;
    }
    /// Most connections ever open at once to one host.
    std::size_t peak_per_host() const noexcept { return peak_; }

private:
    struct waiter {
        net::steady_timer timer;
        std::optional<lease> granted;
    };
    struct host {
        std::vector<std::unique_ptr<connection>> idle;  // most recently used last
        std::size_t open = 0;                           // idle + in use + being opened
        std::deque<waiter*> waiters;                    // oldest first
    };

    static void grant(host& h, lease l) {
        waiter* w = h.waiters.front();
        h.waiters.pop_front();
        w->granted = std::move(l);
        w->timer.cancel();
    }

    std::size_t max_per_host_;
    std::chrono::milliseconds keep_alive_idle_;
    std::unordered_map<std::string, host> hosts_;
    std::size_t peak_ = 0;
};

}  // namespace ossmp::inline v0::adapters::asio::detail
