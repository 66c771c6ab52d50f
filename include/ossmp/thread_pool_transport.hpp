// ossmp: concurrency for any blocking HTTP client. N worker threads, each owning its own
// client (so each keeps its own connection alive), take requests from a queue and perform
// them; completions come back through wait(). This is how a blocking client serves an
// upload machine with max_in_flight > 1.
//
// Cancel: each worker has a stop flag, cleared (under the queue's lock) when it takes a
// request and raised by cancel() for every worker busy at that moment; a client that is a
// CancellableBlockingTransport watches it during perform(). Requests still queued are
// completed at once as cancelled. So cancel() reaches exactly the requests in flight when
// it is called, and none started later.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <ossmp/transport.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// A Transport running requests on `workers` threads, each with a client made by
/// `make_client()`. Requests start in order; the body source behind each body_reader must
/// allow concurrent read_at calls (file, memory and stream sources here do). It is a
/// CancellableTransport: cancel() completes queued requests as cancelled at once and, when
/// the client type is a CancellableBlockingTransport (the curl client is), interrupts the
/// requests being performed; with other clients those run to their end.
template <BlockingTransport B>
class thread_pool_transport {
public:
    template <class Factory>
    thread_pool_transport(std::size_t workers, Factory make_client) {
        if (workers == 0) workers = 1;
        workers_ = std::make_unique<worker[]>(workers);
        for (std::size_t i = 0; i < workers; ++i) clients_.push_back(std::make_unique<B>(make_client()));
        for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this, i] { work(i); });
    }
    thread_pool_transport(const thread_pool_transport&) = delete;
    thread_pool_transport& operator=(const thread_pool_transport&) = delete;
    ~thread_pool_transport() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        work_ready_.notify_all();
        for (auto& t : threads_) t.join();
    }

    /// Queues the request; a free worker performs it.
    void start(request_id id, const http_request& req, body_reader& body) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back({id, req, &body});
        }
        work_ready_.notify_one();
    }

    /// One finished request, waiting until `deadline` at most.
    std::optional<completion> wait(time_point deadline) {
        std::unique_lock lock(mutex_);
        auto ready = [&] { return !done_.empty(); };
        if (deadline == time_point::max()) {
            done_ready_.wait(lock, ready);
        } else {
            auto until = std::chrono::system_clock::time_point(deadline.time_since_epoch());
            if (!done_ready_.wait_until(lock, until, ready)) return std::nullopt;
        }
        auto c = std::move(done_.front());
        done_.pop_front();
        return c;
    }

    /// Ends the requests in flight: queued ones complete at once with a transport_error of
    /// errc::cancelled; those being performed are interrupted when the client supports it
    /// (CancellableBlockingTransport), else they finish normally. Every request is still
    /// reported exactly once by wait(); requests started after this call are not affected.
    void cancel() {
        {
            std::lock_guard lock(mutex_);
            for (auto& j : queue_)
                done_.push_back({j.id, transport_error{errc::cancelled, "the request was cancelled before it was sent"}});
            queue_.clear();
            for (std::size_t i = 0; i < threads_.size(); ++i)
                if (workers_[i].busy) workers_[i].stop.store(true);
        }
        done_ready_.notify_all();
    }

    /// Number of worker threads.
    std::size_t workers() const noexcept { return threads_.size(); }

private:
    struct job {
        request_id id;
        http_request request;
        body_reader* body;
    };
    struct worker {
        std::atomic<bool> stop{false};
        bool busy = false;  // guarded by mutex_
    };

    void work(std::size_t i) {
        B& client = *clients_[i];
        worker& self = workers_[i];
        for (;;) {
            job j;
            {
                std::unique_lock lock(mutex_);
                self.busy = false;
                work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
                if (stopping_) return;
                j = std::move(queue_.front());
                queue_.pop_front();
                self.busy = true;
                self.stop.store(false);
            }
            exchange_result out = [&] {
                if constexpr (CancellableBlockingTransport<B>) return client.perform(j.request, *j.body, self.stop);
                else return client.perform(j.request, *j.body);
            }();
            {
                std::lock_guard lock(mutex_);
                done_.push_back({j.id, std::move(out)});
            }
            done_ready_.notify_one();
        }
    }

    std::vector<std::unique_ptr<B>> clients_;
    std::unique_ptr<worker[]> workers_;
    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable work_ready_, done_ready_;
    std::deque<job> queue_;
    std::deque<completion> done_;
    bool stopping_ = false;
};

}  // namespace ossmp::inline v0
