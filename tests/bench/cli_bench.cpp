// ossmp-cli-bench: the same file uploaded to the same emulator (`ossmp serve`, in memory, its
// own process), in the same run, by three clients, each a separate process so its CPU time
// and peak RSS are its own (wait4's rusage of the child; this parent stays small, since
// Linux carries a parent's peak RSS into a spawned child):
//   (a) `ossmp cp` (multipart, CRC-64 on, PART_SIZE, PARALLEL)
//   (b) the official Node.js SDK: ali-oss multipartUpload, same part size and parallelism
//   (c) libcurl doing one plain signed PutObject of the whole file (this program, re-run
//       as a child with --plain-put)
// Each starts with the file in the page cache. Rounds alternate the order; medians are
// reported as JSON lines (ossmp vs each peer, MB/s) and '#' lines with CPU seconds per GiB
// and peak RSS. Every upload is verified (HeadObject CRC-64 equals the file's) before its
// figure counts.
//
// Usage: ossmp-cli-bench --ossmp PATH [--size 1GiB] [--part-size 64MiB] [--parallel 4]
//                        [--rounds 3] [--skip-node] [--fast-etag] [--dir TMPDIR]
// --fast-etag runs the emulator in its benchmark mode (ETags from CRC-64 instead of MD5),
// so that on a 2-core machine the server's MD5 does not hide the clients' own costs.
// Node.js and ali-oss come from tests/interop (npm ci there); without them (b) is skipped.
#include <ossmp/adapters/curl.hpp>
#include <ossmp/ossmp.hpp>

#include "process.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace ossmp;

struct measured {
    bool ok = false;
    double seconds = 0, cpu = 0;
    long max_rss_kib = 0;
};

measured run_child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env) {
    // Replaced, not appended: a caller's own OSS_ENDPOINT must not win over the emulator's.
    auto env_strings = ossmp_test::environment_with(extra_env);
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> a = argv;
    for (auto& s : a) args.push_back(s.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    auto t0 = std::chrono::steady_clock::now();
    if (posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), envp.data()) != 0) {
        std::fprintf(stderr, "cannot start %s\n", args[0]);
        return {};
    }
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    measured m;
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    m.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    m.max_rss_kib = ru.ru_maxrss;
    m.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return m;
}

