// ossmp: credentials_cache, which asks a provider for credentials only when the ones in
// hand are about to expire (or were refused), so a process runs, or an HTTP endpoint is
// asked, about once per credential lifetime instead of once per request.
//
// The rule (credentials.hpp): credentials obtained at T with expiration E are handed out
// until E - refresh_margin(E - T, margin), then replaced. If replacing them fails while
// they are still unexpired, the cache keeps handing them out and asks again after
// retry_interval (a provider hiccup must not stop an upload minutes before it has to);
// once they have expired, the provider's error is returned. Credentials without an
// expiration are kept until invalidate().
//
// Thread-safe: one mutex guards the cache and is held while the provider runs, so callers
// that arrive during a refresh wait for it and get its result: one refresh at a time,
// never a stampede.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include <ossmp/credentials.hpp>
#include <ossmp/credentials/provider.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// How a credentials_cache refreshes.
struct cache_options {
    /// The refresh margin before expiry, capped at a third of the lifetime (refresh_margin).
    duration margin = default_refresh_margin;
    /// After a failed refresh, while the credentials in hand are still unexpired, how long
    /// to keep using them before asking the provider again.
    duration retry_interval = std::chrono::seconds(10);
};

/// A CredentialsProvider that wraps provider P and caches what it returns (see above).
/// Neither copyable nor movable (it holds a mutex): build it in place, e.g. in an
/// any_credentials_provider with std::in_place_type<credentials_cache<P>>.
template <CredentialsProvider P>
class credentials_cache {
public:
    /// Caches `provider`'s credentials under `options`.
    explicit credentials_cache(P provider, cache_options options = {})
        : provider_(std::move(provider)), opt_(options) {}
    /// Builds the provider in place from `args` (options are the defaults).
    template <class... Args>
    explicit credentials_cache(std::in_place_t, Args&&... args) : provider_(std::forward<Args>(args)...) {}

    credentials_cache(const credentials_cache&) = delete;
    credentials_cache& operator=(const credentials_cache&) = delete;

    /// Credentials to sign with at `now`: the cached ones while
    /// !needs_refresh(cached, obtained_at, now, margin) and not invalidated; otherwise the
    /// provider's, which are then cached with obtained_at = now. If the provider fails
    /// while the cached credentials are unexpired and not invalidated, those are returned
    /// (and the provider is asked again only after retry_interval). Errors: the provider's
    /// (errc::credentials_unavailable, naming it) when nothing usable is cached.
    result<credentials> fetch(time_point now) {
        std::lock_guard lock(mutex_);
        const bool usable = cached_ && !invalidated_ && !cached_->expired(now);
        if (usable && !needs_refresh(*cached_, obtained_at_, now, opt_.margin)) return *cached_;
        if (usable && now < retry_after_) return *cached_;
        auto r = provider_.fetch(now);
        if (r) {
            cached_ = *r;
            obtained_at_ = now;
            invalidated_ = false;
            retry_after_ = time_point::min();
            last_error_.reset();
            ++refreshes_;
            return r;
        }
        ++failures_;
        last_error_ = r.error();
        if (usable) {
            retry_after_ = now + opt_.retry_interval;
            return *cached_;
        }
        return r;
    }

    /// The service refused `refused` (SecurityTokenExpired, InvalidAccessKeyId...): if
    /// they are the cached credentials (same id and token), the next fetch asks the
    /// provider whatever their expiration says. Credentials cached since (a request signed
    /// before a refresh was refused after it) are kept.
    void invalidate(const credentials& refused) {
        std::lock_guard lock(mutex_);
        if (cached_ && cached_->access_key_id == refused.access_key_id &&
            cached_->security_token == refused.security_token)
            invalidated_ = true;
    }
    /// Like invalidate(refused), knowing only the refused credentials' access key id (what
    /// an upload machine's refresh request names: ids are public, and STS issues a new one
    /// with every set).
    void invalidate_key(std::string_view refused_access_key_id) {
        std::lock_guard lock(mutex_);
        if (cached_ && cached_->access_key_id == refused_access_key_id) invalidated_ = true;
    }
    /// The next fetch asks the provider, whatever is cached.
    void invalidate() {
        std::lock_guard lock(mutex_);
        invalidated_ = true;
    }

    /// The wrapped provider's name.
    std::string_view name() const noexcept { return provider_.name(); }
    /// Successful provider fetches so far (the "credentials refreshed" count).
    std::uint64_t refreshes() const {
        std::lock_guard lock(mutex_);
        return refreshes_;
    }
    /// Failed provider fetches so far (whether or not cached credentials covered them).
    std::uint64_t failures() const {
        std::lock_guard lock(mutex_);
        return failures_;
    }
    /// The error of the latest provider fetch if it failed (also when cached credentials
    /// were handed out instead), for a warning; nullopt after a success.
    std::optional<error> last_error() const {
        std::lock_guard lock(mutex_);
        return last_error_;
    }
    /// The wrapped provider.
    P& provider() noexcept { return provider_; }

private:
    P provider_;
    cache_options opt_;
    mutable std::mutex mutex_;
    std::optional<credentials> cached_;
    time_point obtained_at_{};
    time_point retry_after_ = time_point::min();
    bool invalidated_ = false;
    std::uint64_t refreshes_ = 0;
    std::uint64_t failures_ = 0;
    std::optional<error> last_error_;
};

}  // namespace ossmp::inline v0
