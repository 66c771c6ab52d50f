// ossmp: a command-line tool for OSS multipart uploads, built only on ossmp's public API
// and its libcurl adapter (and the emulator for `serve` and `demo`). One file per command
// (cmd_*.cpp); this one dispatches and prints help.
#include <cstdio>
#include <string>
#include <vector>

#include <ossmp/version.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "report.hpp"

namespace {

using namespace ossmp_cli;

const command* const commands[] = {&cp_command,    &ls_uploads_command, &ls_parts_command, &abort_command,
                                   &presign_command, &serve_command,    &demo_command};

constexpr const char* exit_status_help =
    "Exit status: 0 ok, 1 internal error, 2 usage error (nothing was sent), 3 service error,\n"
    "4 integrity failure or the source changed, 5 local I/O error (file, checkpoint, lock),\n"
    "6 network failure or --timeout, 7 the data does not fit in one upload (standard input\n"
    "beyond 10,000 parts; nothing was stored), 130 interrupted (resumable).\n";

void print_usage(std::FILE* out) {
    std::fputs("usage: ossmp COMMAND [ARGS]   (ossmp COMMAND --help for each command's options)\n\n", out);
    for (const auto* c : commands) std::fprintf(out, "  %s\n", c->synopsis);
    std::fputs("\n"
               "Credentials and target come from OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN,\n"
               "OSS_ENDPOINT and OSS_REGION; flags win. SIZE takes bytes or units: 8MiB, 64M, 1GiB, 5MB.\n"
               "Names from OSS (keys, ids) are printed with control characters escaped; --json output\n"
               "is always valid JSON (bytes that are not UTF-8 become U+FFFD).\n",
               out);
    std::fputs(exit_status_help, out);
}

void print_help(const command& c) {
    std::fputs(c.help, stdout);
    if (c.takes_connection) std::printf("\nConnection options:\n%s", connection_help);
    std::printf("\n%s", exit_status_help);
}

const command* find(const std::string& name) {
    for (const auto* c : commands)
        if (name == c->name) return c;
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        print_usage(stderr);
        return exit_usage;
    }
    const std::string& first = args[0];
    if (first == "--help" || first == "-h" || first == "help") {
        if (args.size() > 1) {
            if (const auto* c = find(args[1])) {
                print_help(*c);
                return exit_ok;
            }
        }
        print_usage(stdout);
        return exit_ok;
    }
    if (first == "--version") {
        std::printf("ossmp %s\n", ossmp::version_string);
        return exit_ok;
    }
    const auto* c = find(first);
    if (!c) {
        std::fprintf(stderr, "ossmp: error: unknown command '%s'\n\n", printable(first).c_str());
        print_usage(stderr);
        return exit_usage;
    }
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (wants_help(rest)) {
        print_help(*c);
        return exit_ok;
    }
    return c->run(rest);
}
