// The libcurl adapter uploading to an in-process, in-memory emulator over loopback.
//
// adapter_curl_upload_1gib: ossmp::run with thread_pool_transport<curl::client> (4 workers,
// 4 parts in flight, 64 MiB parts, CRC-64 of every byte computed by body_reader as curl
// reads it) against libcurl doing one plain PutObject of the same 1 GiB (signed with
// ossmp's signer so the emulator accepts it; UPLOAD_BUFFERSIZE 512 KiB, no Expect, a
// memcpy read callback and no CRC: libcurl at its best). Target ratio >= 0.8.
//
// Why 64 MiB parts: 16 parts keep 4 connections busy for the whole run while request,
// signing and Complete overheads stay below 0.1 %; smaller parts measure the emulator's
// per-request work more than the adapter (a '#' line shows 8 MiB parts).
//
// Client CPU: every client thread's own CPU time (getrusage RUSAGE_THREAD). For the thread
// pool, each perform() is wrapped to add its worker's CPU time, and the driving thread
// (machine, signing, run loop) adds its own; for curl_multi and the plain PUT everything
// runs on the measuring thread. The emulator's threads are never counted: the process total
// (RUSAGE_SELF) minus the client's is printed as the server's share, as a cross-check.
//
// Also: thread pool vs curl_multi (4 in flight), CURLOPT_UPLOAD_BUFFERSIZE 512 KiB (the
// default) vs 2 MiB and vs 64 KiB, Expect: 100-continue off vs on. Each prints the harness's
// JSON line with our default as "ours" and the alternative as "peer", then '#' lines with CPU
// seconds per GiB. Each runs twice: against the emulator (the real protocol, but the
// emulator's MD5 of every byte, ~1.4 CPU s/GiB, bounds the rate) and, named *_sink, against a
// discard sink (4 PUTs of 256 MiB through the transport, no machine; the server reads and
// drops bytes), which shows the client side alone.
#include "bench.hpp"
#include "client_cpu.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <ossmp/adapters/curl.hpp>
#include <ossmp/emulator/server.hpp>
#include <ossmp/ossmp.hpp>

namespace {

using namespace ossmp;
namespace oc = ossmp::adapters::curl;

constexpr std::uint64_t gib = 1ull << 30;

using ossmp_bench::add_cpu;
using ossmp_bench::client_cpu;
using ossmp_bench::process_cpu;
using ossmp_bench::thread_cpu;
using timed_client = ossmp_bench::timed_curl_client;
time_point now() { return system_clock{}.now(); }

// A loopback HTTP/1.1 server that reads each request, discards its body (256 KiB recv()s)
// and answers 200 with no body, keeping connections alive; `100 Continue` when asked.
class discard_sink {
public:
    discard_sink() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            std::fprintf(stderr, "bench adapters: sink cannot listen\n");
            std::exit(1);
        }
        port_ = ntohs(a.sin_port);
        acceptor_ = std::thread([this] {
            while (!stop_) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 50) <= 0) continue;
                int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (c >= 0) conns_.emplace_back([this, c] { serve(c); });
            }
        });
    }
    ~discard_sink() {
        stop_ = true;
        acceptor_.join();
        for (auto& t : conns_) t.join();
        ::close(fd_);
    }
    std::uint16_t port() const { return port_; }

