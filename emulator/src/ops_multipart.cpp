// The multipart operations: InitiateMultipartUpload, UploadPart, UploadPartCopy,
// CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads.
#include "server_impl.hpp"

#include <algorithm>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/requests/common.hpp>
#include <ossmp/validate.hpp>
#include <ossmp/xml/complete_body.hpp>

#include "oss_error.hpp"
#include "xml_writer.hpp"

namespace ossmp::inline v0::emulator {

using ossmp::detail::iequals;
using ossmp::detail::istarts_with;

void server::impl::initiate(request_ctx& c) {
    drain(c);
    auto url = url_encoding(c);
    if (!url) return send_error(c, url.error());
    auto meta = object_headers(c);
    if (!meta) return send_error(c, meta.error());
    if (iequals(header(c, oss_dialect.forbid_overwrite_header), "true") && st->object_exists(c.in.bucket, c.in.key))
        return send_error(c, oss_error(409, "FileAlreadyExists",
                                       "The object you specified already exists and can not be overwritten.",
                                       "0026-00000201", {{"Key", c.in.key}}));
    if (apply_fault(c, 0)) return;
    auto id = st->initiate(c.in.bucket, c.in.key, std::move(*meta), now());
    if (!id) return send_error(c, id.error());
    xml_writer x;
    x.open("InitiateMultipartUploadResult");
    x.leaf("Bucket", c.in.bucket);
    x.leaf("Key", encode_key(c.in.key, *url));
    x.leaf("UploadId", *id);
    if (*url) x.leaf("EncodingType", "url");
    send_xml(c, 200, x.finish());
}

namespace {
result<std::uint32_t> part_number_of(const query_param* p) {
    std::uint64_t n = 0;
    if (!p || !parse_u64(p->value, n) || n < 1 || n > max_part_number)
        return invalid_argument("Part number must be an integer between 1 and 10000, inclusive.", "partNumber",
                                p ? p->value : std::string(), "0017-00000220");
    return static_cast<std::uint32_t>(n);
}
}  // namespace

void server::impl::upload_part(request_ctx& c) {
    auto number = part_number_of(param(c, "partNumber"));
    if (!number) return send_error(c, number.error());
    const std::string& upload_id = param(c, "uploadId")->value;
    if (auto r = st->check_upload(c.in.bucket, c.in.key, upload_id); !r) return send_error(c, r.error());
    c.upload_for_stats = upload_id;
    c.part_for_stats = *number;
    auto want_md5 = content_md5(c);
    if (!want_md5) return send_error(c, want_md5.error());
    if (c.content_length > std::min(max_part_size, cfg.max_body_size))
        return send_error(c, oss_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
                                       "0017-00000221"));
    if (apply_fault(c, *number)) return;
    auto got = receive(c);
    if (!got) return send_error(c, got.error());
    if (!*got) {  // the client went away mid-body; nothing was stored
        c.res.status = 400;
        return;
    }
    auto& body = **got;
    if (*want_md5 && **want_md5 != body.md5)
        return send_error(c, oss_error(400, "InvalidDigest", "The Content-MD5 you specified did not match what we received.",
                                       "0017-00000201"));
    auto p = st->commit_part(c.in.bucket, c.in.key, upload_id, *number, body.data, body.md5, body.crc, now());
    if (!p) return send_error(c, p.error());
    c.part_stored = true;
    c.res.set_header("ETag", p->etag);
    c.res.set_header("Content-MD5", base64_encode(body.md5));
    c.res.set_header("x-oss-hash-crc64ecma", std::to_string(p->crc64));
    send_empty(c, 200);
}

