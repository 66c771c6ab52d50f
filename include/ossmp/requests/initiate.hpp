// ossmp: the InitiateMultipartUpload request (POST /key?uploads).
#pragma once

#include <string>
#include <string_view>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// What the object will be once completed. Every field is optional: empty means unset.
struct initiate_options {
    std::string content_type;         ///< Content-Type the object will have
    std::string content_disposition;  ///< Content-Disposition
    std::string content_encoding;     ///< Content-Encoding
    std::string cache_control;        ///< Cache-Control
    std::string expires;              ///< Expires (an HTTP date)
    std::string storage_class;        ///< Standard, IA, Archive, ColdArchive, DeepColdArchive
    std::string acl;                  ///< private, public-read, public-read-write, default
    std::string server_side_encryption;         ///< AES256, KMS or SM4
    std::string server_side_data_encryption;    ///< SM4 (KMS with SM4 data keys)
    std::string server_side_encryption_key_id;  ///< KMS key id
    header_pairs tags;                ///< object tags (at most 10), encoded into x-oss-tagging
    header_pairs metadata;            ///< user metadata: names without the x-oss-meta- prefix
    bool forbid_overwrite = false;    ///< refuse to replace an existing object at Complete
    bool sequential = false;          ///< ask OSS for sequential part upload (no parallelism)
    bool url_encoding = true;         ///< ask OSS to URL-encode the key in the response
    header_pairs extra_headers;       ///< any other headers, sent as given (validated)
};

/// The longest tag key and value OSS accepts, in bytes, and the most tags per object.
inline constexpr std::size_t max_tag_key_size = 128;
inline constexpr std::size_t max_tag_value_size = 256;
inline constexpr std::size_t max_tags = 10;

/// Builds an unsigned InitiateMultipartUpload request for bucket/key. Sign it with
/// sign_request right before sending. The response is parsed by parse_initiate_result.
/// Errors (nothing is built): invalid bucket/key/header values, unknown storage class,
/// ACL or encryption algorithm, more than 10 tags or oversized tags.
inline result<http_request> make_initiate_request(const endpoint& ep, std::string_view bucket, std::string_view key,
                                                  const initiate_options& o = {}, const dialect& d = oss_dialect) {
    constexpr auto op = operation::initiate_multipart_upload;
    if (key.empty()) return make_error(errc::invalid_object_key, "InitiateMultipartUpload needs an object key", op);
    auto req = detail::start_request(op, "POST", ep, bucket, key);
    if (!req) return req;
    auto& r = *req;
    r.query.push_back({"uploads", ""});
    if (o.url_encoding) r.query.push_back({"encoding-type", "url"});
    if (o.sequential) r.query.push_back({"sequential", ""});

    if (auto c = detail::check_one_of("storage class", o.storage_class,
                                      {"Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"}, op); !c)
        return c.error();
    if (auto c = detail::check_one_of("ACL", o.acl, {"private", "public-read", "public-read-write", "default"}, op); !c)
        return c.error();
    if (auto c = detail::check_one_of("server-side encryption", o.server_side_encryption, {"AES256", "KMS", "SM4"}, op); !c)
        return c.error();
    if (auto c = detail::check_one_of("data encryption", o.server_side_data_encryption, {"SM4"}, op); !c)
        return c.error();

    const std::pair<std::string_view, const std::string*> plain[] = {
        {"Content-Type", &o.content_type},
        {"Content-Disposition", &o.content_disposition},
        {"Content-Encoding", &o.content_encoding},
        {"Cache-Control", &o.cache_control},
        {"Expires", &o.expires},
        {d.storage_class_header, &o.storage_class},
        {d.object_acl_header, &o.acl},
        {d.sse_header, &o.server_side_encryption},
        {d.sse_data_header, &o.server_side_data_encryption},
        {d.sse_key_id_header, &o.server_side_encryption_key_id},
    };
    for (auto [name, value] : plain)
        if (auto h = detail::put_header(r, name, *value); !h) return h.error();

    if (o.tags.size() > max_tags)
        return make_error(errc::invalid_argument,
                          "an object may have at most 10 tags (got " + std::to_string(o.tags.size()) + ")", op);
    query_params tag_query;
    for (const auto& [k, v] : o.tags) {
        if (k.empty() || k.size() > max_tag_key_size || v.size() > max_tag_value_size)
            return make_error(errc::invalid_argument,
                              "tag keys must be 1..128 bytes and values at most 256 bytes (key " +
                                  detail::quote_for_message(k) + ")", op);
        tag_query.push_back({k, v});
    }
    if (!tag_query.empty()) {
        // Tags travel as a URL query string (k1=v1&k2=v2), encoded by the one encoder.
        // A tag with an empty value is still written as "k=".
        std::string tagging;
        for (const auto& t : tag_query) {
            if (!tagging.empty()) tagging += '&';
            tagging += percent_encode(t.name) + "=" + percent_encode(t.value);
        }
        if (auto h = detail::put_header(r, d.tagging_header, tagging); !h) return h.error();
    }
    for (const auto& [name, value] : o.metadata) {
        if (name.empty()) return make_error(errc::invalid_header_value, "metadata name is empty", op);
        std::string full(d.meta_prefix);
        full += name;
        if (auto v = validate_header(full, value); !v) {
            auto e = v.error();
            e.op = op;
            return e;
        }
        r.headers.add(full, value);
    }
    if (o.forbid_overwrite) {
        if (d.forbid_overwrite_header.empty())
            return make_error(errc::unsupported, "this service cannot forbid overwrites", op);
        r.headers.set(d.forbid_overwrite_header, "true");
    }
    if (auto h = detail::put_extra_headers(r, o.extra_headers); !h) return h.error();
    return req;
}

}  // namespace ossmp::inline v0
