// ossmp-asio-many: uploads N objects concurrently from one io_context thread with the Asio
// adapter, then prints one JSON line:
//   {"uploads":N,"ok":N,"seconds":S,"mb_per_s":X,"threads":T}
// where T is the process's thread count (from /proc/self/status) after the uploads: 1 when
// the endpoint is a numeric address (a host name adds Asio's resolver thread). Exits 1 if
// any upload failed (each failure is reported on standard error), 2 on a usage error.
//
// usage: ossmp-asio-many --endpoint URL --bucket B (--count N --size SIZE | FILE...)
//                        [--parallel P] [--part-size SIZE] [--prefix KEY] [--sign v1|v4]
// Generated objects share one buffer of SIZE pseudo-random bytes; given files are read
// with file_source. Credentials come from OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and
// OSS_SESSION_TOKEN; the V4 region from OSS_REGION or the endpoint's host name.
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <ossmp/adapters/asio.hpp>
#include <ossmp/ossmp.hpp>

namespace {

namespace net = boost::asio;
namespace oa = ossmp::adapters::asio;

[[noreturn]] void usage(const std::string& why) {
    std::fprintf(stderr,
                 "ossmp-asio-many: %s\n"
                 "usage: ossmp-asio-many --endpoint URL --bucket B (--count N --size SIZE | FILE...)\n"
                 "                       [--parallel P] [--part-size SIZE] [--prefix KEY] [--sign v1|v4]\n"
                 "SIZE takes bytes or units: 8MiB, 64M, 1GiB, 5MB. Credentials: OSS_ACCESS_KEY_ID,\n"
                 "OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN; region: OSS_REGION.\n",
                 why.c_str());
    std::exit(2);
}

// "123", "64K", "8MiB", "5MB", "1GiB": binary units for K/M/G/T with or without "iB",
// decimal for "KB"/"MB"/"GB"/"TB".
std::optional<std::uint64_t> parse_size(std::string_view s) {
    std::size_t i = 0;
    std::uint64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (v > (std::uint64_t{1} << 50)) return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(s[i++] - '0');
    }
    if (i == 0) return std::nullopt;
    std::string unit(s.substr(i));
    for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    static const std::pair<const char*, std::uint64_t> units[] = {
        {"", 1},          {"B", 1},
        {"K", 1ull << 10}, {"KIB", 1ull << 10}, {"KB", 1000ull},
        {"M", 1ull << 20}, {"MIB", 1ull << 20}, {"MB", 1000000ull},
        {"G", 1ull << 30}, {"GIB", 1ull << 30}, {"GB", 1000000000ull},
        {"T", 1ull << 40}, {"TIB", 1ull << 40}, {"TB", 1000000000000ull},
    };
    for (const auto& [name, mult] : units)
        if (unit == name) return v * mult;
    return std::nullopt;
}

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

// Threads of this process, as the kernel counts them.
int thread_count() {
    std::ifstream f("/proc/self/status");
    for (std::string line; std::getline(f, line);)
        if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
    return -1;
}

struct totals {
    int ok = 0;
    std::uint64_t bytes = 0;
};