void server::impl::upload_part_copy(request_ctx& c) {
    drain(c);
    auto number = part_number_of(param(c, "partNumber"));
    if (!number) return send_error(c, number.error());
    const std::string& upload_id = param(c, "uploadId")->value;
    if (auto r = st->check_upload(c.in.bucket, c.in.key, upload_id); !r) return send_error(c, r.error());
    c.upload_for_stats = upload_id;
    c.part_for_stats = *number;
    // x-oss-copy-source: /bucket/key with the key percent-encoded ('/' may stay or be %2F).
    std::string_view source = header(c, oss_dialect.copy_source_header);
    auto bad_source = [&] {
        return invalid_argument("The copy source is invalid.", "x-oss-copy-source", std::string(source), "0017-00000801");
    };
    if (source.empty() || source.front() != '/') return send_error(c, bad_source());
    if (source.find('?') != std::string_view::npos)
        return send_error(c, oss_error(501, "NotImplemented", "Versioned copy sources are not supported.", "0000-00000501"));
    auto decoded = percent_decode(source.substr(1));
    if (!decoded) return send_error(c, bad_source());
    auto slash = decoded->find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == decoded->size()) return send_error(c, bad_source());
    std::string src_bucket = decoded->substr(0, slash), src_key = decoded->substr(slash + 1);
    if (!validate_bucket_name(src_bucket) || !validate_object_key(src_key)) return send_error(c, bad_source());
    auto src = st->get_object(src_bucket, src_key);
    if (!src) return send_error(c, src.error());
    const object_record& o = **src;

    // Preconditions on the source.
    auto if_match = header(c, oss_dialect.copy_source_if_match_header);
    auto if_none = header(c, oss_dialect.copy_source_if_none_match_header);
    auto if_mod = header(c, oss_dialect.copy_source_if_modified_since_header);
    auto if_unmod = header(c, oss_dialect.copy_source_if_unmodified_since_header);
    auto failed = [&] {
        return oss_error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.",
                         "0017-00000802");
    };
    if (!if_match.empty() && if_match != o.etag) return send_error(c, failed());
    if (!if_none.empty() && if_none == o.etag) return send_error(c, failed());
    auto secs = [](time_point t) { return to_unix_seconds(t); };
    if (!if_mod.empty())
        if (auto t = parse_http_date(if_mod); t && secs(o.last_modified) <= secs(*t)) return send_error(c, failed());
    if (!if_unmod.empty())
        if (auto t = parse_http_date(if_unmod); t && secs(o.last_modified) > secs(*t)) return send_error(c, failed());

    std::uint64_t first = 0, length = o.size;
    if (auto range = header(c, oss_dialect.copy_source_range_header); !range.empty()) {
        std::uint64_t a = 0, b = 0;
        auto dash = range.find('-');
        if (range.substr(0, 6) != "bytes=" || dash == std::string_view::npos ||
            !parse_u64(range.substr(6, dash - 6), a) || !parse_u64(range.substr(dash + 1), b) || a > b || b >= o.size)
            return send_error(c, invalid_argument("The x-oss-copy-source-range is invalid.", "x-oss-copy-source-range",
                                                  std::string(range), "0017-00000803"));
        first = a;
        length = b - a + 1;
    }
    if (length > max_part_size)
        return send_error(c, oss_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
                                       "0017-00000221"));
    if (apply_fault(c, *number)) return;
    auto reader = blob_reader::open(o.data);
    if (!reader) return send_error(c, reader.error());
    auto w = st->new_writer(length);
    if (!w) return send_error(c, w.error());
    md5 h;
    crc64 crc;
    error write_error;
    bool ok = (*reader)->read(first, length, [&](const char* d, std::size_t n) {
        h.update(d, n);
        crc.update(d, n);
        if (auto r = (*w)->write(d, n); !r) {
            write_error = r.error();
            return false;
        }
        return true;
    });
    if (!ok) return send_error(c, internal_error("storage failure while copying the source"));
    auto b = (*w)->finish();
    if (!b) return send_error(c, internal_error("storage failure: " + b.error().message));
    auto digest = h.final();
    auto p = st->commit_part(c.in.bucket, c.in.key, upload_id, *number, std::move(*b), digest, crc.value(), now());
    if (!p) return send_error(c, p.error());
    c.part_stored = true;
    xml_writer x;
    x.open("CopyPartResult");
    x.leaf("LastModified", format_iso8601(p->last_modified));
    x.leaf("ETag", p->etag);
    c.res.set_header("x-oss-hash-crc64ecma", std::to_string(p->crc64));
    send_xml(c, 200, x.finish());
}

