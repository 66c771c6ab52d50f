// ossmp: the credentials provider for credentials the caller already holds.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <ossmp/credentials.hpp>
#include <ossmp/credentials/provider.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Hands out the same credentials every time: permanent keys, or STS credentials obtained
/// elsewhere (which then cannot be refreshed: once they expire, fetch fails).
class static_provider {
public:
    /// Serves `creds`, called `name` in messages.
    explicit static_provider(credentials creds, std::string name = "static credentials")
        : creds_(std::move(creds)), name_(std::move(name)) {}

    /// The credentials. Errors (errc::credentials_unavailable): they fail
    /// validate_credentials(), or they carry an expiration that `now` has reached; the
    /// caller must then supply new ones (there is nothing to refresh from).
    result<credentials> fetch(time_point now) const { return detail::checked_credentials(name_, creds_, now); }

    std::string_view name() const noexcept { return name_; }

private:
    credentials creds_;
    std::string name_;
};

static_assert(CredentialsProvider<static_provider>);

}  // namespace ossmp::inline v0
