// ossmp: how a source is cut into parts. OSS allows at most 10,000 parts of 100 KiB to
// 5 GiB each (the last part may be smaller; parts need not be equal), so the part size is
// checked, or derived, before any request is sent: an impossible upload fails here, not
// after hours of transfer.
//
// A source of known size is cut into equal parts (plan_upload). A stream's size is unknown
// until it ends, so its parts grow instead: part n has stream_part_size(base, n) bytes, the
// base size doubling after every 1,000 parts (capped at 5 GiB). 10,000 parts then hold
// about 1,023,000 times the base (8 TiB from the default 8 MiB, 100 GB from 100 KiB) while
// a short stream keeps small parts, and the driver never buffers more than max_in_flight
// parts of the current size. A size hint (plan_stream) picks a base large enough up front,
// or refuses before anything is sent.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include <ossmp/http_request.hpp>
#include <ossmp/limits.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Part size used when the caller sets none and the source is small enough: 8 MiB, the
/// official C++ SDK's default (Go and Python use 6 MiB).
inline constexpr std::uint64_t default_part_size = 8ull * 1024 * 1024;

/// The parts of a source of known size.
struct upload_plan {
    std::uint64_t size = 0;        ///< source size in bytes
    std::uint64_t part_size = 0;   ///< size of every part but the last
    std::uint32_t part_count = 0;  ///< 1..10000 (an empty source still has one, empty, part)

    /// The byte range of part `n` (1..part_count).
    body_range part(std::uint32_t n) const noexcept {
        std::uint64_t offset = std::uint64_t(n - 1) * part_size;
        std::uint64_t length = n < part_count ? part_size : size - offset;
        return {offset, length};
    }
};

namespace detail {
constexpr std::uint64_t round_up(std::uint64_t v, std::uint64_t unit) noexcept { return (v + unit - 1) / unit * unit; }
constexpr std::uint32_t part_count_for(std::uint64_t size, std::uint64_t part_size) noexcept {
    if (size == 0) return 1;
    std::uint64_t n = (size + part_size - 1) / part_size;
    return n > 0xffffffffull ? 0xffffffffu : static_cast<std::uint32_t>(n);
}
}  // namespace detail

/// Checks an explicit part size: 100 KiB..5 GiB (errc::invalid_part_size).
inline result<void> check_part_size(std::uint64_t part_size) {
    if (part_size < min_part_size || part_size > max_part_size)
        return make_error(errc::invalid_part_size, "part size " + std::to_string(part_size) +
                                                       " is outside 102400 (100 KiB) .. 5368709120 (5 GiB) bytes");
    return ok();
}

/// Plans an upload of `size` bytes. `part_size` 0 derives one: the default 8 MiB, grown
/// in whole MiB until the parts fit in 10,000. An explicit part size must be within
/// 100 KiB..5 GiB (errc::invalid_part_size) and give at most 10,000 parts
/// (errc::too_many_parts, whose message names the smallest part size that would work).
/// Sources over 48.8 TiB are errc::object_too_large.
inline result<upload_plan> plan_upload(std::uint64_t size, std::uint64_t part_size = 0) {
    if (size > max_object_size)
        return make_error(errc::object_too_large, "source of " + std::to_string(size) +
                                                      " bytes exceeds the multipart limit of 10000 parts of 5 GiB");
    constexpr std::uint64_t mib = 1024 * 1024;
    upload_plan p;
    p.size = size;
    if (part_size == 0) {
        std::uint64_t needed = (size + max_part_number - 1) / max_part_number;
        p.part_size = needed <= default_part_size ? default_part_size : detail::round_up(needed, mib);
        if (p.part_size > max_part_size) p.part_size = max_part_size;
    } else {
        if (auto r = check_part_size(part_size); !r) return r.error();
        p.part_size = part_size;
    }
    p.part_count = detail::part_count_for(size, p.part_size);
    if (p.part_count > max_part_number) {
        std::uint64_t needed = (size + max_part_number - 1) / max_part_number;
        return make_error(errc::too_many_parts, "part size " + std::to_string(p.part_size) + " gives " +
                                                    std::to_string(p.part_count) +
                                                    " parts; the limit is 10000, so use at least " +
                                                    std::to_string(needed) + " bytes per part");
    }
    return p;
}

/// Parts of a stream that share one size before it doubles.
inline constexpr std::uint32_t stream_parts_per_size = 1000;

/// The size of part `n` (1..10000) of a stream whose first parts have `base` bytes:
/// base * 2^((n - 1) / 1000), at most 5 GiB.
constexpr std::uint64_t stream_part_size(std::uint64_t base, std::uint32_t n) noexcept {
    std::uint64_t size = base;
    for (std::uint32_t k = (n - 1) / stream_parts_per_size; k > 0 && size < max_part_size; --k) size *= 2;
    return std::min(size, max_part_size);
}

/// The most bytes 10,000 parts of a stream with first parts of `base` bytes can hold.
constexpr std::uint64_t stream_capacity(std::uint64_t base) noexcept {
    std::uint64_t total = 0;
    for (std::uint32_t first = 1; first <= max_part_number; first += stream_parts_per_size)
        total += std::uint64_t(stream_parts_per_size) * stream_part_size(base, first);
    return total;
}

/// The first-part size of a stream. `part_size` 0 derives one: the default 8 MiB, grown in
/// whole MiB while `size_hint` (the bytes the caller expects, when known) would not fit.
/// An explicit part size must be within 100 KiB..5 GiB (errc::invalid_part_size) and, with
/// a hint, hold it (errc::too_many_parts, naming the smallest part size that would). A hint
/// over 48.8 TiB is errc::object_too_large.
inline result<std::uint64_t> plan_stream(std::optional<std::uint64_t> size_hint, std::uint64_t part_size = 0) {
    if (part_size != 0)
        if (auto r = check_part_size(part_size); !r) return r.error();
    if (size_hint && *size_hint > max_object_size)
        return make_error(errc::object_too_large, "a stream of " + std::to_string(*size_hint) +
                                                      " bytes exceeds the multipart limit of 10000 parts of 5 GiB");
    constexpr std::uint64_t mib = 1024 * 1024;
    std::uint64_t needed = default_part_size;
    if (size_hint) {
        // The smallest base (a whole MiB from 8 MiB up, or any size from 100 KiB up when it
        // was given) whose growing parts hold the hint.
        std::uint64_t lo = part_size ? part_size : default_part_size, hi = max_part_size;
        while (lo < hi) {
            std::uint64_t mid = lo + (hi - lo) / 2;
            if (stream_capacity(mid) >= *size_hint) hi = mid;
            else lo = mid + 1;
        }
        needed = part_size ? lo : std::min(detail::round_up(lo, mib), max_part_size);
    }
    if (part_size == 0) return std::max(needed, default_part_size);
    if (size_hint && stream_capacity(part_size) < *size_hint)
        return make_error(errc::too_many_parts, "a stream of " + std::to_string(*size_hint) + " bytes does not fit in " +
                                                    "10000 parts growing from " + std::to_string(part_size) +
                                                    " bytes; use a part size of at least " + std::to_string(needed) +
                                                    " bytes");
    return part_size;
}

}  // namespace ossmp::inline v0
