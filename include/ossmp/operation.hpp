// ossmp: the operations a request can belong to, so that every error can say which one failed.
#pragma once

#include <cstdint>
#include <string_view>

#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// An OSS API operation. Carried by every request the library builds and by every error,
/// so a failure always names the operation (and, for parts, the part number) it came from.
enum class operation : std::uint8_t {
    none = 0,                  ///< not tied to a request (local validation, planning)
    initiate_multipart_upload,
    upload_part,
    upload_part_copy,
    complete_multipart_upload,
    abort_multipart_upload,
    list_parts,
    list_multipart_uploads,
    put_object,
    get_object,
    head_object,
    delete_object,
    create_bucket,
};

/// The operation's name as OSS documents it ("UploadPart"), or "none".
constexpr std::string_view to_string(operation op) noexcept {
    switch (op) {
    case operation::none: return "none";
    case operation::initiate_multipart_upload: return "InitiateMultipartUpload";
    case operation::upload_part: return "UploadPart";
    case operation::upload_part_copy: return "UploadPartCopy";
    case operation::complete_multipart_upload: return "CompleteMultipartUpload";
    case operation::abort_multipart_upload: return "AbortMultipartUpload";
    case operation::list_parts: return "ListParts";
    case operation::list_multipart_uploads: return "ListMultipartUploads";
    case operation::put_object: return "PutObject";
    case operation::get_object: return "GetObject";
    case operation::head_object: return "HeadObject";
    case operation::delete_object: return "DeleteObject";
    case operation::create_bucket: return "PutBucket";
    }
    return "unknown";
}

}  // namespace ossmp::inline v0
