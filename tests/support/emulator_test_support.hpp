// Test support for the emulator's tests and benchmark: a raw HTTP/1.1 client over loopback
// sockets and helpers that start an emulator and send the library's built, signed requests.
//
// Raw sockets rather than an HTTP library, because a test must control every byte: some
// clients add headers after signing (cpp-httplib's adds Content-Type: text/plain to any
// body, which would break the signature), and the bad-input tests send malformed requests
// and cut connections mid-body.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <ossmp/emulator/server.hpp>
// Specific headers rather than the umbrella, so these tests build whatever state unrelated
// parts of the library are in.
#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/crypto/sha256.hpp>
#include <ossmp/detail/ascii.hpp>
#include <ossmp/endpoint.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/requests/abort.hpp>
#include <ossmp/requests/complete.hpp>
#include <ossmp/requests/create_bucket.hpp>
#include <ossmp/requests/delete_object.hpp>
#include <ossmp/requests/get_object.hpp>
#include <ossmp/requests/head_object.hpp>
#include <ossmp/requests/initiate.hpp>
#include <ossmp/requests/list_parts.hpp>
#include <ossmp/requests/list_uploads.hpp>
#include <ossmp/requests/put_object.hpp>
#include <ossmp/requests/upload_part.hpp>
#include <ossmp/requests/upload_part_copy.hpp>
#include <ossmp/responses/complete_result.hpp>
#include <ossmp/responses/copy_part_result.hpp>
#include <ossmp/responses/initiate_result.hpp>
#include <ossmp/responses/list_parts_result.hpp>
#include <ossmp/responses/list_uploads_result.hpp>
#include <ossmp/responses/service_error.hpp>
#include <ossmp/responses/upload_part_result.hpp>
#include <ossmp/sign/signer.hpp>
#include <ossmp/time.hpp>

