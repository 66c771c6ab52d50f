#include <catch2/catch.hpp>

#include <ossmp/upload/retry_policy.hpp>

using namespace ossmp;

TEST_CASE("full-jitter backoff is bounded, growing and reproducible", "[retry]") {
    retry_policy p;
    backoff a(p), b(p);
    for (std::uint32_t f = 1; f <= 12; ++f) {
        auto da = a.delay(f), db = b.delay(f);
        CHECK(da == db);  // same seed, same delays
        long long ceiling = std::min<long long>(20000, 200ll << std::min<std::uint32_t>(f, 20));
        CHECK(da.count() >= 0);
        CHECK(da.count() < ceiling);
    }
    retry_policy other = p;
    other.seed = 7;
    backoff c(p), d(other);
    int differ = 0;
    for (std::uint32_t f = 1; f <= 8; ++f) differ += c.delay(f) != d.delay(f);
    CHECK(differ > 0);
    // The average grows with the failure count until the cap.
    backoff e(p);
    double early = 0, late = 0;
    for (int i = 0; i < 2000; ++i) {
        early += static_cast<double>(e.delay(1).count());
        late += static_cast<double>(e.delay(6).count());
    }
    CHECK(early / 2000 == Approx(200).epsilon(0.1));
    CHECK(late / 2000 == Approx(6400).epsilon(0.1));
    retry_policy zero;
    zero.base_delay = duration(0);
    CHECK(backoff(zero).delay(3).count() == 0);
}
