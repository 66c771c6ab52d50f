// ossmp: the credentials provider that reads the environment, under the names OSS's tools
// and Alibaba Cloud's SDKs use.
//
// Two families of variables, tried in this order; the first whose access key id variable
// is set (and not empty) is used whole, and the other is ignored entirely, so an id from
// one family never meets a secret or token from the other:
//   1. OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN (the OSS SDKs' and
//      ossutil's names; OSS names come first because this is an OSS tool);
//   2. ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
//      ALIBABA_CLOUD_SECURITY_TOKEN (the Alibaba Cloud credentials SDKs' and CLI's names).
// The token is optional; an empty variable counts as unset. The environment says nothing
// about expiry, so these credentials carry no expiration.
#pragma once

#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include <ossmp/credentials.hpp>
#include <ossmp/credentials/provider.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// The three variable names of one family.
struct environment_names {
    const char* access_key_id;
    const char* access_key_secret;
    const char* security_token;
};

/// The families, in precedence order.
inline constexpr environment_names oss_environment{"OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "OSS_SESSION_TOKEN"};
inline constexpr environment_names alibaba_cloud_environment{
    "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"};

/// How a variable is looked up: its value, or nullptr when unset (std::getenv's contract).
using environment_lookup = std::function<const char*(const char* name)>;

/// The process environment (std::getenv).
inline const char* process_environment(const char* name) { return std::getenv(name); }

/// Reads credentials from the environment (see the precedence above) through `lookup`.
/// Errors are errc::credentials_unavailable naming the variables: neither id variable is
/// set; the chosen family's secret is not set; or validate_credentials() refuses the
/// values (the message names the field, never its value). Next: sign with them, or set
/// the variables.
inline result<credentials> credentials_from_environment(const environment_lookup& lookup = process_environment) {
    constexpr std::string_view name = "environment";
    auto get = [&](const char* var) -> std::string {
        const char* v = lookup(var);
        return v ? std::string(v) : std::string();
    };
    for (const environment_names& family : {oss_environment, alibaba_cloud_environment}) {
        credentials c;
        c.access_key_id = get(family.access_key_id);
        if (c.access_key_id.empty()) continue;
        c.access_key_secret = get(family.access_key_secret);
        if (c.access_key_secret.empty())
            return detail::provider_error(name, std::string(family.access_key_id) + " is set but " +
                                                    family.access_key_secret + " is not");
        c.security_token = get(family.security_token);
        if (auto v = validate_credentials(c); !v)
            return detail::provider_error(name, "variables " + std::string(family.access_key_id) + "...: " +
                                                    v.error().message);
        return c;
    }
    return detail::provider_error(name, std::string("neither ") + oss_environment.access_key_id + " nor " +
                                            alibaba_cloud_environment.access_key_id + " is set");
}

/// A provider reading the environment on every fetch (a process that changes its own
/// environment sees the change; a cache in front avoids the lookups).
class environment_provider {
public:
    explicit environment_provider(environment_lookup lookup = process_environment) : lookup_(std::move(lookup)) {}

    /// credentials_from_environment(); `now` is unused (no expiration is known).
    result<credentials> fetch(time_point) const { return credentials_from_environment(lookup_); }

    std::string_view name() const noexcept { return "environment"; }

private:
    environment_lookup lookup_;
};

static_assert(CredentialsProvider<environment_provider>);

}  // namespace ossmp::inline v0
