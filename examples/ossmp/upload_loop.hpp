// ossmp CLI: the upload loop shared by `cp` and `demo`: ossmp's driver loop (README) plus
// a progress line, Ctrl-C turned into a clean pause, and checkpoints saved as asked.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <csignal>
#include <cstdio>
#include <functional>
#include <string>

#include <unistd.h>

#include <ossmp/ossmp.hpp>

#include "common.hpp"
#include "progress_line.hpp"

namespace ossmp_cli {

inline std::atomic<bool> interrupted{false};

extern "C" inline void on_interrupt(int) {
    // A second Ctrl-C leaves at once; the checkpoint saved so far still resumes.
    if (interrupted.exchange(true)) _exit(exit_interrupted);
}

// Progress on a terminal: one line, redrawn at most five times a second.
class progress_printer {
public:
    explicit progress_printer(bool enabled) : enabled_(enabled) {}
    void update(const ossmp::progress& p, bool force = false) {
        if (!enabled_) return;
        auto now = std::chrono::steady_clock::now();
        if (!force && now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        auto line = progress_line(p);
        std::fprintf(stderr, "\r%s\033[K", line.c_str());
        std::fflush(stderr);
        drawn_ = true;
    }
    void finish() {
        if (drawn_) std::fputc('\n', stderr);
        drawn_ = false;
    }

private:
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};

// Writes checkpoints on a background thread (atomically, with fsync), so the upload never
// waits on the disk: a save replaces any save still pending, and flush() waits for the
// last one. A failed write is reported back through take_error().
class checkpoint_writer {
public:
    explicit checkpoint_writer(std::string path) : path_(std::move(path)) {
        if (!path_.empty()) thread_ = std::thread([this] { loop(); });
    }
    ~checkpoint_writer() {
        flush();
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    void save(std::string text) {
        if (path_.empty()) return;
        {
            std::lock_guard lock(mutex_);
            pending_ = std::move(text);
        }
        wake_.notify_all();
    }
    /// Waits until every save so far is on disk.
    void flush() {
        std::unique_lock lock(mutex_);
        idle_.wait(lock, [&] { return !pending_ && !writing_; });
    }
    std::optional<ossmp::error> take_error() {
        std::lock_guard lock(mutex_);
        auto e = std::move(error_);
        error_.reset();
        return e;
    }

private:
    void loop() {
        std::unique_lock lock(mutex_);
        for (;;) {
            wake_.wait(lock, [&] { return stop_ || pending_; });
            if (!pending_) return;
            auto text = std::move(*pending_);
            pending_.reset();
            writing_ = true;
            lock.unlock();
            auto r = ossmp::write_file_atomically(path_, text);
            lock.lock();
            writing_ = false;
            if (!r) error_ = r.error();
            idle_.notify_all();
        }
    }

    std::string path_;
    std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::optional<std::string> pending_;
    std::optional<ossmp::error> error_;
    bool writing_ = false, stop_ = false;
    std::thread thread_;
};

// ossmp::run with a progress line, Ctrl-C (or `cancel_when`) as a clean pause, and
// checkpoints written on a background thread. Waits are capped at 200 ms so the progress
// line and the interrupt flag stay live while a slow part is in flight.
template <class T, class S>
ossmp::result<ossmp::upload_outcome> drive(ossmp::upload_machine& m, T& net, S& source, const std::string& cp_path,
                                           progress_printer& progress,
                                           const std::function<bool(const ossmp::progress&)>& cancel_when = {}) {
    checkpoint_writer checkpoints(cp_path);
    ossmp::run_options opts;
    opts.cancel = &interrupted;
    opts.max_wait = ossmp::duration(200);
    opts.on_step = [&](const ossmp::progress& p) {
        // A background write that failed fails the upload, as a failed write in run() does.
        if (auto e = checkpoints.take_error()) (void)m.on_local_error(*e, ossmp::system_clock{}.now());
        progress.update(p);
        return cancel_when && cancel_when(p);
    };
    opts.save_checkpoint = [&](std::string text) -> ossmp::result<void> {
        checkpoints.save(std::move(text));
        return ossmp::ok();
    };
    auto r = ossmp::run(m, net, source, opts);
    progress.update(m.stats(), true);
    // On success the caller deletes the checkpoint next; a paused upload resumes from the
    // latest one. Either way every save must be on disk first.
    checkpoints.flush();
    return r;
}

/// Ctrl-C and SIGTERM set `interrupted` (a second one exits at once); SIGPIPE is ignored
/// because libcurl runs with NOSIGNAL.
inline void install_interrupt_handlers() {
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace ossmp_cli
