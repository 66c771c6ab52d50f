// ossmp presign: a URL that works without credentials until it expires (GetObject,
// PutObject, or one UploadPart of an upload).
#include <chrono>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "json_out.hpp"
#include "request_command.hpp"

namespace ossmp_cli {

namespace {

constexpr const char* usage_line =
    "ossmp presign oss://BUCKET/KEY [--method GET|PUT] [--expires SECONDS] [--upload-id ID --part N]";

int run(const std::vector<std::string>& argv) {
    int status = 0;
    auto ctx = setup_request(argv, {{"method", true}, {"expires", true}, {"upload-id", true}, {"part", true}}, true,
                             usage_line, status);
    if (!ctx) return status;
    auto method = ctx->args.value("method").value_or("GET");
    auto expires = parse_number<std::uint32_t>(ctx->args.value("expires").value_or("900"));
    if (!expires || *expires == 0) return report_error(usage("--expires must be a positive number of seconds"), ctx->json);
    auto id = ctx->args.value("upload-id");
    auto part_text = ctx->args.value("part");
    if (id.has_value() != part_text.has_value())
        return report_error(usage("--upload-id and --part go together (a presigned UploadPart)"), ctx->json);
    const auto& ep = ctx->conn.ep;
    const auto& t = ctx->target;
    ossmp::result<ossmp::http_request> req = usage("unreachable");
    if (id) {
        auto n = parse_number<std::uint32_t>(*part_text);
        if (!n) return report_error(usage("--part must be a part number (1..10000)"), ctx->json);
        if (method != "PUT" && ctx->args.has("method"))
            return report_error(usage("a presigned UploadPart is a PUT"), ctx->json);
        req = ossmp::make_upload_part_request(ep, t.bucket, t.key, *id, *n, {0, 0});
    } else if (method == "GET") {
        req = ossmp::make_get_object_request(ep, t.bucket, t.key);
    } else if (method == "PUT") {
        req = ossmp::make_put_object_request(ep, t.bucket, t.key, {0, 0});
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
        for (const auto& h : url->headers)
            std::fprintf(stderr, "send with header: %s: %s\n", h.name.c_str(), printable(h.value).c_str());
    }
    return exit_ok;
}

}  // namespace

extern const command presign_command = {
    "presign", "presign oss://BUCKET/KEY [--method GET|PUT] [--expires SECONDS] [--upload-id ID --part N]",
    "usage: ossmp presign oss://BUCKET/KEY [options]\n"
    "\n"
    "Prints a presigned URL: anyone holding it can do that one request until it expires.\n"
    "Headers the request must carry (STS token with V1, say) are printed on stderr.\n"
    "\n"
    "  --method GET|PUT      GetObject (default) or PutObject\n"
    "  --expires SECONDS     lifetime (default 900; V4 allows up to 604800)\n"
    "  --upload-id ID --part N   a URL for UploadPart N of that upload (a PUT)\n"
    "  --json                print one JSON object {ok, method, url, expires}\n",
    true, run};

}  // namespace ossmp_cli
