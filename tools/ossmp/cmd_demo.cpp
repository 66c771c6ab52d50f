// ossmp demo: a guided tour in five steps, each a function below: start an emulator,
// write a file of random bytes, upload it and interrupt the upload half-way, resume it from
// its checkpoint (only the missing parts are sent), and read the object back to compare.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <ossmp/emulator/server.hpp>

#include "checkpoint_file.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "progress_line.hpp"
#include "upload_loop.hpp"

namespace ossmp_cli {

namespace {

using pool_transport = ossmp::thread_pool_transport<ossmp::adapters::curl::client>;

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Random hex for throwaway demo credentials (never printed).
std::string random_hex(std::size_t bytes) {
    std::random_device rd;
    std::string raw;
    for (std::size_t i = 0; i < bytes; ++i) raw.push_back(static_cast<char>(rd()));
    return ossmp::hex_encode(raw);
}

struct demo_settings {
    std::uint64_t size = 256ull << 20;
    std::uint64_t part_size = 8ull << 20;
    std::uint32_t parallel = 4;
    bool keep = false;
    bool show_progress = false;
};

// A scratch directory, removed at the end unless --keep.
struct scratch_dir {
    std::filesystem::path path;
    bool keep = false;
    ~scratch_dir() {
        std::error_code ec;
        if (!keep && !path.empty()) std::filesystem::remove_all(path, ec);
    }
};

// What the steps share.
struct demo_state {
    demo_settings settings;
    scratch_dir dir;
    std::unique_ptr<ossmp::emulator::server> server;
    ossmp::upload_config cfg;
    std::string file_path, cp_path;
    std::optional<ossmp::file_source> file;
    ossmp::progress first_run, second_run;
    double upload_seconds = 0;
    ossmp::upload_outcome outcome;
};

ossmp::result<demo_settings> parse_settings(const std::vector<std::string>& argv) {
    flag_spec spec{{"size", true}, {"part-size", true}, {"parallel", true}, {"keep", false}, {"no-progress", false}};
    auto a = parse_args(argv, spec);
    if (!a) return a.error();
    if (!a->positional.empty()) return usage("demo takes no positional arguments");
    demo_settings s;
    if (auto v = a->value("size")) {
        auto n = parse_size(*v);
        if (!n) return n.error();
        s.size = *n;
    }
    if (auto v = a->value("part-size")) {
        auto n = parse_size(*v);
        if (!n) return n.error();
        s.part_size = *n;
    }
    if (auto v = a->value("parallel")) {
        auto n = parse_number<std::uint32_t>(*v);
        if (!n || *n < 1 || *n > 64) return usage("--parallel must be 1..64");
        s.parallel = *n;
    }
    s.keep = a->has("keep");
    s.show_progress = !a->has("no-progress") && ::isatty(2);
    return s;
}

// 1. A scratch directory, throwaway credentials, and an emulator on a free port.
ossmp::result<void> start_emulator(demo_state& st) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ossmp-demo-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return ossmp::make_error(ossmp::errc::io_error, "cannot create " + tmpl);
    st.dir.path = tmpl;
    st.dir.keep = st.settings.keep;
    ossmp::credentials creds{"demo-" + random_hex(4), random_hex(20), ""};
    ossmp::emulator::config ecfg;
    ecfg.dir = (st.dir.path / "emulator").string();
    ecfg.buckets = {"demo"};
    ecfg.accounts = {creds};
    auto server = ossmp::emulator::server::start(ecfg);
    if (!server) return server.error();
    st.server = std::move(*server);
    auto ep = ossmp::parse_endpoint(st.server->url());
    if (!ep) return ep.error();
    st.cfg.ep = *ep;
    st.cfg.bucket = "demo";
    st.cfg.key = "demo/random.bin";
    st.cfg.signing = {ossmp::signature_version::v4, creds, {"cn-hangzhou", "oss", {}}, {}};
    std::printf("1. started an OSS emulator at %s (storage in %s, throwaway credentials)\n", st.server->url().c_str(),
                ecfg.dir.c_str());
    return ossmp::ok();
}

// 2. A file of random bytes.
ossmp::result<void> write_random_file(demo_state& st) {
    auto t0 = std::chrono::steady_clock::now();
    st.file_path = (st.dir.path / "random.bin").string();
    int fd = ::open(st.file_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return ossmp::make_error(ossmp::errc::io_error, "cannot create " + st.file_path);
    std::mt19937_64 rng(std::random_device{}());
    std::vector<std::uint64_t> chunk(1 << 17);  // 1 MiB
    for (std::uint64_t done = 0; done < st.settings.size;) {
        for (auto& w : chunk) w = rng();
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size() * 8, st.settings.size - done));
        if (::write(fd, chunk.data(), n) != static_cast<ssize_t>(n)) {
            ::close(fd);
            return ossmp::make_error(ossmp::errc::io_error, "cannot write " + st.file_path);
        }
        done += n;
    }
    ::close(fd);
    auto src = ossmp::file_source::open(st.file_path);
    if (!src) return src.error();
    auto identity = src->identity();
    if (!identity) return identity.error();
    st.file.emplace(std::move(*src));
    st.cfg.source = *identity;
    st.cfg.part_size = st.settings.part_size;
    st.cfg.max_in_flight = st.settings.parallel;
    st.cfg.checkpoints = true;
    st.cfg.on_failure = ossmp::end_policy::keep;
    st.cfg.on_cancel = ossmp::end_policy::keep;
    st.cp_path = st.file_path + ".ossmp-checkpoint";
    std::printf("2. wrote %s of random bytes to %s in %.2f s\n", human_bytes(static_cast<double>(st.settings.size)).c_str(),
                st.file_path.c_str(), seconds_since(t0));
    return ossmp::ok();
}

