// ossmp ls-parts: the parts OSS holds for one unfinished upload, every page of ListParts.
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "json_out.hpp"
#include "progress_line.hpp"
#include "request_command.hpp"
#include "text_out.hpp"

namespace ossmp_cli {

namespace {

constexpr const char* usage_line = "ossmp ls-parts oss://BUCKET/KEY --upload-id ID [--json]";

int run(const std::vector<std::string>& argv) {
    int status = 0;
    auto ctx = setup_request(argv, {{"upload-id", true}}, true, usage_line, status);
    if (!ctx) return status;
    auto id = ctx->args.value("upload-id");
    if (!id) return report_error(usage("ls-parts needs --upload-id ID (see ossmp ls-uploads)"), ctx->json);
    ossmp::list_parts_options o;
    std::string items;
    std::uint64_t bytes = 0, count = 0;
    for (;;) {
        auto req = ossmp::make_list_parts_request(ctx->conn.ep, ctx->target.bucket, ctx->target.key, *id, o);
        if (!req) return report_error(req.error(), ctx->json);
        auto resp = send_once(ctx->conn, std::move(*req));
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
                            printable(p.etag).c_str(), crc.c_str(), ossmp::format_iso8601(p.last_modified).c_str());
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
                                .str("bucket", ctx->target.bucket)
                                .str("key", ctx->target.key)
                                .str("upload_id", *id)
                                .num("bytes", bytes)
                                .raw("parts", "[" + items + "]")
                                .done()
                                .c_str());
    else
        std::printf("%llu parts, %s\n", static_cast<unsigned long long>(count),
                    human_bytes(static_cast<double>(bytes)).c_str());
    return exit_ok;
}

}  // namespace

extern const command ls_parts_command = {
    "ls-parts", "ls-parts oss://BUCKET/KEY --upload-id ID [--json]",
    "usage: ossmp ls-parts oss://BUCKET/KEY --upload-id ID [options]\n"
    "\n"
    "Lists the parts OSS holds for an unfinished upload: number, size, ETag, CRC-64 and time,\n"
    "then the count and total size.\n"
    "\n"
    "  --upload-id ID        the upload (see ossmp ls-uploads)\n"
    "  --json                print one JSON object {ok, bucket, key, upload_id, bytes, parts: [...]}\n",
    true, run};

}  // namespace ossmp_cli
