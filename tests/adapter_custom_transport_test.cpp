// examples/custom_transport (the README's hand-written POSIX-socket transport) uploads a
// file in several parts to an in-process emulator, driven by ossmp::run on a thread pool;
// the object is read back and compared. The example's path comes from the environment
// (OSSMP_CUSTOM_TRANSPORT), set by meson.
#include <catch2/catch.hpp>

#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "adapter_harness.hpp"

extern char** environ;

using namespace adapter_test;

namespace {

// Runs `argv` with extra environment entries; returns its exit status (-1 if it did not run).
int run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra) {
    std::vector<std::string> env_strings(env_extra);
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = 0;
    if (::posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), envp.data()) != 0) return -1;
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string example_path() {
    const char* p = std::getenv("OSSMP_CUSTOM_TRANSPORT");
    return p ? p : "";
}

// GetObject with the example's own kind of client would prove little; read back with a
// plain socket request instead.
http_response raw_get(const test_emulator& e, const std::string& key) {
    auto req = make_get_object_request(e.ep(addressing_style::path), "bucket", key).value();
    sign_request(req, e.signing(signature_version::v4), now()).value();
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(e.port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    http_response r;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return r;
    }
    std::string head = "GET " + req.target() + " HTTP/1.1\r\nHost: " + req.host + "\r\n";
    for (const auto& h : req.headers) head += h.name + ": " + h.value + "\r\n";
    head += "Connection: close\r\n\r\n";
    ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
    std::string in;
    char buf[65536];
    for (ssize_t k; (k = ::recv(fd, buf, sizeof buf, 0)) > 0;) in.append(buf, static_cast<std::size_t>(k));
    ::close(fd);
    auto end = in.find("\r\n\r\n");
    if (end == std::string::npos) return r;
    r.status = std::atoi(in.c_str() + 9);
    std::string_view hv(in.data(), end);
    auto p = hv.find("\r\n");
    while (p != std::string_view::npos && p < hv.size()) {
        p += 2;
        auto eol = hv.find("\r\n", p);
        auto line = hv.substr(p, (eol == std::string_view::npos ? hv.size() : eol) - p);
        auto colon = line.find(':');
        if (colon != std::string_view::npos) {
            auto v = line.substr(colon + 1);
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            r.headers.add(line.substr(0, colon), v);
        }
        p = eol;
    }
    r.body = in.substr(end + 4);
    return r;
}

}  // namespace

TEST_CASE("the custom transport example uploads a file in parts to the emulator", "[example]") {
    auto exe = example_path();
    REQUIRE_FALSE(exe.empty());
    test_emulator e;
    std::string data = pattern((5u << 20) + 777, 17);
    temp_file tf(data, "custom-transport.bin");
    auto env = std::vector<std::string>{"OSS_ACCESS_KEY_ID=" + e.creds.access_key_id,
                                        "OSS_ACCESS_KEY_SECRET=" + e.creds.access_key_secret,
                                        "OSS_REGION=cn-hangzhou"};
    int rc = run_program({exe, "http://127.0.0.1:" + std::to_string(e.port()), "bucket", "example/a/../file.bin",
                          tf.path.string(), std::to_string(1u << 20)},
                         env);
    REQUIRE(rc == 0);
    auto st = e.srv->stats();
    CHECK(st.operations["UploadPart"].succeeded == 6);
    CHECK(st.operations["CompleteMultipartUpload"].succeeded == 1);
    CHECK(st.signature_failures == 0);
    auto got = raw_get(e, "example/a/../file.bin");
    REQUIRE(got.status == 200);
    CHECK(got.body == data);
    CHECK(got.headers.get_or("x-oss-hash-crc64ecma") == crc_text(data));
}

TEST_CASE("the custom transport example reports a failed upload", "[example]") {
    auto exe = example_path();
    REQUIRE_FALSE(exe.empty());
    test_emulator e;
    temp_file tf(pattern(1000, 2), "custom-transport-bad.bin");
    // A wrong secret: every request is refused (SignatureDoesNotMatch), the example exits 1.
    int rc = run_program({exe, "http://127.0.0.1:" + std::to_string(e.port()), "bucket", "bad", tf.path.string()},
                         {"OSS_ACCESS_KEY_ID=" + e.creds.access_key_id, "OSS_ACCESS_KEY_SECRET=wrong"});
    CHECK(rc == 1);
    // Nothing listening: exit 1 too (transport_connect, retried, then given up).
    rc = run_program({exe, "http://127.0.0.1:" + std::to_string(closed_port()), "bucket", "bad", tf.path.string()},
                     {"OSS_ACCESS_KEY_ID=ak", "OSS_ACCESS_KEY_SECRET=sk"});
    CHECK(rc == 1);
}
