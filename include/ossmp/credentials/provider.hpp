// ossmp: where credentials come from. A credentials provider hands out credentials on
// demand: from memory (static_provider), the environment (environment_provider), a command
// (process_provider), an HTTP endpoint (uri_provider) or the ECS instance metadata service
// (ecs_role_provider); credentials_cache wraps any of them so they are asked only when the
// credentials in hand are about to expire.
//
// The contract every provider keeps:
//   result<credentials> fetch(time_point now);
//       Obtain credentials now (this may block: run a process, send HTTP requests). On
//       success they passed validate_credentials() and are not expired at `now`. On
//       failure the error is errc::credentials_unavailable with a message
//       "<provider name>: <reason>" that never contains the provider's output (a
//       process's stdout or stderr, an HTTP body) nor any secret.
//   std::string_view name() const;
//       What to call the provider in messages: "environment", "credential process
//       'vault-creds'", "credentials URI http://127.0.0.1:8080", "ECS RAM role 'worker'".
//       Never a secret: commands and URLs are cut down to a program name and a host.
// `now` is the caller's clock (time is an input, as everywhere in ossmp); providers that
// wait for I/O bound their waits with their own timeouts (options, or the transport's).
#pragma once

#include <chrono>
#include <concepts>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <ossmp/body_source.hpp>
#include <ossmp/credentials.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// A source of credentials (see the contract above). name() returns a view of a string the
/// provider owns, valid as long as the provider.
template <class P>
concept CredentialsProvider = requires(P& p, const P& cp, time_point now) {
    { p.fetch(now) } -> std::same_as<result<credentials>>;
    { cp.name() } -> std::same_as<std::string_view>;
};

namespace detail {

/// errc::credentials_unavailable with the message "<provider>: <reason>".
inline error provider_error(std::string_view provider, std::string_view reason) {
    std::string m(provider);
    m += ": ";
    m += reason;
    return make_error(errc::credentials_unavailable, std::move(m));
}

/// `inner` (a parse or validation error whose message quotes nothing secret) restated as
/// errc::credentials_unavailable naming `provider`.
inline error provider_error(std::string_view provider, const error& inner) {
    return provider_error(provider, inner.message.empty() ? std::string(to_string(inner.code)) : inner.message);
}

/// What every provider checks before handing credentials out: they are usable
/// (validate_credentials) and not already expired at `now`.
inline result<credentials> checked_credentials(std::string_view provider, credentials c, time_point now) {
    if (auto v = validate_credentials(c); !v) return provider_error(provider, "unusable credentials: " + v.error().message);
    if (c.expired(now)) {
        auto late = std::chrono::duration_cast<std::chrono::seconds>(now - *c.expiration).count();
        return provider_error(provider, "the credentials it returned expired " + std::to_string(late) +
                                            " s ago (check the clock, or the source's cache)");
    }
    return c;
}

}  // namespace detail

/// Performs `req` (a request with an in-memory body, like the provider requests here) over
/// any BlockingTransport and returns what happened: the response (any status) or the
/// transport failure. Next: hand a response to the matching parse_* function.
template <BlockingTransport B>
exchange_result perform_request(B& client, const http_request& req) {
    body_reader body(std::string_view(req.body));
    return client.perform(req, body);
}

namespace detail {
/// perform_request, with a transport failure restated as errc::credentials_unavailable
/// naming `provider` (the transport's message names hosts and reasons, never headers).
template <BlockingTransport B>
result<http_response> provider_exchange(B& client, const http_request& req, std::string_view provider) {
    auto r = perform_request(client, req);
    if (auto* resp = std::get_if<http_response>(&r)) return std::move(*resp);
    const auto& te = std::get<transport_error>(r);
    std::string why(to_string(te.code));
    if (!te.message.empty()) why += " (" + te.message + ")";
    return provider_error(provider, why);
}

/// One step of an HTTP provider: `req` (a builder's result), performed over `client`, its
/// response read by `parse`; a builder's or parser's error is restated naming `provider`.
template <BlockingTransport B, class Parse>
auto provider_step(B& client, const result<http_request>& req, std::string_view provider, Parse parse)
    -> decltype(parse(std::declval<const http_response&>())) {
    if (!req) return provider_error(provider, req.error());
    auto resp = provider_exchange(client, *req, provider);
    if (!resp) return std::move(resp).error();
    auto r = parse(*resp);
    if (!r) return provider_error(provider, r.error());
    return r;
}
}  // namespace detail

/// Any CredentialsProvider behind one type, owned: what a driver or a tool holds when the
/// kind of provider is chosen at run time. An empty one (default-constructed) fails every
/// fetch with errc::credentials_unavailable.
class any_credentials_provider {
public:
    any_credentials_provider() = default;

    /// Takes `provider` over (moved in).
    template <CredentialsProvider P>
        requires(!std::same_as<std::remove_cvref_t<P>, any_credentials_provider>)
    any_credentials_provider(P provider)  // NOLINT: implicit by design, like std::function
        : self_(std::make_unique<model<P>>(std::in_place, std::move(provider))) {}

    /// Builds a P in place from `args` (for providers that cannot move, like
    /// credentials_cache).
    template <CredentialsProvider P, class... Args>
    explicit any_credentials_provider(std::in_place_type_t<P>, Args&&... args)
        : self_(std::make_unique<model<P>>(std::in_place, std::forward<Args>(args)...)) {}

    /// The wrapped provider's fetch(now); see the contract above.
    result<credentials> fetch(time_point now) {
        if (!self_) return detail::provider_error("credentials", "no credentials provider was configured");
        return self_->fetch(now);
    }
    /// The wrapped provider's name ("none" when empty).
    std::string_view name() const noexcept { return self_ ? self_->name() : std::string_view("none"); }
    /// True when a provider is held.
    explicit operator bool() const noexcept { return self_ != nullptr; }

    /// The wrapped provider if it is a P, else nullptr (to read a cache's counters, say).
    template <class P>
    P* target() noexcept {
        return self_ && self_->type() == type_tag<P>() ? &static_cast<model<P>*>(self_.get())->provider : nullptr;
    }

private:
    using tag = const void*;
    template <class P>
    static tag type_tag() noexcept {
        static const char id = 0;
        return &id;
    }
    struct concept_t {
        virtual ~concept_t() = default;
        virtual result<credentials> fetch(time_point now) = 0;
        virtual std::string_view name() const noexcept = 0;
        virtual tag type() const noexcept = 0;
    };
    template <class P>
    struct model final : concept_t {
        template <class... Args>
        explicit model(std::in_place_t, Args&&... args) : provider(std::forward<Args>(args)...) {}
        result<credentials> fetch(time_point now) override { return provider.fetch(now); }
        std::string_view name() const noexcept override { return provider.name(); }
        tag type() const noexcept override { return type_tag<P>(); }
        P provider;
    };
    std::unique_ptr<concept_t> self_;
};

static_assert(CredentialsProvider<any_credentials_provider>);

}  // namespace ossmp::inline v0
