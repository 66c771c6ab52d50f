// ossmp abort: AbortMultipartUpload, so an unfinished upload's parts stop costing storage.
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "json_out.hpp"
#include "request_command.hpp"
#include "text_out.hpp"

namespace ossmp_cli {

namespace {

int run(const std::vector<std::string>& argv) {
    int status = 0;
    auto ctx = setup_request(argv, {{"upload-id", true}}, true, "ossmp abort oss://BUCKET/KEY --upload-id ID", status);
    if (!ctx) return status;
    auto id = ctx->args.value("upload-id");
    if (!id) return report_error(usage("abort needs --upload-id ID (see ossmp ls-uploads)"), ctx->json);
    auto req = ossmp::make_abort_request(ctx->conn.ep, ctx->target.bucket, ctx->target.key, *id);
    if (!req) return report_error(req.error(), ctx->json);
    auto resp = send_once(ctx->conn, std::move(*req));
    if (!resp) return report_error(resp.error(), ctx->json);
    if (auto e = ossmp::parse_service_error(*resp, ossmp::operation::abort_multipart_upload))
        return report_error(*e, ctx->json);
    if (ctx->json)
        std::printf("%s\n", json_object().boolean("ok", true).str("upload_id", *id).str("state", "aborted").done().c_str());
    else
        std::printf("aborted upload %s of oss://%s/%s\n", printable(*id).c_str(), ctx->target.bucket.c_str(),
                    printable(ctx->target.key).c_str());
    return exit_ok;
}

}  // namespace

extern const command abort_command = {
    "abort", "abort oss://BUCKET/KEY --upload-id ID [--json]",
    "usage: ossmp abort oss://BUCKET/KEY --upload-id ID [options]\n"
    "\n"
    "Aborts an unfinished upload: OSS deletes its parts. It cannot be resumed afterwards.\n"
    "\n"
    "  --upload-id ID        the upload (see ossmp ls-uploads)\n"
    "  --json                print one JSON object {ok, upload_id, state}\n",
    true, run};

}  // namespace ossmp_cli
