// credentials_cache (ossmp/credentials/cache.hpp): asks its provider once per credential
// lifetime (at expiration minus the margin), rides out a failed refresh while the old
// credentials are valid, honours invalidation, and never lets callers stampede.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include <ossmp/credentials/cache.hpp>
#include <ossmp/credentials/static_provider.hpp>

using namespace ossmp;
using namespace std::chrono_literals;

namespace {
const time_point t0 = from_unix_seconds(1'800'000'000);

// Issues fresh STS-like credentials living `lifetime` from the `now` of each fetch, or
// fails while `failing` is set. Counts calls.
struct issuing_provider {
    duration lifetime = 6s;
    bool failing = false;
    int calls = 0;
    result<credentials> fetch(time_point now) {
        ++calls;
        if (failing) return detail::provider_error("issuer", "down");
        std::string n = std::to_string(calls);
        return credentials{"STS.id" + n, "secret" + n, "token" + n, now + lifetime};
    }
    std::string_view name() const noexcept { return "issuer"; }
};
}  // namespace

TEST_CASE("cache: one provider call per lifetime, at expiration minus the margin") {
    credentials_cache<issuing_provider> cache(issuing_provider{});
    CHECK(cache.name() == "issuer");
    auto first = cache.fetch(t0);
    REQUIRE(first);
    CHECK(first->access_key_id == "STS.id1");
    CHECK(cache.fetch(t0 + 3999ms)->access_key_id == "STS.id1");  // margin min(5 min, 6 s / 3) = 2 s
    CHECK(cache.provider().calls == 1);
    CHECK(cache.fetch(t0 + 4s)->access_key_id == "STS.id2");
    CHECK(cache.provider().calls == 2);
    CHECK(cache.refreshes() == 2);

    // Five lifetimes of six-second credentials, asked every 100 ms: each set is used for
    // 4 s, so 30 s of asking costs 30 / 4 -> 8 provider calls, not 300.
    credentials_cache<issuing_provider> busy(issuing_provider{});
    int asked = 0;
    for (time_point t = t0; t < t0 + 30s; t += 100ms) {
        auto c = busy.fetch(t);
        REQUIRE(c);
        CHECK(*c->expiration - t >= 2s);  // never inside the margin
        ++asked;
    }
    CHECK(asked == 300);
    CHECK(busy.provider().calls == 8);
}

TEST_CASE("cache: a configured margin") {
    cache_options opt;
    opt.margin = 500ms;
    credentials_cache<issuing_provider> cache(issuing_provider{}, opt);
    REQUIRE(cache.fetch(t0));
    CHECK(cache.fetch(t0 + 5499ms)->access_key_id == "STS.id1");
    CHECK(cache.fetch(t0 + 5500ms)->access_key_id == "STS.id2");
}

TEST_CASE("cache: a failed refresh keeps valid credentials, then fails once they expire") {
    credentials_cache<issuing_provider> cache(issuing_provider{});
    REQUIRE(cache.fetch(t0));
    cache.provider().failing = true;
    auto kept = cache.fetch(t0 + 4s);  // refresh due, provider down, old ones valid until t0 + 6 s
    REQUIRE(kept);
    CHECK(kept->access_key_id == "STS.id1");
    CHECK(cache.failures() == 1);
    REQUIRE(cache.last_error());
    CHECK(cache.last_error()->message == "issuer: down");
    // Not asked again before retry_interval (10 s by default)...
    REQUIRE(cache.fetch(t0 + 5s));
    CHECK(cache.provider().calls == 2);
    // ...but once the credentials expired, the provider's error comes out.
    auto gone = cache.fetch(t0 + 6s);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == errc::credentials_unavailable);
    CHECK(gone.error().message == "issuer: down");
    CHECK(cache.provider().calls == 3);
    cache.provider().failing = false;
    CHECK(cache.fetch(t0 + 7s)->access_key_id == "STS.id4");
    CHECK_FALSE(cache.last_error());
    CHECK(cache.failures() == 2);
    CHECK(cache.refreshes() == 2);

