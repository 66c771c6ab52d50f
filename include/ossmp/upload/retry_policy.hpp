// ossmp: how often and how patiently failed requests are retried. The delay is exponential
// backoff with full jitter (a uniform draw below the capped exponential), as the official
// Go and Python SDKs do, from a seeded generator so tests replay exactly.
#pragma once

#include <algorithm>
#include <cstdint>

#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Retry limits, applied per request (each part, Complete, and so on, has its own count).
struct retry_policy {
    std::uint32_t max_attempts = 5;                ///< total attempts per request, >= 1
    duration base_delay = duration(200);           ///< backoff scale (go2/py2: 200 ms)
    duration max_delay = duration(20000);          ///< backoff cap (go2/py2: 20 s)
    std::uint64_t seed = 0x6f73736d70ull;          ///< jitter seed; same seed, same delays
};

/// Deterministic full-jitter backoff.
class backoff {
public:
    explicit backoff(const retry_policy& p) noexcept : policy_(p), state_(p.seed) {}

    /// Delay before the attempt that follows `failures` failed attempts (1 = first retry):
    /// uniform in [0, min(max_delay, base_delay * 2^failures)).
    duration delay(std::uint32_t failures) noexcept {
        auto base = policy_.base_delay.count();
        auto cap = policy_.max_delay.count();
        long long ceiling = base;
        for (std::uint32_t i = 0; i < failures && ceiling < cap; ++i) ceiling *= 2;
        ceiling = std::min<long long>(ceiling, cap);
        if (ceiling <= 0) return duration(0);
        return duration(static_cast<long long>(next() % static_cast<std::uint64_t>(ceiling)));
    }

private:
    // splitmix64: small, fast, and good enough for spreading retries.
    std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }

    retry_policy policy_;
    std::uint64_t state_;
};

}  // namespace ossmp::inline v0
