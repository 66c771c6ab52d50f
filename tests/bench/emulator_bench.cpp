// ossmp-emulator-bench: how fast the emulator accepts a multipart upload over loopback.
//
// Starts an emulator in this process (in memory, or on disk under --dir), initiates an
// upload, and has N client threads each PUT one part of size total/N from memory over its
// own connection (signed V4, written with 1 MiB send() calls), then completes the upload.
// Client and server share the machine's cores, as they do when the CLI is benchmarked
// against the emulator. Prints one JSON line per run (median of --repeat runs):
//   {"bench":"emulator_upload","mode":"memory","conns":4,"bytes":1073741824,
//    "MB/s":...,"complete_s":...,"cpu_s":...,"client_cpu_s":...,"server_cpu_s":...}
// MB/s is 10^6 bytes/s of part bodies, from the first byte sent to the last response read,
// after one untimed warm-up run.
// cpu_s is the whole process's user+sys time for the upload phase; client_cpu_s that of the
// client threads; server_cpu_s the rest. --md5 also prints ossmp::md5's single-core rate,
// the ceiling of a server that must hash every byte.
//
// Usage: ossmp-emulator-bench [--mib 1024] [--conns 1,4] [--mode memory,disk]
//                             [--dir /tmp/ossmp-emulator-bench] [--repeat 3] [--md5]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>
#include <vector>

#include <emulator_test_support.hpp>

using namespace ossmp;

namespace {

double cpu_seconds(int who) {
    rusage u{};
    ::getrusage(who, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

struct run_result {
    double seconds = 0, complete_seconds = 0, cpu = 0, client_cpu = 0;
};

run_result run_once(const emu_test::fixture& f, const std::string& data, std::size_t conns) {
    auto init = parse_initiate_result(f.run(make_initiate_request(f.ep, "bucket", "bench/object").value(), signature_version::v4));
    if (!init) throw std::runtime_error(init.error().what());
    std::size_t part = data.size() / conns;
    std::vector<std::string> etags(conns);
    std::vector<double> client_cpu(conns);
    std::atomic<bool> go{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < conns; ++i) {
        threads.emplace_back([&, i] {
            std::size_t len = i + 1 == conns ? data.size() - i * part : part;
            auto req = make_upload_part_request(f.ep, "bucket", "bench/object", init->upload_id,
                                                static_cast<std::uint32_t>(i + 1), {i * part, len})
                           .value();
            sign_request(req, f.v4, emu_test::now()).value();
            emu_test::connection c(f.port());
            int big = 4 << 20;
            ::setsockopt(c.fd(), SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
            while (!go) std::this_thread::yield();
            double cpu0 = cpu_seconds(RUSAGE_THREAD);
            bool ok = c.write_all(emu_test::request_head(req, len));
            std::string_view body(data.data() + i * part, len);
            for (std::size_t off = 0; ok && off < len; off += 1u << 20)
                ok = c.write_all(body.substr(off, std::min<std::size_t>(1u << 20, len - off)));
            auto resp = c.read_response();
            client_cpu[i] = cpu_seconds(RUSAGE_THREAD) - cpu0;
            if (!ok || resp.status != 200) {
                ++failures;
                return;
            }
            etags[i] = std::string(resp.headers.get_or("ETag"));
        });
    }
    run_result r;
    double cpu0 = cpu_seconds(RUSAGE_SELF);
    auto t0 = std::chrono::steady_clock::now();
    go = true;
    for (auto& t : threads) t.join();
    auto t1 = std::chrono::steady_clock::now();
    r.cpu = cpu_seconds(RUSAGE_SELF) - cpu0;
    for (double c : client_cpu) r.client_cpu += c;
    r.seconds = std::chrono::duration<double>(t1 - t0).count();
    if (failures) throw std::runtime_error("a part upload failed");
    std::vector<completed_part> parts;
    for (std::size_t i = 0; i < conns; ++i) parts.push_back({static_cast<std::uint32_t>(i + 1), etags[i]});
    auto t2 = std::chrono::steady_clock::now();
    auto cr = parse_complete_result(
        f.run(make_complete_request(f.ep, "bucket", "bench/object", init->upload_id, parts).value(), signature_version::v4));
    r.complete_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t2).count();
    if (!cr) throw std::runtime_error(cr.error().what());
    f.run(make_delete_object_request(f.ep, "bucket", "bench/object").value(), signature_version::v4);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t mib = 1024;
    std::vector<std::string> conns_list = {"1", "4"}, modes = {"memory", "disk"};
    std::string dir = (std::filesystem::temp_directory_path() / "ossmp-emulator-bench").string();
    int repeat = 3;
    bool md5_rate = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--mib") mib = std::stoul(next());
        else if (a == "--conns") conns_list = split(next());
        else if (a == "--mode") modes = split(next());
        else if (a == "--dir") dir = next();
        else if (a == "--repeat") repeat = std::max(1, std::stoi(next()));
        else if (a == "--md5") md5_rate = true;
        else {
            std::fprintf(stderr, "usage: ossmp-emulator-bench [--mib N] [--conns 1,4] [--mode memory,disk] [--dir D] [--repeat N] [--md5]\n");
            return 2;
        }
    }
    std::string data = emu_test::pattern_bytes(mib << 20, 7);
    if (md5_rate) {
        auto t0 = std::chrono::steady_clock::now();
        auto d = md5::hash(data.data(), data.size());
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("{\"bench\":\"md5\",\"bytes\":%zu,\"MB/s\":%.0f,\"digest\":\"%s\"}\n", data.size(), data.size() / s / 1e6,
                    hex_encode(d).c_str());
    }
    for (const auto& mode : modes) {
        auto cfg = emu_test::default_config();
        if (mode == "disk") {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
            cfg.dir = dir;
        }
        emu_test::fixture f(cfg);
        for (const auto& cs : conns_list) {
            std::size_t conns = std::stoul(cs);
            // One untimed run first: on a VM, memory the guest never touched costs a host
            // fault per page on first use (1.7 CPU-s for the first GiB written here).
            run_once(f, data, conns);
            std::vector<run_result> runs;
            for (int r = 0; r < repeat; ++r) runs.push_back(run_once(f, data, conns));
            std::sort(runs.begin(), runs.end(), [](auto& x, auto& y) { return x.seconds < y.seconds; });
            const auto& m = runs[runs.size() / 2];
            std::printf("{\"bench\":\"emulator_upload\",\"mode\":\"%s\",\"conns\":%zu,\"bytes\":%zu,\"MB/s\":%.0f,"
                        "\"seconds\":%.3f,\"complete_s\":%.3f,\"cpu_s\":%.2f,\"client_cpu_s\":%.2f,\"server_cpu_s\":%.2f}\n",
                        mode.c_str(), conns, data.size(), data.size() / m.seconds / 1e6, m.seconds, m.complete_seconds, m.cpu,
                        m.client_cpu, m.cpu - m.client_cpu);
            std::fflush(stdout);
        }
        if (mode == "disk") {
            f.srv->stop();
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    }
    return 0;
}