private:
    bool wait_readable(int c) {
        for (;;) {
            if (stop_) return false;
            pollfd p{c, POLLIN, 0};
            int r = ::poll(&p, 1, 50);
            if (r > 0) return true;
            if (r < 0) return false;
        }
    }
    void serve(int c) {
        std::vector<char> buf(256u << 10);
        std::string head;
        for (;;) {
            std::size_t end;
            while ((end = head.find("\r\n\r\n")) == std::string::npos) {
                if (!wait_readable(c)) return close_conn(c);
                ssize_t n = ::recv(c, buf.data(), 4096, 0);
                if (n <= 0) return close_conn(c);
                head.append(buf.data(), static_cast<std::size_t>(n));
            }
            std::uint64_t length = 0;
            std::string lower = head.substr(0, end);
            for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (auto p = lower.find("\r\ncontent-length:"); p != std::string::npos)
                length = std::strtoull(lower.c_str() + p + 17, nullptr, 10);
            if (lower.find("\r\nexpect: 100-continue") != std::string::npos)
                send_all(c, "HTTP/1.1 100 Continue\r\n\r\n");
            std::uint64_t have = head.size() - (end + 4);
            head.erase(0, end + 4 + std::min<std::uint64_t>(have, length));
            for (std::uint64_t left = length - std::min(have, length); left > 0;) {
                if (!wait_readable(c)) return close_conn(c);
                ssize_t n = ::recv(c, buf.data(), std::min<std::uint64_t>(buf.size(), left), 0);
                if (n <= 0) return close_conn(c);
                left -= static_cast<std::uint64_t>(n);
            }
            send_all(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nETag: \"sink\"\r\n\r\n");
        }
    }
    static void send_all(int c, std::string_view s) {
        while (!s.empty()) {
            ssize_t n = ::send(c, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0) return;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    static void close_conn(int c) { ::close(c); }

    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread acceptor_;
    std::vector<std::thread> conns_;  // only the acceptor thread appends
};

// `count` PUTs of env.data / count bytes each, at most 4 at once, through a Transport
// straight to the sink (no machine). Returns client CPU seconds.
template <class T>
double sink_puts(T& transport, const std::string& data, std::uint16_t port, std::size_t count) {
    std::size_t each = data.size() / count;
    memory_source src(data);
    std::vector<http_request> reqs(count);
    std::vector<body_reader> bodies(count);
    std::size_t started = 0, finished = 0;
    client_cpu = 0;
    double cpu0 = thread_cpu();
    auto start_one = [&] {
        auto& r = reqs[started];
        r.method = "PUT";
        r.scheme = "http";
        r.host = "127.0.0.1:" + std::to_string(port);
        r.path = "/sink/" + std::to_string(started);
        r.source = body_range{started * each, each};
        bodies[started] = body_reader::for_request(r, src);
        transport.start(started, r, bodies[started]);
        ++started;
    };
    while (started < count && started < 4) start_one();
    while (finished < count) {
        auto c = transport.wait(time_point::max());
        if (!c) continue;
        auto* resp = std::get_if<http_response>(&c->outcome);
        if (!resp || resp->status != 200) {
            std::fprintf(stderr, "bench adapters: sink PUT failed\n");
            std::exit(1);
        }
        ++finished;
        if (started < count) start_one();
    }
    return thread_cpu() - cpu0 + client_cpu.load();
}

struct sink_setup {
    bool multi = false;
    std::size_t upload_buffer = oc::options{}.upload_buffer_size;
    std::optional<std::uint64_t> expect_from;
    std::size_t count = 4;
};

double sink_once(const std::string& data, std::uint16_t port, const sink_setup& s) {
    oc::options o;
    o.upload_buffer_size = s.upload_buffer;
    o.expect_continue_from = s.expect_from;
    if (s.multi) {
        oc::multi_transport t(o);
        return sink_puts(t, data, port, s.count);
    }
    thread_pool_transport<timed_client> pool(4, [&] { return timed_client{oc::client(o)}; });
    return sink_puts(pool, data, port, s.count);
}

struct bench_env {
    std::unique_ptr<ossmp::emulator::server> srv;
    endpoint ep;
    signing_config signing;
    std::string data;

    bench_env() : data(gib, '\0') {
        ossmp::emulator::config c;
        c.accounts = {{"bench-ak", "bench-secret", ""}};
        c.buckets = {"bench"};
        auto s = ossmp::emulator::server::start(std::move(c));
        if (!s) {
            std::fprintf(stderr, "bench adapters: emulator: %s\n", s.error().what().c_str());
            std::exit(1);
        }
        srv = std::move(*s);
        ep = parse_endpoint(srv->url()).value();
        signing.version = signature_version::v4;
        signing.creds = {"bench-ak", "bench-secret", ""};
        signing.v4.region = "cn-hangzhou";
        std::uint64_t x = 0x9E3779B97F4A7C15ull;
        for (std::size_t i = 0; i < data.size(); i += 8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            std::memcpy(data.data() + i, &x, 8);
        }
    }

    // Deletes the object so the emulator's memory does not grow from run to run.
    void remove(const std::string& key) {
        oc::client c;
        auto req = make_delete_object_request(ep, "bench", key).value();
        sign_request(req, signing, now()).value();
        body_reader none;
        (void)c.perform(req, none);
    }
};

struct upload_setup {
    bool multi = false;
    std::uint64_t part_size = 64ull << 20;
    std::size_t upload_buffer = oc::options{}.upload_buffer_size;
    std::optional<std::uint64_t> expect_from;
};

// One multipart upload of env.data; returns client CPU seconds.
double upload_once(bench_env& env, const upload_setup& s, const std::string& key) {
    upload_config cfg;
    cfg.ep = env.ep;
    cfg.bucket = "bench";
    cfg.key = key;
    cfg.signing = env.signing;
    cfg.source.size = env.data.size();
    cfg.part_size = s.part_size;
    cfg.max_in_flight = 4;
    oc::options o;
    o.upload_buffer_size = s.upload_buffer;
    o.expect_continue_from = s.expect_from;
    memory_source src(env.data);
    client_cpu = 0;
    double main0 = thread_cpu();
    auto r = [&]() -> result<upload_outcome> {
        auto m = upload_machine::create(cfg).value();
        if (s.multi) {
            oc::multi_transport t(o);
            return run(m, t, src);
        }
        thread_pool_transport<timed_client> pool(4, [&] { return timed_client{oc::client(o)}; });
        return run(m, pool, src);
    }();
    double cpu = thread_cpu() - main0 + client_cpu.load();
    if (!r) {
        std::fprintf(stderr, "bench adapters: upload failed: %s\n", r.error().what().c_str());
        std::exit(1);
    }
    env.remove(key);
    return cpu;
}

// libcurl alone: one PUT of env.data, read callback = memcpy. Returns client CPU seconds.
double plain_put(bench_env& env, const std::string& key) {
    auto req = make_put_object_request(env.ep, "bench", key, {0, env.data.size()}).value();
    sign_request(req, env.signing, now()).value();
    oc::global_init();
    double cpu0 = thread_cpu();
    CURL* h = curl_easy_init();
    struct cursor {
        const std::string* data;
        std::size_t pos = 0;
    } cur{&env.data};
    auto on_read = +[](char* buf, std::size_t size, std::size_t n, void* ud) -> std::size_t {
        auto* c = static_cast<cursor*>(ud);
        std::size_t k = std::min(size * n, c->data->size() - c->pos);
        std::memcpy(buf, c->data->data() + c->pos, k);
        c->pos += k;
        return k;
    };
    auto on_write = +[](char*, std::size_t size, std::size_t n, void*) -> std::size_t { return size * n; };
    curl_slist* hdrs = curl_slist_append(nullptr, ("Host: " + req.host).c_str());
    for (const auto& hd : req.headers) hdrs = curl_slist_append(hdrs, (hd.name + ": " + hd.value).c_str());
    hdrs = curl_slist_append(hdrs, "Expect:");
    std::string url = req.url();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(env.data.size()));
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &cur);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 512L << 10);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    double cpu = thread_cpu() - cpu0;
    if (rc != CURLE_OK || status != 200) {
        std::fprintf(stderr, "bench adapters: plain PUT failed: curl %d, HTTP %ld\n", static_cast<int>(rc), status);
        std::exit(1);
    }
    env.remove(key);
    return cpu;
}

