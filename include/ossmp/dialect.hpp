// ossmp: the dialect seam. Everything that makes a request or response OSS rather than
// generic multipart HTTP is named here: the vendor header prefix and each header the
// builders, parsers and the upload machine use, the checksum header, and which features
// the service has. An S3 dialect (x-amz-*, SigV4, no complete-all) is another instance
// of this struct, not a rewrite: builders, parsers and the machine read names from the
// dialect they are given and never spell a vendor header themselves.
#pragma once

#include <string_view>

#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Header and element names plus capabilities of one storage service's multipart API.
/// All names are lower case; header lookups are case-insensitive anyway.
struct dialect {
    std::string_view name;                     ///< "oss"
    std::string_view header_prefix;            ///< vendor header prefix, "x-oss-"
    std::string_view meta_prefix;              ///< user metadata prefix, "x-oss-meta-"
    std::string_view date_header;              ///< request date header, "x-oss-date"
    std::string_view security_token_header;    ///< STS token header, "x-oss-security-token"
    std::string_view content_sha256_header;    ///< V4 payload hash header
    std::string_view request_id_header;        ///< response request id
    std::string_view crc64_header;             ///< CRC-64 of the stored bytes ("" if none)
    std::string_view ec_header;                ///< error detail code header ("" if none)
    std::string_view error_header;             ///< base64 <Error> for bodiless replies ("" if none)
    std::string_view version_id_header;        ///< object version id on Complete
    std::string_view storage_class_header;
    std::string_view object_acl_header;
    std::string_view sse_header;               ///< server-side encryption algorithm
    std::string_view sse_data_header;          ///< data encryption algorithm (OSS SM4)
    std::string_view sse_key_id_header;        ///< KMS key id
    std::string_view tagging_header;
    std::string_view forbid_overwrite_header;  ///< "" when the service has no such header
    std::string_view complete_all_header;      ///< "" when the service cannot complete-all
    std::string_view callback_header;          ///< "" when the service has no callbacks
    std::string_view callback_var_header;
    std::string_view traffic_limit_header;
    std::string_view copy_source_header;
    std::string_view copy_source_range_header;
    std::string_view copy_source_if_match_header;
    std::string_view copy_source_if_none_match_header;
    std::string_view copy_source_if_modified_since_header;
    std::string_view copy_source_if_unmodified_since_header;
    std::string_view copy_source_version_id_header;  ///< response: version of the copy source
    std::string_view crc64_element;            ///< ListParts <Part> checksum element
};

/// Alibaba Cloud OSS.
inline constexpr dialect oss_dialect{
    .name = "oss",
    .header_prefix = "x-oss-",
    .meta_prefix = "x-oss-meta-",
    .date_header = "x-oss-date",
    .security_token_header = "x-oss-security-token",
    .content_sha256_header = "x-oss-content-sha256",
    .request_id_header = "x-oss-request-id",
    .crc64_header = "x-oss-hash-crc64ecma",
    .ec_header = "x-oss-ec",
    .error_header = "x-oss-err",
    .version_id_header = "x-oss-version-id",
    .storage_class_header = "x-oss-storage-class",
    .object_acl_header = "x-oss-object-acl",
    .sse_header = "x-oss-server-side-encryption",
    .sse_data_header = "x-oss-server-side-data-encryption",
    .sse_key_id_header = "x-oss-server-side-encryption-key-id",
    .tagging_header = "x-oss-tagging",
    .forbid_overwrite_header = "x-oss-forbid-overwrite",
    .complete_all_header = "x-oss-complete-all",
    .callback_header = "x-oss-callback",
    .callback_var_header = "x-oss-callback-var",
    .traffic_limit_header = "x-oss-traffic-limit",
    .copy_source_header = "x-oss-copy-source",
    .copy_source_range_header = "x-oss-copy-source-range",
    .copy_source_if_match_header = "x-oss-copy-source-if-match",
    .copy_source_if_none_match_header = "x-oss-copy-source-if-none-match",
    .copy_source_if_modified_since_header = "x-oss-copy-source-if-modified-since",
    .copy_source_if_unmodified_since_header = "x-oss-copy-source-if-unmodified-since",
    .copy_source_version_id_header = "x-oss-copy-source-version-id",
    .crc64_element = "HashCrc64ecma",
};

}  // namespace ossmp::inline v0
