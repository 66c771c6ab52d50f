// ossmp::run with real threads and real time: a thread pool of blocking clients talking to
// the fake OSS, file sources read with pread, a pipe read as a stream of unknown size,
// checkpoint files written atomically, and cancellation from another thread (reaching the
// requests in flight of a cancellable transport).
#include <catch2/catch.hpp>

#include "fake_oss.hpp"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ossmp;
using namespace ossmp_test;

namespace {

constexpr std::uint64_t kib = 1024;

std::string bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

// A fake OSS shared by worker threads, with a wall clock.
struct shared_oss {
    virtual_clock clock;
    fake_oss oss{clock};
    std::mutex mutex;
    std::atomic<int> active{0}, peak{0};
    std::chrono::milliseconds latency{0};
};

// A blocking client: one exchange per call, like a simple HTTP library.
struct blocking_client {
    shared_oss* shared;
    exchange_result perform(const http_request& req, body_reader& body) {
        int now_active = ++shared->active;
        int peak = shared->peak.load();
        while (now_active > peak && !shared->peak.compare_exchange_weak(peak, now_active)) {
        }
        std::string data(static_cast<std::size_t>(body.size()), '\0');
        std::size_t got = 0;
        while (got < data.size()) {
            auto r = body.read(std::span<char>(data.data() + got, data.size() - got));
            if (!r) {
                --shared->active;
                return transport_error{errc::transport_other, r.error().what()};
            }
            if (*r == 0) break;
            got += *r;
        }
        if (shared->latency.count()) std::this_thread::sleep_for(shared->latency);
        http_response resp;
        {
            std::lock_guard lock(shared->mutex);
            shared->clock.t = system_clock{}.now();
            resp = shared->oss.handle(req, data);
        }
        --shared->active;
        return resp;
    }
};

upload_config config(std::optional<std::uint64_t> size) {
    upload_config c;
    c.ep = parse_endpoint("http://127.0.0.1:9000").value();
    c.bucket = "bucket";
    c.key = "run/test.bin";
    c.signing = {signature_version::v1, {"ak", "sk", ""}, {"", "oss", {}}, {}};
    c.source.size = size;
    c.part_size = 100 * kib;
    c.max_in_flight = 4;
    return c;
}

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        char tmpl[] = "/tmp/ossmp-run-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("run uploads a file through a pool of blocking clients", "[run]") {
    temp_dir dir;
    auto data = bytes(1000 * kib + 123, 5);
    auto path = (dir.path / "source.bin").string();
    std::ofstream(path, std::ios::binary) << data;
    auto src = file_source::open(path).value();
    CHECK(src.size() == data.size());
    auto id = src.identity().value();
    CHECK(id.size == data.size());
    CHECK(id.mtime_ns > 0);
    CHECK(id.fingerprint.rfind("crc64s:", 0) == 0);

