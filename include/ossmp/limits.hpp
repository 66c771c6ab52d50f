// ossmp: the limits OSS puts on multipart uploads, in one place. Builders check requests
// against them, the planner cuts sources to fit them, and the machine grows a stream's
// parts within them.
#pragma once

#include <cstdint>

#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Highest part number OSS accepts (parts are numbered 1..10000).
inline constexpr std::uint32_t max_part_number = 10000;
/// Smallest size of every part but the last, checked by OSS at Complete (100 KiB).
inline constexpr std::uint64_t min_part_size = 100 * 1024;
/// Largest part (5 GiB).
inline constexpr std::uint64_t max_part_size = 5ull * 1024 * 1024 * 1024;
/// The largest object a multipart upload can build: 10,000 parts of 5 GiB (48.8 TiB).
inline constexpr std::uint64_t max_object_size = max_part_size * max_part_number;
/// Largest page of ListParts / ListMultipartUploads.
inline constexpr std::uint32_t max_list_page = 1000;
/// Bounds of x-oss-traffic-limit in bit/s (100 KB/s .. 100 MB/s).
inline constexpr std::uint64_t min_traffic_limit = 819200;
inline constexpr std::uint64_t max_traffic_limit = 838860800;
/// Longest validity of a V4 presigned URL, in seconds (7 days).
inline constexpr std::int64_t v4_max_expires_seconds = 604800;

}  // namespace ossmp::inline v0
