// ossmp: the dialect seam. Everything that makes a request or response OSS rather than
// generic multipart HTTP is named here: the vendor header prefix and each header the
// builders, parsers and the upload machine use; the names the signers write (scheme,
// key-derivation strings, presigned-URL parameters, the V1 sub-resource list); the service
// domain endpoints are recognised by; the integrity checksum (which algorithm, which header,
// how its value is written); and which features the service has.
//
// An S3 dialect is another instance of this struct, not a rewrite: builders, parsers, the
// signers and the machine read names from the dialect they are given and never spell a
// vendor name themselves. For S3 the values would be x-amz-* headers; a SigV4 signer (a
// new signature_version: its canonical request lists SignedHeaders where OSS V4 lists
// AdditionalHeaders) reading "AWS4-HMAC-SHA256", key prefix "AWS4", terminator
// "aws4_request" and X-Amz-Algorithm / X-Amz-Credential / X-Amz-Date / X-Amz-Expires /
// X-Amz-SignedHeaders / X-Amz-Signature / X-Amz-Security-Token from `signing`; and a
// checksum of kind CRC32C or CRC-64/NVME, written base64 (checksum_text::base64) in
// x-amz-checksum-*, once crypto/ has those algorithms (a checksum_kind each).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Which checksum the service computes over stored bytes (parts and whole objects).
enum class checksum_kind : std::uint8_t {
    none,        ///< the service reports no checksum; parts and objects go unverified
    crc64_ecma,  ///< CRC-64/ECMA-182, reflected (crypto/crc64.hpp): OSS's x-oss-hash-crc64ecma
};

/// How a checksum value is written in headers and XML.
enum class checksum_text : std::uint8_t {
    decimal,  ///< unsigned decimal, "12066172435287683848" (OSS)
    base64,   ///< base64 of the value's big-endian bytes (S3's x-amz-checksum-*)
};

/// The service's integrity checksum.
struct checksum_spec {
    checksum_kind kind = checksum_kind::none;
    checksum_text text = checksum_text::decimal;
    std::string_view header;   ///< response header with the stored bytes' checksum ("" if none)
    std::string_view element;  ///< ListParts <Part> child carrying a part's checksum ("" if none)
};

/// The names the signers write. The V4 family is OSS4-HMAC-SHA256 (S3's SigV4 has the same
/// shape); the V1 family is OSS's HMAC-SHA1 header and query authorization.
struct signing_names {
    std::string_view v4_algorithm;          ///< "OSS4-HMAC-SHA256": Authorization scheme and string-to-sign head
    std::string_view v4_key_prefix;         ///< prefixed to the secret to key the HMAC chain: "aliyun_v4"
    std::string_view v4_terminator;         ///< last scope element and last HMAC input: "aliyun_v4_request"
    std::string_view v4_unsigned_payload;   ///< the payload hash when the body is not hashed: "UNSIGNED-PAYLOAD"
    std::string_view v4_query_algorithm;    ///< presigned URL parameters:
    std::string_view v4_query_credential;
    std::string_view v4_query_date;
    std::string_view v4_query_expires;
    std::string_view v4_query_additional_headers;
    std::string_view v4_query_signature;
    std::string_view v4_query_security_token;
    std::string_view v1_scheme;             ///< Authorization prefix before "<id>:<signature>": "OSS "
    std::string_view v1_query_access_key;   ///< presigned URL parameters:
    std::string_view v1_query_expires;
    std::string_view v1_query_signature;
    std::string_view v1_query_security_token;
    /// Query parameters V1 signs as sub-resources (besides names with the vendor prefix).
    std::span<const std::string_view> v1_sub_resources;
};

/// Header and element names plus capabilities of one storage service's multipart API.
/// All header names are lower case; header lookups are case-insensitive anyway.
struct dialect {
    std::string_view name;                     ///< "oss"
    std::string_view header_prefix;            ///< vendor header prefix, "x-oss-"
    std::string_view meta_prefix;              ///< user metadata prefix, "x-oss-meta-"
    std::string_view date_header;              ///< request date header, "x-oss-date"
    std::string_view security_token_header;    ///< STS token header, "x-oss-security-token"
    std::string_view content_sha256_header;    ///< V4 payload hash header
    std::string_view request_id_header;        ///< response request id
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
    checksum_spec checksum;                    ///< the integrity checksum and where it is written
    signing_names signing;                     ///< what the signers write
    std::string_view service_domain;           ///< "aliyuncs.com": public endpoints end in ".<this>"
    std::string_view endpoint_label_prefix;    ///< "oss-": the endpoint label before the region id
};

/// The query parameters OSS V1 signs as sub-resources: the union of the official SDKs'
/// lists (go2 requiredSignedParameters, py2 _subresource_key_set). For multipart the ones
/// that matter are uploads, uploadId, partNumber, sequential and security-token.
inline constexpr std::string_view oss_v1_sub_resources[] = {
    "acl", "append", "bucketInfo", "callback", "callback-var", "cloudboxes",
    "continuation-token", "delete", "location", "objectMeta", "partNumber", "position",
    "regionList", "resourceGroup", "response-cache-control", "response-content-disposition",
    "response-content-encoding", "response-content-language", "response-content-type",
    "response-expires", "restore", "security-token", "sequential", "stat", "symlink",
    "tagging", "uploadId", "uploads", "versionId", "versioning", "versions"};

/// Alibaba Cloud OSS.
inline constexpr dialect oss_dialect{
    .name = "oss",
    .header_prefix = "x-oss-",
    .meta_prefix = "x-oss-meta-",
    .date_header = "x-oss-date",
    .security_token_header = "x-oss-security-token",
    .content_sha256_header = "x-oss-content-sha256",
    .request_id_header = "x-oss-request-id",
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
    .checksum = {.kind = checksum_kind::crc64_ecma,
                 .text = checksum_text::decimal,
                 .header = "x-oss-hash-crc64ecma",
                 .element = "HashCrc64ecma"},
    .signing = {.v4_algorithm = "OSS4-HMAC-SHA256",
                .v4_key_prefix = "aliyun_v4",
                .v4_terminator = "aliyun_v4_request",
                .v4_unsigned_payload = "UNSIGNED-PAYLOAD",
                .v4_query_algorithm = "x-oss-signature-version",
                .v4_query_credential = "x-oss-credential",
                .v4_query_date = "x-oss-date",
                .v4_query_expires = "x-oss-expires",
                .v4_query_additional_headers = "x-oss-additional-headers",
                .v4_query_signature = "x-oss-signature",
                .v4_query_security_token = "x-oss-security-token",
                .v1_scheme = "OSS ",
                .v1_query_access_key = "OSSAccessKeyId",
                .v1_query_expires = "Expires",
                .v1_query_signature = "Signature",
                .v1_query_security_token = "security-token",
                .v1_sub_resources = oss_v1_sub_resources},
    .service_domain = "aliyuncs.com",
    .endpoint_label_prefix = "oss-",
};

}  // namespace ossmp::inline v0
