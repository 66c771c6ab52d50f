// ossmp: the upload machine's per-part bookkeeping. Every part state change goes through
// move(), which applies the part transition table (states.hpp) and keeps the counters, the
// cursor to the lowest pending part and the queue of parts waiting out a retry delay in
// step with the parts. An event with no row is refused (errc::wrong_state) and changes
// nothing. Parts never hold bytes: a range of the source, digests, the ETag.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <ossmp/error.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/upload/retry_rules.hpp>
#include <ossmp/upload/states.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// What a part must prove before a resume keeps it (resume.hpp): the source's CRC-64 of
/// its range must be `crc64`; it is then kept with OSS's `etag`.
struct part_check {
    std::uint64_t crc64 = 0;
    std::string etag;
};

/// One part as the machine tracks it.
struct part_slot {
    part_state state = part_state::pending;
    body_range range{};
    attempts tries;                   ///< retry bookkeeping of its UploadPart requests
    time_point not_before{};          ///< backoff: when it may be sent again
    std::string etag;                 ///< done: the ETag OSS confirmed
    std::uint64_t crc64 = 0;          ///< done: CRC-64 of its bytes (equal to OSS's)
    std::string md5;                  ///< base64 Content-MD5, when enabled
    std::optional<part_check> check;  ///< resume: keep it only if its digest matches
};

/// The parts of one upload, numbered 1..size().
class part_book {
public:
    /// Number of parts (all of them for a known size; those read so far for a stream).
    std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(parts_.size()); }
    /// Part `n` (1-based; the caller checks the range).
    part_slot& at(std::uint32_t n) noexcept { return parts_[n - 1]; }
    const part_slot& at(std::uint32_t n) const noexcept { return parts_[n - 1]; }
    /// Parts in flight, done, and not done.
    std::size_t in_flight() const noexcept { return flying_; }
    std::size_t done() const noexcept { return done_; }
    std::size_t unfinished() const noexcept { return parts_.size() - done_; }

    /// Applies `ev` to part `n`; `not_before` is the end of the delay for part_event::retry.
    /// errc::wrong_state, and no change, when the table has no row for the part's state.
    result<void> move(std::uint32_t n, part_event ev, time_point not_before = {}) {
        if (n == 0 || n > parts_.size())
            return make_error(errc::wrong_state, "there is no part " + std::to_string(n));
        auto& p = parts_[n - 1];
        auto to = next_state(p.state, ev);
        if (!to)
            return make_error(errc::wrong_state, "part " + std::to_string(n) + " is " +
                                                     std::string(to_string(p.state)) + "; " +
                                                     std::string(to_string(ev)) + " does not apply");
        switch (p.state) {
        case part_state::in_flight: --flying_; break;
        case part_state::backoff: waiting_.erase({p.not_before, n}); break;
        case part_state::done: --done_; break;
        default: break;
        }
        p.state = *to;
        switch (p.state) {
        case part_state::in_flight: ++flying_; break;
        case part_state::backoff:
            p.not_before = not_before;
            waiting_.insert({not_before, n});
            break;
        case part_state::done: ++done_; break;
        case part_state::pending: cursor_ = std::min<std::size_t>(cursor_, n - 1); break;
        default: break;
        }
        return ok();
    }

    /// The lowest-numbered pending part. Parts go out lowest number first; the cursor only
    /// moves back when a part becomes pending again, so this is amortized O(1).
    std::optional<std::uint32_t> next_pending() noexcept {
        while (cursor_ < parts_.size() && parts_[cursor_].state != part_state::pending) ++cursor_;
        if (cursor_ == parts_.size()) return std::nullopt;
        return static_cast<std::uint32_t>(cursor_ + 1);
    }

    /// When the earliest part in backoff may be sent again.
    std::optional<time_point> next_wake() const noexcept {
        if (waiting_.empty()) return std::nullopt;
        return waiting_.begin()->first;
    }
    /// Parts whose delay ended by `now` become pending again.
    void wake(time_point now) {
        while (!waiting_.empty() && waiting_.begin()->first <= now)
            (void)move(waiting_.begin()->second, part_event::backoff_elapsed);
    }

    /// A plan of known size: one pending part per range.
    void assign(std::vector<body_range> ranges) {
        parts_.clear();
        parts_.resize(ranges.size());
        for (std::size_t i = 0; i < ranges.size(); ++i) parts_[i].range = ranges[i];
        flying_ = done_ = cursor_ = 0;
        waiting_.clear();
    }
    /// Streams: a new pending part at the end (its range comes with its bytes); its number.
    std::uint32_t add() {
        parts_.emplace_back();
        return size();
    }
    /// Streams: removes the last part, which must be the one being read (the read found the
    /// end of the stream, so the part before was the last).
    result<void> drop_reading_tail() {
        if (parts_.empty() || parts_.back().state != part_state::reading)
            return make_error(errc::wrong_state, "only a part being read can be dropped");
        parts_.pop_back();
        cursor_ = std::min(cursor_, parts_.size());
        return ok();
    }
    /// A restart: every part pending with nothing recorded, the plan kept. Nothing may be in
    /// flight.
    void reset() {
        for (auto& p : parts_) p = part_slot{part_state::pending, p.range, {}, {}, {}, 0, {}, std::nullopt};
        flying_ = done_ = cursor_ = 0;
        waiting_.clear();
    }

    /// Iteration over the parts in number order.
    auto begin() const noexcept { return parts_.begin(); }
    auto end() const noexcept { return parts_.end(); }

private:
    std::vector<part_slot> parts_;
    std::size_t flying_ = 0;
    std::size_t done_ = 0;
    std::size_t cursor_ = 0;                                    // no pending part below this index
    std::set<std::pair<time_point, std::uint32_t>> waiting_;  // (retry time, part) of parts in backoff
};

}  // namespace ossmp::inline v0