    shared_oss shared;
    shared.latency = std::chrono::milliseconds(5);
    thread_pool_transport<blocking_client> pool(4, [&] { return blocking_client{&shared}; });
    auto cfg = config(data.size());
    cfg.source = id;
    cfg.checkpoints = true;
    auto m = upload_machine::create(cfg).value();
    run_options opts;
    opts.checkpoint_path = (dir.path / "upload.ossmp-checkpoint").string();
    auto r = run(m, pool, src, opts);
    INFO((r ? std::string("ok") : r.error().what()));
    REQUIRE(r);
    CHECK(r->part_count == 11);
    CHECK(shared.oss.objects.at("bucket/run/test.bin").data == data);
    CHECK(shared.peak.load() > 1);   // parts really went in parallel
    CHECK(shared.peak.load() <= 4);  // and never more than max_in_flight
    // The last checkpoint saved lists every part; it parses and holds no secret.
    std::ifstream in(opts.checkpoint_path);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto cp = parse_checkpoint(text);
    REQUIRE(cp);
    CHECK(cp->parts.size() == 11);
    CHECK(text.find("sk") == std::string::npos);
    for (const auto& e : std::filesystem::directory_iterator(dir.path))  // no temporary file left behind
        CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("run uploads a pipe of unknown size with bounded buffering", "[run]") {
    auto data = bytes(730 * kib, 9);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::thread writer([&] {
        std::size_t done = 0;
        while (done < data.size()) {
            auto n = ::write(fds[1], data.data() + done, std::min<std::size_t>(7000, data.size() - done));
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::close(fds[1]);
    });
    auto src = stream_source::from_fd(fds[0]);
    shared_oss shared;
    thread_pool_transport<blocking_client> pool(3, [&] { return blocking_client{&shared}; });
    auto cfg = config(std::nullopt);
    cfg.max_in_flight = 3;
    auto m = upload_machine::create(cfg).value();
    auto r = run(m, pool, src);
    writer.join();
    ::close(fds[0]);
    REQUIRE(r);
    CHECK(r->size == data.size());
    CHECK(r->part_count == 8);
    CHECK(shared.oss.objects.at("bucket/run/test.bin").data == data);
    CHECK(src.buffered_bytes() == 0);  // every buffer was released
}

TEST_CASE("run stops cleanly when cancelled from another thread", "[run]") {
    auto data = bytes(2000 * kib, 11);
    memory_source src(data);
    shared_oss shared;
    shared.latency = std::chrono::milliseconds(20);
    thread_pool_transport<blocking_client> pool(2, [&] { return blocking_client{&shared}; });
    auto cfg = config(data.size());
    cfg.max_in_flight = 2;
    auto m = upload_machine::create(cfg).value();
    std::atomic<bool> stop{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(60));
        stop = true;
    });
    run_options opts;
    opts.cancel = &stop;
    auto r = run(m, pool, src, opts);
    canceller.join();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::cancelled);
    CHECK(shared.oss.open_uploads() == 0);  // aborted: nothing left behind
    CHECK(shared.oss.objects.empty());
}

TEST_CASE("run reports an unreadable source as a local error and aborts", "[run]") {
    struct failing_source {
        result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) const {
            if (offset >= 100 * kib) return make_error(errc::io_error, "disk on fire");
            std::fill(out.begin(), out.end(), 'x');
            return std::min<std::size_t>(out.size(), static_cast<std::size_t>(100 * kib - offset));
        }
    } src;
    shared_oss shared;
    thread_pool_transport<blocking_client> pool(1, [&] { return blocking_client{&shared}; });
    auto cfg = config(300 * kib);
    cfg.content_md5 = true;  // digests read the source in the driver
    auto m = upload_machine::create(cfg).value();
    auto r = run(m, pool, src);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::io_error);
    CHECK(r.error().message.find("disk on fire") != std::string::npos);
    CHECK(shared.oss.open_uploads() == 0);
}

TEST_CASE("body_reader reads a range, checksums it and rewinds", "[run][body]") {
    std::string data = "0123456789abcdef";
    memory_source src(data);
    body_reader r(src, body_range{4, 8});
    CHECK(r.size() == 8);
    char buf[3];
    std::string got;
    for (;;) {
        auto n = r.read(std::span<char>(buf, 3));
        REQUIRE(n);
        if (*n == 0) break;
        got.append(buf, *n);
    }
    CHECK(got == "456789ab");
    CHECK(r.complete());
    CHECK(r.crc64() == crc64_of("456789ab"));
    r.rewind();
    CHECK(r.crc64() == 0);
    CHECK(r.remaining() == 8);
    body_reader beyond(src, body_range{10, 20});
    char big[32];
    auto first = beyond.read(std::span<char>(big, 32));
    REQUIRE(first);
    CHECK(*first == 6);
    auto second = beyond.read(std::span<char>(big, 32));
    REQUIRE_FALSE(second);
    CHECK(second.error().code == errc::source_short_read);
    body_reader mem(std::string_view("xml"));
    auto n = mem.read(std::span<char>(big, 32));
    CHECK(*n == 3);
    CHECK(mem.crc64() == crc64_of("xml"));
}