void server::impl::complete(request_ctx& c) {
    const std::string& upload_id = param(c, "uploadId")->value;
    auto url = url_encoding(c);
    if (!url) return send_error(c, url.error());
    if (c.content_length > cfg.max_complete_body) {
        return send_error(c, oss_error(400, "InvalidArgument", "The CompleteMultipartUpload body is too large.",
                                       "0042-00000217", {{"MaxMessageLengthBytes", std::to_string(cfg.max_complete_body)}}));
    }
    std::string body;
    bool too_large = false;
    bool ok = read_body(c, [&](const char* d, std::size_t n) {
        if (body.size() + n > cfg.max_complete_body) too_large = true;
        if (!too_large) body.append(d, n);
        return true;
    });
    if (!ok) {
        c.res.status = 400;
        return;
    }
    if (too_large)
        return send_error(c, oss_error(400, "InvalidArgument", "The CompleteMultipartUpload body is too large.",
                                       "0042-00000217", {{"MaxMessageLengthBytes", std::to_string(cfg.max_complete_body)}}));
    if (auto r = st->check_upload(c.in.bucket, c.in.key, upload_id); !r) return send_error(c, r.error());
    auto want_md5 = content_md5(c);
    if (!want_md5) return send_error(c, want_md5.error());
    if (*want_md5 && **want_md5 != md5::hash(body))
        return send_error(c, oss_error(400, "InvalidDigest", "The Content-MD5 you specified did not match what we received.",
                                       "0042-00000218"));
    complete_request how;
    std::string_view all = header(c, oss_dialect.complete_all_header);
    if (!all.empty() && all != "yes")
        return send_error(c, invalid_argument("x-oss-complete-all must be yes.", "x-oss-complete-all", std::string(all),
                                              "0042-00000215"));
    how.all = all == "yes";
    if (how.all) {
        if (!body.empty())
            return send_error(c, invalid_argument("Should not speficy both complete all header and http body.",
                                                  "x-oss-complete-all", "yes", "0042-00000216"));
    } else {
        if (body.empty())
            return send_error(c, oss_error(400, "MalformedXML",
                                           "The XML you provided was not well-formed or did not validate against our "
                                           "published schema.",
                                           "0042-00000205"));
        auto parts = parse_complete_body(body);
        if (!parts) {
            if (parts.error().code == errc::invalid_field)
                return send_error(c, oss_error(400, "InvalidPart",
                                               "One or more of the specified parts could not be found or the specified "
                                               "entity tag might not have matched the part's entity tag.",
                                               "0042-00000207"));
            return send_error(c, oss_error(400, "MalformedXML",
                                           "The XML you provided was not well-formed or did not validate against our "
                                           "published schema.",
                                           "0042-00000205"));
        }
        if (parts->empty())
            return send_error(c, oss_error(400, "MalformedXML", "The XML you provided lists no part.", "0042-00000205"));
        how.parts = std::move(*parts);
    }
    how.forbid_overwrite = iequals(header(c, oss_dialect.forbid_overwrite_header), "true");
    if (auto acl = c.in.headers.get(oss_dialect.object_acl_header)) {
        static constexpr std::string_view acls[] = {"private", "public-read", "public-read-write", "default"};
        if (std::find(std::begin(acls), std::end(acls), *acl) == std::end(acls))
            return send_error(c, invalid_argument("The value of x-oss-object-acl is invalid.", "x-oss-object-acl",
                                                  std::string(*acl), "0005-00000002"));
        how.acl = std::string(*acl);
    }
    std::string_view callback = header(c, oss_dialect.callback_header);
    if (!callback.empty() && !base64_decode(callback))
        return send_error(c, invalid_argument("The callback configuration is not base64.", "x-oss-callback",
                                              std::string(callback), "0007-00000002"));
    if (apply_fault(c, 0)) return;
    auto o = st->complete(c.in.bucket, c.in.key, upload_id, how, now());
    if (!o) return send_error(c, o.error());
    c.res.set_header("ETag", (*o)->etag);
    c.res.set_header("x-oss-hash-crc64ecma", std::to_string((*o)->crc64));
    if (!callback.empty()) {
        // The object is complete, but the emulator makes no outbound calls: it answers as OSS
        // does when the callback server cannot be reached.
        auto e = oss_error(203, "CallbackFailed",
                           "Error status : -1. The emulator does not call callback servers (no outbound network).",
                           "0007-00000203");
        return send_error(c, e);
    }
    xml_writer x;
    x.open("CompleteMultipartUploadResult");
    if (*url) x.leaf("EncodingType", "url");
    // The object's URL with the key as raw text (encoded like Key under encoding-type=url).
    x.leaf("Location", "http://" + c.in.host + (c.virtual_hosted ? "/" : "/" + c.in.bucket + "/") +
                           encode_key(c.in.key, *url));
    x.leaf("Bucket", c.in.bucket);
    x.leaf("Key", encode_key(c.in.key, *url));
    x.leaf("ETag", (*o)->etag);
    send_xml(c, 200, x.finish());
}

