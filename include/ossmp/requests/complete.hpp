// ossmp: the CompleteMultipartUpload request (POST /key?uploadId=ID), with an explicit part
// list (the default) or x-oss-complete-all: yes (OSS assembles every uploaded part).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/requests/common.hpp>
#include <ossmp/version.hpp>
#include <ossmp/xml/complete_body.hpp>

namespace ossmp::inline v0 {

/// How to complete.
struct complete_options {
    bool complete_all = false;      ///< let OSS list the parts itself (body must be empty)
    bool forbid_overwrite = false;  ///< fail with FileAlreadyExists if the object exists
    std::string acl;                ///< object ACL: private, public-read, public-read-write, default
    std::string callback;           ///< callback JSON (plain text; base64-encoded on the wire)
    std::string callback_var;       ///< callback variables JSON (plain text)
    bool url_encoding = true;       ///< ask OSS to URL-encode the key in the response
    bool content_md5 = true;        ///< send the body's Content-MD5, as the official SDKs do
};

/// Builds an unsigned CompleteMultipartUpload request. With an explicit list, `parts` must
/// be non-empty; it is sorted and de-duplicated (see write_complete_body). With
/// complete_all, `parts` must be empty. The response is parsed by parse_complete_result;
/// its CRC-64 should equal the parts' CRCs combined.
inline result<http_request> make_complete_request(const endpoint& ep, std::string_view bucket, std::string_view key,
                                                  std::string_view upload_id, std::span<const completed_part> parts,
                                                  const complete_options& o = {}, const dialect& d = oss_dialect) {
    constexpr auto op = operation::complete_multipart_upload;
    if (key.empty()) return make_error(errc::invalid_object_key, "CompleteMultipartUpload needs an object key", op);
    if (auto c = detail::check_upload_id(upload_id, op); !c) return c.error();
    if (o.complete_all) {
        if (d.complete_all_header.empty())
            return make_error(errc::unsupported, "this service cannot complete all parts implicitly", op);
        if (!parts.empty())
            return make_error(errc::invalid_argument, "complete-all sends no part list; pass no parts", op);
    } else {
        if (parts.empty())
            return make_error(errc::invalid_argument, "CompleteMultipartUpload needs at least one part", op);
        for (const auto& p : parts) {
            if (auto c = detail::check_part_number(p.part_number, op); !c) return c.error();
            if (p.etag.empty())
                return make_error(errc::invalid_argument, "part " + std::to_string(p.part_number) + " has no ETag", op,
                                  p.part_number);
        }
    }
    if (auto c = detail::check_one_of("ACL", o.acl, {"private", "public-read", "public-read-write", "default"}, op); !c)
        return c.error();
    auto req = detail::start_request(op, "POST", ep, bucket, key);
    if (!req) return req;
    auto& r = *req;
    r.query.push_back({"uploadId", std::string(upload_id)});
    if (o.url_encoding) r.query.push_back({"encoding-type", "url"});
    if (o.complete_all) {
        r.headers.set(d.complete_all_header, "yes");
    } else {
        r.body = write_complete_body(parts);
        // An explicit type keeps HTTP stacks from adding their own after signing.
        r.headers.set("Content-Type", "application/xml");
        if (o.content_md5) r.headers.set("Content-MD5", base64_encode(md5::hash(r.body)));
    }
    if (o.forbid_overwrite) {
        if (d.forbid_overwrite_header.empty())
            return make_error(errc::unsupported, "this service cannot forbid overwrites", op);
        r.headers.set(d.forbid_overwrite_header, "true");
    }
    if (auto h = detail::put_header(r, d.object_acl_header, o.acl); !h) return h.error();
    if (!o.callback.empty() || !o.callback_var.empty()) {
        if (d.callback_header.empty()) return make_error(errc::unsupported, "this service has no callbacks", op);
        if (o.callback.empty()) return make_error(errc::invalid_argument, "callback variables need a callback", op);
        r.headers.set(d.callback_header, base64_encode(o.callback));
        if (!o.callback_var.empty()) r.headers.set(d.callback_var_header, base64_encode(o.callback_var));
    }
    return req;
}

}  // namespace ossmp::inline v0
