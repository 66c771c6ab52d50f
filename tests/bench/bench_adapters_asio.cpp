// The Asio adapter (all uploads as coroutines on one io_context thread) against the curl
// adapter's thread-pool transport with the same total parallelism, in the same run, against
// the same emulator. Its own translation unit, built only when Boost is found, so Beast's
// compile time stays out of the other benchmarks.
//
// The emulator is ossmp-emulator in a process of its own (in memory, --fast-etag: ETags
// from the CRC-64 it computes anyway, so its MD5 of every byte does not bound the rate on
// a 2-core machine), so this process holds only the clients and the source bytes: its CPU
// time and peak RSS are theirs.
//
//   adapters/asio_vs_curl_pool: 16 uploads x 64 MiB (16 MiB parts): Asio, 16 uploads at
//       once with 1 part in flight each, vs 16 driver threads each running ossmp::run over
//       thread_pool_transport<curl::client> with 1 worker (16 requests in flight either way).
//   adapters/asio_small_uploads: 256 uploads x 1 MiB: Asio, 256 at once over at most 64
//       connections, vs 64 driver threads (1 worker each) taking uploads in turn.
//   adapters/asio_stall: the longest delay a 1 ms heartbeat timer on the Asio loop sees
//       while the loop uploads, plain and with Content-MD5 digests (a whole part re-read),
//       sliced (the default, 1 MiB), unsliced, and off-loaded to a thread pool.
//
// Throughput is a JSON line (ours vs peer, median of alternating rounds); client CPU
// seconds per GiB (Asio: the loop thread; curl: every driver and worker thread) and the
// peak RSS growth during one run (VmHWM after resetting it through /proc/self/clear_refs,
// minus the RSS before) follow as '#' lines. Every upload must succeed (CRC-64 verified
// by the machine) or the benchmark exits with an error.
#include "bench.hpp"
#include "client_cpu.hpp"
#include "process.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <ossmp/adapters/asio.hpp>
#include <ossmp/adapters/curl.hpp>
#include <ossmp/ossmp.hpp>

#ifndef OSSMP_EMULATOR_EXE
#error "OSSMP_EMULATOR_EXE must name the ossmp-emulator executable"
#endif

namespace {

using namespace ossmp;
namespace oa = ossmp::adapters::asio;
namespace oc = ossmp::adapters::curl;
namespace net = boost::asio;

constexpr double mib = 1024.0 * 1024.0;

using ossmp_bench::thread_cpu;

// A field of /proc/self/status in KiB (VmRSS, VmHWM).
long status_kib(const char* field) {
    std::ifstream f("/proc/self/status");
    std::size_t n = std::strlen(field);
    for (std::string line; std::getline(f, line);)
        if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') return std::atol(line.c_str() + n + 1);
    return 0;
}

// Starts a peak-RSS window: VmHWM drops to the current RSS (Linux >= 4.0).
long start_peak_window() {
    std::ofstream("/proc/self/clear_refs") << "5";
    return status_kib("VmRSS");
}

// What one measured run cost the client.
struct cost {
    double cpu = 0;        // client CPU seconds
    long peak_kib = 0;     // peak RSS growth during the run
};

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench adapters/asio: %s\n", what.c_str());
    std::exit(1);
}

struct bench_env {
    ossmp_test::child emulator;
    endpoint ep;
    signing_config signing;
    std::string data;  // 64 MiB, shared by every upload

    bench_env()
        : emulator({OSSMP_EMULATOR_EXE, "--port", "0", "--bucket", "bench", "--fast-etag", "--threads", "200",
                    "--access-key-id", "bench-ak", "--access-key-secret", "bench-secret"},
                   {}),
          data(64u << 20, '\0') {
        std::string url;
        for (int i = 0; i < 500 && url.empty(); ++i) {
            auto out = emulator.out_so_far();
            if (auto p = out.find("listening on "); p != std::string::npos && out.find('\n', p) != std::string::npos)
                url = out.substr(p + 13, out.find('\n', p) - p - 13);
            else std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (url.empty()) die("ossmp-emulator did not start");
        ep = parse_endpoint(url).value();
        signing.version = signature_version::v4;
        signing.creds = {"bench-ak", "bench-secret", ""};
        signing.v4.region = "cn-hangzhou";
        std::uint64_t x = 0x9E3779B97F4A7C15ull;
        for (std::size_t i = 0; i < data.size(); i += 8) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            std::memcpy(data.data() + i, &x, 8);
        }
    }
    ~bench_env() { emulator.signal(SIGTERM); }

    upload_config config(const std::string& key, std::uint64_t size, std::uint64_t part_size, std::uint32_t in_flight) const {
        upload_config c;
        c.ep = ep;
        c.bucket = "bench";
        c.key = key;
        c.signing = signing;
        c.source.size = size;
        c.part_size = part_size;
        c.max_in_flight = in_flight;
        return c;
    }

