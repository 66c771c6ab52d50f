// ossmp: how a source is cut into parts. OSS allows at most 10,000 parts of 100 KiB to
// 5 GiB each (the last part may be smaller), so the part size is checked, or derived, before
// any request is sent: an impossible upload fails here, not after hours of transfer.
#pragma once

#include <cstdint>
#include <string>

#include <ossmp/http_request.hpp>
#include <ossmp/requests/common.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Part size used when the caller sets none and the source is small enough: 8 MiB, the
/// official C++ SDK's default (Go and Python use 6 MiB).
inline constexpr std::uint64_t default_part_size = 8ull * 1024 * 1024;
/// The largest object a multipart upload can build: 10,000 parts of 5 GiB (48.8 TiB).
inline constexpr std::uint64_t max_object_size = max_part_size * max_part_number;

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

}  // namespace ossmp::inline v0
