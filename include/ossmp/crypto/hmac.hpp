// ossmp: HMAC (RFC 2104) over any of the library's block hashes; HMAC-SHA1 signs OSS V1
// requests, HMAC-SHA256 derives the V4 signing key and signs V4 requests.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include <ossmp/crypto/sha1.hpp>
#include <ossmp/crypto/sha256.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Keyed HMAC. The key's inner and outer pads are hashed once at construction, so one
/// object can authenticate many messages: `update()`..., `final()` returns the MAC and
/// re-arms the object for the next message under the same key.
template <class Hash>
class hmac {
public:
    static constexpr std::size_t digest_size = Hash::digest_size;
    using digest_type = typename Hash::digest_type;

    /// Keys the MAC. Keys longer than the hash block are hashed first (RFC 2104).
    hmac(const void* key, std::size_t n) noexcept {
        unsigned char k[Hash::block_size] = {};
        if (n > Hash::block_size) {
            auto d = Hash::hash(key, n);
            std::memcpy(k, d.data(), d.size());
        } else if (n) {
            std::memcpy(k, key, n);
        }
        unsigned char pad[Hash::block_size];
        for (std::size_t i = 0; i < sizeof pad; ++i) pad[i] = k[i] ^ 0x36;
        inner_keyed_.update(pad, sizeof pad);
        for (std::size_t i = 0; i < sizeof pad; ++i) pad[i] = k[i] ^ 0x5c;
        outer_keyed_.update(pad, sizeof pad);
        inner_ = inner_keyed_;
    }
    explicit hmac(std::string_view key) noexcept : hmac(key.data(), key.size()) {}

    /// Adds message bytes.
    hmac& update(const void* data, std::size_t n) noexcept {
        inner_.update(data, n);
        return *this;
    }
    hmac& update(std::string_view s) noexcept { return update(s.data(), s.size()); }

    /// The MAC of the message added since construction or the last final(); then re-arms.
    digest_type final() noexcept {
        auto inner = inner_.final();
        Hash outer = outer_keyed_;
        outer.update(inner.data(), inner.size());
        inner_ = inner_keyed_;
        return outer.final();
    }

    /// One-shot MAC of `msg` under `key`.
    static digest_type mac(std::string_view key, std::string_view msg) noexcept {
        hmac h(key);
        h.update(msg);
        return h.final();
    }

private:
    Hash inner_keyed_, outer_keyed_, inner_;
};

/// HMAC-SHA1 (OSS V1 signatures).
using hmac_sha1 = hmac<sha1>;
/// HMAC-SHA256 (OSS V4 signatures).
using hmac_sha256 = hmac<sha256>;

}  // namespace ossmp::inline v0
