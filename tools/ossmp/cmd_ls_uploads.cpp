// ossmp ls-uploads: the unfinished multipart uploads in a bucket (under a prefix), every
// page of ListMultipartUploads. Keys come from other writers, so the plain output escapes
// them (text_out.hpp): one upload per line, always.
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "json_out.hpp"
#include "request_command.hpp"
#include "text_out.hpp"

namespace ossmp_cli {

namespace {

constexpr const char* usage_line = "ossmp ls-uploads oss://BUCKET[/PREFIX] [--json]";

int run(const std::vector<std::string>& argv) {
    int status = 0;
    auto ctx = setup_request(argv, {}, false, usage_line, status);
    if (!ctx) return status;
    ossmp::list_uploads_options o;
    o.prefix = ctx->target.key;
    std::string items;
    std::size_t count = 0;
    for (;;) {
        auto req = ossmp::make_list_uploads_request(ctx->conn.ep, ctx->target.bucket, o);
        if (!req) return report_error(req.error(), ctx->json);
        auto resp = send_once(ctx->conn, std::move(*req));
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
                std::printf("%s  %s  %s\n", ossmp::format_iso8601(u.initiated).c_str(), printable(u.upload_id).c_str(),
                            printable(u.key).c_str());
            }
        }
        if (!page->is_truncated) break;
        // A truncated page must move the markers on, or the listing would never end.
        if ((page->next_key_marker.empty() && page->next_upload_id_marker.empty()) ||
            (page->next_key_marker == o.key_marker && page->next_upload_id_marker == o.upload_id_marker))
            return report_error(ossmp::make_error(ossmp::errc::malformed_response,
                                                  "ListMultipartUploads is truncated but its next markers (key '" +
                                                      page->next_key_marker + "', upload id '" +
                                                      page->next_upload_id_marker + "') do not advance",
                                                  ossmp::operation::list_multipart_uploads),
                                ctx->json);
        o.key_marker = page->next_key_marker;
        o.upload_id_marker = page->next_upload_id_marker;
    }
    if (ctx->json)
        std::printf("%s\n", json_object()
                                .boolean("ok", true)
                                .str("bucket", ctx->target.bucket)
                                .raw("uploads", "[" + items + "]")
                                .done()
                                .c_str());
    else if (count == 0)
        std::printf("no unfinished uploads in oss://%s/%s\n", ctx->target.bucket.c_str(),
                    printable(ctx->target.key).c_str());
    return exit_ok;
}

}  // namespace

extern const command ls_uploads_command = {
    "ls-uploads", "ls-uploads oss://BUCKET[/PREFIX] [--json]",
    "usage: ossmp ls-uploads oss://BUCKET[/PREFIX] [options]\n"
    "\n"
    "Lists the unfinished multipart uploads in BUCKET (keys starting with PREFIX): when each\n"
    "was initiated, its upload id and its key, one per line. Keys are printed with control\n"
    "characters and bytes that are not UTF-8 escaped (\\n, \\x1b, \\u{202e}...).\n"
    "\n"
    "  --json                print one JSON object {ok, bucket, uploads: [{key, upload_id,\n"
    "                        initiated, storage_class}]}\n",
    true, run};

}  // namespace ossmp_cli
