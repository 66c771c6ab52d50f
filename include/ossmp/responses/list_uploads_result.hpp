// ossmp: the ListMultipartUploads reply.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/dialect.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/responses/detail/document.hpp>
#include <ossmp/responses/response_info.hpp>
#include <ossmp/responses/service_error.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// One unfinished upload as ListMultipartUploads reports it.
struct upload_info {
    std::string key;            ///< percent-decoded under EncodingType url (may be "")
    std::string upload_id;      ///< never empty
    std::string storage_class;  ///< "" if absent
    time_point initiated{};
    friend bool operator==(const upload_info&, const upload_info&) = default;
};

/// One page of ListMultipartUploads. Marker, prefix and delimiter fields are "" when
/// absent or empty (OSS writes empty ones as <KeyMarker></KeyMarker>).
struct list_uploads_result {
    std::string bucket;
    std::string key_marker;             ///< decoded under url
    std::string upload_id_marker;
    std::string next_key_marker;        ///< decoded under url
    std::string next_upload_id_marker;
    std::string delimiter;              ///< decoded under url
    std::string prefix;                 ///< decoded under url
    std::string encoding_type;          ///< "url" or ""
    std::uint32_t max_uploads = 0;      ///< 0 when absent
    bool is_truncated = false;          ///< true: ask again from the next markers
    std::vector<upload_info> uploads;   ///< in document order
    std::vector<std::string> common_prefixes;  ///< each <CommonPrefixes>/<Prefix>, decoded under url
    response_info info;
};

namespace detail {
inline bool read_upload(response_document& doc, upload_info& u) {
    enum : std::uint32_t { key = 1, upload_id = 2, storage = 4, initiated = 8 };
    std::uint32_t seen = 0;
    std::string_view name;
    while (doc.next_child(name)) {
        bool ok = name == "Key"            ? doc.field(seen, key, name, u.key)
                  : name == "UploadId"     ? doc.field(seen, upload_id, name, u.upload_id)
                  : name == "StorageClass" ? doc.field(seen, storage, name, u.storage_class)
                  : name == "Initiated" ? doc.once(seen, initiated, name) && doc.time(name, u.initiated)
                                        : doc.skip();
        if (!ok) return false;
    }
    if (doc.failed() || !doc.require_in("Upload", seen, key, "Key") ||
        !doc.require_in("Upload", seen, upload_id, "UploadId") ||
        !doc.require_in("Upload", seen, initiated, "Initiated"))
        return false;
    if (u.upload_id.empty()) return doc.fail(errc::missing_field, "an <Upload> has an empty <UploadId>");
    return true;
}

inline bool read_common_prefixes(response_document& doc, std::vector<std::string>& out) {
    std::string_view name;
    while (doc.next_child(name)) {
        bool ok = name == "Prefix" ? doc.text_to(out.emplace_back()) : doc.skip();
        if (!ok) return false;
    }
    return !doc.failed();
}
}  // namespace detail

/// Parses a ListMultipartUploads response.
///
/// Returns the page, or an error: the service's (see parse_service_error) when the reply
/// is an error of any form; errc::xml_* when the body is not acceptable XML;
/// errc::malformed_response for another root or a duplicated element;
/// errc::missing_field when <Bucket> or <IsTruncated> is absent, when a truncated page
/// lacks <NextKeyMarker> or <NextUploadIdMarker>, or when an <Upload> lacks Key, UploadId
/// or Initiated (or has an empty UploadId); errc::invalid_field for a bad number, time,
/// boolean or EncodingType; errc::invalid_encoding for a field that is not valid
/// percent-encoding under url. Unknown elements are ignored.
/// Next: when is_truncated, list again with key-marker = next_key_marker and
/// upload-id-marker = next_upload_id_marker.
inline result<list_uploads_result> parse_list_uploads_result(const http_response& resp,
                                                             const dialect& d = oss_dialect) {
    constexpr operation op = operation::list_multipart_uploads;
    if (auto e = parse_service_error(resp, op, 0, d)) return std::move(*e);
    list_uploads_result r;
    detail::response_document doc(resp.body, op, 0, resp.status);
    enum : std::uint32_t {
        bucket = 1, key_marker = 2, upload_id_marker = 4, next_key_marker = 8,
        next_upload_id_marker = 16, delimiter = 32, prefix = 64, encoding = 128,
        max_uploads = 256, truncated = 512
    };
    std::uint32_t seen = 0;
    bool url = false;
    if (doc.open_root("ListMultipartUploadsResult")) {
        std::string_view name;
        while (doc.next_child(name)) {
            bool ok;
            if (name == "Upload") {
                ok = detail::read_upload(doc, r.uploads.emplace_back());
            } else if (name == "CommonPrefixes") {
                ok = detail::read_common_prefixes(doc, r.common_prefixes);
            } else if (name == "Bucket") {
                ok = doc.field(seen, bucket, name, r.bucket);
            } else if (name == "KeyMarker") {
                ok = doc.field(seen, key_marker, name, r.key_marker);
            } else if (name == "UploadIdMarker") {
                ok = doc.field(seen, upload_id_marker, name, r.upload_id_marker);
            } else if (name == "NextKeyMarker") {
                ok = doc.field(seen, next_key_marker, name, r.next_key_marker);
            } else if (name == "NextUploadIdMarker") {
                ok = doc.field(seen, next_upload_id_marker, name, r.next_upload_id_marker);
            } else if (name == "Delimiter") {
                ok = doc.field(seen, delimiter, name, r.delimiter);
            } else if (name == "Prefix") {
                ok = doc.field(seen, prefix, name, r.prefix);
            } else if (name == "EncodingType") {
                ok = doc.encoding_type(seen, encoding, r.encoding_type, url);
            } else if (name == "MaxUploads") {
                ok = doc.once(seen, max_uploads, name) && doc.u32(name, r.max_uploads, 0xFFFFFFFFu);
            } else if (name == "IsTruncated") {
                ok = doc.once(seen, truncated, name) && doc.boolean(name, r.is_truncated);
            } else {
                ok = doc.skip();
            }
            if (!ok) break;
        }
    }
    if (doc.finish() && doc.require(seen, bucket, "Bucket") && doc.require(seen, truncated, "IsTruncated") &&
        (!r.is_truncated || (doc.require(seen, next_key_marker, "NextKeyMarker") &&
                             doc.require(seen, next_upload_id_marker, "NextUploadIdMarker"))) &&
        url) {
        bool ok = doc.url_decode("KeyMarker", r.key_marker) &&
                  doc.url_decode("NextKeyMarker", r.next_key_marker) &&
                  doc.url_decode("Delimiter", r.delimiter) && doc.url_decode("Prefix", r.prefix);
        for (std::size_t i = 0; ok && i < r.uploads.size(); ++i) ok = doc.url_decode("Key", r.uploads[i].key);
        for (std::size_t i = 0; ok && i < r.common_prefixes.size(); ++i)
            ok = doc.url_decode("CommonPrefixes/Prefix", r.common_prefixes[i]);
    }
    if (doc.failed()) return doc.take_error();
    auto info = detail::read_response_info_for(resp, d, op);
    if (!info) return std::move(info).error();
    r.info = std::move(*info);
    return r;
}

}  // namespace ossmp::inline v0