TEST_CASE("file_source errors name the path; identity tracks content", "[run][file]") {
    auto missing = file_source::open("/nonexistent/ossmp/file");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == errc::io_error);
    CHECK(missing.error().message.find("/nonexistent/ossmp/file") != std::string::npos);
    CHECK_FALSE(file_source::open("/tmp"));
    temp_dir dir;
    auto path = (dir.path / "f").string();
    std::ofstream(path) << std::string(300 * 1024, 'a');
    auto a = file_source::open(path).value().identity().value();
    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(150 * 1024);
        f.put('b');
    }
    auto b = file_source::open(path).value().identity().value();
    CHECK(a.fingerprint != b.fingerprint);
    CHECK(write_file_atomically((dir.path / "cp").string(), "hello"));
    std::ifstream in(dir.path / "cp");
    std::string s;
    in >> s;
    CHECK(s == "hello");
    CHECK_FALSE(write_file_atomically("/nonexistent/dir/cp", "x"));
}

TEST_CASE("file_source identity is the file now: an edit with the mtime put back still shows", "[run][file]") {
    temp_dir dir;
    auto path = (dir.path / "g").string();
    std::ofstream(path) << std::string(300 * 1024, 'a');
    auto f = file_source::open(path).value();
    auto before = f.identity().value();
    CHECK(before.size == 300 * 1024u);
    CHECK(before.mtime_ns != 0);
    CHECK(before.ctime_ns != 0);
    CHECK(before.inode != 0);
    CHECK(f.identity().value() == before);  // nothing changed: the same identity
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the clock move on
    {
        std::fstream out(path, std::ios::in | std::ios::out | std::ios::binary);
        out.seekp(10);
        out.put('b');
    }
    timespec times[2] = {st.st_atim, st.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
    auto after = f.identity().value();  // the same open file, asked again
    CHECK(after.mtime_ns == before.mtime_ns);
    CHECK(after.ctime_ns != before.ctime_ns);
    CHECK(identity_change(before, after).find("status-change time") != std::string::npos);
    std::ofstream(path, std::ios::app) << "more";
    CHECK(f.identity().value().size == 300 * 1024u + 4);
    CHECK(f.size() == 300 * 1024u);  // the size planned from stays what open() saw
}

TEST_CASE("run reports progress, caps its waits and hands checkpoints to the caller", "[run]") {
    auto data = bytes(1000 * kib, 17);
    memory_source src(data);
    shared_oss shared;
    shared.latency = std::chrono::milliseconds(150);  // every part is slower than max_wait
    thread_pool_transport<blocking_client> pool(2, [&] { return blocking_client{&shared}; });
    auto cfg = config(data.size());
    cfg.max_in_flight = 2;
    cfg.checkpoints = true;
    auto m = upload_machine::create(cfg).value();
    std::vector<std::string> saved;
    std::uint64_t last_done = 0;
    bool monotonic = true;
    int steps = 0;
    run_options opts;
    opts.max_wait = duration(20);
    opts.on_step = [&](const progress& p) {
        ++steps;
        monotonic = monotonic && p.bytes_confirmed >= last_done;
        last_done = p.bytes_confirmed;
        return false;
    };
    opts.save_checkpoint = [&](std::string text) -> result<void> {
        saved.push_back(std::move(text));
        return ok();
    };
    auto t0 = std::chrono::steady_clock::now();
    auto r = run(m, pool, src, opts);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE(r);
    CHECK(shared.oss.objects.at("bucket/run/test.bin").data == data);
    CHECK(monotonic);
    CHECK(last_done == data.size());
    // 10 parts two at a time at 150 ms each: with 20 ms waits, on_step ran many times per
    // part, not only when something happened (about 3 steps per part).
    CHECK(steps > static_cast<int>(ms / 40));
    // Every confirmed part produced a checkpoint, handed over instead of written; the last
    // one lists every part.
    REQUIRE(saved.size() >= 10);
    auto cp = parse_checkpoint(saved.back());
    REQUIRE(cp);
    CHECK(cp->parts.size() == 10);
}

TEST_CASE("run cancels when on_step says so, and a failing checkpoint sink fails the upload", "[run]") {
    auto data = bytes(1000 * kib, 19);
    memory_source src(data);
    shared_oss shared;
    thread_pool_transport<blocking_client> pool(1, [&] { return blocking_client{&shared}; });
    SECTION("on_step returns true once half the bytes are stored") {
        auto m = upload_machine::create(config(data.size())).value();
        run_options opts;
        opts.on_step = [&](const progress& p) { return p.bytes_confirmed >= data.size() / 2; };
        auto r = run(m, pool, src, opts);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::cancelled);
        CHECK(shared.oss.objects.empty());
    }
    SECTION("save_checkpoint returns an error") {
        auto cfg = config(data.size());
        cfg.checkpoints = true;
        auto m = upload_machine::create(cfg).value();
        run_options opts;
        opts.checkpoint_path = "/nonexistent-dir/never-written";  // the hook wins over the path
        opts.save_checkpoint = [](std::string) -> result<void> { return make_error(errc::io_error, "disk full"); };
        auto r = run(m, pool, src, opts);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::io_error);
        CHECK(r.error().message.find("disk full") != std::string::npos);
        CHECK(shared.oss.objects.empty());
    }
}