// Child mode: one signed PutObject of the whole file with libcurl, streamed from disk.
int plain_put(const std::string& url, const std::string& key, const std::string& file) {
    auto src = file_source::open(file).value();
    auto ep = parse_endpoint(url).value();
    auto req = make_put_object_request(ep, "bench", key, {0, src.size()}).value();
    signing_config sc{signature_version::v4, {std::getenv("BENCH_AK"), std::getenv("BENCH_SK"), ""}, {"cn-hangzhou", "oss", {}}, {}};
    sign_request(req, sc, system_clock{}.now()).value();
    adapters::curl::client http;
    auto body = body_reader::for_request(req, src);
    auto out = http.perform(req, body);
    return std::holds_alternative<http_response>(out) && std::get<http_response>(out).status == 200 ? 0 : 1;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 4 && args[0] == "--plain-put") return plain_put(args[1], args[2], args[3]);
    std::string ossmp_path, dir = "/tmp";
    std::uint64_t size = 1ull << 30, part = 64ull << 20;
    unsigned parallel = 4, rounds = 3;
    bool skip_node = false, fast_etag = false;
    auto parse_size = [](const std::string& s) {
        std::uint64_t n = std::stoull(s);
        if (s.find("GiB") != std::string::npos) n <<= 30;
        else if (s.find("MiB") != std::string::npos) n <<= 20;
        return n;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto next = [&] { return i + 1 < args.size() ? args[++i] : std::string(); };
        if (args[i] == "--ossmp") ossmp_path = next();
        else if (args[i] == "--size") size = parse_size(next());
        else if (args[i] == "--part-size") part = parse_size(next());
        else if (args[i] == "--parallel") parallel = static_cast<unsigned>(std::stoul(next()));
        else if (args[i] == "--rounds") rounds = static_cast<unsigned>(std::stoul(next()));
        else if (args[i] == "--skip-node") skip_node = true;
        else if (args[i] == "--fast-etag") fast_etag = true;
        else if (args[i] == "--dir") dir = next();
        else {
            std::fprintf(stderr, "usage: ossmp-cli-bench --ossmp PATH [--size 1GiB] [--part-size 64MiB] "
                                 "[--parallel 4] [--rounds 3] [--skip-node] [--fast-etag] [--dir TMPDIR]\n");
            return 2;
        }
    }
    if (ossmp_path.empty()) {
        std::fprintf(stderr, "ossmp-cli-bench: --ossmp PATH (the ossmp tool) is required\n");
        return 2;
    }
    std::string interop = std::string(OSSMP_SOURCE_DIR) + "/tests/interop";
    bool node = !skip_node && std::filesystem::exists(interop + "/node_modules/ali-oss") && std::system("node --version >/dev/null 2>&1") == 0;

    // The emulator: `ossmp serve` in memory, so its disk does not limit the clients.
    std::string ak = "bench-ak", sk = "bench-sk-" + std::to_string(::getpid());
    std::vector<std::string> serve = {ossmp_path, "serve", "--port", "0", "--bucket", "bench"};
    if (fast_etag) serve.push_back("--fast-etag");
    ossmp_test::child server(serve,
                             {{"OSS_ACCESS_KEY_ID", ak}, {"OSS_ACCESS_KEY_SECRET", sk}, {"OSS_SESSION_TOKEN", ""}});
    std::string url;
    for (int i = 0; i < 1000 && url.empty(); ++i) {
        auto out = server.out_so_far();
        if (auto nl = out.find('\n'); nl != std::string::npos && out.rfind("listening on ", 0) == 0)
            url = out.substr(13, nl - 13);
        else
            usleep(10000);
    }
    if (url.empty()) {
        std::fprintf(stderr, "ossmp-cli-bench: ossmp serve did not start\n");
        return 1;
    }

    // The file.
    auto file = (std::filesystem::path(dir) / ("ossmp-cli-bench-" + std::to_string(::getpid()) + ".bin")).string();
    {
        std::mt19937_64 rng(42);
        std::vector<std::uint64_t> chunk(1 << 17);
        int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        for (std::uint64_t done = 0; done < size;) {
            for (auto& w : chunk) w = rng();
            auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size() * 8, size - done));
            if (::write(fd, chunk.data(), n) != static_cast<ssize_t>(n)) return 1;
            done += n;
        }
        ::close(fd);
    }
    auto src = file_source::open(file).value();
    std::uint64_t crc = 0;
    {
        std::vector<char> buf(8 << 20);
        for (std::uint64_t off = 0; off < size;) {
            auto n = src.read_at(off, std::span<char>(buf.data(), buf.size())).value();
            crc = crc64_update(crc, buf.data(), n);
            off += n;
        }
    }
    auto verify = [&](const std::string& key) {
        auto req = make_head_object_request(parse_endpoint(url).value(), "bench", key).value();
        signing_config sc{signature_version::v4, {ak, sk, ""}, {"cn-hangzhou", "oss", {}}, {}};
        sign_request(req, sc, system_clock{}.now()).value();
        adapters::curl::client http;
        body_reader none;
        auto out = http.perform(req, none);
        if (!std::holds_alternative<http_response>(out)) return false;
        return std::get<http_response>(out).headers.get_or("x-oss-hash-crc64ecma") == std::to_string(crc);
    };
    std::map<std::string, std::string> env = {{"OSS_ENDPOINT", url}, {"OSS_REGION", "cn-hangzhou"},
                                              {"OSS_ACCESS_KEY_ID", ak}, {"OSS_ACCESS_KEY_SECRET", sk},
                                              {"OSS_SESSION_TOKEN", ""},  // removed: no STS here
                                              {"BENCH_AK", ak},          {"BENCH_SK", sk},
                                              {"EMU_URL", url},          {"EMU_BUCKET", "bench"},
                                              {"EMU_REGION", "cn-hangzhou"}, {"EMU_AK", ak},
                                              {"EMU_SK", sk},            {"FILE", file},
                                              {"PART_SIZE", std::to_string(part)}, {"PARALLEL", std::to_string(parallel)},
                                              {"NODE_PATH", interop + "/node_modules"}};
    std::map<std::string, std::vector<measured>> results;
    // Every client starts with the whole file in the page cache: `ossmp cp` drops each part
    // from the cache once it is stored (file_source::release), which would otherwise make
    // the next client read from disk.
    auto warm_cache = [&] {
        std::vector<char> buf(1 << 20);
        for (std::uint64_t off = 0; off < size;) {
            auto n = src.read_at(off, std::span<char>(buf.data(), buf.size())).value();
            if (n == 0) break;
            off += n;
        }
    };
    auto run_one = [&](const std::string& who, unsigned round) {
        std::string key = who + "-" + std::to_string(round);
        measured m;
        warm_cache();
        if (who == "ossmp") {
            m = run_child({ossmp_path, "cp", file, "oss://bench/" + key, "--part-size", std::to_string(part),
                           "--parallel", std::to_string(parallel), "--no-progress", "--sign", "v4"},
                          env);
        } else if (who == "ali-oss") {
            auto e = env;
            e["KEY"] = key;
            m = run_child({"node", std::string(OSSMP_SOURCE_DIR) + "/tests/bench/ali_oss_upload.js"}, e);
        } else {
            m = run_child({argv[0], "--plain-put", url, key, file}, env);
        }
        m.ok = m.ok && verify(key);
        if (!m.ok) std::fprintf(stderr, "# %s round %u FAILED\n", who.c_str(), round);
        results[who].push_back(m);
        // Free the emulator's memory for the next upload.
        auto del = make_delete_object_request(parse_endpoint(url).value(), "bench", key).value();
        signing_config sc{signature_version::v4, {ak, sk, ""}, {"cn-hangzhou", "oss", {}}, {}};
        sign_request(del, sc, system_clock{}.now()).value();
        adapters::curl::client http;
        body_reader none;
        (void)http.perform(del, none);
    };
    std::vector<std::string> clients = {"ossmp", "plain-put"};
    if (node) clients.push_back("ali-oss");
    for (unsigned r = 0; r < rounds; ++r) {
        for (std::size_t i = 0; i < clients.size(); ++i) run_one(clients[(i + r) % clients.size()], r);
    }
    std::filesystem::remove(file);
    double mb = static_cast<double>(size) / 1e6, gib = static_cast<double>(size) / (1ull << 30);
    auto rate = [&](const std::string& who) {
        std::vector<double> v;
        for (auto& m : results[who])
            if (m.ok) v.push_back(mb / m.seconds);
        return median(v);
    };
    auto cpu = [&](const std::string& who) {
        std::vector<double> v;
        for (auto& m : results[who]) v.push_back(m.cpu / gib);
        return median(v);
    };
    auto rss = [&](const std::string& who) {
        long peak = 0;
        for (auto& m : results[who]) peak = std::max(peak, m.max_rss_kib);
        return static_cast<double>(peak) / 1024;
    };
    char sizes[96];
    std::snprintf(sizes, sizeof sizes, "%.0fMiB file, %.0fMiB parts, %u in flight", static_cast<double>(size) / (1 << 20),
                  static_cast<double>(part) / (1 << 20), parallel);
    auto line = [&](const std::string& name, const std::string& peer, const std::string& peer_label) {
        std::printf("{\"bench\": \"%s\", \"ours\": %.6g, \"peer\": \"%s\", \"peer_value\": %.6g, \"unit\": \"MB/s\", "
                    "\"ratio\": %.4f}\n",
                    name.c_str(), rate("ossmp"), peer_label.c_str(), rate(peer),
                    rate(peer) > 0 ? rate("ossmp") / rate(peer) : 0.0);
    };
    std::printf("# %s, %u rounds; the emulator is `ossmp serve%s` (in memory) in its own process\n", sizes, rounds,
                fast_etag ? " --fast-etag" : "");
    line("cli_cp_vs_plain_put", "plain-put", "libcurl single PutObject of the whole file");
    if (node) line("cli_cp_vs_ali_oss", "ali-oss", "ali-oss 6.23 multipartUpload (node)");
    for (auto& who : clients)
        std::printf("# %-9s %8.1f MB/s  client CPU %.3f s/GiB  peak RSS %.1f MiB\n", who.c_str(), rate(who), cpu(who),
                    rss(who));
    server.signal(SIGTERM);
    server.wait();
    return 0;
}