void server::impl::abort_upload(request_ctx& c) {
    drain(c);
    if (apply_fault(c, 0)) return;
    if (auto r = st->abort(c.in.bucket, c.in.key, param(c, "uploadId")->value); !r) return send_error(c, r.error());
    send_empty(c, 204);
}

void server::impl::list_parts(request_ctx& c) {
    drain(c);
    auto url = url_encoding(c);
    if (!url) return send_error(c, url.error());
    std::uint64_t max_parts = max_list_page, marker = 0;
    if (auto* p = param(c, "max-parts"); p && (!parse_u64(p->value, max_parts) || max_parts < 1 || max_parts > max_list_page))
        return send_error(c, invalid_argument("max-parts must be an integer between 1 and 1000.", "max-parts", p->value,
                                              "0017-00000401"));
    if (auto* p = param(c, "part-number-marker"); p && (!parse_u64(p->value, marker) || marker > max_part_number))
        return send_error(c, invalid_argument("part-number-marker must be an integer between 0 and 10000.",
                                              "part-number-marker", p->value, "0017-00000402"));
    if (apply_fault(c, 0)) return;
    auto snap = st->snapshot(c.in.bucket, c.in.key, param(c, "uploadId")->value);
    if (!snap) return send_error(c, snap.error());
    std::vector<const part_record*> page;
    bool truncated = false;
    for (const auto& p : snap->parts) {
        if (p.number <= marker) continue;
        if (page.size() == max_parts) {
            truncated = true;
            break;
        }
        page.push_back(&p);
    }
    xml_writer x;
    x.open("ListPartsResult");
    if (*url) x.leaf("EncodingType", "url");
    x.leaf("Bucket", c.in.bucket);
    x.leaf("Key", encode_key(c.in.key, *url));
    x.leaf("UploadId", snap->upload_id);
    x.leaf("StorageClass", snap->storage_class.empty() ? "Standard" : snap->storage_class);
    x.leaf("PartNumberMarker", std::to_string(marker));
    x.leaf("NextPartNumberMarker", std::to_string(page.empty() ? marker : page.back()->number));
    x.leaf("MaxParts", std::to_string(max_parts));
    x.leaf("IsTruncated", truncated ? "true" : "false");
    for (const auto* p : page) {
        x.open("Part");
        x.leaf("PartNumber", std::to_string(p->number));
        x.leaf("LastModified", format_iso8601(p->last_modified));
        x.leaf("ETag", p->etag);
        x.leaf("HashCrc64ecma", std::to_string(p->crc64));
        x.leaf("Size", std::to_string(p->size));
        x.close();
    }
    send_xml(c, 200, x.finish());
}

