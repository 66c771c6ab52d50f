// Credentials with an expiration, and the refresh margin rule (ossmp/credentials.hpp):
// margin = min(5 minutes, lifetime / 3); refresh from expiration - margin.
#include <catch2/catch.hpp>

#include <chrono>

#include <ossmp/credentials.hpp>

using namespace ossmp;
using namespace std::chrono_literals;

TEST_CASE("credentials: the three fields and the optional expiration") {
    credentials plain{"ak", "sk", ""};  // the aggregate form signers and tests use still works
    CHECK_FALSE(plain.expiration);
    CHECK_FALSE(plain.has_token());
    CHECK_FALSE(plain.expired(time_point::max()));
    credentials sts{"STS.id", "sk", "token", from_unix_seconds(1000)};
    CHECK(sts.has_token());
    CHECK_FALSE(sts.expired(from_unix_seconds(999)));
    CHECK(sts.expired(from_unix_seconds(1000)));  // the expiration instant itself is expired
    CHECK(validate_credentials(sts));
}

TEST_CASE("refresh margin: 5 minutes, capped at a third of the lifetime") {
    CHECK(default_refresh_margin == 5min);
    CHECK(refresh_margin(1h) == 5min);
    CHECK(refresh_margin(12h) == 5min);
    CHECK(refresh_margin(15min) == 5min);  // STS's shortest lifetime keeps the whole margin
    CHECK(refresh_margin(14min) == duration(280000));
    CHECK(refresh_margin(6s) == 2s);
    CHECK(refresh_margin(duration(10)) == duration(3));  // rounds down to the millisecond
    CHECK(refresh_margin(duration(2)) == duration(0));
    CHECK(refresh_margin(0s) == 0s);
    CHECK(refresh_margin(-5s) == 0s);
    CHECK(refresh_margin(1h, 30s) == 30s);  // a configured margin
    CHECK(refresh_margin(60s, 30s) == 20s);
    CHECK(refresh_margin(1h, 0s) == 0s);
    CHECK(refresh_margin(1h, -1s) == 0s);
}

TEST_CASE("needs_refresh: from expiration minus the margin, never without an expiration") {
    const time_point t0 = from_unix_seconds(1'700'000'000);
    credentials hour{"id", "sk", "tok", t0 + 1h};
    CHECK(refresh_at(hour, t0) == t0 + 55min);
    CHECK_FALSE(needs_refresh(hour, t0, t0));
    CHECK_FALSE(needs_refresh(hour, t0, t0 + 55min - 1ms));
    CHECK(needs_refresh(hour, t0, t0 + 55min));
    CHECK(needs_refresh(hour, t0, t0 + 2h));

    // A six-second test token is used for four seconds.
    credentials brief{"id", "sk", "tok", t0 + 6s};
    CHECK(refresh_at(brief, t0) == t0 + 4s);
    CHECK_FALSE(needs_refresh(brief, t0, t0 + 3999ms));
    CHECK(needs_refresh(brief, t0, t0 + 4s));

    // The lifetime counts from when the credentials were obtained, not issued: the same
    // credentials obtained 45 minutes into their hour (15 left) still get the full margin,
    // 10 minutes before expiry a third of those 10...
    CHECK(refresh_at(hour, t0 + 45min) == t0 + 55min);
    CHECK(refresh_at(hour, t0 + 50min) == t0 + 56min + 40s);
    // ...and obtained 3 minutes before expiry, a third of those 3 minutes.
    CHECK(refresh_at(hour, t0 + 57min) == t0 + 59min);
    // Obtained already expired: no margin, and needs a refresh at once.
    CHECK(refresh_at(hour, t0 + 2h) == t0 + 1h);
    CHECK(needs_refresh(hour, t0 + 2h, t0 + 2h));

    credentials permanent{"id", "sk", ""};
    CHECK(refresh_at(permanent, t0) == time_point::max());
    CHECK_FALSE(needs_refresh(permanent, t0, time_point::max() - 1h));
    credentials custom{"id", "sk", "tok", t0 + 1h};
    CHECK(refresh_at(custom, t0, 10min) == t0 + 50min);
}
