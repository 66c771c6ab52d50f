// ossmp-emulator: runs the OSS emulator until SIGINT or SIGTERM. The first line of standard
// output is "listening on <url>", so scripts can start it with --port 0 and read the port; the
// second, with the control plane on, is "control token: <token>" (for X-Ossmp-Emulator-Token).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <ossmp/emulator/server.hpp>

namespace {

constexpr const char* usage_text =
    "usage: ossmp-emulator [options]\n"
    "  --bind ADDR              address to listen on (default 127.0.0.1). Beyond loopback, anyone\n"
    "                           who reaches the port can use the accepted key's operations, and\n"
    "                           whoever learns the control token can break every client\n"
    "  --no-control-plane       switch /_emulator/ (counters, faults) off\n"
    "  --port N                 port (default 0: any free port)\n"
    "  --dir PATH               keep data under PATH (default: in memory)\n"
    "  --bucket NAME            create bucket NAME (repeatable)\n"
    "  --access-key-id ID       accepted access key id (or env OSS_ACCESS_KEY_ID)\n"
    "  --access-key-secret S    its secret (or env OSS_ACCESS_KEY_SECRET)\n"
    "  --security-token T       makes the key an STS key needing T (or env OSS_SESSION_TOKEN)\n"
    "  --region R               V4 region (default cn-hangzhou)\n"
    "  --virtual-host-domain D  accept bucket.D as virtual-hosted host (repeatable; default localhost)\n"
    "  --threads N              most worker threads, started as connections arrive (default 256)\n"
    "  --fast-etag              benchmark mode: ETags from CRC-64, not MD5 (not OSS-exact)\n"
    "  --log                    print one line per request to standard error\n"
    "fault injection (off by default; also settable at run time: PUT /_emulator/faults?...):\n"
    "  --fault-seed N           seed of the deterministic fault choice\n"
    "  --fault-ops A,B          operations faults apply to (default UploadPart; * = all)\n"
    "  --fault-error-rate F     share of those requests answered with --fault-error-status\n"
    "  --fault-error-status N   500 (InternalError) or 503 (SlowDown)\n"
    "  --fault-reset-rate F     share whose connection is reset mid-body\n"
    "  --fault-reset-after N    body bytes read before the reset (default 65536)\n"
    "  --fault-error200-rate F  share answered 200 with an <Error> body\n"
    "  --fault-delay-ms N       delay every response by N ms\n";

[[noreturn]] void usage_error(const std::string& what) {
    std::fprintf(stderr, "ossmp-emulator: %s\n%s", what.c_str(), usage_text);
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace ossmp::emulator;
    config cfg;
    ossmp::credentials acct;
    if (const char* v = std::getenv("OSS_ACCESS_KEY_ID")) acct.access_key_id = v;
    if (const char* v = std::getenv("OSS_ACCESS_KEY_SECRET")) acct.access_key_secret = v;
    if (const char* v = std::getenv("OSS_SESSION_TOKEN")) acct.security_token = v;
    ossmp::query_params fault_query;
    bool custom_domains = false;
    bool log = false;

    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage_error(std::string(a) + " needs a value");
            return argv[++i];
        };
        auto number = [&](std::uint64_t max) -> std::uint64_t {
            std::string v = value();
            char* end = nullptr;
            unsigned long long n = std::strtoull(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || n > max) usage_error(std::string(a) + ": bad number '" + v + "'");
            return n;
        };
        if (a == "--help" || a == "-h") {
            std::fputs(usage_text, stdout);
            return 0;
        } else if (a == "--bind") {
            cfg.bind = value();
        } else if (a == "--port") {
            cfg.port = static_cast<std::uint16_t>(number(65535));
        } else if (a == "--dir") {
            cfg.dir = value();
        } else if (a == "--bucket") {
            cfg.buckets.push_back(value());
        } else if (a == "--access-key-id") {
            acct.access_key_id = value();
        } else if (a == "--access-key-secret") {
            acct.access_key_secret = value();
        } else if (a == "--security-token") {
            acct.security_token = value();
        } else if (a == "--region") {
            cfg.region = value();
        } else if (a == "--virtual-host-domain") {
            if (!custom_domains) cfg.virtual_host_domains.clear();
            custom_domains = true;
            cfg.virtual_host_domains.push_back(value());
        } else if (a == "--fast-etag") {
            cfg.fast_etag = true;
        } else if (a == "--threads") {
            cfg.threads = static_cast<std::size_t>(number(4096));
        } else if (a == "--no-control-plane") {
            cfg.control_plane = false;
        } else if (a == "--log") {
            log = true;
        } else if (a.substr(0, 8) == "--fault-") {
            static const std::pair<std::string_view, const char*> names[] = {
                {"--fault-seed", "seed"},           {"--fault-ops", "ops"},
                {"--fault-error-rate", "error_rate"}, {"--fault-error-status", "error_status"},
                {"--fault-reset-rate", "reset_rate"}, {"--fault-reset-after", "reset_after"},
                {"--fault-error200-rate", "error200_rate"}, {"--fault-delay-ms", "delay_ms"}};
            const char* name = nullptr;
            for (const auto& [flag, q] : names)
                if (a == flag) name = q;
            if (!name) usage_error("unknown option " + std::string(a));
            fault_query.push_back({name, value()});
        } else {
            usage_error("unknown option " + std::string(a));
        }
    }
    if (acct.access_key_id.empty() || acct.access_key_secret.empty())
        usage_error("an access key id and secret are required (flags or OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET)");
    cfg.accounts.push_back(acct);
    if (!fault_query.empty()) {
        auto f = parse_fault_query(fault_query);
        if (!f) usage_error(f.error().message);
        cfg.faults = *f;
    }
    if (log) cfg.log = [](std::string_view line) { std::fprintf(stderr, "%.*s\n", int(line.size()), line.data()); };

    // Block the stop signals before any thread starts, so every thread inherits the mask and
    // sigwait below is the only place they are delivered.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    auto srv = server::start(std::move(cfg));
    if (!srv) {
        std::fprintf(stderr, "ossmp-emulator: %s\n", srv.error().what().c_str());
        return 1;
    }
    std::printf("listening on %s\n", (*srv)->url().c_str());
    if ((*srv)->control_plane()) std::printf("control token: %s\n", (*srv)->control_token().c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    (*srv)->stop();
    return 0;
}
