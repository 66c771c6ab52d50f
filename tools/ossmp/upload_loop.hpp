// ossmp CLI: the upload loop shared by `cp` and `demo`: ossmp::run plus a progress line,
// Ctrl-C and --timeout turned into a clean pause, and checkpoints written on a background
// thread. Everything goes through run_options; nothing here calls into the machine while it
// runs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <unistd.h>

#include <ossmp/ossmp.hpp>

#include "progress_line.hpp"
#include "report.hpp"

namespace ossmp_cli {

inline std::atomic<bool> interrupted{false};

extern "C" inline void on_interrupt(int) {
    // A second Ctrl-C leaves at once; the checkpoint saved so far still resumes.
    if (interrupted.exchange(true)) _exit(exit_interrupted);
}

/// Ctrl-C and SIGTERM set `interrupted` (a second one exits at once); SIGPIPE is ignored
/// because libcurl runs with NOSIGNAL.
inline void install_interrupt_handlers() {
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    std::signal(SIGPIPE, SIG_IGN);
}

/// Progress on a terminal: one line, redrawn at most five times a second.
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

/// Writes checkpoints on a background thread (atomically, with fsync), so the upload never
/// waits on the disk: a save replaces any save still pending, and flush() waits for the
/// last one. A failed write is kept for take_error().
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
    /// Waits until every save so far is on disk (or failed).
    void flush() {
        std::unique_lock lock(mutex_);
        idle_.wait(lock, [&] { return !pending_ && !writing_; });
    }
    /// The first write that failed, once.
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
            if (!r && !error_) error_ = r.error();
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

/// What drive() does besides running the upload.
struct drive_options {
    std::string checkpoint_path;  ///< "" = no checkpoints
    std::optional<std::chrono::steady_clock::time_point> deadline;  ///< --timeout
    std::function<bool(const ossmp::progress&)> pause_when;  ///< demo: pause half-way
};

/// How drive() ended.
struct drive_result {
    ossmp::result<ossmp::upload_outcome> outcome = ossmp::make_error(ossmp::errc::wrong_state, "not run");
    bool deadline_passed = false;                  ///< the pause was the --timeout's
    std::optional<ossmp::error> checkpoint_error;  ///< a checkpoint could not be written
};

/// ossmp::run with the progress line, Ctrl-C, the deadline and background checkpoints.
/// Waits are capped at 100 ms so the progress line, Ctrl-C and the deadline stay live while
/// a slow part is in flight (run() then also cancels the transport's requests).
template <class T, class S>
drive_result drive(ossmp::upload_machine& m, T& net, S& source, progress_printer& progress, const drive_options& o) {
    drive_result out;
    checkpoint_writer checkpoints(o.checkpoint_path);
    ossmp::run_options opts;
    opts.cancel = &interrupted;
    opts.max_wait = ossmp::duration(100);
    opts.on_step = [&](const ossmp::progress& p) {
        progress.update(p);
        if (o.deadline && std::chrono::steady_clock::now() >= *o.deadline) out.deadline_passed = true;
        return out.deadline_passed || (o.pause_when && o.pause_when(p));
    };
    // A background write that failed is handed to run() at the next save, which fails the
    // upload as a failed write does.
    opts.save_checkpoint = [&](std::string text) -> ossmp::result<void> {
        if (auto e = checkpoints.take_error()) {
            out.checkpoint_error = *e;
            return *e;
        }
        checkpoints.save(std::move(text));
        return ossmp::ok();
    };
    out.outcome = ossmp::run(m, net, source, opts);
    progress.update(m.stats(), true);
    // On success the caller deletes the checkpoint next; a paused upload resumes from the
    // latest one. Either way every save must be on disk first.
    checkpoints.flush();
    if (auto e = checkpoints.take_error(); e && !out.checkpoint_error) out.checkpoint_error = *e;
    return out;
}

}  // namespace ossmp_cli
