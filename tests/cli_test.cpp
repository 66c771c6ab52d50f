// End-to-end tests of the `ossmp` tool over loopback against an in-process emulator: every
// subcommand, V1 and V4, path and virtual-hosted style, STS, awkward keys, standard input,
// --json output parsed, kill -9 at several points followed by a resume that provably
// re-sends only unfinished parts (the emulator's counters), a changed source refused or
// restarted, Ctrl-C pausing within a second, --timeout, checkpoint locks and unusable
// checkpoint paths, messages that say what to do, escaped output, and bad input refused
// before any request. A few protocol violations no emulator commits (a listing that never
// advances) come from a small HTTP server in the test (cpp-httplib).
#include <catch2/catch.hpp>

#include <ossmp/adapters/curl.hpp>
#include <ossmp/emulator/server.hpp>
#include <ossmp/ossmp.hpp>

#include "json.hpp"
#include "process.hpp"

#include <httplib.h>

#include <cstdlib>
#include <cwchar>
#include <clocale>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <thread>

#include <sys/stat.h>

using namespace ossmp;
using ossmp_test::json;
using ossmp_test::run_process;

namespace {

constexpr std::uint64_t kib = 1024;

std::string cli() {
    const char* p = std::getenv("OSSMP_CLI");
    REQUIRE(p);
    return p;
}

std::string random_bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

struct scratch {
    std::filesystem::path dir;
    scratch() {
        char tmpl[] = "/tmp/ossmp-cli-XXXXXX";
        dir = ::mkdtemp(tmpl);
    }
    ~scratch() { std::filesystem::remove_all(dir); }
    std::string write(const std::string& name, const std::string& data) {
        auto p = (dir / name).string();
        std::ofstream(p, std::ios::binary) << data;
        return p;
    }
};

struct local_oss {
    std::unique_ptr<ossmp::emulator::server> s;
    explicit local_oss(ossmp::emulator::fault_config faults = {}) {
        ossmp::emulator::config cfg;
        cfg.buckets = {"bucket"};
        cfg.accounts = {{"ak", "sk", ""}, {"sts-ak", "sts-sk", "the-sts-token"}};
        cfg.faults = faults;
        s = std::move(ossmp::emulator::server::start(cfg).value());
    }
    std::string url() const { return s->url(); }
    std::map<std::string, std::string> env(bool sts = false) const {
        return {{"OSS_ENDPOINT", url()},
                {"OSS_REGION", "cn-hangzhou"},
                {"OSS_ACCESS_KEY_ID", sts ? "sts-ak" : "ak"},
                {"OSS_ACCESS_KEY_SECRET", sts ? "sts-sk" : "sk"},
                {"OSS_SESSION_TOKEN", sts ? "the-sts-token" : ""}};
    }
    // Reads an object back through the library and the curl adapter.
    std::string get(const std::string& key) const {
        auto ep = parse_endpoint(url()).value();
        auto req = make_get_object_request(ep, "bucket", key).value();
        signing_config sc{signature_version::v4, {"ak", "sk", ""}, {"cn-hangzhou", "oss", {}}, {}};
        REQUIRE(sign_request(req, sc, ossmp::system_clock{}.now()));
        adapters::curl::client http;
        body_reader none;
        auto out = http.perform(req, none);
        REQUIRE(std::holds_alternative<http_response>(out));
        auto& r = std::get<http_response>(out);
        INFO(r.body.substr(0, 300));
        REQUIRE(r.status == 200);
        return r.body;
    }
    std::uint64_t uploads_stored() const { return s->stats().operations["UploadPart"].succeeded; }
};

// Faults that delay every answer (of `operations`, all when empty) by `ms`.
ossmp::emulator::fault_config delayed(std::uint32_t ms, std::vector<std::string> operations = {}) {
    ossmp::emulator::fault_config f;
    f.delay_ms = ms;
    f.operations = std::move(operations);
    return f;
}

ossmp_test::json parse_json_line(const std::string& out) {
    INFO(out);
    REQUIRE_FALSE(out.empty());
    return ossmp_test::json::parse(out.substr(0, out.find('\n')));
}


// Waits until `done()` or `limit` passes; true when done.
template <class F>
bool wait_for(F done, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

// Runs a command that must end by itself within `limit`; a hung command is killed and
// reported as status -1.
ossmp_test::process_result run_bounded(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                                       std::chrono::milliseconds limit) {
    ossmp_test::child c(argv, env);
    auto exited = [&] {
        siginfo_t info{};
        return ::waitid(P_PID, static_cast<id_t>(c.pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
    };
    bool ended = wait_for(exited, limit);
    if (!ended) c.signal(SIGKILL);
    auto r = c.wait();
    if (!ended) r.status = -1;
    return r;
}

// True when `s` is entirely valid UTF-8 (glibc's decoder in the C.UTF-8 locale).
bool valid_utf8(const std::string& s) {
    std::setlocale(LC_CTYPE, "C.UTF-8");
    std::mbstate_t st{};
    for (std::size_t i = 0; i < s.size();) {
        wchar_t w;
        auto n = std::mbrtowc(&w, s.data() + i, s.size() - i, &st);
        if (n == static_cast<std::size_t>(-1) || n == static_cast<std::size_t>(-2)) return false;
        i += n == 0 ? 1 : n;
    }
    return true;
}

// A tiny HTTP server for answers no emulator gives (cpp-httplib, loopback, any port).
struct odd_server {
    httplib::Server http;
    std::thread thread;
    int port = 0;
    explicit odd_server(httplib::Server::Handler handler) {
        http.Get(".*", handler);
        http.Post(".*", handler);
        http.Put(".*", handler);
        http.Delete(".*", handler);
        port = http.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { http.listen_after_bind(); });
        wait_for([&] { return http.is_running(); });
    }
    ~odd_server() {
        http.stop();
        thread.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

// Starts `argv` against a slow emulator and kills it (-9) once `parts` parts are stored.
void upload_then_kill(local_oss& emu, const std::vector<std::string>& argv, std::uint64_t parts) {
    ossmp_test::child c(argv, emu.env());
    REQUIRE(wait_for([&] { return emu.uploads_stored() >= parts; }));
    c.signal(SIGKILL);
    c.wait();
}

// The object keys of the unfinished uploads, through the tool.
std::size_t uploads_left(const local_oss& emu) {
    auto r = run_process({cli(), "ls-uploads", "oss://bucket", "--json"}, emu.env());
    return parse_json_line(r.out)["uploads"].size();
}

}  // namespace

TEST_CASE("cp uploads files with V1 and V4, path and virtual-hosted, STS and awkward keys", "[cli][cp]") {
    local_oss emu;
    scratch tmp;
    auto data = random_bytes(350 * kib + 11, 1);
    auto file = tmp.write("source.bin", data);
    const char* keys[] = {"plain.bin", "dir/with space+plus%25~tilde.bin", "\xe6\x96\x87\xe4\xbb\xb6/\xf0\x9f\x93\xa6.bin"};
    int i = 0;
    for (auto sign : {"v1", "v4"})
        for (bool vhost : {false, true})
            for (bool sts : {false, true}) {
                std::string key = std::string(keys[i % 3]) + "-" + std::to_string(i);
                ++i;
                auto env = emu.env(sts);
                std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/" + key, "--json", "--sign", sign,
                                                 "--part-size", "100KiB", "--parallel", "3"};
                if (vhost) {
                    env["OSS_ENDPOINT"] = "http://localhost:" + std::to_string(emu.s->port());
                    argv.push_back("--virtual-hosted");
                }
                auto r = run_process(argv, env);
                INFO(sign << (vhost ? " virtual-hosted" : " path") << (sts ? " sts " : " ") << key << ": " << r.err
                          << r.out);
                REQUIRE(r.status == 0);
                auto j = parse_json_line(r.out);
                CHECK(j["ok"].boolean());
                CHECK(j["key"].str() == key);
                CHECK(j["crc64"].str() == std::to_string(crc64_of(data)));
                CHECK(j["bytes"].u64() == data.size());
                CHECK(j["parts"].u64() == 4);
                CHECK(emu.get(key) == data);
                CHECK_FALSE(std::filesystem::exists(file + ".ossmp-checkpoint"));  // removed on success
                CHECK(r.err.find("sk") == std::string::npos);
            }
}

TEST_CASE("cp reads standard input of unknown size; a key ending in / takes the file name", "[cli][cp]") {
    local_oss emu;
    scratch tmp;
    auto data = random_bytes(333 * kib, 2);
    auto r = run_process({cli(), "cp", "-", "oss://bucket/from/stdin.bin", "--part-size", "100KiB", "--json"}, emu.env(),
                         data);
    INFO(r.err);
    REQUIRE(r.status == 0);
    auto j = parse_json_line(r.out);
    CHECK(j["parts"].u64() == 4);
    CHECK(j["crc64"].str() == std::to_string(crc64_of(data)));
    CHECK(emu.get("from/stdin.bin") == data);
    auto file = tmp.write("named.txt", "hello");
    auto r2 = run_process({cli(), "cp", file, "oss://bucket/dir/", "--no-progress"}, emu.env());
    INFO(r2.err);
    REQUIRE(r2.status == 0);
    CHECK(r2.out.find("oss://bucket/dir/named.txt") != std::string::npos);
    CHECK(emu.get("dir/named.txt") == "hello");
    auto empty = tmp.write("empty", "");
    REQUIRE(run_process({cli(), "cp", empty, "oss://bucket/empty"}, emu.env()).status == 0);
    CHECK(emu.get("empty").empty());
}

TEST_CASE("ls-uploads, ls-parts and abort show and clean unfinished uploads", "[cli][list]") {
    local_oss emu;
    auto ep = parse_endpoint(emu.url()).value();
    signing_config sc{signature_version::v4, {"ak", "sk", ""}, {"cn-hangzhou", "oss", {}}, {}};
    adapters::curl::client http;
    auto send = [&](http_request req, std::string body = {}) {
        REQUIRE(sign_request(req, sc, ossmp::system_clock{}.now()));
        memory_source src(body);
        auto reader = body_reader::for_request(req, src);
        auto out = http.perform(req, reader);
        REQUIRE(std::holds_alternative<http_response>(out));
        return std::get<http_response>(out);
    };
    auto init = parse_initiate_result(send(make_initiate_request(ep, "bucket", "pending/a b.bin").value())).value();
    auto part = random_bytes(1000, 3);
    send(make_upload_part_request(ep, "bucket", "pending/a b.bin", init.upload_id, 2, {0, part.size()}).value(), part);

    auto l = run_process({cli(), "ls-uploads", "oss://bucket/pending/", "--json"}, emu.env());
    INFO(l.err);
    REQUIRE(l.status == 0);
    auto lj = parse_json_line(l.out);
    REQUIRE(lj["uploads"].size() == 1);
    CHECK(lj["uploads"][0]["key"].str() == "pending/a b.bin");
    CHECK(lj["uploads"][0]["upload_id"].str() == init.upload_id);
    auto human = run_process({cli(), "ls-uploads", "oss://bucket"}, emu.env());
    CHECK(human.out.find(init.upload_id) != std::string::npos);

    auto p = run_process({cli(), "ls-parts", "oss://bucket/pending/a b.bin", "--upload-id", init.upload_id, "--json"},
                         emu.env());
    INFO(p.err);
    REQUIRE(p.status == 0);
    auto pj = parse_json_line(p.out);
    REQUIRE(pj["parts"].size() == 1);
    CHECK(pj["parts"][0]["part_number"].u64() == 2);
    CHECK(pj["parts"][0]["size"].u64() == 1000);
    CHECK(pj["parts"][0]["crc64"].str() == std::to_string(crc64_of(part)));

    auto a = run_process({cli(), "abort", "oss://bucket/pending/a b.bin", "--upload-id", init.upload_id}, emu.env());
    INFO(a.err);
    REQUIRE(a.status == 0);
    auto again = run_process({cli(), "ls-uploads", "oss://bucket", "--json"}, emu.env());
    CHECK(parse_json_line(again.out)["uploads"].size() == 0);
    // Aborting twice is a service error with OSS's code, request id and EC.
    auto twice = run_process({cli(), "abort", "oss://bucket/pending/a b.bin", "--upload-id", init.upload_id}, emu.env());
    CHECK(twice.status == 3);
    CHECK(twice.err.find("NoSuchUpload") != std::string::npos);
    CHECK(twice.err.find("request id") != std::string::npos);
    CHECK(twice.err.find("EC ") != std::string::npos);
}

TEST_CASE("presign gives URLs that work without credentials", "[cli][presign]") {
    local_oss emu;
    scratch tmp;
    auto data = random_bytes(5000, 4);
    REQUIRE(run_process({cli(), "cp", tmp.write("f", data), "oss://bucket/shared file.bin"}, emu.env()).status == 0);
    for (auto sign : {"v1", "v4"}) {
        auto r = run_process({cli(), "presign", "oss://bucket/shared file.bin", "--sign", sign, "--expires", "120"},
                             emu.env());
        INFO(r.err);
        REQUIRE(r.status == 0);
        std::string url = r.out.substr(0, r.out.find('\n'));
        http_request get;
        get.method = "GET";
        auto scheme_end = url.find("://");
        auto path_start = url.find('/', scheme_end + 3);
        get.scheme = "http";
        get.host = url.substr(scheme_end + 3, path_start - scheme_end - 3);
        auto q = url.find('?');
        get.path = url.substr(path_start, q - path_start);
        // The URL's query is already encoded: carry it in the path so it is sent verbatim.
        get.path += url.substr(q);
        adapters::curl::client http;
        body_reader none;
        auto out = http.perform(get, none);
        REQUIRE(std::holds_alternative<http_response>(out));
        INFO(std::get<http_response>(out).body.substr(0, 300));
        CHECK(std::get<http_response>(out).status == 200);
        CHECK(std::get<http_response>(out).body == data);
    }
    auto bad = run_process({cli(), "presign", "oss://bucket/k", "--upload-id", "U"}, emu.env());
    CHECK(bad.status == 2);
}

TEST_CASE("kill -9 at several points, then the same command resumes and re-sends only unfinished parts",
          "[cli][resume]") {
    scratch tmp;
    const std::uint32_t parts = 30;
    auto data = random_bytes(parts * 100 * kib, 5);
    for (std::uint64_t kill_after : {1u, 12u, 27u}) {
        local_oss emu(delayed(40));
        auto file = tmp.write("big" + std::to_string(kill_after) + ".bin", data);
        std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/resumed.bin", "--part-size", "100KiB",
                                         "--parallel", "3", "--no-progress"};
        {
            ossmp_test::child c(argv, emu.env());
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
            while (emu.uploads_stored() < kill_after && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            c.signal(SIGKILL);
            auto r = c.wait();
            INFO(r.err);
            REQUIRE(r.status == 128 + SIGKILL);
        }
        auto cp_path = file + ".ossmp-checkpoint";
        REQUIRE(std::filesystem::exists(cp_path));
        std::ifstream in(cp_path);
        auto cp = parse_checkpoint(std::string((std::istreambuf_iterator<char>(in)), {})).value();
        // Requests whose body had fully arrived still complete on the server after the
        // kill: wait until its count settles.
        auto stored_at_kill = emu.uploads_stored();
        for (int quiet = 0; quiet < 10;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            auto now_stored = emu.uploads_stored();
            quiet = now_stored == stored_at_kill ? quiet + 1 : 0;
            stored_at_kill = now_stored;
        }
        INFO("killed after " << stored_at_kill << " parts stored, " << cp.parts.size() << " in the checkpoint");
        CHECK(cp.parts.size() <= stored_at_kill);
        emu.s->set_faults({});
        emu.s->reset_stats();
        auto r = run_process(argv, emu.env());
        INFO(r.err);
        REQUIRE(r.status == 0);
        CHECK(r.err.find("resuming upload " + cp.upload_id) != std::string::npos);
        CHECK(emu.get("resumed.bin") == data);
        // Parts the checkpoint confirmed were not sent again; parts OSS stored but the
        // checkpoint missed were verified by CRC, not re-sent.
        auto stats = emu.s->stats();
        std::uint64_t resent = 0;
        for (auto& [n, c] : stats.parts[cp.upload_id]) {
            resent += c.attempts;
            for (auto& done : cp.parts) CHECK_FALSE((done.part_number == n && c.attempts > 0));
        }
        CHECK(resent == parts - stored_at_kill);
        CHECK(stats.operations["ListParts"].requests >= 1);
        CHECK_FALSE(std::filesystem::exists(cp_path));
    }
}

TEST_CASE("a changed source is refused, or restarted with --restart", "[cli][resume]") {
    local_oss emu(delayed(40));
    scratch tmp;
    auto data = random_bytes(20 * 100 * kib, 6);
    auto file = tmp.write("changing.bin", data);
    std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/changing.bin", "--part-size", "100KiB", "--no-progress"};
    upload_then_kill(emu, argv, 3);
    emu.s->set_faults({});
    data[10] ^= 1;  // same size, new content
    tmp.write("changing.bin", data);
    auto refused = run_process(argv, emu.env());
    CHECK(refused.status == 4);
    CHECK(refused.err.find("source changed") != std::string::npos);
    CHECK(refused.err.find("--restart") != std::string::npos);
    argv.push_back("--restart");
    auto restarted = run_process(argv, emu.env());
    INFO(restarted.err);
    REQUIRE(restarted.status == 0);
    CHECK(emu.get("changing.bin") == data);
    auto left = run_process({cli(), "ls-uploads", "oss://bucket", "--json"}, emu.env());
    CHECK(parse_json_line(left.out)["uploads"].size() == 0);  // the stale upload was aborted
}

TEST_CASE("Ctrl-C pauses within a second, even while parts wait on a silent server, and says how to resume",
          "[cli][resume][cancel]") {
    scratch tmp;
    auto data = random_bytes(20 * 100 * kib, 7);
    auto file = tmp.write("paused.bin", data);
    std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/paused.bin", "--part-size", "100KiB"};
    auto pause_and_resume = [&](local_oss& emu, const std::function<bool()>& ready) {
        ossmp_test::child c(argv, emu.env());
        REQUIRE(wait_for(ready));
        auto t0 = std::chrono::steady_clock::now();
        c.signal(SIGINT);
        auto r = c.wait();
        auto took = std::chrono::steady_clock::now() - t0;
        INFO(r.err);
        CHECK(r.status == 130);
        CHECK(took < std::chrono::seconds(1));
        CHECK(r.err.find("run the same command again to resume") != std::string::npos);
        emu.s->set_faults({});
        auto again = run_process(argv, emu.env());
        INFO(again.err);
        REQUIRE(again.status == 0);
        CHECK(emu.get("paused.bin") == data);
    };
    SECTION("half-way through a steady upload") {
        local_oss emu(delayed(40));
        pause_and_resume(emu, [&] { return emu.uploads_stored() >= 4; });
    }
    SECTION("while every part in flight waits 2 s for its answer") {
        local_oss emu(delayed(2000, {"UploadPart"}));
        pause_and_resume(emu, [&] {
            if (emu.s->stats().operations["InitiateMultipartUpload"].succeeded == 0) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));  // parts are now in flight
            return true;
        });
    }
}

TEST_CASE("bad input is refused with a clear message and no request", "[cli][errors]") {
    local_oss emu;
    scratch tmp;
    auto file = tmp.write("f", "data");
    auto env = emu.env();
    auto before = emu.s->stats().requests;
    struct bad_case {
        std::vector<std::string> args;
        std::map<std::string, std::string> env;
        int status;
        std::string fragment;
    };
    auto no_creds = env;
    no_creds["OSS_ACCESS_KEY_ID"] = "";
    auto no_endpoint = env;
    no_endpoint["OSS_ENDPOINT"] = "";
    std::vector<bad_case> cases = {
        {{"cp", file, "oss://bucket/k"}, no_creds, 2, "OSS_ACCESS_KEY_ID"},
        {{"cp", file, "oss://bucket/k"}, no_endpoint, 2, "OSS_ENDPOINT"},
        {{"cp", file, "oss://bucket/k", "--bogus"}, env, 2, "unknown option --bogus"},
        {{"cp", file, "oss://bucket/k", "--part-size", "12XB"}, env, 2, "invalid size '12XB'"},
        {{"cp", file, "oss://bucket/k", "--part-size", "10KiB"}, env, 2, "part size"},
        {{"cp", file, "oss://bucket/k", "--parallel", "0"}, env, 2, "--parallel"},
        {{"cp", (tmp.dir / "missing").string(), "oss://bucket/k"}, env, 5, "cannot open"},
        {{"cp", "-", "oss://bucket"}, env, 2, "needs a key"},
        {{"cp", file, "oss://"}, env, 2, "names no bucket"},
        {{"cp", file, "s3://bucket/k"}, env, 2, "not an oss:// URL"},
        {{"cp", file, "oss://Bad_Bucket/k"}, env, 2, "bucket name"},
        {{"cp", file}, env, 2, "source and a destination"},
        {{"ls-parts", "oss://bucket/k"}, env, 2, "--upload-id"},
        {{"frobnicate"}, env, 2, "unknown command"},
        {{"cp", file, "oss://bucket/k", "--sign", "v3"}, env, 2, "--sign must be v1 or v4"},
        {{"cp", file, "oss://bucket/k", "--retries", "0"}, env, 2, "--retries must be 1..100"},
        {{"cp", file, "oss://bucket/k", "--retry-budget", "-3"}, env, 2, "--retry-budget must be a positive"},
    };
    for (auto& bc : cases) {
        std::vector<std::string> argv = {cli()};
        argv.insert(argv.end(), bc.args.begin(), bc.args.end());
        auto r = run_process(argv, bc.env);
        INFO(bc.args[0] << " ... -> " << r.status << ": " << r.err);
        CHECK(r.status == bc.status);
        CHECK(r.err.find(bc.fragment) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') >= 1);
    }
    CHECK(emu.s->stats().requests == before);  // nothing reached the server

    // Service errors: a bucket that does not exist, as text and as --json.
    auto nb = run_process({cli(), "cp", file, "oss://no-such-bucket/k", "--json"}, env);
    CHECK(nb.status == 3);
    auto j = parse_json_line(nb.out);
    CHECK_FALSE(j["ok"].boolean());
    CHECK(j["error"]["code"].str() == "NoSuchBucket");
    CHECK_FALSE(j["error"]["request_id"].str().empty());
    // Wrong credentials: the secret never appears in the output.
    auto wrong = env;
    wrong["OSS_ACCESS_KEY_SECRET"] = "wrong-secret-value";
    auto w = run_process({cli(), "cp", file, "oss://bucket/k"}, wrong);
    CHECK(w.status == 3);
    CHECK(w.err.find("SignatureDoesNotMatch") != std::string::npos);
    CHECK(w.err.find("wrong-secret-value") == std::string::npos);
    // Nothing listening: a network failure, reported quickly.
    auto down = env;
    down["OSS_ENDPOINT"] = "http://127.0.0.1:1";
    auto t0 = std::chrono::steady_clock::now();
    auto d = run_process({cli(), "cp", file, "oss://bucket/k"}, down);
    CHECK(d.status == 6);
    CHECK(d.err.find("connect") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(15));
}

TEST_CASE("serve and demo", "[cli][serve][demo]") {
    std::map<std::string, std::string> env = {{"OSS_ACCESS_KEY_ID", "serve-ak"}, {"OSS_ACCESS_KEY_SECRET", "serve-sk"},
                                              {"OSS_SESSION_TOKEN", ""}, {"OSS_REGION", "cn-hangzhou"}};
    ossmp_test::child server({cli(), "serve", "--port", "0", "--bucket", "served", "--threads", "4"}, env);
    std::string url;
    for (int i = 0; i < 500 && url.empty(); ++i) {
        auto out = server.out_so_far();
        if (auto nl = out.find('\n'); nl != std::string::npos) url = out.substr(0, nl);
        else std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(url.rfind("listening on http://127.0.0.1:", 0) == 0);
    url = url.substr(std::string("listening on ").size());
    scratch tmp;
    auto file = tmp.write("served.txt", "served by ossmp serve");
    auto served_env = env;
    served_env["OSS_ENDPOINT"] = url;
    auto up = run_process({cli(), "cp", file, "oss://served/x.txt", "--json"}, served_env);
    INFO(up.err);
    CHECK(up.status == 0);
    CHECK(parse_json_line(up.out)["bytes"].u64() == 21);
    server.signal(SIGTERM);
    auto sr = server.wait();
    INFO(sr.err);
    CHECK(sr.status == 0);
    CHECK(sr.out.find("serve-sk") == std::string::npos);

    auto no_threads = run_process({cli(), "serve", "--threads", "0"}, env);
    CHECK(no_threads.status == 2);
    CHECK(no_threads.err.find("--threads must be 1..1024") != std::string::npos);

    auto d = run_process({cli(), "demo", "--size", "3MiB", "--part-size", "100KiB", "--no-progress"}, env);
    INFO(d.out << d.err);
    REQUIRE(d.status == 0);
    CHECK(d.out.find("interrupted") != std::string::npos);
    CHECK(d.out.find("identical to the file") != std::string::npos);
    CHECK(d.out.find("serve-sk") == std::string::npos);
}

TEST_CASE("every command's --help prints its help on stdout and exits 0", "[cli][help]") {
    for (auto cmd : {"cp", "ls-uploads", "ls-parts", "abort", "presign", "serve", "demo"})
        for (auto flag : {"--help", "-h"}) {
            auto r = run_process({cli(), cmd, "oss://bucket/k", flag}, {{"OSS_ENDPOINT", ""}});
            INFO(cmd << " " << flag << ": " << r.err);
            CHECK(r.status == 0);
            CHECK(r.out.find(std::string("usage: ossmp ") + cmd) == 0);
            CHECK(r.out.find("Exit status") != std::string::npos);
            CHECK(r.err.empty());
        }
    auto all = run_process({cli(), "--help"});
    CHECK(all.status == 0);
    CHECK(all.out.find("7 the data does not fit") != std::string::npos);
}

TEST_CASE("errors found before any request name no operation", "[cli][errors]") {
    local_oss emu;
    scratch tmp;
    auto file = tmp.write("f", "data");
    auto before = emu.s->stats().requests;
    for (auto extra : {std::vector<std::string>{"--part-size", "10KiB"}, {"--storage-class", "bad\nclass"}}) {
        std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/k", "--no-progress"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto r = run_process(argv, emu.env());
        INFO(r.err);
        CHECK(r.status == 2);
        CHECK(r.err.find("ossmp: error: ") == 0);
        CHECK(r.err.find("InitiateMultipartUpload") == std::string::npos);
    }
    CHECK(emu.s->stats().requests == before);
}

TEST_CASE("a checkpoint path that is a directory or another file is neither 'empty' nor offered for deletion",
          "[cli][checkpoint]") {
    local_oss emu;
    scratch tmp;
    auto file = tmp.write("src.bin", random_bytes(150 * kib, 30));
    auto dir = (tmp.dir / "a-directory").string();
    std::filesystem::create_directory(dir);
    auto passwd_like = tmp.write("passwd", "root:x:0:0:root:/root:/bin/bash\n");
    auto before = emu.s->stats().requests;
    struct bad_path {
        std::string path;
        int status;
        std::string says;
    };
    for (const auto& b : {bad_path{dir, 5, "is a directory"}, bad_path{passwd_like, 5, "is not an ossmp checkpoint"},
                          bad_path{file, 2, "the source file itself"}}) {
        auto r = run_process({cli(), "cp", file, "oss://bucket/k", "--checkpoint", b.path}, emu.env());
        INFO(b.path << ": " << r.err);
        CHECK(r.status == b.status);
        CHECK(r.err.find(b.says) != std::string::npos);
        CHECK(r.err.find("empty") == std::string::npos);
        CHECK(r.err.find("delete") == std::string::npos);
        CHECK(r.err.find("--checkpoint") != std::string::npos);  // what to do instead
    }
    // Nothing was sent, and nothing was written over or beside the files.
    CHECK(emu.s->stats().requests == before);
    std::ifstream in(passwd_like);
    CHECK(std::string((std::istreambuf_iterator<char>(in)), {}) == "root:x:0:0:root:/root:/bin/bash\n");
    CHECK_FALSE(std::filesystem::exists(passwd_like + ".lock"));
    CHECK(std::filesystem::is_empty(dir));
}

TEST_CASE("a different --part-size on a rerun says what differs, and --restart starts over", "[cli][resume]") {
    local_oss emu(delayed(40));
    scratch tmp;
    auto data = random_bytes(20 * 100 * kib, 31);
    auto file = tmp.write("sized.bin", data);
    auto argv = [&](const char* part_size) {
        return std::vector<std::string>{cli(), "cp", file, "oss://bucket/sized.bin", "--no-progress", "--part-size", part_size};
    };
    upload_then_kill(emu, argv("100KiB"), 3);
    emu.s->set_faults({});
    auto refused = run_process(argv("200KiB"), emu.env());
    INFO(refused.err);
    CHECK(refused.status == 2);
    CHECK(refused.err.find("--part-size 102400") != std::string::npos);
    CHECK(refused.err.find("--part-size 204800") != std::string::npos);
    CHECK(refused.err.find("--restart") != std::string::npos);
    CHECK(refused.err.find("delete") == std::string::npos);
    auto again = argv("200KiB");
    again.push_back("--restart");
    auto restarted = run_process(again, emu.env());
    INFO(restarted.err);
    REQUIRE(restarted.status == 0);
    CHECK(emu.get("sized.bin") == data);
    CHECK(uploads_left(emu) == 0);  // the 100 KiB upload was aborted
}

TEST_CASE("a source truncated during the upload asks for --restart, not a rerun", "[cli][resume]") {
    local_oss emu(delayed(40));
    scratch tmp;
    auto data = random_bytes(20 * 100 * kib, 32);
    auto file = tmp.write("shrinking.bin", data);
    std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/shrinking.bin", "--no-progress", "--part-size",
                                     "100KiB", "--parallel", "2"};
    ossmp_test::child c(argv, emu.env());
    REQUIRE(wait_for([&] { return emu.uploads_stored() >= 3; }));
    std::filesystem::resize_file(file, 550 * kib);
    auto r = c.wait();
    INFO(r.err);
    CHECK(r.status == 4);
    CHECK(r.err.find("--restart") != std::string::npos);
    CHECK(r.err.find("run the same command again") == std::string::npos);
    emu.s->set_faults({});
    argv.push_back("--restart");
    auto restarted = run_process(argv, emu.env());
    INFO(restarted.err);
    REQUIRE(restarted.status == 0);
    CHECK(emu.get("shrinking.bin") == data.substr(0, 550 * kib));
}

TEST_CASE("an unwritable checkpoint location is refused before Initiate", "[cli][checkpoint]") {
    local_oss emu;
    scratch tmp;
    auto file = tmp.write("src.bin", random_bytes(150 * kib, 33));
    auto not_a_dir = tmp.write("plain-file", "x");
    auto before = emu.s->stats().requests;
    for (auto cp : {not_a_dir + "/cp", (tmp.dir / "missing-dir" / "cp").string()}) {
        auto r = run_process({cli(), "cp", file, "oss://bucket/k", "--checkpoint", cp}, emu.env());
        INFO(r.err);
        CHECK(r.status == 5);
        CHECK(r.err.find("cannot save checkpoints at " + cp) != std::string::npos);
        CHECK(r.err.find("--checkpoint FILE") != std::string::npos);
    }
    CHECK(emu.s->stats().requests == before);  // no upload was initiated, so none leaks
    CHECK(uploads_left(emu) == 0);
}

TEST_CASE("a checkpoint that cannot be written later says how to resume by upload id", "[cli][checkpoint]") {
    local_oss emu(delayed(40));
    scratch tmp;
    const std::uint32_t parts = 20;
    auto data = random_bytes(parts * 100 * kib, 34);
    auto file = tmp.write("src.bin", data);
    auto cp_dir = tmp.dir / "checkpoints";
    std::filesystem::create_directory(cp_dir);
    std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/by-id.bin", "--no-progress", "--part-size",
                                     "100KiB", "--checkpoint", (cp_dir / "cp").string()};
    ossmp_test::child c(argv, emu.env());
    REQUIRE(wait_for([&] { return emu.uploads_stored() >= 3; }));
    // Every later save fails. (The tool may be creating a temporary file in it right now.)
    for (std::error_code ec; std::filesystem::exists(cp_dir);) std::filesystem::remove_all(cp_dir, ec);
    auto r = c.wait();
    INFO(r.err);
    CHECK(r.status == 5);
    auto at = r.err.find("--upload-id ");
    REQUIRE(at != std::string::npos);
    auto id = r.err.substr(at + 12, r.err.find_first_of(" )\n", at + 12) - at - 12);
    INFO("upload id " << id);
    CHECK(uploads_left(emu) == 1);
    emu.s->set_faults({});
    emu.s->reset_stats();
    auto resumed = run_process({cli(), "cp", file, "oss://bucket/by-id.bin", "--no-progress", "--part-size", "100KiB",
                                "--upload-id", id, "--checkpoint", (tmp.dir / "new-cp").string()},
                               emu.env());
    INFO(resumed.err);
    REQUIRE(resumed.status == 0);
    CHECK(emu.get("by-id.bin") == data);
    auto stats = emu.s->stats();
    CHECK(stats.operations["ListParts"].requests >= 1);
    CHECK(stats.operations["UploadPart"].succeeded < parts);  // stored parts were verified, not re-sent
    CHECK(uploads_left(emu) == 0);
}

TEST_CASE("a second run on the same checkpoint is refused and names the run that holds it", "[cli][lock]") {
    local_oss emu(delayed(1500, {"UploadPart"}));  // the first run is still busy when the second starts
    scratch tmp;
    auto data = random_bytes(12 * 100 * kib, 35);
    auto file = tmp.write("shared.bin", data);
    std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/shared.bin", "--no-progress", "--part-size", "100KiB"};
    ossmp_test::child first(argv, emu.env());
    REQUIRE(wait_for([&] { return emu.s->stats().operations["InitiateMultipartUpload"].succeeded >= 1; }));
    auto second = run_process(argv, emu.env());
    INFO(second.err);
    CHECK(second.status == 5);
    CHECK(second.err.find("in use by another ossmp run (pid " + std::to_string(first.pid()) + " on host ") !=
          std::string::npos);
    emu.s->set_faults({});
    auto r = first.wait();
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(emu.get("shared.bin") == data);
    CHECK_FALSE(std::filesystem::exists(file + ".ossmp-checkpoint.lock"));  // released
    for (const auto& e : std::filesystem::directory_iterator(tmp.dir))  // no temporary file left
        CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("a --timeout bounds the whole run", "[cli][cancel]") {
    local_oss emu(delayed(3000));
    scratch tmp;
    auto file = tmp.write("late.bin", random_bytes(3 * 100 * kib, 37));
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_process({cli(), "cp", file, "oss://bucket/late.bin", "--part-size", "100KiB", "--timeout", "500ms", "--json"},
                         emu.env());
    auto took = std::chrono::steady_clock::now() - t0;
    INFO(r.out << r.err);
    CHECK(r.status == 6);
    CHECK(took < std::chrono::milliseconds(2500));  // Initiate alone would take 3 s
    auto j = parse_json_line(r.out);
    CHECK(j["error"]["message"].str().find("gave up after --timeout 500 ms: nothing was stored") == 0);
    auto bad = run_process({cli(), "ls-uploads", "oss://bucket", "--timeout", "soon"}, emu.env());
    CHECK(bad.status == 2);
    CHECK(bad.err.find("invalid duration 'soon'") != std::string::npos);
    auto listing = run_bounded({cli(), "ls-uploads", "oss://bucket", "--timeout", "500ms"}, emu.env(),
                               std::chrono::seconds(3));
    CHECK(listing.status == 6);
    CHECK(listing.err.find("--timeout 500 ms") != std::string::npos);
}

TEST_CASE("ls-uploads refuses a truncated listing whose markers do not advance", "[cli][list]") {
    std::atomic<int> pages{0};
    odd_server srv([&](const httplib::Request&, httplib::Response& res) {
        ++pages;
        res.set_content("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListMultipartUploadsResult><Bucket>bucket</Bucket>"
                        "<KeyMarker>k</KeyMarker><UploadIdMarker>u</UploadIdMarker><NextKeyMarker>k</NextKeyMarker>"
                        "<NextUploadIdMarker>u</NextUploadIdMarker><MaxUploads>1</MaxUploads>"
                        "<IsTruncated>true</IsTruncated><Upload><Key>k</Key><UploadId>u</UploadId>"
                        "<Initiated>2024-01-01T00:00:00.000Z</Initiated></Upload></ListMultipartUploadsResult>",
                        "application/xml");
    });
    std::map<std::string, std::string> env = {{"OSS_ENDPOINT", srv.url()}, {"OSS_REGION", "cn-hangzhou"},
                                              {"OSS_ACCESS_KEY_ID", "ak"}, {"OSS_ACCESS_KEY_SECRET", "sk"}};
    auto r = run_bounded({cli(), "ls-uploads", "oss://bucket"}, env, std::chrono::seconds(5));
    INFO(r.err);
    CHECK(r.status == 3);
    CHECK(r.err.find("do not advance") != std::string::npos);
    CHECK(pages.load() <= 3);
}

TEST_CASE("a FIFO with no writer is refused at once", "[cli][errors]") {
    local_oss emu;
    scratch tmp;
    auto fifo = (tmp.dir / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto r = run_bounded({cli(), "cp", fifo, "oss://bucket/k"}, emu.env(), std::chrono::seconds(5));
    INFO(r.err);
    CHECK(r.status == 5);
    CHECK(r.err.find("is not a regular file (it is a FIFO)") != std::string::npos);
}

TEST_CASE("an unresolvable endpoint reads 'could not resolve host', with --parallel 1", "[cli][errors]") {
    scratch tmp;
    auto file = tmp.write("f", "data");
    std::map<std::string, std::string> env = {{"OSS_ENDPOINT", "http://ossmp-test.invalid"}, {"OSS_REGION", "cn-hangzhou"},
                                              {"OSS_ACCESS_KEY_ID", "ak"}, {"OSS_ACCESS_KEY_SECRET", "sk"}};
    auto r = run_bounded({cli(), "cp", file, "oss://bucket/k", "--parallel", "1", "--path-style"}, env,
                         std::chrono::seconds(30));
    INFO(r.err);
    CHECK(r.status == 6);
    CHECK(r.err.find("could not resolve host ossmp-test.invalid") != std::string::npos);
    CHECK(r.err.find("refused an option") == std::string::npos);
}

TEST_CASE("standard input: buffers grow with the data, and part size x parallel is bounded", "[cli][stdin]") {
    local_oss emu;
    auto r = run_process({cli(), "cp", "-", "oss://bucket/hi.txt", "--part-size", "1GiB", "--parallel", "1", "--json"},
                         emu.env(), "hi\n");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(emu.get("hi.txt") == "hi\n");
    INFO("peak RSS " << r.max_rss_kib << " KiB");
    CHECK(r.max_rss_kib < 512 * 1024);  // not the 1 GiB part size
    auto before = emu.s->stats().requests;
    auto big = run_process({cli(), "cp", "-", "oss://bucket/big", "--part-size", "5GiB", "--parallel", "64"}, emu.env(),
                           "x");
    INFO(big.err);
    CHECK(big.status == 2);
    CHECK(big.err.find("--max-memory") != std::string::npos);
    auto small = run_process({cli(), "cp", "-", "oss://bucket/big", "--part-size", "1MiB", "--parallel", "8",
                              "--max-memory", "4MiB"},
                             emu.env(), "x");
    CHECK(small.status == 2);
    CHECK(small.err.find("8 parts of 1.00 MiB = 8.00 MiB, more than --max-memory 4.00 MiB") != std::string::npos);
    CHECK(emu.s->stats().requests == before);
}

TEST_CASE("plain output escapes control characters in keys; --json output is always valid JSON", "[cli][escape]") {
    local_oss emu;
    auto ep = parse_endpoint(emu.url()).value();
    signing_config sc{signature_version::v4, {"ak", "sk", ""}, "cn-hangzhou", "oss", {}, {}};
    adapters::curl::client http;
    // Another writer's upload whose key tries to recolour the terminal and forge a line.
    const std::string evil = "evil\x1b[2K\r\nforged-line \xe2\x80\xae.txt";
    auto req = make_initiate_request(ep, "bucket", evil).value();
    REQUIRE(sign_request(req, sc, ossmp::system_clock{}.now()));
    body_reader none;
    auto out = http.perform(req, none);
    REQUIRE(std::holds_alternative<http_response>(out));
    REQUIRE(std::get<http_response>(out).status == 200);

    auto plain = run_process({cli(), "ls-uploads", "oss://bucket"}, emu.env());
    INFO(plain.out);
    REQUIRE(plain.status == 0);
    CHECK(std::count(plain.out.begin(), plain.out.end(), '\n') == 1);  // one upload, one line
    CHECK(plain.out.find('\x1b') == std::string::npos);
    CHECK(plain.out.find('\r') == std::string::npos);
    CHECK(plain.out.find("evil\\x1b[2K\\r\\nforged-line \\u{202e}.txt") != std::string::npos);
    auto as_json = run_process({cli(), "ls-uploads", "oss://bucket", "--json"}, emu.env());
    CHECK(parse_json_line(as_json.out)["uploads"][0]["key"].str() == evil);

    // A key that is not UTF-8 is refused; the --json error still is valid UTF-8 JSON.
    scratch tmp;
    auto file = tmp.write("f", "data");
    auto bad = run_process({cli(), "cp", file, "oss://bucket/bad\xff\xfekey", "--json"}, emu.env());
    INFO(bad.out);
    CHECK(bad.status == 2);
    CHECK(valid_utf8(bad.out));
    auto j = parse_json_line(bad.out);
    CHECK(j["error"]["kind"].str() == "invalid object key");
    CHECK(j["error"]["message"].str().find("\xef\xbf\xbd\xef\xbf\xbd") != std::string::npos);  // U+FFFD twice
}

TEST_CASE("standard input beyond 10,000 parts is never dropped silently", "[cli][stdin]") {
    // 10,000 parts of the smallest size (100 KiB) plus a few bytes. A server that keeps only
    // CRCs (the emulator would hold the gigabyte) stands in for OSS. Either the whole stream
    // is stored (a machine that grows the part size as the stream grows), or the tool exits
    // with status 7 saying nothing was stored and how much was read, and aborts the upload.
#if defined(__SANITIZE_ADDRESS__)
    // 10,001 requests of 100 KiB cost about a minute in the ASan build (each request's
    // fresh 512 KiB curl upload buffer is a new mapping there), against 3-6 s in the plain
    // build that runs this case; the stream path itself runs under ASan in the cases above.
    WARN("skipped in the sanitizer build (10,001 requests); the plain build runs it");
    return;
#endif
    const std::uint64_t total = 10000ull * 100 * kib + 100;
    std::mutex mu;
    std::map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> parts;  // number -> (crc, size)
    std::atomic<int> aborts{0}, completes{0};
    const std::string zero_part(100 * kib, '\0');
    const auto zero_part_crc = crc64_of(zero_part);
    odd_server sink([&](const httplib::Request& req, httplib::Response& res) {
        if (req.method == "POST" && req.has_param("uploads")) {
            res.set_content("<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>big</Key>"
                            "<UploadId>sink-upload</UploadId></InitiateMultipartUploadResult>",
                            "application/xml");
        } else if (req.method == "PUT" && req.has_param("partNumber")) {
            // The stream is zeros: a full 100 KiB part's CRC is computed once (this test
            // runs under ASan too, where hashing a gigabyte twice would dominate).
            auto crc = req.body.size() == zero_part.size() ? zero_part_crc : crc64_of(req.body);
            {
                std::lock_guard lock(mu);
                parts[static_cast<std::uint32_t>(std::stoul(req.get_param_value("partNumber")))] = {crc, req.body.size()};
            }
            res.set_header("ETag", "\"" + std::to_string(crc) + "\"");
            res.set_header("x-oss-hash-crc64ecma", std::to_string(crc));
        } else if (req.method == "DELETE") {
            ++aborts;
            res.status = 204;
        } else if (req.method == "POST" && req.has_param("uploadId")) {
            ++completes;
            std::uint64_t crc = 0;
            {
                std::lock_guard lock(mu);
                for (auto& [n, p] : parts) crc = crc64_combine(crc, p.first, p.second);
            }
            res.set_header("x-oss-hash-crc64ecma", std::to_string(crc));
            res.set_content("<CompleteMultipartUploadResult><Location>l</Location><Bucket>bucket</Bucket><Key>big</Key>"
                            "<ETag>\"E-1\"</ETag></CompleteMultipartUploadResult>",
                            "application/xml");
        } else {
            res.status = 400;
        }
    });
    auto env = std::map<std::string, std::string>{{"OSS_ENDPOINT", sink.url()}, {"OSS_REGION", "cn-hangzhou"},
                                                  {"OSS_ACCESS_KEY_ID", "ak"}, {"OSS_ACCESS_KEY_SECRET", "sk"},
                                                  {"OSSMP_CLI", cli()}};
    auto r = run_process({"/bin/sh", "-c",
                          "head -c " + std::to_string(total) +
                              " /dev/zero | \"$OSSMP_CLI\" cp - oss://bucket/big --path-style --part-size 100KiB "
                              "--parallel 8 --no-progress"},
                         env);
    INFO(r.status << ": " << r.out << r.err);
    if (r.status == 0) {
        std::uint64_t stored = 0;
        for (auto& [n, p] : parts) stored += p.second;
        CHECK(stored == total);
        CHECK(completes.load() == 1);
    } else {
        CHECK(r.status == 7);
        CHECK(r.err.find("standard input is larger than 10000 parts of 100 KiB") != std::string::npos);
        CHECK(r.err.find("nothing was stored") != std::string::npos);
        CHECK(r.err.find("--part-size") != std::string::npos);
        CHECK(aborts.load() == 1);
        CHECK(completes.load() == 0);
    }
}

TEST_CASE("--retries and --retry-budget bound how often a failing part is sent", "[cli][retry]") {
    ossmp::emulator::fault_config always;
    always.error_rate = 1;  // every UploadPart answers 500 InternalError
    always.operations = {"UploadPart"};
    scratch tmp;
    auto file = tmp.write("one-part.bin", random_bytes(50 * kib, 41));
    for (auto [flag, value, sends] : {std::tuple{"--retries", "2", 2u}, std::tuple{"--retry-budget", "3", 4u}}) {
        local_oss emu(always);
        std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/one-part.bin", "--no-progress", "--parallel",
                                         "1", "--checkpoint", (tmp.dir / (std::string(flag) + ".cp")).string(), flag, value};
        if (flag != std::string("--retries")) argv.insert(argv.end(), {"--retries", "50"});  // the budget binds
        auto r = run_process(argv, emu.env());
        INFO(flag << " " << value << ": " << r.err);
        CHECK(r.status == 3);  // the service's answer ended it
        CHECK(r.err.find("InternalError") != std::string::npos);
        // The first send and then the retries the flag allows, no more.
        CHECK(emu.s->stats().operations["UploadPart"].requests == sends);
    }
}
