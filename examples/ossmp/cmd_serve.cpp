// ossmp serve and ossmp demo: the local OSS emulator, on its own or driven by a guided
// upload that interrupts itself half-way, resumes from its checkpoint and reads the object
// back to compare.
#include "commands.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include <ossmp/emulator/server.hpp>

#include "progress_line.hpp"
#include "upload_loop.hpp"

namespace ossmp_cli {

namespace {

// Random hex for throwaway demo credentials (never printed).
std::string random_hex(std::size_t bytes) {
    std::random_device rd;
    std::string raw;
    for (std::size_t i = 0; i < bytes; ++i) raw.push_back(static_cast<char>(rd()));
    return ossmp::hex_encode(raw);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int cmd_serve(const std::vector<std::string>& argv) {
    flag_spec spec{{"port", true},          {"dir", true},          {"bucket", true},       {"bind", true},
                   {"region", true},        {"access-key-id", true}, {"access-key-secret", true},
                   {"security-token", true}, {"fail-rate", true},    {"fail-status", true},  {"reset-rate", true},
                   {"error200-rate", true}, {"delay-ms", true},     {"fault-ops", true},    {"seed", true},
                   {"log", false},          {"fast-etag", false}};
    auto a = parse_args(argv, spec);
    if (!a) return report_error(a.error(), false);
    if (!a->positional.empty()) return report_error(usage("serve takes no positional arguments"), false);
    ossmp::emulator::config cfg;
    cfg.bind = a->value("bind").value_or("127.0.0.1");
    if (auto p = a->value("port")) {
        auto n = ossmp::detail::parse_unsigned<std::uint16_t>(*p);
        if (!n) return report_error(usage("--port must be 0..65535"), false);
        cfg.port = *n;
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
    if (a->has("log")) cfg.log = [](std::string_view line) { std::fprintf(stderr, "%.*s\n", int(line.size()), line.data()); };

    auto server = ossmp::emulator::server::start(cfg);
    if (!server) return report_error(server.error(), false);
    std::printf("listening on %s\n", (*server)->url().c_str());
    std::string buckets;
    for (const auto& b : cfg.buckets) buckets += (buckets.empty() ? "" : ", ") + b;
    std::printf("# storage: %s; buckets: %s\n", cfg.dir.empty() ? "memory (lost at exit)" : cfg.dir.c_str(),
                buckets.empty() ? "none yet (create one with PutBucket, or pass --bucket NAME)" : buckets.c_str());
    std::printf("# in another shell with the same credentials: export OSS_ENDPOINT=%s OSS_REGION=%s\n",
                (*server)->url().c_str(), cfg.region.c_str());
    std::fflush(stdout);
    install_interrupt_handlers();
    while (!interrupted.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (*server)->stop();
    std::fprintf(stderr, "ossmp: emulator stopped\n");
    return exit_ok;
}

int cmd_demo(const std::vector<std::string>& argv) {
    flag_spec spec{{"size", true}, {"part-size", true}, {"parallel", true}, {"keep", false}, {"no-progress", false}};
    auto a = parse_args(argv, spec);
    if (!a) return report_error(a.error(), false);
    std::uint64_t size = 256ull << 20, part_size = 8ull << 20;
    std::uint32_t parallel = 4;
    if (auto v = a->value("size")) {
        auto n = parse_size(*v);
        if (!n) return report_error(n.error(), false);
        size = *n;
    }
    if (auto v = a->value("part-size")) {
        auto n = parse_size(*v);
        if (!n) return report_error(n.error(), false);
        part_size = *n;
    }
    if (auto v = a->value("parallel")) {
        auto n = ossmp::detail::parse_unsigned<std::uint32_t>(*v);
        if (!n || *n < 1 || *n > 64) return report_error(usage("--parallel must be 1..64"), false);
        parallel = *n;
    }
    install_interrupt_handlers();
    bool show_progress = !a->has("no-progress") && ::isatty(2);

    // 1. A scratch directory, throwaway credentials, and an emulator on a free port.
    std::string tmpl = (std::filesystem::temp_directory_path() / "ossmp-demo-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return report_error(ossmp::make_error(ossmp::errc::io_error, "cannot create " + tmpl), false);
    std::filesystem::path dir = tmpl;
    struct cleanup {
        std::filesystem::path dir;
        bool keep;
        ~cleanup() {
            std::error_code ec;
            if (!keep) std::filesystem::remove_all(dir, ec);
        }
    } cleaner{dir, a->has("keep")};
    ossmp::credentials creds{"demo-" + random_hex(4), random_hex(20), ""};
    ossmp::emulator::config ecfg;
    ecfg.dir = (dir / "emulator").string();
    ecfg.buckets = {"demo"};
    ecfg.accounts = {creds};
    auto server = ossmp::emulator::server::start(ecfg);
    if (!server) return report_error(server.error(), false);
    std::printf("1. started an OSS emulator at %s (storage in %s, throwaway credentials)\n", (*server)->url().c_str(),
                ecfg.dir.c_str());

    // 2. A file of random bytes.
    auto file_path = (dir / "random.bin").string();
    {
        auto t0 = std::chrono::steady_clock::now();
        int fd = ::open(file_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) return report_error(ossmp::make_error(ossmp::errc::io_error, "cannot create " + file_path), false);
        std::mt19937_64 rng(std::random_device{}());
        std::vector<std::uint64_t> chunk(1 << 17);  // 1 MiB
        for (std::uint64_t done = 0; done < size;) {
            for (auto& w : chunk) w = rng();
            auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size() * 8, size - done));
            if (::write(fd, chunk.data(), n) != static_cast<ssize_t>(n)) {
                ::close(fd);
                return report_error(ossmp::make_error(ossmp::errc::io_error, "cannot write " + file_path), false);
            }
            done += n;
        }
        ::close(fd);
        std::printf("2. wrote %s of random bytes to %s in %.2f s\n", human_bytes(static_cast<double>(size)).c_str(),
                    file_path.c_str(), seconds_since(t0));
    }

    // 3. Upload it, and interrupt the upload half-way, as a crash or Ctrl-C would.
    auto src = ossmp::file_source::open(file_path);
    if (!src) return report_error(src.error(), false);
    auto identity = src->identity();
    if (!identity) return report_error(identity.error(), false);
    ossmp::upload_config cfg;
    cfg.ep = ossmp::parse_endpoint((*server)->url()).value();
    cfg.bucket = "demo";
    cfg.key = "demo/random.bin";
    cfg.signing = {ossmp::signature_version::v4, creds, {"cn-hangzhou", "oss", {}}, {}};
    cfg.source = *identity;
    cfg.part_size = part_size;
    cfg.max_in_flight = parallel;
    cfg.checkpoints = true;
    cfg.on_failure = ossmp::end_policy::keep;
    cfg.on_cancel = ossmp::end_policy::keep;
    auto cp_path = file_path + ".ossmp-checkpoint";
    ossmp::thread_pool_transport<ossmp::adapters::curl::client> net(parallel, [] { return ossmp::adapters::curl::client(); });
    auto m1 = ossmp::upload_machine::create(cfg);
    if (!m1) return report_error(m1.error(), false);
    std::printf("3. uploading to oss://demo/demo/random.bin in %u parts of %s, %u at a time; interrupting at 50%%\n",
                m1->part_count(), human_bytes(static_cast<double>(part_size)).c_str(), parallel);
    auto t1 = std::chrono::steady_clock::now();
    progress_printer p1(show_progress);
    auto half = [size](const ossmp::progress& p) { return p.bytes_confirmed * 2 >= size; };
    auto r1 = drive(*m1, net, *src, cp_path, p1, half);
    p1.finish();
    double s1 = seconds_since(t1);
    auto st1 = m1->stats();
    if (r1) {
        std::printf("   (the upload finished before it could be interrupted)\n");
    } else if (r1.error().code != ossmp::errc::cancelled || interrupted.load()) {
        return report_error(r1.error(), false);
    } else {
        std::printf("   interrupted after %.2f s: %u of %u parts stored, checkpoint saved to %s\n", s1, st1.parts_done,
                    st1.parts_total, cp_path.c_str());
    }

    // 4. Resume from the checkpoint: only the missing parts are sent.
    auto uploads_before = (*server)->stats().operations["UploadPart"].succeeded;
    auto t2 = std::chrono::steady_clock::now();
    ossmp::result<ossmp::upload_outcome> r2 = r1;
    ossmp::progress st2 = st1;
    std::size_t confirmed_before = st1.parts_total;
    if (!r1) {
        auto cp = ossmp::parse_checkpoint([&] {
            std::FILE* f = std::fopen(cp_path.c_str(), "rb");
            std::string text;
            if (f) {
                char buf[4096];
                std::size_t n;
                while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
                std::fclose(f);
            }
            return text;
        }());
        if (!cp) return report_error(cp.error(), false);
        auto m2 = ossmp::upload_machine::resume(cfg, *cp);
        if (!m2) return report_error(m2.error(), false);
        confirmed_before = cp->parts.size();
        std::printf("4. resuming upload %s: the checkpoint lists %zu finished parts\n", cp->upload_id.c_str(),
                    cp->parts.size());
        progress_printer p2(show_progress);
        r2 = drive(*m2, net, *src, cp_path, p2);
        p2.finish();
        st2 = m2->stats();
        if (!r2) return report_error(r2.error(), false);
    }
    double s2 = seconds_since(t2);
    auto resent = (*server)->stats().operations["UploadPart"].succeeded - uploads_before;
    std::remove(cp_path.c_str());
    std::printf("   done in %.2f s: the resume sent %llu parts (%u were missing), ETag %s, CRC-64 %llu\n", s2,
                static_cast<unsigned long long>(resent), static_cast<unsigned>(st2.parts_total - confirmed_before),
                r2->etag.c_str(), static_cast<unsigned long long>(r2->crc64));

    // 5. Read the object back in ranges and compare it with the file, byte for byte.
    auto t3 = std::chrono::steady_clock::now();
    ossmp::adapters::curl::client http;
    std::vector<char> expect;
    std::uint64_t crc = 0;
    for (std::uint64_t off = 0; off < size;) {
        std::uint64_t len = std::min<std::uint64_t>(8ull << 20, size - off);
        auto req = ossmp::make_get_object_request(cfg.ep, cfg.bucket, cfg.key, ossmp::body_range{off, len});
        if (!req) return report_error(req.error(), false);
        (void)ossmp::sign_request(*req, cfg.signing, ossmp::system_clock{}.now());
        ossmp::body_reader none;
        auto out = http.perform(*req, none);
        if (auto* te = std::get_if<ossmp::transport_error>(&out))
            return report_error(ossmp::make_error(te->code, te->message, ossmp::operation::get_object), false);
        auto& resp = std::get<ossmp::http_response>(out);
        if (auto e = ossmp::parse_service_error(resp, ossmp::operation::get_object)) return report_error(*e, false);
        expect.resize(static_cast<std::size_t>(len));
        std::uint64_t got = 0;
        while (got < len) {
            auto n = src->read_at(off + got, std::span<char>(expect.data() + got, expect.size() - got));
            if (!n || *n == 0) return report_error(ossmp::make_error(ossmp::errc::io_error, "cannot re-read " + file_path), false);
            got += *n;
        }
        if (resp.body.size() != len || std::memcmp(resp.body.data(), expect.data(), len) != 0)
            return report_error(ossmp::make_error(ossmp::errc::digest_mismatch,
                                                  "the object differs from the file at bytes " + std::to_string(off) + ".." +
                                                      std::to_string(off + len - 1)),
                                false);
        crc = ossmp::crc64_update(crc, resp.body.data(), resp.body.size());
        off += len;
    }
    if (crc != r2->crc64)
        return report_error(ossmp::make_error(ossmp::errc::crc_mismatch, "read-back CRC-64 differs from the upload's"), false);
    std::printf("5. read the object back in 8 MiB ranges in %.2f s: identical to the file (CRC-64 %llu)\n",
                seconds_since(t3), static_cast<unsigned long long>(crc));
    double upload_seconds = s1 + s2;
    std::printf("summary: %s uploaded in %u parts, %.2f s of upload time (%s/s overall), interrupted once and resumed "
                "without re-sending finished parts; %u retries\n",
                human_bytes(static_cast<double>(size)).c_str(), st2.parts_total, upload_seconds,
                human_bytes(static_cast<double>(size) / upload_seconds).c_str(), st1.retries + st2.retries);
    return exit_ok;
}

}  // namespace ossmp_cli