void server::impl::list_uploads(request_ctx& c) {
    drain(c);
    auto url = url_encoding(c);
    if (!url) return send_error(c, url.error());
    auto text = [&](std::string_view name) {
        auto* p = param(c, name);
        return p ? p->value : std::string();
    };
    std::string prefix = text("prefix"), delimiter = text("delimiter"), key_marker = text("key-marker"),
                id_marker = text("upload-id-marker");
    std::uint64_t max_uploads = max_list_page;
    if (auto* p = param(c, "max-uploads");
        p && (!parse_u64(p->value, max_uploads) || max_uploads < 1 || max_uploads > max_list_page))
        return send_error(c, invalid_argument("max-uploads must be an integer between 1 and 1000.", "max-uploads",
                                              p->value, "0017-00000403"));
    if (apply_fault(c, 0)) return;
    auto all = st->list_uploads(c.in.bucket);
    if (!all) return send_error(c, all.error());
    struct entry {
        const upload_summary* upload;  // null for a common prefix
        std::string prefix;
    };
    std::vector<entry> page;
    bool truncated = false;
    for (const auto& u : *all) {
        if (u.key.compare(0, prefix.size(), prefix) != 0) continue;
        if (!key_marker.empty()) {
            if (id_marker.empty() ? u.key <= key_marker
                                  : (u.key < key_marker || (u.key == key_marker && u.upload_id <= id_marker)))
                continue;
        }
        if (!delimiter.empty()) {
            auto pos = u.key.find(delimiter, prefix.size());
            if (pos != std::string::npos) {
                std::string cp = u.key.substr(0, pos + delimiter.size());
                // A page that ended on this prefix already listed it.
                if (!key_marker.empty() && cp <= key_marker) continue;
                if (!page.empty() && !page.back().upload && page.back().prefix == cp) continue;
                if (page.size() == max_uploads) {
                    truncated = true;
                    break;
                }
                page.push_back({nullptr, std::move(cp)});
                continue;
            }
        }
        if (page.size() == max_uploads) {
            truncated = true;
            break;
        }
        page.push_back({&u, {}});
    }
    std::string next_key, next_id;
    if (!page.empty()) {
        if (page.back().upload) {
            next_key = page.back().upload->key;
            next_id = page.back().upload->upload_id;
        } else {
            next_key = page.back().prefix;
        }
    }
    xml_writer x;
    x.open("ListMultipartUploadsResult");
    if (*url) x.leaf("EncodingType", "url");
    x.leaf("Bucket", c.in.bucket);
    x.leaf("KeyMarker", encode_key(key_marker, *url));
    x.leaf("UploadIdMarker", id_marker);
    x.leaf("NextKeyMarker", encode_key(next_key, *url));
    x.leaf("NextUploadIdMarker", next_id);
    x.leaf("Delimiter", encode_key(delimiter, *url));
    x.leaf("Prefix", encode_key(prefix, *url));
    x.leaf("MaxUploads", std::to_string(max_uploads));
    x.leaf("IsTruncated", truncated ? "true" : "false");
    for (const auto& e : page) {
        if (!e.upload) continue;
        x.open("Upload");
        x.leaf("Key", encode_key(e.upload->key, *url));
        x.leaf("UploadId", e.upload->upload_id);
        x.leaf("StorageClass", e.upload->storage_class.empty() ? "Standard" : e.upload->storage_class);
        x.leaf("Initiated", format_iso8601(e.upload->initiated));
        x.close();
    }
    for (const auto& e : page) {
        if (e.upload) continue;
        x.open("CommonPrefixes");
        x.leaf("Prefix", encode_key(e.prefix, *url));
        x.close();
    }
    send_xml(c, 200, x.finish());
}

}  // namespace ossmp::inline v0::emulator
