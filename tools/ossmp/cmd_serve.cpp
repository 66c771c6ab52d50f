// ossmp serve: the local OSS emulator as a server, until Ctrl-C or SIGTERM.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <ossmp/emulator/server.hpp>

#include "commands.hpp"
#include "connection.hpp"
#include "upload_loop.hpp"

namespace ossmp_cli {

namespace {

int run(const std::vector<std::string>& argv) {
    flag_spec spec{{"port", true},          {"dir", true},           {"bucket", true},  {"bind", true},
                   {"region", true},        {"access-key-id", true}, {"access-key-secret", true},
                   {"security-token", true}, {"fail-rate", true},    {"fail-status", true}, {"reset-rate", true},
                   {"error200-rate", true}, {"delay-ms", true},      {"fault-ops", true}, {"seed", true},
                   {"threads", true},       {"log", false},          {"fast-etag", false},
                   {"no-control-plane", false}};
    auto a = parse_args(argv, spec);
    if (!a) return report_error(a.error(), false);
    if (!a->positional.empty()) return report_error(usage("serve takes no positional arguments"), false);
    ossmp::emulator::config cfg;
    cfg.bind = a->value("bind").value_or("127.0.0.1");
    if (auto p = a->value("port")) {
        auto n = parse_number<std::uint16_t>(*p);
        if (!n) return report_error(usage("--port must be 0..65535"), false);
        cfg.port = *n;
    }
    if (auto t = a->value("threads")) {
        auto n = parse_number<std::uint32_t>(*t);
        if (!n || *n < 1 || *n > 1024) return report_error(usage("--threads must be 1..1024 (got '" + *t + "')"), false);
        cfg.threads = *n;
    }
    cfg.dir = a->value("dir").value_or("");
    cfg.buckets = a->values("bucket");
    if (auto r = a->value("region").value_or(env("OSS_REGION").value_or("")); !r.empty()) cfg.region = ossmp::v4_region(r);
    auto id = a->value("access-key-id");
    if (!id) id = env("OSS_ACCESS_KEY_ID");
    auto secret = a->value("access-key-secret");
    if (!secret) secret = env("OSS_ACCESS_KEY_SECRET");
    auto token = a->value("security-token");
    if (!token) token = env("OSS_SESSION_TOKEN");
    if (!id || !secret)
        return report_error(usage("serve needs the access key it accepts: set OSS_ACCESS_KEY_ID and "
                                  "OSS_ACCESS_KEY_SECRET (any values), e.g. "
                                  "OSS_ACCESS_KEY_ID=test OSS_ACCESS_KEY_SECRET=test ossmp serve --bucket demo"),
                            false);
    cfg.accounts.push_back({*id, *secret, token.value_or("")});
    // Fault flags use the control plane's names (PUT /_emulator/faults).
    ossmp::query_params fq;
    for (auto [flag, name] : {std::pair{"fail-rate", "error_rate"}, {"fail-status", "error_status"},
                              {"reset-rate", "reset_rate"}, {"error200-rate", "error200_rate"},
                              {"delay-ms", "delay_ms"}, {"fault-ops", "ops"}, {"seed", "seed"}})
        if (auto v = a->value(flag)) fq.push_back({name, *v});
    auto faults = ossmp::emulator::parse_fault_query(fq);
    if (!faults) return report_error(faults.error(), false);
    cfg.faults = *faults;
    cfg.fast_etag = a->has("fast-etag");
    cfg.control_plane = !a->has("no-control-plane");
    if (a->has("log")) cfg.log = [](std::string_view line) { std::fprintf(stderr, "%.*s\n", int(line.size()), line.data()); };

    auto server = ossmp::emulator::server::start(cfg);
    if (!server) return report_error(server.error(), false);
    std::printf("listening on %s\n", (*server)->url().c_str());
    std::string buckets;
    for (const auto& b : cfg.buckets) buckets += (buckets.empty() ? "" : ", ") + b;
    std::printf("# storage: %s; buckets: %s\n", cfg.dir.empty() ? "memory (lost at exit)" : cfg.dir.c_str(),
                buckets.empty() ? "none yet (create one with PutBucket, or pass --bucket NAME)" : buckets.c_str());
    if (cfg.control_plane)
        std::printf("# control plane: /_emulator/... with header X-Ossmp-Emulator-Token: %s\n",
                    (*server)->control_token().c_str());
    else
        std::printf("# control plane: off\n");
    if (cfg.bind != "127.0.0.1" && cfg.bind != "::1" && cfg.bind != "localhost")
        std::printf("# warning: bound to %s, beyond loopback: anyone who reaches it can use the accepted key\n",
                    cfg.bind.c_str());
    std::printf("# in another shell with the same credentials: export OSS_ENDPOINT=%s OSS_REGION=%s\n",
                (*server)->url().c_str(), cfg.region.c_str());
    std::fflush(stdout);
    install_interrupt_handlers();
    while (!interrupted.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (*server)->stop();
    std::fprintf(stderr, "ossmp: emulator stopped\n");
    return exit_ok;
}

}  // namespace

extern const command serve_command = {
    "serve", "serve [--port P] [--dir DIR] [--bucket B]... [--threads N] [--fail-rate X] ...   (the emulator)",
    "usage: ossmp serve [options]\n"
    "\n"
    "Runs the local OSS emulator until Ctrl-C or SIGTERM. It accepts the access key from\n"
    "OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN, making it an STS key)\n"
    "or the flags, and prints the URL it listens on.\n"
    "\n"
    "  --port P              port (default 0: any free port)\n"
    "  --bind ADDR           address (default 127.0.0.1). Warning: beyond loopback, anyone who\n"
    "                        reaches the port can use the accepted key's operations, and whoever\n"
    "                        learns the control token can break every client: trusted networks only\n"
    "  --no-control-plane    switch /_emulator/ off (counters, fault injection over HTTP); with it\n"
    "                        on, requests need the header X-Ossmp-Emulator-Token printed at start\n"
    "  --dir DIR             keep buckets, parts and objects there (default: memory only)\n"
    "  --bucket B            a bucket that exists from the start (repeatable)\n"
    "  --region R            the V4 region it accepts (default $OSS_REGION or cn-hangzhou)\n"
    "  --threads N           most worker threads (each open connection holds one; started as\n"
    "                        connections arrive; default 256)\n"
    "  --access-key-id ID, --access-key-secret S, --security-token T\n"
    "  --fail-rate X, --fail-status 500|503, --reset-rate X, --error200-rate X, --delay-ms N,\n"
    "  --fault-ops OPS, --seed N   fault injection (as PUT /_emulator/faults)\n"
    "  --fast-etag           ETags from the CRC-64 instead of an MD5 of every byte (benchmarks)\n"
    "  --log                 one line per request on stderr\n",
    false, run};

}  // namespace ossmp_cli
