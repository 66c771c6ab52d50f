// The S3 test server harness (tests/s3/swift.sh: Swift + s3api on loopback) works: it starts,
// takes a two-part multipart upload from one independent client (boto3) that another
// (awscli) reads back byte-identical, refuses a wrong secret, and stops without leaving a
// process or a file behind; a server that cannot come up fails the test loudly.
#include <catch2/catch.hpp>

#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/md5.hpp>

#include "json.hpp"
#include "process.hpp"
#include "s3_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using ossmp_test::json;
using ossmp_test::s3_server;

namespace {

// One server for the tests that only use it; started on first use.
s3_server& shared_server() {
    static s3_server s = s3_server::start();
    return s;
}

struct scratch {
    std::filesystem::path dir;
    scratch() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ossmp-s3-test-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        dir = tmpl;
    }
    ~scratch() { std::filesystem::remove_all(dir); }
    std::string path(const std::string& name) const { return (dir / name).string(); }
};

std::string random_bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// S3's ETag of a completed multipart object: the MD5 of the parts' binary MD5s, "-" count.
std::string multipart_etag(const std::string& data, std::size_t part_size) {
    std::string digests;
    std::size_t parts = 0;
    for (std::size_t at = 0; at < data.size(); at += part_size, ++parts) {
        auto d = ossmp::md5::hash(std::string_view(data).substr(at, part_size));
        digests.append(reinterpret_cast<const char*>(d.data()), d.size());
    }
    return "\"" + ossmp::hex_encode(ossmp::md5::hash(digests)) + "-" + std::to_string(parts) + "\"";
}

bool port_accepts(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

int endpoint_port(const s3_server& s) {
    const auto& url = s.env().at("AWS_ENDPOINT_URL");
    return std::stoi(url.substr(url.rfind(':') + 1));
}

// Processes whose command line mentions `text`, other than this one; a zombie counts as
// gone (its parent, not the server, still has to reap it).
std::vector<std::string> processes_mentioning(const std::string& text) {
    std::vector<std::string> found;
    for (auto& e : std::filesystem::directory_iterator("/proc")) {
        auto name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos || name == std::to_string(::getpid()))
            continue;
        std::string cmd = read_file(e.path().string() + "/cmdline");
        std::string stat = read_file(e.path().string() + "/stat");
        auto close_paren = stat.rfind(')');
        if (close_paren != std::string::npos && stat.compare(close_paren, 4, ") Z ") == 0) continue;
        for (auto& c : cmd)
            if (c == '\0') c = ' ';
        if (cmd.find(text) != std::string::npos) found.push_back(name + ": " + cmd);
    }
    return found;
}

}  // namespace

TEST_CASE("swift.sh start gives the endpoint and keys as AWS variables", "[s3]") {
    auto& s = shared_server();
    const auto& env = s.env();
    CHECK(env.at("AWS_ENDPOINT_URL").rfind("http://127.0.0.1:", 0) == 0);
    CHECK(env.at("AWS_ACCESS_KEY_ID") == "ossmp:tester");
    CHECK(env.at("AWS_SECRET_ACCESS_KEY").size() == 32);
    CHECK(env.at("AWS_REGION") == "us-east-1");
    CHECK(port_accepts(endpoint_port(s)));
    CHECK(std::filesystem::exists(s.dir() + "/proxy-server.conf"));
}

TEST_CASE("boto3 uploads two parts that awscli reads back byte-identical", "[s3]") {
    auto& s = shared_server();
    scratch tmp;
    constexpr std::size_t part = 5 * 1024 * 1024;  // s3api's minimum for all but the last part
    const std::string data = random_bytes(part + 1234, 14);
    std::ofstream(tmp.path("in.bin"), std::ios::binary) << data;

    auto made = s.boto3({"make-bucket", "smoke"});
    REQUIRE(made.status == 0);
    INFO(made.err);

    auto up = s.boto3({"upload", "smoke", "dir/two parts.bin", tmp.path("in.bin"), std::to_string(part)});
    INFO(up.err);
    REQUIRE(up.status == 0);
    auto result = json::parse(up.out);
    REQUIRE(result["parts"].size() == 2);
    CHECK(result["parts"][0]["ETag"].str() ==
          "\"" + ossmp::hex_encode(ossmp::md5::hash(std::string_view(data).substr(0, part))) + "\"");
    CHECK(result["etag"].str() == multipart_etag(data, part));

    auto got = s.aws({"s3", "cp", "--only-show-errors", "s3://smoke/dir/two parts.bin", tmp.path("out.bin")});
    INFO(got.err);
    REQUIRE(got.status == 0);
    CHECK(read_file(tmp.path("out.bin")) == data);

    auto uploads = s.boto3({"list-uploads", "smoke"});
    REQUIRE(uploads.status == 0);
    CHECK(json::parse(uploads.out)["uploads"].size() == 0);
}

TEST_CASE("a wrong secret is refused with SignatureDoesNotMatch", "[s3]") {
    auto& s = shared_server();
    auto r = s.boto3({"list-uploads", "smoke"}, {{"AWS_SECRET_ACCESS_KEY", "not-the-secret"}});
    CHECK(r.status == 1);
    CHECK(r.err.find("SignatureDoesNotMatch") != std::string::npos);
    CHECK(r.err.find("HTTP 403") != std::string::npos);
}

TEST_CASE("swift.sh stop ends every server process and removes its directory", "[s3]") {
    auto s = s3_server::start();
    const std::string dir = s.dir();
    const int port = endpoint_port(s);
    // memcached is the server's child; its command line names only its port.
    const std::string conf = read_file(dir + "/proxy-server.conf");
    const auto at = conf.find("memcache_servers = 127.0.0.1:");
    REQUIRE(at != std::string::npos);
    const int memcached_port = std::stoi(conf.substr(at + std::strlen("memcache_servers = 127.0.0.1:")));
    REQUIRE(!processes_mentioning(dir).empty());
    REQUIRE(port_accepts(port));
    REQUIRE(port_accepts(memcached_port));

    auto r = s.stop();
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(processes_mentioning(dir).empty());
    CHECK(!port_accepts(port));
    CHECK(!port_accepts(memcached_port));
    CHECK(!std::filesystem::exists(dir));
}

TEST_CASE("a server that does not come up fails start loudly and leaves nothing running", "[s3]") {
    // A zero start timeout: the health check gives up before Swift has loaded.
    scratch tmp;
    const std::string dir = tmp.path("server");
    std::string what;
    try {
        s3_server::start({{"OSSMP_SWIFT_START_TIMEOUT", "0"}}, dir);
    } catch (const std::runtime_error& e) {
        what = e.what();
    }
    INFO(what);
    REQUIRE(!what.empty());
    CHECK(what.find("did not start") != std::string::npos);
    CHECK(what.find("no answer on port") != std::string::npos);
    CHECK(processes_mentioning(dir).empty());
    CHECK(!std::filesystem::exists(dir));
}
