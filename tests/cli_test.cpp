// End-to-end tests of the `ossmp` tool over loopback against an in-process emulator: every
// subcommand, V1 and V4, path and virtual-hosted style, STS, awkward keys, standard input,
// --json output parsed, kill -9 at several points followed by a resume that provably
// re-sends only unfinished parts (the emulator's counters), a changed source refused or
// restarted, Ctrl-C pausing, and bad input refused before any request.
#include <catch2/catch.hpp>

#include <ossmp/adapters/curl.hpp>
#include <ossmp/emulator/server.hpp>
#include <ossmp/ossmp.hpp>

#include "json.hpp"
#include "process.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

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

json parse_json_line(const std::string& out) {
    INFO(out);
    REQUIRE_FALSE(out.empty());
    return json::parse(out.substr(0, out.find('\n')));
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
        ossmp::emulator::fault_config slow;
        slow.delay_ms = 40;
        slow.operations = {};
        local_oss emu(slow);
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
    ossmp::emulator::fault_config slow;
    slow.delay_ms = 40;
    slow.operations = {};
    local_oss emu(slow);
    scratch tmp;
    auto data = random_bytes(20 * 100 * kib, 6);
    auto file = tmp.write("changing.bin", data);
    std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/changing.bin", "--part-size", "100KiB", "--no-progress"};
    {
        ossmp_test::child c(argv, emu.env());
        while (emu.uploads_stored() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        c.signal(SIGKILL);
        c.wait();
    }
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

TEST_CASE("Ctrl-C pauses cleanly and says how to resume", "[cli][resume]") {
    ossmp::emulator::fault_config slow;
    slow.delay_ms = 40;
    slow.operations = {};
    local_oss emu(slow);
    scratch tmp;
    auto data = random_bytes(20 * 100 * kib, 7);
    auto file = tmp.write("paused.bin", data);
    std::vector<std::string> argv = {cli(), "cp", file, "oss://bucket/paused.bin", "--part-size", "100KiB"};
    ossmp_test::child c(argv, emu.env());
    while (emu.uploads_stored() < 4) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    c.signal(SIGINT);
    auto r = c.wait();
    CHECK(r.status == 130);
    CHECK(r.err.find("run the same command again to resume") != std::string::npos);
    emu.s->set_faults({});
    auto again = run_process(argv, emu.env());
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(emu.get("paused.bin") == data);
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
    ossmp_test::child server({cli(), "serve", "--port", "0", "--bucket", "served"}, env);
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

    auto d = run_process({cli(), "demo", "--size", "3MiB", "--part-size", "100KiB", "--no-progress"}, env);
    INFO(d.out << d.err);
    REQUIRE(d.status == 0);
    CHECK(d.out.find("interrupted") != std::string::npos);
    CHECK(d.out.find("identical to the file") != std::string::npos);
    CHECK(d.out.find("serve-sk") == std::string::npos);
}