    // Deletes the run's objects so the emulator's memory does not grow from run to run.
    void remove(const std::string& prefix, std::size_t count) const {
        oc::client c;
        for (std::size_t i = 0; i < count; ++i) {
            auto req = make_delete_object_request(ep, "bench", prefix + std::to_string(i)).value();
            sign_request(req, signing, system_clock{}.now()).value();
            body_reader none;
            (void)c.perform(req, none);
        }
    }
};

struct run_shape {
    std::size_t count = 16;
    std::uint64_t size = 64u << 20;
    std::uint64_t part_size = 16u << 20;
    std::size_t parallel = 16;  // requests in flight in all: connections (Asio), threads (curl)
};

// Heartbeat on the loop: a timer due every millisecond; the longest lateness is a stall.
struct heartbeat {
    double longest_ms = 0;
    std::vector<double> lateness_ms;
    bool stop = false;
    net::awaitable<void> beat(net::io_context& io) {
        net::steady_timer t(io);
        auto due = std::chrono::steady_clock::now();
        while (!stop) {
            due += std::chrono::milliseconds(1);
            t.expires_at(due);
            co_await t.async_wait(net::use_awaitable);
            double late = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - due).count();
            longest_ms = std::max(longest_ms, late);
            lateness_ms.push_back(late);
            due = std::max(due, std::chrono::steady_clock::now() - std::chrono::milliseconds(1));
        }
    }
    double p99() {
        if (lateness_ms.empty()) return 0;
        std::sort(lateness_ms.begin(), lateness_ms.end());
        return lateness_ms[lateness_ms.size() * 99 / 100];
    }
};

// `shape.count` uploads at once on one io_context thread (this one).
cost asio_run(const bench_env& env, const run_shape& shape, const std::string& prefix, bool md5 = false,
              const oa::upload_options& uo = {}, heartbeat* hb = nullptr) {
    cost c;
    long base = start_peak_window();
    double cpu0 = thread_cpu();
    {
        net::io_context io(1);
        oa::options o;
        o.max_connections_per_host = shape.parallel;
        oa::client http(io.get_executor(), o);
        std::vector<upload_machine> machines;
        machines.reserve(shape.count);
        memory_source src(std::string_view(env.data.data(), shape.size));
        std::size_t done = 0;
        for (std::size_t i = 0; i < shape.count; ++i) {
            auto cfg = env.config(prefix + std::to_string(i), shape.size, shape.part_size,
                                  static_cast<std::uint32_t>(std::max<std::size_t>(1, shape.parallel / shape.count)));
            cfg.content_md5 = md5;
            machines.push_back(upload_machine::create(cfg).value());
            oa::async_upload(machines.back(), http, src, uo, [&](result<upload_outcome> r) {
                if (!r) die("asio upload failed: " + r.error().what());
                if (++done == shape.count && hb) hb->stop = true;
            });
        }
        if (hb) net::co_spawn(io, hb->beat(io), net::detached);
        io.run();
    }
    c.cpu = thread_cpu() - cpu0;
    c.peak_kib = status_kib("VmHWM") - base;
    env.remove(prefix, shape.count);
    return c;
}

// `shape.parallel` driver threads, each with a one-worker thread_pool_transport kept for
// all its uploads, taking uploads in turn.
cost curl_pool_run(const bench_env& env, const run_shape& shape, const std::string& prefix) {
    cost c;
    long base = start_peak_window();
    ossmp_bench::client_cpu = 0;
    std::atomic<std::size_t> next{0};
    memory_source src(std::string_view(env.data.data(), shape.size));
    std::vector<std::thread> drivers;
    for (std::size_t d = 0; d < std::min(shape.parallel, shape.count); ++d) {
        drivers.emplace_back([&] {
            double cpu0 = thread_cpu();
            thread_pool_transport<ossmp_bench::timed_curl_client> pool(1, [] { return ossmp_bench::timed_curl_client{}; });
            for (std::size_t i; (i = next++) < shape.count;) {
                auto m = upload_machine::create(env.config(prefix + std::to_string(i), shape.size, shape.part_size, 1)).value();
                auto r = run(m, pool, src);
                if (!r) die("curl upload failed: " + r.error().what());
            }
            ossmp_bench::add_cpu(thread_cpu() - cpu0);
        });
    }
    for (auto& t : drivers) t.join();
    c.cpu = ossmp_bench::client_cpu.load();
    c.peak_kib = status_kib("VmHWM") - base;
    env.remove(prefix, shape.count);
    return c;
}

