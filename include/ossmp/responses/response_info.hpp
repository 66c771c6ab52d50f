// ossmp: what every multipart response carries in its headers, whatever the operation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
    std::optional<std::uint64_t> crc64;  ///< dialect.crc64_header as a number, if sent
};

namespace detail {
/// The decimal u64 header `name`: nullopt when absent, errc::invalid_field when present
/// but not a plain decimal that fits in 64 bits (a CRC we cannot read is not "no CRC").
inline result<std::optional<std::uint64_t>> header_u64(const http_response& resp, std::string_view name) {
    if (name.empty()) return std::optional<std::uint64_t>();
    auto v = resp.headers.get(name);
    if (!v) return std::optional<std::uint64_t>();
    auto n = parse_unsigned<std::uint64_t>(trim(*v));
    if (!n) {
        std::string shown(v->substr(0, 64));
        for (auto& c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
        return make_error(errc::invalid_field,
                          "header " + std::string(name) + " is '" + shown +
                              "', expected an unsigned 64-bit decimal");
    }
    return std::optional<std::uint64_t>(*n);
}
}  // namespace detail

/// Reads the common headers of `resp` using the header names of `d`.
///
/// Returns the info, or errc::invalid_field when the CRC-64 header is present but is not
/// a decimal u64 (garbage or overflow): a CRC that cannot be read must not pass as "the
/// server sent none", since the caller would then skip its integrity check. Missing
/// headers are not errors here; the per-operation parsers decide what they require.
inline result<response_info> read_response_info(const http_response& resp, const dialect& d = oss_dialect) {
    response_info info;
    info.http_status = resp.status;
    if (!d.request_id_header.empty()) info.request_id = resp.headers.get_or(d.request_id_header);
    info.etag = resp.headers.get_or("ETag");
    if (!d.ec_header.empty()) info.ec = resp.headers.get_or(d.ec_header);
    if (!d.version_id_header.empty()) info.version_id = resp.headers.get_or(d.version_id_header);
    auto crc = detail::header_u64(resp, d.crc64_header);
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
