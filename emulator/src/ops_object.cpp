// Object operations: PutObject, GetObject and HeadObject (with OSS's Range rules), DeleteObject.
#include "server_impl.hpp"

#include <algorithm>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/requests/common.hpp>

#include "oss_error.hpp"

namespace ossmp::inline v0::emulator {

using ossmp::detail::iequals;
using ossmp::detail::istarts_with;

void server::impl::put_object(request_ctx& c) {
    auto meta = object_headers(c);
    if (!meta) return send_error(c, meta.error());
    auto want_md5 = content_md5(c);
    if (!want_md5) return send_error(c, want_md5.error());
    if (c.content_length > max_part_size)
        return send_error(c, oss_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
                                       "0026-00000003"));
    bool forbid = iequals(header(c, oss_dialect.forbid_overwrite_header), "true");
    if (forbid && st->object_exists(c.in.bucket, c.in.key))
        return send_error(c, oss_error(409, "FileAlreadyExists",
                                       "The object you specified already exists and can not be overwritten.",
                                       "0026-00000201", {{"Key", c.in.key}}));
    if (apply_fault(c, 0)) return;
    auto got = receive(c);
    if (!got) return send_error(c, got.error());
    if (!*got) {
        c.res.status = 400;
        return;
    }
    auto& body = **got;
    if (*want_md5 && **want_md5 != body.md5)
        return send_error(c, oss_error(400, "InvalidDigest", "The Content-MD5 you specified did not match what we received.",
                                       "0026-00000004"));
    auto o = st->put_object(c.in.bucket, c.in.key, body.data, body.md5, body.crc, std::move(*meta), forbid, now());
    if (!o) return send_error(c, o.error());
    c.res.set_header("ETag", (*o)->etag);
    c.res.set_header("Content-MD5", base64_encode(body.md5));
    c.res.set_header("x-oss-hash-crc64ecma", std::to_string((*o)->crc64));
    send_empty(c, 200);
}

namespace {
// OSS's reading of a Range header against an object of `size` bytes. Without
// x-oss-range-behavior: standard, a range OSS considers invalid (end past the object, start
// past the end, several ranges, bad syntax) is ignored and the whole object is returned.
struct range_choice {
    bool partial = false;
    bool unsatisfiable = false;
    std::uint64_t first = 0, length = 0;
};
range_choice choose_range(std::string_view v, std::uint64_t size, bool standard) {
    range_choice r;
    v = ossmp::detail::trim(v);
    if (v.substr(0, 6) != "bytes=" || v.find(',') != std::string_view::npos || size == 0) return r;
    v.remove_prefix(6);
    auto dash = v.find('-');
    if (dash == std::string_view::npos) return r;
    auto a_text = v.substr(0, dash), b_text = v.substr(dash + 1);
    std::uint64_t a = 0, b = 0;
    if (a_text.empty()) {  // suffix: the last b bytes
        if (!parse_u64(b_text, b) || b == 0) return r;
        r.partial = true;
        r.length = std::min(b, size);
        r.first = size - r.length;
        return r;
    }
    if (!parse_u64(a_text, a)) return r;
    if (b_text.empty()) {
        b = size - 1;
    } else if (!parse_u64(b_text, b) || b < a) {
        return r;
    }
    if (a >= size) {
        r.unsatisfiable = standard;
        return r;
    }
    if (b >= size) {
        if (!standard) return r;
        b = size - 1;
    }
    r.partial = true;
    r.first = a;
    r.length = b - a + 1;
    return r;
}
}  // namespace

void server::impl::get_object(request_ctx& c) {
    if (apply_fault(c, 0)) return;
    auto got = st->get_object(c.in.bucket, c.in.key);
    if (!got) return send_error(c, got.error());
    std::shared_ptr<const object_record> o = std::move(*got);
    auto range = c.in.headers.get("Range");
    auto choice = range ? choose_range(*range, o->size, iequals(header(c, "x-oss-range-behavior"), "standard"))
                        : range_choice{};
    if (choice.unsatisfiable)
        return send_error(c, oss_error(416, "InvalidRange", "The requested range cannot be satisfied.", "0003-00000405",
                                       {{"ActualObjectSize", std::to_string(o->size)}, {"RangeRequested", std::string(*range)}}));
    auto& res = c.res;
    std::string content_type = "application/octet-stream";
    for (const auto& h : o->meta) {
        if (iequals(h.name, "Content-Type")) {
            content_type = h.value;
        } else if (iequals(h.name, "x-oss-tagging")) {
            std::size_t tags = h.value.empty() ? 0 : 1 + std::count(h.value.begin(), h.value.end(), '&');
            res.set_header("x-oss-tagging-count", std::to_string(tags));
        } else if (iequals(h.name, "x-oss-object-acl") || iequals(h.name, "x-oss-storage-class")) {
            continue;
        } else {
            res.set_header(h.name, h.value);
        }
    }
    std::string storage_class = "Standard";
    for (const auto& h : o->meta)
        if (iequals(h.name, "x-oss-storage-class")) storage_class = h.value;
    res.set_header("ETag", o->etag);
    res.set_header("Last-Modified", format_http_date(o->last_modified));
    res.set_header("x-oss-object-type", o->type);
    res.set_header("x-oss-storage-class", storage_class);
    res.set_header("Accept-Ranges", "bytes");
    std::uint64_t first = 0, length = o->size;
    if (choice.partial) {
        first = choice.first;
        length = choice.length;
        res.status = 206;
        res.set_header("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(first + length - 1) +
                                            "/" + std::to_string(o->size));
    } else {
        res.status = 200;
        res.set_header("x-oss-hash-crc64ecma", std::to_string(o->crc64));
    }
    if (length == 0) {
        res.set_header("Content-Type", content_type);
        return;
    }
    auto reader = blob_reader::open(o->data);
    if (!reader) return send_error(c, reader.error());
    std::shared_ptr<blob_reader> rd = std::move(*reader);
    res.set_content_provider(static_cast<std::size_t>(length), content_type,
                             [rd, first](std::size_t offset, std::size_t len, httplib::DataSink& sink) {
                                 // Hand over at most 4 MiB per call so a slow client does not
                                 // pin a whole object in one pass.
                                 std::size_t want = std::min<std::size_t>(len, 4u << 20);
                                 return rd->read(first + offset, want, [&](const char* d, std::size_t n) {
                                     return sink.write(d, n);
                                 });
                             });
}

void server::impl::delete_object(request_ctx& c) {
    drain(c);
    if (apply_fault(c, 0)) return;
    if (auto r = st->delete_object(c.in.bucket, c.in.key); !r) return send_error(c, r.error());
    send_empty(c, 204);
}

}  // namespace ossmp::inline v0::emulator
