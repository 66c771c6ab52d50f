// ossmp emulator internals: identifiers, constant-time comparison, small text formats.
#pragma once

#include <atomic>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ossmp/crypto/hex.hpp>
#include <ossmp/percent.hpp>
#include <ossmp/result.hpp>

namespace ossmp::inline v0::emulator::detail {

// Unique ids for request ids, upload ids and file names. A process-wide counter keeps them
// unique within a run; the random part keeps ids of different runs on one directory apart.
class id_source {
public:
    id_source();
    // OSS-style request id: 24 upper-case hex characters.
    std::string request_id();
    // Upload id: 32 upper-case hex characters, the first 12 from the clock in microseconds,
    // so that ordering ids orders uploads by initiation (ListMultipartUploads pages by id).
    std::string upload_id();
    // A file name stem: 32 lower-case hex characters, never derived from user input.
    std::string file_id();

private:
    std::uint64_t next_random();
    std::atomic<std::uint64_t> counter_{0};
    std::uint64_t salt_;
};

// Compares two strings in time that depends only on their lengths, so a signature check
// leaks nothing about how many leading characters matched.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// A JSON string literal for `s` (quotes included). Control characters are \u-escaped; other
// bytes pass through (callers pass UTF-8).
std::string json_string(std::string_view s);

// The emulator's metadata files: one `name=percent-encoded value` per line, so any byte of a
// key or header value survives and a truncated or garbled file is detected, never misread.
using record = std::vector<std::pair<std::string, std::string>>;
std::string write_record(const record& r);
result<record> read_record(std::string_view text);
// The first value named `name`, or nullptr.
const std::string* record_get(const record& r, std::string_view name);

// Decimal parsing that rejects signs, spaces and overflow.
bool parse_u64(std::string_view s, std::uint64_t& out) noexcept;

// True for names made only of hex digits of the given case, with the given length.
bool is_hex_name(std::string_view s, std::size_t length, bool upper) noexcept;

}  // namespace ossmp::inline v0::emulator::detail
