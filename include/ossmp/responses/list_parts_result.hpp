// ossmp: the ListParts reply.
#pragma once

#include <cstdint>
#include <optional>
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

/// One uploaded part as ListParts reports it.
struct part_info {
    std::uint32_t part_number = 0;       ///< 1..10000
    std::string etag;                    ///< quotes kept
    std::uint64_t size = 0;              ///< bytes
    time_point last_modified{};
    std::optional<std::uint64_t> crc64;  ///< <HashCrc64ecma> (dialect.checksum.element) if sent
    friend bool operator==(const part_info&, const part_info&) = default;
};

/// One page of ListParts.
struct list_parts_result {
    std::string bucket;
    std::string key;            ///< percent-decoded under EncodingType url
    std::string upload_id;
    std::string storage_class;  ///< "" if absent
    std::string encoding_type;  ///< "url" or ""
    std::uint32_t part_number_marker = 0;       ///< 0 when absent (listing from the start)
    std::uint32_t next_part_number_marker = 0;  ///< where the next page starts (0 if absent)
    std::uint32_t max_parts = 0;                ///< 0 when absent
    bool is_truncated = false;                  ///< true: ask again from next_part_number_marker
    std::vector<part_info> parts;               ///< in document order (OSS: ascending)
    response_info info;
};

namespace detail {
inline bool read_part(response_document& doc, const dialect& d, part_info& p) {
    enum : std::uint32_t { number = 1, etag = 2, size = 4, modified = 8, crc = 16 };
    std::uint32_t seen = 0;
    std::string_view name;
    while (doc.next_child(name)) {
        bool ok;
        if (detail::name_is(name, "PartNumber")) {
            ok = doc.once(seen, number, name) && doc.part_number(name, p.part_number);
        } else if (detail::name_is(name, "ETag")) {
            ok = doc.field(seen, etag, name, p.etag);
        } else if (detail::name_is(name, "Size")) {
            ok = doc.once(seen, size, name) && doc.u64(name, p.size);
        } else if (detail::name_is(name, "LastModified")) {
            ok = doc.once(seen, modified, name) && doc.time(name, p.last_modified);
        } else if (!d.checksum.element.empty() && detail::name_is(name, d.checksum.element)) {
            std::string_view v;
            ok = doc.once(seen, crc, name) && doc.text(v);
            if (ok) {
                p.crc64 = parse_checksum(v, d.checksum.text);
                if (!p.crc64) ok = doc.invalid(name, v, checksum_text_name(d.checksum.text));
            }
        } else {
            ok = doc.skip();
        }
        if (!ok) return false;
    }
    constexpr std::uint32_t required = number | etag | size | modified;
    if (!doc.failed() && (seen & required) == required) return true;
    return !doc.failed() && doc.require_in("Part", seen, number, "PartNumber") &&
           doc.require_in("Part", seen, etag, "ETag") && doc.require_in("Part", seen, size, "Size") &&
           doc.require_in("Part", seen, modified, "LastModified");
}
}  // namespace detail

/// Parses a ListParts response.
///
/// Returns the page, or an error: the service's (see parse_service_error) when the reply
/// is an error of any form (NoSuchUpload is errc::no_such_upload); errc::xml_* when the
/// body is not acceptable XML; errc::malformed_response for another root or a duplicated
/// element; errc::missing_field when <Bucket>, <Key>, <UploadId> or <IsTruncated> is
/// absent, when a truncated page has no <NextPartNumberMarker>, or when a <Part> lacks
/// PartNumber, ETag, Size or LastModified; errc::invalid_field (naming element and value)
/// for a part number outside 1..10000, a marker above 10000, a size or CRC that is not a
/// u64 decimal (negative, overflowing, not digits), a bad time, boolean or EncodingType;
/// errc::invalid_encoding for a key that is not valid percent-encoding. Unknown elements
/// (the client-side-encryption ones, for instance) are ignored.
/// Next: when is_truncated, list again from next_part_number_marker.
inline result<list_parts_result> parse_list_parts_result(const http_response& resp,
                                                         const dialect& d = oss_dialect) {
    constexpr operation op = operation::list_parts;
    if (auto e = parse_service_error(resp, op, 0, d)) return std::move(*e);
    list_parts_result r;
    detail::response_document doc(resp.body, op, 0, resp.status);
    enum : std::uint32_t {
        bucket = 1, key = 2, upload_id = 4, storage = 8, encoding = 16, marker = 32,
        next_marker = 64, max_parts = 128, truncated = 256
    };
    std::uint32_t seen = 0;
    bool url = false;
    if (doc.open_root("ListPartsResult")) {
        std::string_view name;
        while (doc.next_child(name)) {
            bool ok;
            if (detail::name_is(name, "Part")) {
                r.parts.emplace_back();
                ok = detail::read_part(doc, d, r.parts.back());
            } else if (detail::name_is(name, "Bucket")) {
                ok = doc.field(seen, bucket, name, r.bucket);
            } else if (detail::name_is(name, "Key")) {
                ok = doc.field(seen, key, name, r.key);
            } else if (detail::name_is(name, "UploadId")) {
                ok = doc.field(seen, upload_id, name, r.upload_id);
            } else if (detail::name_is(name, "StorageClass")) {
                ok = doc.field(seen, storage, name, r.storage_class);
            } else if (detail::name_is(name, "EncodingType")) {
                ok = doc.encoding_type(seen, encoding, r.encoding_type, url);
            } else if (detail::name_is(name, "PartNumberMarker")) {
                ok = doc.once(seen, marker, name) &&
                     doc.u32(name, r.part_number_marker, max_part_number);
            } else if (detail::name_is(name, "NextPartNumberMarker")) {
                ok = doc.once(seen, next_marker, name) &&
                     doc.u32(name, r.next_part_number_marker, max_part_number);
            } else if (detail::name_is(name, "MaxParts")) {
                ok = doc.once(seen, max_parts, name) && doc.u32(name, r.max_parts, 0xFFFFFFFFu);
                // OSS sends MaxParts before the parts: size the vector once (bounded, so a
                // hostile value cannot make us reserve much).
                if (ok && r.parts.empty())
                    r.parts.reserve(r.max_parts < max_part_number ? r.max_parts : max_part_number);
            } else if (detail::name_is(name, "IsTruncated")) {
                ok = doc.once(seen, truncated, name) && doc.boolean(name, r.is_truncated);
            } else {
                ok = doc.skip();
            }
            if (!ok) break;
        }
    }
    if (doc.finish() && doc.require(seen, bucket, "Bucket") && doc.require(seen, key, "Key") &&
        doc.require(seen, upload_id, "UploadId") && doc.require(seen, truncated, "IsTruncated") &&
        (!r.is_truncated || doc.require(seen, next_marker, "NextPartNumberMarker")) && url)
        doc.url_decode("Key", r.key);
    if (doc.failed()) return doc.take_error();
    auto info = detail::read_response_info_for(resp, d, op);
    if (!info) return std::move(info).error();
    r.info = std::move(*info);
    return r;
}

}  // namespace ossmp::inline v0
