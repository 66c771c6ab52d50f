// Test support for the transport adapters: an in-process emulator with signing settings,
// upload and read-back helpers, sources that fail on purpose, a port nobody listens on,
// and a raw loopback HTTP server that records every byte a client sends (to check that
// adapters send requests exactly as signed).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <ossmp/emulator/server.hpp>
#include <ossmp/ossmp.hpp>

#include "emulator_test_support.hpp"

namespace adapter_test {

using namespace ossmp;

// Both adapters write to sockets a peer may reset (the emulator's reset faults); a test
// process must not die of SIGPIPE (httplib 0.11 sends without MSG_NOSIGNAL).
inline const bool sigpipe_ignored = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}();

inline time_point now() { return system_clock{}.now(); }

// Deterministic bytes, different for each seed (the emulator tests' generator).
inline std::string pattern(std::size_t n, std::uint32_t seed = 1) { return emu_test::pattern_bytes(n, seed); }

inline std::string crc_text(std::string_view s) { return std::to_string(crc64_of(s)); }

inline const char* style_name(addressing_style s) { return s == addressing_style::path ? "path" : "virtual-hosted"; }
inline const char* version_name(signature_version v) { return v == signature_version::v1 ? "V1" : "V4"; }

// Every fault off. (A function, not `fault_config{}` in a template: g++ 12 crashes with an
// internal compiler error in check_noexcept_r on that temporary.)
inline ossmp::emulator::fault_config no_faults() { return ossmp::emulator::fault_config(); }

// An in-memory emulator on 127.0.0.1, port 0, with bucket "bucket" and one account.
struct test_emulator {
    std::unique_ptr<ossmp::emulator::server> srv;
    credentials creds{"test-ak", "test-secret", ""};

    explicit test_emulator(ossmp::emulator::fault_config faults = {}) {
        ossmp::emulator::config c;
        c.accounts = {creds};
        c.buckets = {"bucket"};
        c.faults = faults;
        auto s = ossmp::emulator::server::start(std::move(c));
        if (!s) throw std::runtime_error("emulator did not start: " + s.error().what());
        srv = std::move(*s);
    }
    std::uint16_t port() const { return srv->port(); }
    // Path style on 127.0.0.1, or virtual-hosted on localhost (bucket.localhost:PORT, which
    // the clients map to 127.0.0.1).
    endpoint ep(addressing_style style) const {
        std::string url = (style == addressing_style::path ? "http://127.0.0.1:" : "http://localhost:") +
                          std::to_string(port());
        return parse_endpoint(url, style).value();
    }
    signing_config signing(signature_version v) const {
        signing_config s;
        s.version = v;
        s.creds = creds;
        s.v4.region = "cn-hangzhou";
        return s;
    }
};

struct upload_spec {
    addressing_style style = addressing_style::path;
    signature_version version = signature_version::v4;
    std::string key = "object";
    std::uint64_t size = 0;
    std::uint64_t part_size = 0;
    std::uint32_t in_flight = 4;
    std::uint32_t max_attempts = 5;
};

inline upload_config make_config(const test_emulator& e, const upload_spec& s) {
    upload_config c;
    c.ep = e.ep(s.style);
    c.bucket = "bucket";
    c.key = s.key;
    c.signing = e.signing(s.version);
    c.source.size = s.size;
    c.part_size = s.part_size;
    c.max_in_flight = s.in_flight;
    c.retry.max_attempts = s.max_attempts;
    c.retry.base_delay = duration(5);
    c.retry.max_delay = duration(50);
    return c;
}

// Signs and performs one request with a blocking client (body from memory).
template <BlockingTransport C>
exchange_result perform_signed(C& client, const test_emulator& e, signature_version v, http_request req,
                               std::string_view body = {}) {
    sign_request(req, e.signing(v), now()).value();
    memory_source src(body);
    auto reader = body_reader::for_request(req, src);
    return client.perform(req, reader);
}

// GetObject through `client`; the response, or a transport error turned into status -1.
template <BlockingTransport C>
http_response get_object(C& client, const test_emulator& e, addressing_style style, signature_version v,
                         std::string_view key) {
    auto r = perform_signed(client, e, v, make_get_object_request(e.ep(style), "bucket", key).value());
    if (auto* resp = std::get_if<http_response>(&r)) return std::move(*resp);
    http_response bad;
    bad.status = -1;
    bad.body = std::get<transport_error>(r).message;
    return bad;
}

// A file with the given bytes, removed when the object goes.
struct temp_file {
    std::filesystem::path path;
    explicit temp_file(std::string_view bytes, const std::string& name) {
        path = std::filesystem::temp_directory_path() /
               ("ossmp-adapter-" + std::to_string(::getpid()) + "-" + name);
        std::ofstream f(path, std::ios::binary);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    ~temp_file() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
};

// A source that serves `data` but fails at `fail_at`: with `code` (io_error), or by ending
// early when `code` is errc::ok (body_reader then reports source_short_read).
struct failing_source {
    std::string_view data;
    std::uint64_t fail_at = 0;
    errc code = errc::io_error;
    result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) const {
        if (offset >= fail_at) {
            if (code == errc::ok) return std::size_t{0};
            return make_error(code, "simulated read failure at offset " + std::to_string(offset));
        }
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>({out.size(), fail_at - offset, data.size() - offset}));
        std::memcpy(out.data(), data.data() + offset, n);
        return n;
    }
};

