// ossmp: how often and how patiently failed requests are retried: the limits (attempts per
// request, a budget for the whole upload) and the delays. A retried request waits a
// full-jitter exponential backoff (a uniform draw below the capped exponential, as the
// official Go and Python SDKs do); a throttled one waits out a slow-down shared by every
// request of the upload. Both draw from seeded generators, so tests replay exactly. Which
// failures are retried at all is retry_rules.hpp's business.
#pragma once

#include <algorithm>
#include <cstdint>

#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Retry limits and delays of one upload.
struct retry_policy {
    /// Attempts per request (each part, Complete, and so on, has its own count), >= 1.
    /// Throttling answers (SlowDown, 503, 429) do not count here: the service asked to slow
    /// down, the request itself did not fail; they draw on `retry_budget` only.
    std::uint32_t max_attempts = 5;
    duration base_delay = duration(200);           ///< backoff scale (go2/py2: 200 ms)
    duration max_delay = duration(20000);          ///< backoff and slow-down cap (go2/py2: 20 s)
    std::uint64_t seed = 0x6f73736d70ull;          ///< jitter seed; same seed, same delays
    /// Retries of every kind the whole upload may spend; when they are spent, the next
    /// failure ends the upload (errc::retries_exhausted). 0 = scale with the upload: 100 plus
    /// one per part (known parts, for a stream).
    std::uint32_t retry_budget = 0;

    /// The budget in force for an upload of `parts` parts.
    std::uint64_t budget_for(std::uint64_t parts) const noexcept { return retry_budget ? retry_budget : 100 + parts; }
};

namespace detail {
// splitmix64: small, fast, and good enough for spreading retries.
struct jitter_source {
    std::uint64_t state;
    std::uint64_t next() noexcept {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
};
// min(cap, base * 2^n) in milliseconds, without overflow.
constexpr long long capped_exponential(long long base, long long cap, std::uint32_t n) noexcept {
    long long ceiling = base;
    for (std::uint32_t i = 0; i < n && ceiling < cap; ++i) ceiling *= 2;
    return std::min(ceiling, cap);
}
}  // namespace detail

/// Deterministic full-jitter backoff.
class backoff {
public:
    explicit backoff(const retry_policy& p) noexcept : policy_(p), rng_{p.seed} {}

    /// Delay before the attempt that follows `failures` failed attempts (1 = first retry):
    /// uniform in [0, min(max_delay, base_delay * 2^failures)).
    duration delay(std::uint32_t failures) noexcept {
        auto ceiling = detail::capped_exponential(policy_.base_delay.count(), policy_.max_delay.count(), failures);
        if (ceiling <= 0) return duration(0);
        return duration(static_cast<long long>(rng_.next() % static_cast<std::uint64_t>(ceiling)));
    }

private:
    retry_policy policy_;
    detail::jitter_source rng_;
};

/// The slow-down every request of one upload respects once the service throttled any of
/// them. Each throttling answer raises a level and pushes back the time before which
/// nothing is sent by a pause of min(max_delay, base_delay * 2^level), drawn with equal
/// jitter (between half of that and all of it, so concurrent parts spread out but never
/// rush back at once); each success lowers the level by one, so the pace recovers as the
/// service does.
class slow_down {
public:
    explicit slow_down(const retry_policy& p) noexcept : policy_(p), rng_{p.seed ^ 0x736c6f77ull} {}

    /// A throttling answer at `now`: returns the time before which nothing may be sent.
    time_point throttled(time_point now) noexcept {
        if (level_ < 40) ++level_;
        auto ceiling = detail::capped_exponential(policy_.base_delay.count(), policy_.max_delay.count(), level_);
        long long pause = 0;
        if (ceiling > 0) {
            long long half = ceiling / 2;
            pause = half + static_cast<long long>(rng_.next() % static_cast<std::uint64_t>(ceiling - half));
        }
        until_ = std::max(until_, now + duration(pause));
        return until_;
    }
    /// A request succeeded: the pause after the next throttling answer is shorter.
    void succeeded() noexcept {
        if (level_ > 0) --level_;
    }
    /// Nothing may be sent before this (the epoch when the service never throttled).
    time_point until() const noexcept { return until_; }
    /// How many throttling answers in a row (less successes) the pause reflects.
    std::uint32_t level() const noexcept { return level_; }

private:
    retry_policy policy_;
    detail::jitter_source rng_;
    std::uint32_t level_ = 0;
    time_point until_{};
};

}  // namespace ossmp::inline v0