    cache_options quick;
    quick.retry_interval = 500ms;
    credentials_cache<issuing_provider> retrying(issuing_provider{}, quick);
    REQUIRE(retrying.fetch(t0));
    retrying.provider().failing = true;
    REQUIRE(retrying.fetch(t0 + 4s));
    REQUIRE(retrying.fetch(t0 + 4400ms));
    CHECK(retrying.provider().calls == 2);
    REQUIRE(retrying.fetch(t0 + 4500ms));
    CHECK(retrying.provider().calls == 3);
}

TEST_CASE("cache: nothing cached and the provider fails: its error") {
    credentials_cache<issuing_provider> cache(issuing_provider{6s, true});
    auto e = cache.fetch(t0);
    REQUIRE_FALSE(e);
    CHECK(e.error().message == "issuer: down");
    CHECK(cache.fetch(t0)  // no cached credentials: no back-off either
              .error().code == errc::credentials_unavailable);
    CHECK(cache.provider().calls == 2);
}

TEST_CASE("cache: invalidation after a refusal, only for the refused credentials") {
    credentials_cache<issuing_provider> cache(issuing_provider{1h});
    auto a = cache.fetch(t0);
    REQUIRE(a);
    cache.invalidate(credentials{"other", "x", "y"});  // not what is cached: ignored
    CHECK(cache.fetch(t0 + 1s)->access_key_id == "STS.id1");
    cache.invalidate(*a);  // the service refused these: ask again at once
    auto b = cache.fetch(t0 + 2s);
    REQUIRE(b);
    CHECK(b->access_key_id == "STS.id2");
    // A late refusal of the old credentials leaves the new ones alone.
    cache.invalidate(*a);
    CHECK(cache.fetch(t0 + 3s)->access_key_id == "STS.id2");
    // An invalidated set is not a fallback when the provider then fails.
    cache.invalidate(*b);
    cache.provider().failing = true;
    CHECK_FALSE(cache.fetch(t0 + 4s));
    cache.provider().failing = false;
    cache.invalidate();
    CHECK(cache.fetch(t0 + 5s)->access_key_id == "STS.id4");
    // By access key id alone, as an upload machine's refresh request names them.
    cache.invalidate_key("STS.id2");  // long gone: ignored
    CHECK(cache.fetch(t0 + 6s)->access_key_id == "STS.id4");
    cache.invalidate_key("STS.id4");
    CHECK(cache.fetch(t0 + 7s)->access_key_id == "STS.id5");
}

TEST_CASE("cache: credentials without an expiration are kept until invalidated") {
    int calls = 0;
    struct permanent {
        int* calls;
        result<credentials> fetch(time_point) {
            ++*calls;
            return credentials{"LTAI", "secret", ""};
        }
        std::string_view name() const noexcept { return "permanent"; }
    };
    credentials_cache<permanent> cache(permanent{&calls});
    for (int i = 0; i < 100; ++i) REQUIRE(cache.fetch(t0 + std::chrono::hours(i * 24)));
    CHECK(calls == 1);
    cache.invalidate();
    REQUIRE(cache.fetch(t0));
    CHECK(calls == 2);
}

TEST_CASE("cache: concurrent callers wait for one refresh instead of each asking") {
    std::atomic<int> calls{0};
    struct slow {
        std::atomic<int>* calls;
        result<credentials> fetch(time_point now) {
            ++*calls;
            std::this_thread::sleep_for(50ms);
            return credentials{"STS.slow", "secret", "token", now + 1h};
        }
        std::string_view name() const noexcept { return "slow"; }
    };
    credentials_cache<slow> cache(slow{&calls});
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            if (cache.fetch(t0)) ++good;
        });
    for (auto& t : threads) t.join();
    CHECK(good == 8);
    CHECK(calls == 1);
}

TEST_CASE("cache: held by an any_credentials_provider, built in place") {
    any_credentials_provider any(std::in_place_type<credentials_cache<issuing_provider>>, issuing_provider{});
    CHECK(any.name() == "issuer");
    REQUIRE(any.fetch(t0));
    REQUIRE(any.fetch(t0 + 1s));
    auto* cache = any.target<credentials_cache<issuing_provider>>();
    REQUIRE(cache);
    CHECK(cache->refreshes() == 1);
    static_assert(CredentialsProvider<credentials_cache<static_provider>>);
}
