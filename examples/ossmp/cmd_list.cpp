// ossmp ls-uploads, ls-parts, abort and presign: single requests (paged for the lists).
#include "commands.hpp"

#include <cstdio>

#include "progress_line.hpp"

namespace ossmp_cli {

namespace {

struct request_context {
    parsed_args args;
    connection conn;
    bool json = false;
};

// Parses flags shared by these commands; returns nullopt after reporting an error.
std::optional<request_context> setup(const std::vector<std::string>& argv, flag_spec spec, std::size_t positional,
                                     const char* usage_text, int& status) {
    add_connection_flags(spec);
    spec["json"] = false;
    auto a = parse_args(argv, spec);
    bool json = a && a->has("json");
    if (!a) {
        status = report_error(a.error(), json);
        return std::nullopt;
    }
    if (a->positional.size() != positional) {
        status = report_error(usage(std::string("usage: ") + usage_text), json);
        return std::nullopt;
    }
    auto c = resolve_connection(*a);
    if (!c) {
        status = report_error(c.error(), json);
        return std::nullopt;
    }
    return request_context{std::move(*a), std::move(*c), json};
}

}  // namespace

int cmd_ls_uploads(const std::vector<std::string>& argv) {
    int status = 0;
    auto ctx = setup(argv, {}, 1, "ossmp ls-uploads oss://BUCKET[/PREFIX] [--json]", status);
    if (!ctx) return status;
    auto target = target_of(ctx->args.positional[0], false);
    if (!target) return report_error(target.error(), ctx->json);
    ossmp::adapters::curl::client http(ctx->conn.http);
    ossmp::list_uploads_options o;
    o.prefix = target->key;
    std::string items;
    std::size_t count = 0;
    for (;;) {
        auto req = ossmp::make_list_uploads_request(ctx->conn.ep, target->bucket, o);
        if (!req) return report_error(req.error(), ctx->json);
        auto resp = send_once(http, ctx->conn, std::move(*req));
        if (!resp) return report_error(resp.error(), ctx->json);
        auto page = ossmp::parse_list_uploads_result(*resp);
        if (!page) return report_error(page.error(), ctx->json);
        for (const auto& u : page->uploads) {
            ++count;
            if (ctx->json) {
                if (!items.empty()) items += ',';
                items += json_object()
                             .str("key", u.key)
                             .str("upload_id", u.upload_id)
                             .str("initiated", ossmp::format_iso8601(u.initiated))
                             .str("storage_class", u.storage_class)
                             .done();
            } else {
                std::printf("%s  %s  %s\n", ossmp::format_iso8601(u.initiated).c_str(), u.upload_id.c_str(),
                            u.key.c_str());
            }
        }
        if (!page->is_truncated) break;
        if (page->next_key_marker.empty() && page->next_upload_id_marker.empty())
            return report_error(ossmp::make_error(ossmp::errc::malformed_response,
                                                  "ListMultipartUploads is truncated but gave no next marker",
                                                  ossmp::operation::list_multipart_uploads),
                                ctx->json);
        o.key_marker = page->next_key_marker;
        o.upload_id_marker = page->next_upload_id_marker;
    }
    if (ctx->json)
        std::printf("%s\n", json_object().boolean("ok", true).str("bucket", target->bucket).raw("uploads", "[" + items + "]").done().c_str());
    else if (count == 0)
        std::printf("no unfinished uploads in oss://%s/%s\n", target->bucket.c_str(), target->key.c_str());
    return exit_ok;
}

int cmd_ls_parts(const std::vector<std::string>& argv) {
    int status = 0;
    auto ctx = setup(argv, {{"upload-id", true}}, 1, "ossmp ls-parts oss://BUCKET/KEY --upload-id ID [--json]", status);
    if (!ctx) return status;
    auto target = target_of(ctx->args.positional[0], true);
    if (!target) return report_error(target.error(), ctx->json);
    auto id = ctx->args.value("upload-id");
    if (!id) return report_error(usage("ls-parts needs --upload-id ID (see ossmp ls-uploads)"), ctx->json);
    ossmp::adapters::curl::client http(ctx->conn.http);
    ossmp::list_parts_options o;
    std::string items;
    std::uint64_t bytes = 0, count = 0;
    for (;;) {
        auto req = ossmp::make_list_parts_request(ctx->conn.ep, target->bucket, target->key, *id, o);
        if (!req) return report_error(req.error(), ctx->json);
        auto resp = send_once(http, ctx->conn, std::move(*req));
        if (!resp) return report_error(resp.error(), ctx->json);
        auto page = ossmp::parse_list_parts_result(*resp);
        if (!page) return report_error(page.error(), ctx->json);
        for (const auto& p : page->parts) {
            ++count;
            bytes += p.size;
            auto crc = p.crc64 ? std::to_string(*p.crc64) : std::string();
            if (ctx->json) {
                if (!items.empty()) items += ',';
                items += json_object()
                             .num("part_number", p.part_number)
                             .num("size", p.size)
                             .str("etag", p.etag)
                             .str("crc64", crc)
                             .str("last_modified", ossmp::format_iso8601(p.last_modified))
                             .done();
            } else {
                std::printf("%5u  %12llu  %s  %s  %s\n", p.part_number, static_cast<unsigned long long>(p.size),
                            p.etag.c_str(), crc.c_str(), ossmp::format_iso8601(p.last_modified).c_str());
            }
        }
        if (!page->is_truncated) break;
        if (page->next_part_number_marker <= o.part_number_marker)
            return report_error(ossmp::make_error(ossmp::errc::malformed_response,
                                                  "ListParts is truncated but its next marker does not advance",
                                                  ossmp::operation::list_parts),
                                ctx->json);
        o.part_number_marker = page->next_part_number_marker;
    }
    if (ctx->json)
        std::printf("%s\n", json_object()
                                .boolean("ok", true)
                                .str("bucket", target->bucket)
                                .str("key", target->key)
                                .str("upload_id", *id)
                                .num("bytes", bytes)
                                .raw("parts", "[" + items + "]")
                                .done()
                                .c_str());
    else
        std::printf("%llu parts, %s\n", static_cast<unsigned long long>(count), human_bytes(static_cast<double>(bytes)).c_str());
    return exit_ok;
}

int cmd_abort(const std::vector<std::string>& argv) {
    int status = 0;
    auto ctx = setup(argv, {{"upload-id", true}}, 1, "ossmp abort oss://BUCKET/KEY --upload-id ID", status);
    if (!ctx) return status;
    auto target = target_of(ctx->args.positional[0], true);
    if (!target) return report_error(target.error(), ctx->json);
    auto id = ctx->args.value("upload-id");
    if (!id) return report_error(usage("abort needs --upload-id ID (see ossmp ls-uploads)"), ctx->json);
    auto req = ossmp::make_abort_request(ctx->conn.ep, target->bucket, target->key, *id);
    if (!req) return report_error(req.error(), ctx->json);
    ossmp::adapters::curl::client http(ctx->conn.http);
    auto resp = send_once(http, ctx->conn, std::move(*req));
    if (!resp) return report_error(resp.error(), ctx->json);
    if (auto e = ossmp::parse_service_error(*resp, ossmp::operation::abort_multipart_upload)) return report_error(*e, ctx->json);
    if (ctx->json)
        std::printf("%s\n", json_object().boolean("ok", true).str("upload_id", *id).str("state", "aborted").done().c_str());
    else
        std::printf("aborted upload %s of oss://%s/%s\n", id->c_str(), target->bucket.c_str(), target->key.c_str());
    return exit_ok;
}

int cmd_presign(const std::vector<std::string>& argv) {
    int status = 0;
    auto ctx = setup(argv, {{"method", true}, {"expires", true}, {"upload-id", true}, {"part", true}}, 1,
                     "ossmp presign oss://BUCKET/KEY [--method GET|PUT] [--expires SECONDS] [--upload-id ID --part N]",
                     status);
    if (!ctx) return status;
    auto target = target_of(ctx->args.positional[0], true);
    if (!target) return report_error(target.error(), ctx->json);
    auto method = ctx->args.value("method").value_or("GET");
    auto expires = ossmp::detail::parse_unsigned<std::uint32_t>(ctx->args.value("expires").value_or("900"));
    if (!expires || *expires == 0) return report_error(usage("--expires must be a positive number of seconds"), ctx->json);
    auto id = ctx->args.value("upload-id");
    auto part_text = ctx->args.value("part");
    if (id.has_value() != part_text.has_value())
        return report_error(usage("--upload-id and --part go together (a presigned UploadPart)"), ctx->json);
    ossmp::result<ossmp::http_request> req = usage("unreachable");
    if (id) {
        auto n = ossmp::detail::parse_unsigned<std::uint32_t>(*part_text);
        if (!n) return report_error(usage("--part must be a part number (1..10000)"), ctx->json);
        if (method != "PUT" && ctx->args.has("method"))
            return report_error(usage("a presigned UploadPart is a PUT"), ctx->json);
        req = ossmp::make_upload_part_request(ctx->conn.ep, target->bucket, target->key, *id, *n, {0, 0});
    } else if (method == "GET") {
        req = ossmp::make_get_object_request(ctx->conn.ep, target->bucket, target->key);
    } else if (method == "PUT") {
        req = ossmp::make_put_object_request(ctx->conn.ep, target->bucket, target->key, {0, 0});
    } else {
        return report_error(usage("--method must be GET or PUT"), ctx->json);
    }
    if (!req) return report_error(req.error(), ctx->json);
    auto url = ossmp::presign_request(*req, ctx->conn.signing, ossmp::system_clock{}.now(), std::chrono::seconds(*expires));
    if (!url) return report_error(url.error(), ctx->json);
    if (ctx->json) {
        std::printf("%s\n", json_object()
                                .boolean("ok", true)
                                .str("method", req->method)
                                .str("url", url->url)
                                .str("expires", ossmp::format_iso8601(url->expires))
                                .done()
                                .c_str());
    } else {
        std::printf("%s\n", url->url.c_str());
        for (const auto& h : url->headers) std::fprintf(stderr, "send with header: %s: %s\n", h.name.c_str(), h.value.c_str());
    }
    return exit_ok;
}

}  // namespace ossmp_cli
