// ossmp: the UploadPartCopy reply.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

/// What UploadPartCopy returned (<CopyPartResult> plus headers).
struct copy_part_result {
    std::string etag;               ///< <ETag>, quotes kept; never empty
    time_point last_modified{};     ///< <LastModified>
    std::string source_version_id;  ///< dialect.copy_source_version_id_header, or ""
    response_info info;
};

/// Parses an UploadPartCopy response for part `part_number` (copied into any error).
///
/// Returns the result, or an error: the service's (see parse_service_error) when the reply
/// is an error of any form; errc::xml_* when the body is not acceptable XML;
/// errc::malformed_response for another root or a duplicated element; errc::missing_field
/// when <ETag> or <LastModified> is absent or the ETag is empty; errc::invalid_field for
/// an unreadable time or CRC header. Unknown elements are ignored.
/// Next: keep {part_number, etag} for Complete.
inline result<copy_part_result> parse_copy_part_result(const http_response& resp,
                                                       std::uint32_t part_number,
                                                       const dialect& d = oss_dialect) {
    constexpr operation op = operation::upload_part_copy;
    if (auto e = parse_service_error(resp, op, part_number, d)) return std::move(*e);
    copy_part_result r;
    detail::response_document doc(resp.body, op, part_number, resp.status);
    enum : std::uint32_t { etag = 1, last_modified = 2 };
    std::uint32_t seen = 0;
    if (doc.open_root("CopyPartResult")) {
        std::string_view name;
        while (doc.next_child(name)) {
            bool ok = name == "ETag" ? doc.field(seen, etag, name, r.etag)
                      : name == "LastModified"
                          ? doc.once(seen, last_modified, name) && doc.time(name, r.last_modified)
                          : doc.skip();
            if (!ok) break;
        }
    }
    if (doc.finish() && doc.require(seen, etag, "ETag") && doc.require(seen, last_modified, "LastModified") &&
        r.etag.empty())
        doc.fail(errc::missing_field, "<ETag> is empty");
    if (doc.failed()) return doc.take_error();
    auto info = detail::read_response_info_for(resp, d, op, part_number);
    if (!info) return std::move(info).error();
    if (!d.copy_source_version_id_header.empty())
        r.source_version_id = resp.headers.get_or(d.copy_source_version_id_header);
    r.info = std::move(*info);
    return r;
}

}  // namespace ossmp::inline v0
