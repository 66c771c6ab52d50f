// ossmp internals: what the public CRC headers share: the streaming class, and the wire
// form S3 gives a CRC (base64 of its bytes, most significant first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/error.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// Streaming CRC over a public `Update(previous, data, n)`: feed bytes with update(), read
// value() at any time.
template <class Reg, Reg (*Update)(Reg, const void*, std::size_t) noexcept>
class streaming_crc {
public:
    streaming_crc() noexcept = default;
    /// Continues from a known CRC (of bytes already checksummed elsewhere).
    explicit streaming_crc(Reg start) noexcept : crc_(start) {}
    /// Adds `n` bytes at `data`; returns *this.
    streaming_crc& update(const void* data, std::size_t n) noexcept {
        crc_ = Update(crc_, data, n);
        return *this;
    }
    /// Adds the bytes of `s`; returns *this.
    streaming_crc& update(std::string_view s) noexcept { return update(s.data(), s.size()); }
    /// The CRC of everything added so far.
    Reg value() const noexcept { return crc_; }
    /// Back to the empty message.
    void reset() noexcept { crc_ = 0; }

private:
    Reg crc_ = 0;
};

// Base64 of the value's sizeof(Reg) bytes, most significant first.
template <class Reg>
std::string crc_to_base64(Reg crc) {
    unsigned char be[sizeof(Reg)];
    for (std::size_t i = 0; i < sizeof(Reg); ++i) be[i] = static_cast<unsigned char>(crc >> (8 * (sizeof(Reg) - 1 - i)));
    return base64_encode(be, sizeof be);
}

// The value back from that form; `header` names the field in the error message.
template <class Reg>
result<Reg> crc_from_base64(std::string_view text, std::string_view header) {
    auto bytes = base64_decode(text);
    if (!bytes || bytes->size() != sizeof(Reg))
        return make_error(errc::invalid_encoding,
                          std::string(header) + " value '" + std::string(text.substr(0, 64)) + "' is not the base64 of " +
                              std::to_string(sizeof(Reg)) + " bytes" +
                              (bytes ? std::string() : " (" + bytes.error().message + ")"));
    Reg v = 0;
    for (unsigned char b : *bytes) v = static_cast<Reg>((v << 8) | b);
    return v;
}

}  // namespace ossmp::inline v0::detail
