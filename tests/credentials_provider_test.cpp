// The provider contract (ossmp/credentials/provider.hpp): checks every provider applies,
// any_credentials_provider, and static_provider.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <ossmp/credentials/provider.hpp>
#include <ossmp/credentials/static_provider.hpp>

using namespace ossmp;
using namespace std::chrono_literals;

namespace {
const time_point t0 = from_unix_seconds(1'800'000'000);

// A provider that counts its fetches and returns what it is told.
struct counting_provider {
    result<credentials> answer = credentials{"id", "secret", ""};
    int* calls;
    result<credentials> fetch(time_point) {
        ++*calls;
        return answer;
    }
    std::string_view name() const noexcept { return "counting"; }
};
static_assert(CredentialsProvider<counting_provider>);
}  // namespace

TEST_CASE("static provider: hands out its credentials, checked") {
    static_provider p(credentials{"STS.id", "secret", "token", t0 + 1h});
    CHECK(p.name() == "static credentials");
    auto c = p.fetch(t0);
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.id");
    CHECK(c->expiration == t0 + 1h);
    // Expired: nothing to refresh from.
    auto late = p.fetch(t0 + 1h + 30s);
    REQUIRE_FALSE(late);
    CHECK(late.error().code == errc::credentials_unavailable);
    CHECK(late.error().message ==
          "static credentials: the credentials it returned expired 30 s ago (check the clock, or the source's cache)");
    CHECK(late.error().what().rfind("credentials unavailable: static credentials: ", 0) == 0);
    // Unusable: validate_credentials' message, naming the field and never the value.
    static_provider empty(credentials{"id", "", ""}, "my keys");
    auto e = empty.fetch(t0);
    REQUIRE_FALSE(e);
    CHECK(e.error().message == "my keys: unusable credentials: access key secret is empty");
    static_provider ctl(credentials{"id", "sec\nret-value", ""});
    REQUIRE_FALSE(ctl.fetch(t0));
    CHECK(ctl.fetch(t0).error().message.find("ret-value") == std::string::npos);
}

TEST_CASE("any_credentials_provider: owns any provider, empty fails") {
    any_credentials_provider none;
    CHECK_FALSE(none);
    CHECK(none.name() == "none");
    auto e = none.fetch(t0);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::credentials_unavailable);
    CHECK(e.error().message == "credentials: no credentials provider was configured");

    int calls = 0;
    any_credentials_provider any = counting_provider{credentials{"a", "b", ""}, &calls};
    CHECK(any);
    CHECK(any.name() == "counting");
    REQUIRE(any.fetch(t0));
    CHECK(calls == 1);
    REQUIRE(any.target<counting_provider>());
    CHECK(any.target<counting_provider>()->calls == &calls);
    CHECK(any.target<static_provider>() == nullptr);

    any_credentials_provider st(std::in_place_type<static_provider>, credentials{"x", "y", ""}, "named");
    CHECK(st.name() == "named");
    CHECK(st.fetch(t0)->access_key_id == "x");
    // Moves keep the provider.
    any_credentials_provider moved = std::move(st);
    CHECK(moved.name() == "named");
}
