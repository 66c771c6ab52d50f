// Test support: a tiny HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel) for playing
// services that are not OSS, such as a credentials URI or the ECS metadata service. One
// thread, one request per connection (it answers with Connection: close), requests
// recorded. The handler runs on the server thread and decides status, headers and body.
#pragma once

#include <atomic>
#include <cctype>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ossmp_test {

struct loopback_request {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    static bool same_name(std::string_view a, std::string_view b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
                return false;
        return true;
    }
    /// The first header named `name` (ASCII case-insensitive), or "" when absent.
    std::string header(std::string_view name) const {
        for (const auto& [k, v] : headers)
            if (same_name(k, name)) return v;
        return {};
    }
    bool has_header(std::string_view name) const {
        for (const auto& [k, v] : headers)
            if (same_name(k, name)) return true;
        return false;
    }
};

struct loopback_response {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

class loopback_http {
public:
    using handler = std::function<loopback_response(const loopback_request&)>;

    explicit loopback_http(handler h) : handler_(std::move(h)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0)
            throw std::runtime_error("bind/listen failed");
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    loopback_http(const loopback_http&) = delete;
    loopback_http& operator=(const loopback_http&) = delete;
    ~loopback_http() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }

    std::uint16_t port() const { return port_; }
    /// "127.0.0.1:PORT"
    std::string authority() const { return "127.0.0.1:" + std::to_string(port_); }
    /// Every request served so far, in order.
    std::vector<loopback_request> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            handle(c);
            ::close(c);
        }
    }

    static bool read_some(int c, std::string& buf) {
        pollfd p{c, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) return false;
        char tmp[4096];
        ssize_t n = ::read(c, tmp, sizeof tmp);
        if (n <= 0) return false;
        buf.append(tmp, static_cast<std::size_t>(n));
        return true;
    }

    void handle(int c) {
        std::string buf;
        std::size_t head_end;
        while ((head_end = buf.find("\r\n\r\n")) == std::string::npos)
            if (!read_some(c, buf)) return;
        loopback_request req;
        std::string_view head(buf.data(), head_end);
        std::size_t line_end = head.find("\r\n");
        std::string_view first = head.substr(0, line_end);
        auto sp1 = first.find(' '), sp2 = first.rfind(' ');
        req.method = std::string(first.substr(0, sp1));
        req.target = std::string(first.substr(sp1 + 1, sp2 - sp1 - 1));
        std::size_t content_length = 0;
        while (line_end != std::string_view::npos && line_end < head.size()) {
            std::size_t next = head.find("\r\n", line_end + 2);
            std::string_view line = head.substr(line_end + 2, next == std::string_view::npos ? std::string_view::npos
                                                                                             : next - line_end - 2);
            auto colon = line.find(':');
            if (colon != std::string_view::npos) {
                std::string_view v = line.substr(colon + 1);
                while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
                req.headers.emplace_back(std::string(line.substr(0, colon)), std::string(v));
            }
            line_end = next;
        }
        if (auto cl = req.header("Content-Length"); !cl.empty()) content_length = std::stoul(cl);
        while (buf.size() < head_end + 4 + content_length)
            if (!read_some(c, buf)) return;
        req.body = buf.substr(head_end + 4, content_length);
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(req);
        }
        loopback_response resp = handler_(req);
        std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " X\r\nContent-Length: " +
                          std::to_string(resp.body.size()) + "\r\nConnection: close\r\n";
        for (const auto& [k, v] : resp.headers) out += k + ": " + v + "\r\n";
        out += "\r\n";
        if (req.method != "HEAD") out += resp.body;
        std::size_t sent = 0;
        while (sent < out.size()) {
            ssize_t n = ::send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }

    handler handler_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<loopback_request> requests_;
};

}  // namespace ossmp_test
