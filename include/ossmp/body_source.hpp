// ossmp: where body bytes come from, and the reader a transport pulls them through.
//
// A BodySource is anything with `result<std::size_t> read_at(std::uint64_t offset,
// std::span<char> out)`: files (pread), memory, or a buffered stream. A transport never
// sees the source itself: it gets a body_reader for one request, which reads the request's
// byte range (or its in-memory body) and computes the CRC-64 of exactly the bytes the
// transport took, so integrity checking needs nothing from the transport's author.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <ossmp/crypto/crc64.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// A random-access source of body bytes. read_at fills up to out.size() bytes starting at
/// `offset` and returns how many it wrote (0 only at the end of the data); errors are
/// results (errc::io_error with the reason).
template <class S>
concept BodySource = requires(S& s, std::uint64_t offset, std::span<char> out) {
    { s.read_at(offset, out) } -> std::same_as<result<std::size_t>>;
};

/// The bytes of one request body, read in order. Transports call read() until it returns
/// 0; rewind() starts over (for a transport that must resend, e.g. after an auth or
/// 100-continue retry) and restarts the CRC. Valid until the request's outcome is reported.
class body_reader {
public:
    /// An empty body.
    body_reader() = default;

    /// A body held in memory (not copied: `bytes` must outlive the reader).
    explicit body_reader(std::string_view bytes) noexcept : memory_(bytes), size_(bytes.size()) {}

    /// `range` of `source` (not copied: `source` must outlive the reader).
    template <BodySource S>
    body_reader(S& source, body_range range) noexcept
        : source_(&source), read_fn_(&read_thunk<S>), offset_(range.offset), size_(range.length) {}

    /// The body for `req`: its in-memory body, or its range of `source`.
    template <BodySource S>
    static body_reader for_request(const http_request& req, S& source) noexcept {
        if (req.source) return body_reader(source, *req.source);
        return body_reader(std::string_view(req.body));
    }

    /// Total body size in bytes (the Content-Length to send).
    std::uint64_t size() const noexcept { return size_; }
    /// Bytes not yet read.
    std::uint64_t remaining() const noexcept { return size_ - pos_; }

    /// Reads up to out.size() bytes into `out`; 0 means the body is complete. A source
    /// that ends early is errc::source_short_read; source failures are passed through.
    result<std::size_t> read(std::span<char> out) {
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size_ - pos_));
        if (want == 0) return std::size_t{0};
        std::size_t got = 0;
        if (source_) {
            auto r = read_fn_(source_, offset_ + pos_, out.first(want));
            if (!r) return r;
            got = *r;
            if (got == 0)
                return make_error(errc::source_short_read,
                                  "the source ended at offset " + std::to_string(offset_ + pos_) + ", " +
                                      std::to_string(size_ - pos_) + " bytes before the planned end");
        } else {
            std::copy_n(memory_.data() + pos_, want, out.data());
            got = want;
        }
        crc_ = crc64_update(crc_, out.data(), got);
        pos_ += got;
        return got;
    }

    /// Back to the first byte; the CRC restarts with it.
    void rewind() noexcept {
        pos_ = 0;
        crc_ = 0;
    }

    /// CRC-64 of the bytes read since construction or the last rewind(): after the body
    /// was read completely, the CRC of what was sent.
    std::uint64_t crc64() const noexcept { return crc_; }
    /// True once every byte was read.
    bool complete() const noexcept { return pos_ == size_; }

private:
    template <class S>
    static result<std::size_t> read_thunk(void* s, std::uint64_t offset, std::span<char> out) {
        return static_cast<S*>(s)->read_at(offset, out);
    }

    std::string_view memory_;
    void* source_ = nullptr;
    result<std::size_t> (*read_fn_)(void*, std::uint64_t, std::span<char>) = nullptr;
    std::uint64_t offset_ = 0;
    std::uint64_t size_ = 0;
    std::uint64_t pos_ = 0;
    std::uint64_t crc_ = 0;
};

/// A source over bytes in memory (not copied).
class memory_source {
public:
    explicit memory_source(std::string_view bytes) noexcept : bytes_(bytes) {}
    result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) const {
        if (offset >= bytes_.size()) return std::size_t{0};
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), bytes_.size() - offset));
        std::copy_n(bytes_.data() + offset, n, out.data());
        return n;
    }
    std::uint64_t size() const noexcept { return bytes_.size(); }

private:
    std::string_view bytes_;
};

}  // namespace ossmp::inline v0
