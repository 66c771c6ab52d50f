// ossmp: the ListParts request (GET /key?uploadId=ID), one page of an upload's parts.
#pragma once

#include <cstdint>
#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Paging for ListParts.
struct list_parts_options {
    std::uint32_t max_parts = max_list_page;  ///< 1..1000 parts per page
    std::uint32_t part_number_marker = 0;     ///< list parts after this number (0 = from the start)
    bool url_encoding = true;                 ///< ask OSS to URL-encode the key in the response
};

/// Builds an unsigned ListParts request. To read every page, repeat with
/// part_number_marker = the result's next_part_number_marker while is_truncated.
inline result<http_request> make_list_parts_request(const endpoint& ep, std::string_view bucket, std::string_view key,
                                                    std::string_view upload_id, const list_parts_options& o = {}) {
    constexpr auto op = operation::list_parts;
    if (key.empty()) return make_error(errc::invalid_object_key, "ListParts needs an object key", op);
    if (auto c = detail::check_upload_id(upload_id, op); !c) return c.error();
    if (o.max_parts < 1 || o.max_parts > max_list_page)
        return make_error(errc::invalid_argument, "max-parts must be 1..1000 (got " + std::to_string(o.max_parts) + ")", op);
    if (o.part_number_marker > max_part_number)
        return make_error(errc::invalid_part_number,
                          "part number marker " + std::to_string(o.part_number_marker) + " exceeds 10000", op);
    auto req = detail::start_request(op, "GET", ep, bucket, key);
    if (!req) return req;
    auto& r = *req;
    r.query.push_back({"uploadId", std::string(upload_id)});
    r.query.push_back({"max-parts", std::to_string(o.max_parts)});
    if (o.part_number_marker) r.query.push_back({"part-number-marker", std::to_string(o.part_number_marker)});
    if (o.url_encoding) r.query.push_back({"encoding-type", "url"});
    return req;
}

}  // namespace ossmp::inline v0