namespace emu_test {

// One loopback connection; closed when destroyed.
class connection {
public:
    explicit connection(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket() failed");
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(fd_);
            throw std::runtime_error("connect() failed");
        }
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        timeval tv{30, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    ~connection() {
        if (fd_ >= 0) ::close(fd_);
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Writes everything; false when the peer closed or reset the connection.
    bool write_all(std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // Reads one response. `head_request`: the response has no body whatever its headers say.
    // status 0 means the connection closed or failed before a complete response arrived.
    ossmp::http_response read_response(bool head_request = false) {
        ossmp::http_response r;
        std::size_t end;
        while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return r;
        std::string head = buf_.substr(0, end + 4);
        buf_.erase(0, end + 4);
        std::string_view h = head;
        auto line_end = h.find("\r\n");
        auto status_line = h.substr(0, line_end);
        if (status_line.size() < 12) return r;
        int status = std::stoi(std::string(status_line.substr(9, 3)));
        h.remove_prefix(line_end + 2);
        std::uint64_t length = 0;
        bool has_length = false, chunked = false;
        while (!h.empty()) {
            line_end = h.find("\r\n");
            auto line = h.substr(0, line_end);
            h.remove_prefix(line_end + 2);
            if (line.empty()) break;
            auto colon = line.find(':');
            auto name = std::string(line.substr(0, colon));
            auto value = std::string(ossmp::detail::trim(line.substr(colon + 1)));
            r.headers.add(name, value);
            if (ossmp::detail::iequals(name, "Content-Length")) {
                length = std::stoull(value);
                has_length = true;
            }
            if (ossmp::detail::iequals(name, "Transfer-Encoding") && ossmp::detail::iequals(value, "chunked"))
                chunked = true;
        }
        if (status == 100) return read_response(head_request);
        if (!head_request && status != 204 && status != 304) {
            if (chunked) {
                for (;;) {
                    std::string size_line;
                    if (!read_line(size_line)) return r;
                    std::uint64_t n = std::stoull(size_line, nullptr, 16);
                    if (n == 0) {
                        std::string trailer;
                        read_line(trailer);
                        break;
                    }
                    std::string piece;
                    if (!read_exact(n + 2, piece)) return r;
                    r.body += piece.substr(0, n);
                }
            } else if (has_length) {
                if (!read_exact(length, r.body)) return r;
            } else {
                while (fill()) {
                }
                r.body = std::move(buf_);
            }
        }
        r.status = status;
        return r;
    }

    int fd() const { return fd_; }

private:
    bool fill() {
        char tmp[65536];
        for (;;) {
            ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            buf_.append(tmp, static_cast<std::size_t>(n));
            return true;
        }
    }
    bool read_exact(std::uint64_t n, std::string& out) {
        while (buf_.size() < n)
            if (!fill()) return false;
        out = buf_.substr(0, n);
        buf_.erase(0, n);
        return true;
    }
    bool read_line(std::string& out) {
        for (;;) {
            auto p = buf_.find("\r\n");
            if (p != std::string::npos) {
                out = buf_.substr(0, p);
                buf_.erase(0, p + 2);
                return true;
            }
            if (!fill()) return false;
        }
    }
    int fd_ = -1;
    std::string buf_;
};

// The request line and header block of `req` (Host and Content-Length added), as sent.
inline std::string request_head(const ossmp::http_request& req, std::uint64_t content_length) {
    std::string s = req.method + " " + req.target() + " HTTP/1.1\r\nHost: " + req.host + "\r\n";
    for (const auto& h : req.headers) s += h.name + ": " + h.value + "\r\n";
    s += "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
    return s;
}

// Sends a built (and usually signed) request; the body is `req.body`, or the `req.source`
// range of `source`.
inline ossmp::http_response send(std::uint16_t port, const ossmp::http_request& req, std::string_view source = {}) {
    std::string_view body = req.body;
    if (req.source) body = source.substr(static_cast<std::size_t>(req.source->offset),
                                         static_cast<std::size_t>(req.source->length));
    connection c(port);
    if (!c.write_all(request_head(req, body.size())) || !c.write_all(body)) return {};
    return c.read_response(req.method == "HEAD");
}

// Sends a request to a URL (a presigned one): method, the URL's target, Host from the URL,
// extra headers, a body.
inline ossmp::http_response send_url(std::uint16_t port, std::string_view method, std::string_view url,
                                     const ossmp::headers& extra = {}, std::string_view body = {}) {
    auto scheme_end = url.find("://");
    auto rest = url.substr(scheme_end + 3);
    auto slash = rest.find('/');
    std::string host(rest.substr(0, slash)), target(rest.substr(slash));
    std::string s = std::string(method) + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
    for (const auto& h : extra) s += h.name + ": " + h.value + "\r\n";
    s += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    connection c(port);
    if (!c.write_all(s) || !c.write_all(body)) return {};
    return c.read_response(method == "HEAD");
}

// Sends raw bytes and reads one response.
inline ossmp::http_response send_raw(std::uint16_t port, std::string_view bytes, bool head_request = false) {
    connection c(port);
    if (!c.write_all(bytes)) return {};
    return c.read_response(head_request);
}

inline ossmp::time_point now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// Deterministic test bytes.
inline std::string pattern_bytes(std::size_t n, std::uint32_t seed = 1) {
    std::string s(n, '\0');
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (std::size_t i = 0; i < n; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::memcpy(s.data() + i, &x, std::min<std::size_t>(8, n - i));
    }
    return s;
}


// The account every test signs with unless it says otherwise.
inline ossmp::credentials test_account() { return {"test-ak", "test-secret", ""}; }

inline ossmp::emulator::config default_config() {
    ossmp::emulator::config c;
    c.accounts = {test_account()};
    c.buckets = {"bucket"};
    return c;
}

// A running emulator and the signing settings of its account.
struct fixture {
    std::unique_ptr<ossmp::emulator::server> srv;
    ossmp::endpoint ep;                 // path style, http://127.0.0.1:PORT
    ossmp::signing_config v1, v4;

    explicit fixture(ossmp::emulator::config c = default_config()) {
        auto creds = c.accounts.empty() ? test_account() : c.accounts.front();
        std::string region = c.region;
        auto s = ossmp::emulator::server::start(std::move(c));
        if (!s) throw std::runtime_error("emulator did not start: " + s.error().what());
        srv = std::move(*s);
        ep = ossmp::parse_endpoint(srv->url()).value();
        v1.version = ossmp::signature_version::v1;
        v1.creds = creds;
        v4.version = ossmp::signature_version::v4;
        v4.creds = creds;
        v4.v4.region = region;
    }
    std::uint16_t port() const { return srv->port(); }
    // Sends a control-plane request (`target` under /_emulator/) with the server's token.
    ossmp::http_response control(const std::string& method, const std::string& target,
                                 const std::string& extra_headers = {}) const {
        return send_raw(port(), method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Ossmp-Emulator-Token: " +
                                    srv->control_token() + "\r\n" + extra_headers + "Content-Length: 0\r\n\r\n");
    }
    const ossmp::signing_config& cfg(ossmp::signature_version v) const {
        return v == ossmp::signature_version::v1 ? v1 : v4;
    }
    // Signs `req` now with version `v` and sends it.
    ossmp::http_response run(ossmp::http_request req, ossmp::signature_version v, std::string_view source = {}) const {
        if (auto r = ossmp::sign_request(req, cfg(v), now()); !r) throw std::runtime_error(r.error().what());
        return send(port(), req, source);
    }
};

}  // namespace emu_test