// Times both (alternating rounds, medians) and keeps each side's mean cost.
struct compared {
    double ours_s = 0, peer_s = 0;
    cost ours, peer;
};
compared compare(const std::function<cost()>& ours, const std::function<cost()>& peer, int rounds) {
    compared r;
    int n_ours = 0, n_peer = 0;
    auto add = [](cost& sum, const cost& one) {
        sum.cpu += one.cpu;
        sum.peak_kib = std::max(sum.peak_kib, one.peak_kib);
    };
    std::tie(r.ours_s, r.peer_s) = ossmp_bench::time_pair([&] { add(r.ours, ours()), ++n_ours; },
                                                          [&] { add(r.peer, peer()), ++n_peer; }, rounds);
    r.ours.cpu /= n_ours;
    r.peer.cpu /= n_peer;
    return r;
}

void bench_asio_vs_curl_pool() {
    bench_env env;
    run_shape shape;
    auto r = compare([&] { return asio_run(env, shape, "asio/"); }, [&] { return curl_pool_run(env, shape, "curl/"); }, 5);
    double bytes = double(shape.count * shape.size);
    ossmp_bench::report("adapter_asio_vs_curl_pool_16x64mib", bytes / 1e6 / r.ours_s,
                        "curl thread pool, 16 driver threads x 1 worker", bytes / 1e6 / r.peer_s, "MB/s");
    double gib = bytes / (1024.0 * mib);
    std::printf("# adapter_asio_vs_curl_pool_16x64mib: client CPU s/GiB: asio %.3f (1 thread), curl pool %.3f "
                "(32 threads); peak RSS growth: asio %.1f MiB, curl pool %.1f MiB\n",
                r.ours.cpu / gib, r.peer.cpu / gib, double(r.ours.peak_kib) / 1024, double(r.peer.peak_kib) / 1024);
    std::fflush(stdout);
}

void bench_asio_small_uploads() {
    bench_env env;
    run_shape shape;
    shape.count = 256;
    shape.size = 1u << 20;
    shape.part_size = 0;
    shape.parallel = 64;
    auto r = compare([&] { return asio_run(env, shape, "asio-small/"); },
                     [&] { return curl_pool_run(env, shape, "curl-small/"); }, 5);
    double n = double(shape.count);
    ossmp_bench::report("adapter_asio_vs_curl_pool_256x1mib", n / r.ours_s, "curl thread pool, 64 driver threads x 1 worker",
                        n / r.peer_s, "uploads/s");
    std::printf("# adapter_asio_vs_curl_pool_256x1mib: client CPU ms per upload: asio %.3f (1 thread), curl pool %.3f "
                "(128 threads); peak RSS growth: asio %.1f MiB, curl pool %.1f MiB\n",
                r.ours.cpu * 1e3 / n, r.peer.cpu * 1e3 / n, double(r.ours.peak_kib) / 1024, double(r.peer.peak_kib) / 1024);
    std::fflush(stdout);
}

void bench_asio_stall() {
    bench_env env;
    auto show = [](const char* what, heartbeat& hb, double seconds) {
        std::printf("# adapter_asio_stall: %s: longest heartbeat delay %.2f ms, p99 %.2f ms (%zu beats in %.2f s)\n",
                    what, hb.longest_ms, hb.p99(), hb.lateness_ms.size(), seconds);
        std::fflush(stdout);
    };
    run_shape plain;
    {
        heartbeat hb;
        double s = ossmp_bench::seconds_of([&] { asio_run(env, plain, "stall/", false, {}, &hb); });
        show("16 x 64 MiB, 16 MiB parts", hb, s);
    }
    run_shape digests;
    digests.count = 4;
    digests.parallel = 8;
    net::thread_pool helpers(1);
    struct variant {
        const char* what;
        std::size_t slice;
        bool offload;
    };
    for (auto v : {variant{"4 x 64 MiB with Content-MD5, digests sliced at 1 MiB (default)", 1u << 20, false},
                   variant{"same, digests sliced at 256 KiB", 256u << 10, false},
                   variant{"same, digests unsliced (one 16 MiB part at a time)", 16u << 20, false},
                   variant{"same, digests off-loaded to a thread pool", 1u << 20, true}}) {
        oa::upload_options uo;
        uo.digest_slice = v.slice;
        if (v.offload) uo.offload = helpers.get_executor();
        heartbeat hb;
        double s = ossmp_bench::seconds_of([&] { asio_run(env, digests, "stall-md5/", true, uo, &hb); });
        show(v.what, hb, s);
    }
}

}  // namespace

OSSMP_BENCH("adapters/asio_vs_curl_pool", bench_asio_vs_curl_pool);
OSSMP_BENCH("adapters/asio_small_uploads", bench_asio_small_uploads);
OSSMP_BENCH("adapters/asio_stall", bench_asio_stall);