// A loopback port with nothing listening: bound, then closed.
inline std::uint16_t closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// One request as the raw server received it.
struct captured {
    std::string head;   // request line and header lines, CRLFs kept, without the blank line
    std::string body;
    int connection = 0; // which accepted connection carried it (1, 2, ...)
    int index = 0;      // its position on that connection (1, 2, ...)

    std::string request_line() const { return head.substr(0, head.find("\r\n")); }
    // Every value of header `name` (case-insensitive), in order.
    std::vector<std::string> values(std::string_view name) const {
        std::vector<std::string> out;
        std::size_t p = head.find("\r\n");
        while (p != std::string::npos && p + 2 < head.size()) {
            p += 2;
            auto eol = head.find("\r\n", p);
            std::string_view line(head.data() + p, (eol == std::string::npos ? head.size() : eol) - p);
            auto colon = line.find(':');
            if (colon != std::string_view::npos && colon == name.size() &&
                std::equal(name.begin(), name.end(), line.begin(),
                           [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
                auto v = line.substr(colon + 1);
                while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
                out.emplace_back(v);
            }
            p = eol;
        }
        return out;
    }
    bool has(std::string_view name) const { return !values(name).empty(); }
};

// A raw HTTP/1.1 server on 127.0.0.1 that records requests. `respond` builds the answer's
// bytes for each request; an empty answer closes the connection without one. It answers
// `Expect: 100-continue` with 100 Continue before reading the body.
class raw_server {
public:
    using responder = std::function<std::string(const captured&)>;

    explicit raw_server(responder r = {}) : respond_(std::move(r)) {
        if (!respond_) respond_ = [](const captured&) { return ok_answer(); };
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0)
            throw std::runtime_error("raw_server: cannot listen");
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    raw_server(const raw_server&) = delete;
    raw_server& operator=(const raw_server&) = delete;
    ~raw_server() {
        stopping_ = true;
        acceptor_.join();
        std::vector<std::thread> conns;
        {
            std::lock_guard lock(mu_);
            conns.swap(conns_);
        }
        for (auto& t : conns) t.join();
        ::close(fd_);
    }

    static std::string ok_answer(std::string_view body = {}, std::string_view extra = {}) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + std::string(extra) +
               "\r\n" + std::string(body);
    }

    std::uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<captured> requests() const {
        std::lock_guard lock(mu_);
        return seen_;
    }
    int connections() const { return accepted_.load(); }

private:
    void accept_loop() {
        while (!stopping_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            int id = ++accepted_;
            std::lock_guard lock(mu_);
            conns_.emplace_back([this, c, id] { serve(c, id); });
        }
    }

    // Reads into buf until `pred(buf)` or EOF/stop; false on EOF/stop.
    template <class P>
    bool fill_until(int c, std::string& buf, P pred) {
        char tmp[65536];
        while (!pred(buf)) {
            if (stopping_) return false;
            pollfd p{c, POLLIN, 0};
            int r = ::poll(&p, 1, 50);
            if (r == 0) continue;
            if (r < 0) return false;
            ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
            if (n <= 0) return false;
            buf.append(tmp, static_cast<std::size_t>(n));
        }
        return true;
    }

    static void send_all(int c, std::string_view s) {
        while (!s.empty()) {
            ssize_t n = ::send(c, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0) return;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    void serve(int c, int id) {
        std::string buf;
        for (int index = 1;; ++index) {
            if (!fill_until(c, buf, [](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; })) break;
            auto end = buf.find("\r\n\r\n");
            captured req;
            req.head = buf.substr(0, end);
            req.connection = id;
            req.index = index;
            buf.erase(0, end + 4);
            auto cl = req.values("Content-Length");
            std::size_t length = cl.empty() ? 0 : std::stoull(cl.front());
            auto expect = req.values("Expect");
            if (!expect.empty() && expect.front() == "100-continue") send_all(c, "HTTP/1.1 100 Continue\r\n\r\n");
            bool whole = fill_until(c, buf, [&](const std::string& b) { return b.size() >= length; });
            req.body = buf.substr(0, std::min(length, buf.size()));
            buf.erase(0, req.body.size());
            std::string answer = respond_(req);
            {
                std::lock_guard lock(mu_);
                seen_.push_back(req);
            }
            if (!whole || answer.empty()) break;
            send_all(c, answer);
        }
        ::shutdown(c, SHUT_RDWR);
        ::close(c);
    }

    responder respond_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> accepted_{0};
    std::thread acceptor_;
    mutable std::mutex mu_;
    std::vector<std::thread> conns_;
    std::vector<captured> seen_;
};

// An unsigned request for the raw server: `method` on `url` + `target`, headers as given.
inline http_request raw_request(std::string method, const raw_server& s, std::string path,
                                std::initializer_list<header> hdrs = {}, std::string body = {}) {
    http_request r;
    r.method = std::move(method);
    r.scheme = "http";
    r.host = "127.0.0.1:" + std::to_string(s.port());
    r.path = std::move(path);
    for (const auto& h : hdrs) r.headers.add(h.name, h.value);
    r.body = std::move(body);
    return r;
}

}  // namespace adapter_test