template <class S>
net::awaitable<void> upload_one(oa::client& http, ossmp::upload_config cfg, S source, totals& t) {
    auto m = ossmp::upload_machine::create(cfg);
    if (!m) {
        std::fprintf(stderr, "%s: %s\n", cfg.key.c_str(), m.error().what().c_str());
        co_return;
    }
    auto r = co_await oa::upload(*m, http, source);
    if (!r) {
        std::fprintf(stderr, "%s: %s\n", cfg.key.c_str(), r.error().what().c_str());
        co_return;
    }
    ++t.ok;
    t.bytes += r->size;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    std::optional<std::string> endpoint_text, bucket, prefix, sign;
    std::optional<std::uint64_t> count, size, part_size, parallel;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(std::string(a) + " needs a value");
            return argv[++i];
        };
        auto number = [&](bool with_units) {
            auto text = value();
            bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
            auto v = parse_size(text);
            if (!v || (!with_units && !digits)) usage("bad value '" + text + "' for " + std::string(a));
            return *v;
        };
        if (a == "--endpoint") endpoint_text = value();
        else if (a == "--bucket") bucket = value();
        else if (a == "--prefix") prefix = value();
        else if (a == "--sign") sign = value();
        else if (a == "--count") count = number(false);
        else if (a == "--size") size = number(true);
        else if (a == "--part-size") part_size = number(true);
        else if (a == "--parallel") parallel = number(false);
        else if (a.rfind("--", 0) == 0) usage("unknown option " + std::string(a));
        else files.emplace_back(a);
    }
    if (!endpoint_text) endpoint_text = env("OSS_ENDPOINT");
    if (!endpoint_text) usage("--endpoint is required");
    if (!bucket) usage("--bucket is required");
    if (files.empty() && (!count || !size)) usage("give --count and --size, or files to upload");
    if (!files.empty() && (count || size)) usage("--count/--size and files exclude each other");
    if (count && (*count < 1 || *count > 100000)) usage("--count must be 1..100000");
    if (parallel && (*parallel < 1 || *parallel > 64)) usage("--parallel must be 1..64");

    ossmp::upload_config base;
    auto ep = ossmp::parse_endpoint(*endpoint_text);
    if (!ep) usage(ep.error().what());
    base.ep = *ep;
    base.bucket = *bucket;
    base.max_in_flight = static_cast<std::uint32_t>(parallel.value_or(4));
    base.part_size = part_size.value_or(0);
    auto id = env("OSS_ACCESS_KEY_ID"), secret = env("OSS_ACCESS_KEY_SECRET");
    if (!id || !secret) usage("set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS)");
    base.signing.creds = {*id, *secret, env("OSS_SESSION_TOKEN").value_or("")};
    if (sign.value_or("v4") == "v1") {
        base.signing.version = ossmp::signature_version::v1;
    } else if (!sign || *sign == "v4") {
        base.signing.version = ossmp::signature_version::v4;
        auto region = env("OSS_REGION");
        if (!region) region = ossmp::region_from_host(base.ep.host);
        if (!region) usage("V4 signing needs a region: set OSS_REGION, or use --sign v1");
        base.signing.v4.region = *region;
    } else {
        usage("--sign must be v1 or v4");
    }
    oa::options http_opts;
    // Virtual-hosted names under localhost ("bucket.localhost") reach a loopback server.
    if (base.ep.host == "localhost" && base.ep.style == ossmp::addressing_style::virtual_hosted)
        http_opts.connect_to.push_back({"", base.ep.port, "127.0.0.1", base.ep.port});

    std::string data;
    if (files.empty()) {
        data.resize(static_cast<std::size_t>(*size));
        std::uint64_t x = 0x9E3779B97F4A7C15ull;
        for (std::size_t i = 0; i < data.size(); ++i) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            data[i] = static_cast<char>(x);
        }
    }
    const std::string key_prefix = prefix.value_or("ossmp-asio-many/");
    const std::size_t n = files.empty() ? static_cast<std::size_t>(*count) : files.size();

    net::io_context io(1);
    oa::client http(io.get_executor(), http_opts);
    totals t;
    for (std::size_t i = 0; i < n; ++i) {
        ossmp::upload_config cfg = base;
        if (files.empty()) {
            cfg.key = key_prefix + std::to_string(i);
            cfg.source.size = data.size();
            net::co_spawn(io, upload_one(http, cfg, ossmp::memory_source(data), t), net::detached);
            continue;
        }
        auto f = ossmp::file_source::open(files[i]);
        if (!f) {
            std::fprintf(stderr, "%s: %s\n", files[i].c_str(), f.error().what().c_str());
            continue;
        }
        cfg.key = key_prefix + files[i].substr(files[i].find_last_of('/') + 1);
        cfg.source.size = f->size();
        net::co_spawn(io, upload_one(http, cfg, std::move(*f), t), net::detached);
    }
    auto t0 = std::chrono::steady_clock::now();
    io.run();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"uploads\":%zu,\"ok\":%d,\"seconds\":%.3f,\"mb_per_s\":%.1f,\"threads\":%d}\n", n, t.ok, seconds,
                seconds > 0 ? static_cast<double>(t.bytes) / 1e6 / seconds : 0.0, thread_count());
    return t.ok == static_cast<int>(n) ? 0 : 1;
}
