// ossmp: what every multipart response carries in its headers, whatever the operation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/detail/ascii.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/error.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Header-borne facts of a response, kept with every typed result so a caller can log the
/// request id or check the CRC without going back to the raw response.
struct response_info {
    int http_status = 0;                 ///< HTTP status code
    std::string request_id;              ///< dialect.request_id_header ("" if absent)
    std::string etag;                    ///< ETag header, quotes kept ("" if absent)
    std::string ec;                      ///< dialect.ec_header ("" if absent)
    std::string version_id;              ///< dialect.version_id_header ("" if absent)
    /// The dialect's checksum (dialect.checksum.header; OSS: CRC-64/ECMA), if sent.
    std::optional<std::uint64_t> crc64;
};

namespace detail {
/// A checksum value written as `how` says: a plain decimal u64, or base64 of the value's
/// 4 or 8 big-endian bytes. nullopt when the text is not that.
inline std::optional<std::uint64_t> parse_checksum(std::string_view text, checksum_text how) {
    if (how == checksum_text::decimal) return parse_unsigned<std::uint64_t>(text);
    auto bytes = base64_decode(text);
    if (!bytes || (bytes->size() != 4 && bytes->size() != 8)) return std::nullopt;
    std::uint64_t v = 0;
    for (unsigned char c : *bytes) v = v << 8 | c;
    return v;
}
inline constexpr std::string_view checksum_text_name(checksum_text how) noexcept {
    return how == checksum_text::decimal ? "an unsigned 64-bit decimal" : "base64 of a 4- or 8-byte checksum";
}

/// The checksum header of `d`: nullopt when absent (or the dialect has none),
/// errc::invalid_field when present but unreadable (a CRC we cannot read is not "no CRC").
inline result<std::optional<std::uint64_t>> header_checksum(const http_response& resp, const dialect& d) {
    const auto name = d.checksum.header;
    if (name.empty()) return std::optional<std::uint64_t>();
    auto v = resp.headers.get(name);
    if (!v) return std::optional<std::uint64_t>();
    auto n = parse_checksum(trim(*v), d.checksum.text);
    if (!n) {
        std::string shown(v->substr(0, 64));
        for (auto& c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
        return make_error(errc::invalid_field, "header " + std::string(name) + " is '" + shown + "', expected " +
                                                   std::string(checksum_text_name(d.checksum.text)));
    }
    return std::optional<std::uint64_t>(*n);
}
}  // namespace detail

/// Reads the common headers of `resp` using the header names of `d`.
///
/// Returns the info, or errc::invalid_field when the checksum header is present but cannot
/// be read as the dialect writes it (OSS: a decimal u64; garbage or overflow): a CRC that
/// cannot be read must not pass as "the server sent none", since the caller would then
/// skip its integrity check. Missing
/// headers are not errors here; the per-operation parsers decide what they require.
inline result<response_info> read_response_info(const http_response& resp, const dialect& d = oss_dialect) {
    response_info info;
    info.http_status = resp.status;
    if (!d.request_id_header.empty()) info.request_id = resp.headers.get_or(d.request_id_header);
    info.etag = resp.headers.get_or("ETag");
    if (!d.ec_header.empty()) info.ec = resp.headers.get_or(d.ec_header);
    if (!d.version_id_header.empty()) info.version_id = resp.headers.get_or(d.version_id_header);
    auto crc = detail::header_checksum(resp, d);
    if (!crc) {
        ossmp::error e = std::move(crc).error();
        e.http_status = resp.status;
        e.request_id = info.request_id;
        return e;
    }
    info.crc64 = *crc;
    return info;
}

namespace detail {
// read_response_info for a parser of `op`: its errors also name the operation and part,
// like every other error that parser returns.
inline result<response_info> read_response_info_for(const http_response& resp, const dialect& d, operation op,
                                                    std::uint32_t part_number = 0) {
    auto info = read_response_info(resp, d);
    if (!info) {
        ossmp::error e = std::move(info).error();
        e.op = op;
        e.part_number = part_number;
        return e;
    }
    return info;
}
}  // namespace detail

}  // namespace ossmp::inline v0