// Times `ours` and `peer` (each returning client CPU seconds) alternately; prints the JSON
// line (MB/s) and the CPU per GiB of each.
void compare(const char* name, const char* peer_name, const std::function<double()>& ours,
             const std::function<double()>& peer, int rounds) {
    double ours_cpu = 0, peer_cpu = 0, total0 = process_cpu();
    int ours_n = 0, peer_n = 0;
    auto [t_ours, t_peer] = ossmp_bench::time_pair([&] { ours_cpu += ours(), ++ours_n; },
                                                   [&] { peer_cpu += peer(), ++peer_n; }, rounds);
    double total = process_cpu() - total0;
    double mb = double(gib) / 1e6;
    ossmp_bench::report(name, mb / t_ours, peer_name, mb / t_peer, "MB/s");
    std::printf("# %s: client CPU s/GiB: ours %.3f, peer %.3f; server (emulator) CPU s/GiB over both: %.3f\n", name,
                ours_cpu / ours_n, peer_cpu / peer_n, (total - ours_cpu - peer_cpu) / (ours_n + peer_n));
    std::fflush(stdout);
}

void bench_curl_upload() {
    bench_env env;
    upload_setup s;
    compare("adapter_curl_upload_1gib", "libcurl plain PUT", [&] { return upload_once(env, s, "ours"); },
            [&] { return plain_put(env, "peer"); }, 5);
    upload_setup small = s;
    small.part_size = 8ull << 20;
    double cpu = 0;
    double t = ossmp_bench::seconds_of([&] { cpu = upload_once(env, small, "ours8"); });
    std::printf("# adapter_curl_upload_1gib with 8 MiB parts (one run): %.0f MB/s, client CPU %.3f s/GiB\n",
                double(gib) / 1e6 / t, cpu);
}