// 3. Upload it, and interrupt the upload half-way, as a crash or Ctrl-C would. Returns
// true when the upload finished before it could be interrupted.
ossmp::result<bool> upload_until_half(demo_state& st, pool_transport& net) {
    auto m = ossmp::upload_machine::create(st.cfg);
    if (!m) return m.error();
    std::printf("3. uploading to oss://demo/demo/random.bin in %u parts of %s, %u at a time; interrupting at 50%%\n",
                m->part_count(), human_bytes(static_cast<double>(st.settings.part_size)).c_str(), st.settings.parallel);
    auto t0 = std::chrono::steady_clock::now();
    progress_printer progress(st.settings.show_progress);
    auto size = st.settings.size;
    auto half = [size](const ossmp::progress& p) { return p.bytes_confirmed * 2 >= size; };
    auto d = drive(*m, net, *st.file, progress, {st.cp_path, std::nullopt, half});
    progress.finish();
    st.upload_seconds += seconds_since(t0);
    st.first_run = m->stats();
    if (d.outcome) {
        std::printf("   (the upload finished before it could be interrupted)\n");
        st.outcome = *d.outcome;
        st.second_run = st.first_run;
        return true;
    }
    if (d.outcome.error().code != ossmp::errc::cancelled || interrupted.load()) return d.outcome.error();
    std::printf("   interrupted after %.2f s: %u of %u parts stored, checkpoint saved to %s\n", st.upload_seconds,
                st.first_run.parts_done, st.first_run.parts_total, st.cp_path.c_str());
    return false;
}

// 4. Resume from the checkpoint: only the missing parts are sent.
ossmp::result<void> resume_from_checkpoint(demo_state& st, pool_transport& net) {
    auto uploads_before = st.server->stats().operations["UploadPart"].succeeded;
    auto cp = load_checkpoint(st.cp_path);
    if (!cp) return cp.error();
    if (!*cp) return ossmp::make_error(ossmp::errc::io_error, "the interrupted upload left no checkpoint");
    auto m = ossmp::upload_machine::resume(st.cfg, **cp);
    if (!m) return m.error();
    std::printf("4. resuming upload %s: the checkpoint lists %zu finished parts\n", (*cp)->upload_id.c_str(),
                (*cp)->parts.size());
    auto t0 = std::chrono::steady_clock::now();
    progress_printer progress(st.settings.show_progress);
    auto d = drive(*m, net, *st.file, progress, {st.cp_path, std::nullopt, {}});
    progress.finish();
    double seconds = seconds_since(t0);
    st.upload_seconds += seconds;
    st.second_run = m->stats();
    if (!d.outcome) return d.outcome.error();
    st.outcome = *d.outcome;
    std::remove(st.cp_path.c_str());
    auto resent = st.server->stats().operations["UploadPart"].succeeded - uploads_before;
    std::printf("   done in %.2f s: the resume sent %llu parts (%u were missing), ETag %s, CRC-64 %llu\n", seconds,
                static_cast<unsigned long long>(resent),
                static_cast<unsigned>(st.second_run.parts_total - (*cp)->parts.size()), st.outcome.etag.c_str(),
                static_cast<unsigned long long>(st.outcome.crc64));
    return ossmp::ok();
}

