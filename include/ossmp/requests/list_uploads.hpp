// ossmp: the ListMultipartUploads request (GET /?uploads on a bucket), one page of the
// bucket's unfinished uploads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Filtering and paging for ListMultipartUploads.
struct list_uploads_options {
    std::string prefix;                          ///< only keys starting with this
    std::string delimiter;                       ///< group keys into common prefixes at this
    std::string key_marker;                      ///< list after this key ...
    std::string upload_id_marker;                ///< ... and, for that key, after this upload id
    std::uint32_t max_uploads = max_list_page;   ///< 1..1000 uploads per page
    bool url_encoding = true;                    ///< ask OSS to URL-encode keys in the response
};

/// Builds an unsigned ListMultipartUploads request for `bucket`. To read every page,
/// repeat with key_marker/upload_id_marker = the result's next markers while is_truncated.
inline result<http_request> make_list_uploads_request(const endpoint& ep, std::string_view bucket,
                                                      const list_uploads_options& o = {}) {
    constexpr auto op = operation::list_multipart_uploads;
    if (o.max_uploads < 1 || o.max_uploads > max_list_page)
        return make_error(errc::invalid_argument,
                          "max-uploads must be 1..1000 (got " + std::to_string(o.max_uploads) + ")", op);
    if (!o.upload_id_marker.empty() && o.key_marker.empty())
        return make_error(errc::invalid_argument, "an upload id marker needs a key marker", op);
    auto req = detail::start_request(op, "GET", ep, bucket, {});
    if (!req) return req;
    auto& r = *req;
    r.query.push_back({"uploads", ""});
    r.query.push_back({"max-uploads", std::to_string(o.max_uploads)});
    if (!o.prefix.empty()) r.query.push_back({"prefix", o.prefix});
    if (!o.delimiter.empty()) r.query.push_back({"delimiter", o.delimiter});
    if (!o.key_marker.empty()) r.query.push_back({"key-marker", o.key_marker});
    if (!o.upload_id_marker.empty()) r.query.push_back({"upload-id-marker", o.upload_id_marker});
    if (o.url_encoding) r.query.push_back({"encoding-type", "url"});
    return req;
}

}  // namespace ossmp::inline v0