void bench_curl_pool_vs_multi() {
    bench_env env;
    upload_setup pool, multi;
    multi.multi = true;
    compare("adapter_curl_pool_vs_multi_1gib", "curl multi_transport (one thread)",
            [&] { return upload_once(env, pool, "pool"); }, [&] { return upload_once(env, multi, "multi"); }, 5);
    discard_sink sink;
    sink_setup sp, sm;
    sm.multi = true;
    compare("adapter_curl_pool_vs_multi_1gib_sink", "curl multi_transport (one thread)",
            [&] { return sink_once(env.data, sink.port(), sp); }, [&] { return sink_once(env.data, sink.port(), sm); },
            7);
}

void bench_curl_upload_buffer() {
    bench_env env;
    discard_sink sink;
    for (std::size_t other : {std::size_t{2} << 20, std::size_t{64} << 10}) {
        std::string name = other == (2u << 20) ? "2mib" : "64kib";
        std::string label = std::string("CURLOPT_UPLOAD_BUFFERSIZE ") + (other == (2u << 20) ? "2 MiB" : "64 KiB");
        upload_setup ours, alt;
        alt.upload_buffer = other;
        compare(("adapter_curl_upload_buffer_512kib_vs_" + name).c_str(), label.c_str(),
                [&] { return upload_once(env, ours, "bd"); }, [&] { return upload_once(env, alt, "bo"); }, 5);
        sink_setup so, sa;
        sa.upload_buffer = other;
        compare(("adapter_curl_upload_buffer_512kib_vs_" + name + "_sink").c_str(), label.c_str(),
                [&] { return sink_once(env.data, sink.port(), so); },
                [&] { return sink_once(env.data, sink.port(), sa); }, 7);
    }
}

void bench_curl_expect() {
    bench_env env;
    upload_setup off, on;
    on.expect_from = 0;
    compare("adapter_curl_expect_off_vs_on_1gib", "Expect: 100-continue on every part",
            [&] { return upload_once(env, off, "eoff"); }, [&] { return upload_once(env, on, "eon"); }, 5);
    // 1 MiB requests: the round trip Expect adds is paid 1024 times per GiB.
    discard_sink sink;
    sink_setup so, sn;
    so.count = sn.count = 1024;
    sn.expect_from = 0;
    compare("adapter_curl_expect_off_vs_on_1mib_sink", "Expect: 100-continue on every request",
            [&] { return sink_once(env.data, sink.port(), so); }, [&] { return sink_once(env.data, sink.port(), sn); },
            7);
}

}  // namespace

// Groups: `ossmp-bench adapters` runs all four, `ossmp-bench adapters/upload` one of them.
OSSMP_BENCH("adapters/upload_1gib", bench_curl_upload);
OSSMP_BENCH("adapters/pool_vs_multi", bench_curl_pool_vs_multi);
OSSMP_BENCH("adapters/upload_buffer", bench_curl_upload_buffer);
OSSMP_BENCH("adapters/expect", bench_curl_expect);
