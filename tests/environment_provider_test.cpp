// Credentials from the environment (ossmp/credentials/environment_provider.hpp): the two
// families, their precedence, and never mixing them. Sets variables in this process.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <string>

#include <ossmp/credentials/environment_provider.hpp>

using namespace ossmp;

namespace {
const char* all_vars[] = {"OSS_ACCESS_KEY_ID",           "OSS_ACCESS_KEY_SECRET",          "OSS_SESSION_TOKEN",
                          "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"};

// Sets exactly `vars` (others unset) for one test, restoring nothing: the test binary owns
// its environment.
void set_env(const std::map<std::string, std::string>& vars) {
    for (const char* v : all_vars) ::unsetenv(v);
    for (const auto& [k, v] : vars) ::setenv(k.c_str(), v.c_str(), 1);
}
const time_point now = from_unix_seconds(1'800'000'000);
}  // namespace

TEST_CASE("environment: the OSS names") {
    set_env({{"OSS_ACCESS_KEY_ID", "LTAIoss"}, {"OSS_ACCESS_KEY_SECRET", "oss-secret"}});
    environment_provider p;
    CHECK(p.name() == "environment");
    auto c = p.fetch(now);
    REQUIRE(c);
    CHECK(c->access_key_id == "LTAIoss");
    CHECK(c->access_key_secret == "oss-secret");
    CHECK_FALSE(c->has_token());
    CHECK_FALSE(c->expiration);
    set_env({{"OSS_ACCESS_KEY_ID", "STS.oss"}, {"OSS_ACCESS_KEY_SECRET", "s"}, {"OSS_SESSION_TOKEN", "tok"}});
    CHECK(p.fetch(now)->security_token == "tok");  // read on every fetch
}

TEST_CASE("environment: the Alibaba Cloud names") {
    set_env({{"ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.ali"},
             {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ali-secret"},
             {"ALIBABA_CLOUD_SECURITY_TOKEN", "ali-token"}});
    auto c = credentials_from_environment();
    REQUIRE(c);
    CHECK(c->access_key_id == "STS.ali");
    CHECK(c->access_key_secret == "ali-secret");
    CHECK(c->security_token == "ali-token");
}

TEST_CASE("environment: OSS names win, and the families never mix") {
    set_env({{"OSS_ACCESS_KEY_ID", "LTAIoss"},
             {"OSS_ACCESS_KEY_SECRET", "oss-secret"},
             {"ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.ali"},
             {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ali-secret"},
             {"ALIBABA_CLOUD_SECURITY_TOKEN", "ali-token"}});
    auto c = credentials_from_environment();
    REQUIRE(c);
    CHECK(c->access_key_id == "LTAIoss");
    CHECK(c->access_key_secret == "oss-secret");
    CHECK_FALSE(c->has_token());  // the Alibaba Cloud token belongs to the other id

    // An OSS id without its secret is an error, not a reason to borrow the other secret.
    set_env({{"OSS_ACCESS_KEY_ID", "LTAIoss"}, {"ALIBABA_CLOUD_ACCESS_KEY_ID", "x"},
             {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ali-secret"}});
    auto e = credentials_from_environment();
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::credentials_unavailable);
    CHECK(e.error().message == "environment: OSS_ACCESS_KEY_ID is set but OSS_ACCESS_KEY_SECRET is not");

    // An empty variable counts as unset: the next family is used.
    set_env({{"OSS_ACCESS_KEY_ID", ""}, {"ALIBABA_CLOUD_ACCESS_KEY_ID", "ali"}, {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"}});
    CHECK(credentials_from_environment()->access_key_id == "ali");
}

TEST_CASE("environment: nothing set, or unusable values") {
    set_env({});
    auto e = environment_provider().fetch(now);
    REQUIRE_FALSE(e);
    CHECK(e.error().message == "environment: neither OSS_ACCESS_KEY_ID nor ALIBABA_CLOUD_ACCESS_KEY_ID is set");
    set_env({{"OSS_ACCESS_KEY_ID", "id"}, {"OSS_ACCESS_KEY_SECRET", "sec\tret-value"}});
    auto bad = credentials_from_environment();
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message ==
          "environment: variables OSS_ACCESS_KEY_ID...: access key secret contains control characters");
    CHECK(bad.error().what().find("ret-value") == std::string::npos);
}

TEST_CASE("environment: a lookup function instead of the process environment") {
    std::map<std::string, std::string> fake{{"ALIBABA_CLOUD_ACCESS_KEY_ID", "fake"},
                                            {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "fake-secret"}};
    environment_provider p([&](const char* name) -> const char* {
        auto it = fake.find(name);
        return it == fake.end() ? nullptr : it->second.c_str();
    });
    CHECK(p.fetch(now)->access_key_id == "fake");
}
