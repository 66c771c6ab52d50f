// ossmp: a command-line tool for OSS multipart uploads, built only on ossmp's public API
// and its libcurl adapter (and the emulator for `serve` and `demo`).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.hpp"

namespace {

const char* usage_text =
    "usage: ossmp COMMAND [ARGS]\n"
    "\n"
    "  cp FILE oss://BUCKET/KEY   upload a file (resumable: run it again after an interruption)\n"
    "       [--endpoint URL] [--region R] [--sign v1|v4] [--path-style|--virtual-hosted]\n"
    "       [--part-size SIZE] [--parallel N] [--checkpoint FILE] [--restart] [--complete-all]\n"
    "       [--content-md5] [--meta K=V]... [--storage-class C] [--acl A] [--content-type T]\n"
    "       [--forbid-overwrite] [--no-progress] [--json]\n"
    "  cp - oss://BUCKET/KEY      upload standard input (size unknown)\n"
    "  ls-uploads oss://BUCKET[/PREFIX] [--json]\n"
    "  ls-parts oss://BUCKET/KEY --upload-id ID [--json]\n"
    "  abort oss://BUCKET/KEY --upload-id ID\n"
    "  presign oss://BUCKET/KEY [--method GET|PUT] [--expires SECONDS] [--upload-id ID --part N] [--sign v1|v4]\n"
    "  serve [--port P] [--dir DIR] [--bucket B]... [--bind ADDR] [--region R] [--log] [--fast-etag]\n"
    "        [--fail-rate X] [--fail-status 500|503] [--reset-rate X] [--error200-rate X] [--delay-ms N]\n"
    "  demo [--size SIZE] [--part-size SIZE] [--parallel N] [--keep] [--no-progress]\n"
    "\n"
    "Credentials and target come from OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN,\n"
    "OSS_ENDPOINT and OSS_REGION; flags win. SIZE takes bytes or units: 8MiB, 64M, 1GiB, 5MB.\n"
    "Exit status: 0 ok, 2 usage, 3 service error, 4 integrity failure, 5 local I/O error,\n"
    "6 network failure, 130 interrupted (resumable).\n";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
        std::strcmp(argv[1], "help") == 0) {
        std::fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? ossmp_cli::exit_usage : ossmp_cli::exit_ok;
    }
    if (std::strcmp(argv[1], "--version") == 0) {
        std::printf("ossmp %s\n", ossmp::version_string);
        return 0;
    }
    std::string cmd = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    using namespace ossmp_cli;
    if (cmd == "cp") return cmd_cp(args);
    if (cmd == "ls-uploads") return cmd_ls_uploads(args);
    if (cmd == "ls-parts") return cmd_ls_parts(args);
    if (cmd == "abort") return cmd_abort(args);
    if (cmd == "presign") return cmd_presign(args);
    if (cmd == "serve") return cmd_serve(args);
    if (cmd == "demo") return cmd_demo(args);
    std::fprintf(stderr, "ossmp: error: unknown command '%s'\n\n%s", cmd.c_str(), usage_text);
    return exit_usage;
}