namespace {

// A blocking client that can be interrupted (CancellableBlockingTransport): it holds the
// requests `slow` picks for `hold`, looking at the stop flag every few milliseconds.
struct stoppable_client : blocking_client {
    std::function<bool(const http_request&)> slow;
    std::chrono::milliseconds hold{0};
    std::atomic<int>* stopped = nullptr;
    using blocking_client::perform;
    exchange_result perform(const http_request& req, body_reader& body, const std::atomic<bool>& stop) {
        if (slow && slow(req)) {
            auto until = std::chrono::steady_clock::now() + hold;
            while (std::chrono::steady_clock::now() < until) {
                if (stop.load()) {
                    ++*stopped;
                    return transport_error{errc::cancelled, "stopped"};
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        }
        return blocking_client::perform(req, body);
    }
};
static_assert(CancellableBlockingTransport<stoppable_client>);
static_assert(CancellableTransport<thread_pool_transport<stoppable_client>>);

bool is_part(const http_request& r) { return r.method == "PUT" && r.target().find("partNumber=") != std::string::npos; }
bool is_complete(const http_request& r) { return r.method == "POST" && r.target().find("uploadId=") != std::string::npos; }

}  // namespace

TEST_CASE("run cancels a cancellable transport's requests in flight, but never Complete", "[run][cancel]") {
    auto data = bytes(1000 * kib, 23);
    memory_source src(data);
    shared_oss shared;
    std::atomic<int> stopped{0};
    std::atomic<bool> cancel{false};
    run_options opts;
    opts.cancel = &cancel;
    opts.max_wait = duration(20);
    SECTION("parts held for 5 s end at once; the machine still aborts the upload, as configured") {
        thread_pool_transport<stoppable_client> pool(2, [&] { return stoppable_client{{&shared}, is_part, std::chrono::seconds(5), &stopped}; });
        auto m = upload_machine::create(config(data.size())).value();
        std::thread canceller([&] {
            auto started = [&] {
                std::lock_guard lock(shared.mutex);
                return !shared.oss.uploads.empty();
            };
            while (!started()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            cancel = true;
        });
        auto t0 = std::chrono::steady_clock::now();
        auto r = run(m, pool, src, opts);
        auto took = std::chrono::steady_clock::now() - t0;
        canceller.join();
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::cancelled);
        CHECK(took < std::chrono::seconds(2));
        CHECK(stopped.load() == 2);              // both parts in flight were interrupted
        CHECK(shared.oss.uploads.empty());       // and the Abort that followed was not
        CHECK(shared.oss.objects.empty());
    }
    SECTION("a cancel while Complete is in flight changes nothing") {
        thread_pool_transport<stoppable_client> pool(2, [&] {
            return stoppable_client{{&shared}, [&](const http_request& req) {
                                        if (is_complete(req)) cancel = true;
                                        return is_complete(req);
                                    },
                                    std::chrono::milliseconds(300), &stopped};
        });
        auto m = upload_machine::create(config(data.size())).value();
        auto r = run(m, pool, src, opts);
        INFO((r ? std::string("ok") : r.error().what()));
        REQUIRE(r);
        CHECK(stopped.load() == 0);
        CHECK(shared.oss.objects.at("bucket/run/test.bin").data == data);
    }
}