// 5. Read the object back in ranges and compare it with the file, byte for byte.
ossmp::result<void> verify_read_back(demo_state& st) {
    auto t0 = std::chrono::steady_clock::now();
    ossmp::adapters::curl::client http;
    std::vector<char> expect;
    std::uint64_t crc = 0;
    for (std::uint64_t off = 0; off < st.settings.size;) {
        std::uint64_t len = std::min<std::uint64_t>(8ull << 20, st.settings.size - off);
        auto req = ossmp::make_get_object_request(st.cfg.ep, st.cfg.bucket, st.cfg.key, ossmp::body_range{off, len});
        if (!req) return req.error();
        if (auto r = ossmp::sign_request(*req, st.cfg.signing, ossmp::system_clock{}.now()); !r) return r.error();
        ossmp::body_reader none;
        auto out = http.perform(*req, none);
        if (auto* te = std::get_if<ossmp::transport_error>(&out))
            return ossmp::make_error(te->code, te->message, ossmp::operation::get_object);
        auto& resp = std::get<ossmp::http_response>(out);
        if (auto e = ossmp::parse_service_error(resp, ossmp::operation::get_object)) return *e;
        expect.resize(static_cast<std::size_t>(len));
        std::uint64_t got = 0;
        while (got < len) {
            auto n = st.file->read_at(off + got, std::span<char>(expect.data() + got, expect.size() - got));
            if (!n || *n == 0) return ossmp::make_error(ossmp::errc::io_error, "cannot re-read " + st.file_path);
            got += *n;
        }
        if (resp.body.size() != len || std::memcmp(resp.body.data(), expect.data(), len) != 0)
            return ossmp::make_error(ossmp::errc::digest_mismatch, "the object differs from the file at bytes " +
                                                                       std::to_string(off) + ".." +
                                                                       std::to_string(off + len - 1));
        crc = ossmp::crc64_update(crc, resp.body.data(), resp.body.size());
        off += len;
    }
    if (crc != st.outcome.crc64)
        return ossmp::make_error(ossmp::errc::crc_mismatch, "read-back CRC-64 differs from the upload's");
    std::printf("5. read the object back in 8 MiB ranges in %.2f s: identical to the file (CRC-64 %llu)\n",
                seconds_since(t0), static_cast<unsigned long long>(crc));
    return ossmp::ok();
}

void print_summary(const demo_state& st) {
    std::printf("summary: %s uploaded in %u parts, %.2f s of upload time (%s/s overall), interrupted once and resumed "
                "without re-sending finished parts; %u retries\n",
                human_bytes(static_cast<double>(st.settings.size)).c_str(), st.second_run.parts_total, st.upload_seconds,
                human_bytes(static_cast<double>(st.settings.size) / st.upload_seconds).c_str(),
                st.first_run.retries + st.second_run.retries);
}

int run(const std::vector<std::string>& argv) {
    auto settings = parse_settings(argv);
    if (!settings) return report_error(settings.error(), false);
    install_interrupt_handlers();
    demo_state st;
    st.settings = *settings;
    if (auto r = start_emulator(st); !r) return report_error(r.error(), false);
    if (auto r = write_random_file(st); !r) return report_error(r.error(), false);
    pool_transport net(st.settings.parallel, [] { return ossmp::adapters::curl::client(); });
    auto finished = upload_until_half(st, net);
    if (!finished) return report_error(finished.error(), false);
    if (!*finished)
        if (auto r = resume_from_checkpoint(st, net); !r) return report_error(r.error(), false);
    if (auto r = verify_read_back(st); !r) return report_error(r.error(), false);
    print_summary(st);
    return exit_ok;
}

}  // namespace

extern const command demo_command = {
    "demo", "demo [--size SIZE] [--part-size SIZE] [--parallel N] [--keep] [--no-progress]",
    "usage: ossmp demo [options]\n"
    "\n"
    "A guided tour, nothing to set up: starts an emulator with throwaway credentials, writes a\n"
    "file of random bytes, uploads it and interrupts the upload half-way, resumes it from its\n"
    "checkpoint (only the missing parts are sent), then reads the object back and compares.\n"
    "\n"
    "  --size SIZE           the file's size (default 256MiB)\n"
    "  --part-size SIZE      part size (default 8MiB)\n"
    "  --parallel N          parts in flight at once, 1..64 (default 4)\n"
    "  --keep                keep the scratch directory (file, emulator storage)\n"
    "  --no-progress         no progress line\n",
    false, run};

}  // namespace ossmp_cli
