// ossmp emulator internals: the HTTP plumbing under cpp-httplib. A connection's byte stream
// (raw_stream), the raw header block it captures, and httplib's server with the emulator's
// own connection loop (emulator_http).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ossmp::inline v0::emulator::detail {

// The socket the current worker thread serves, and its stream (set by emulator_http below).
extern thread_local int current_socket;
class raw_stream;
extern thread_local raw_stream* current_stream;

// Cuts the connection the current request arrived on: lingering is switched off so closing
// sends a reset, and both directions are shut down so httplib's reads and writes fail and it
// closes the socket.
bool cut_connection();

// Set by a handler that answers without reading a large request body: the connection loop
// closes the connection after the response instead of reading the body it refused.
extern thread_local bool close_after_response;

// A connection's byte stream for httplib, in place of its own SocketStream, for three
// reasons: (1) httplib 0.11 percent-decodes header values as it parses them, which loses
// what the client signed ("%20" and " " both become " ") and drops empty-valued headers, so
// the raw header block is captured here and re-parsed; (2) httplib reads bodies in 4 KiB
// pieces with a poll() before each recv(), while this stream fills a 256 KiB buffer with one
// recv() and hands out slices; (3) the handler needs the socket to cut it (fault injection).
class raw_stream final : public httplib::Stream {
public:
    raw_stream(int fd, int write_timeout_ms) : fd_(fd), write_timeout_ms_(write_timeout_ms), buf_(new char[capacity]) {}

    bool is_readable() const override { return pos_ < len_ || poll_for(POLLIN, write_timeout_ms_) > 0; }
    bool is_writable() const override { return poll_for(POLLOUT, write_timeout_ms_) > 0; }

    ssize_t read(char* ptr, std::size_t size) override {
        if (pos_ == len_) {
            ssize_t n;
            do {
                n = ::recv(fd_, buf_.get(), capacity, 0);  // SO_RCVTIMEO bounds the wait
            } while (n < 0 && errno == EINTR);
            if (n <= 0) return n;
            pos_ = 0;
            len_ = static_cast<std::size_t>(n);
        }
        std::size_t k = std::min(size, len_ - pos_);
        std::memcpy(ptr, buf_.get() + pos_, k);
        pos_ += k;
        if (capturing_) capture_.append(ptr, k);
        return static_cast<ssize_t>(k);
    }

    // Reads up to `size` body bytes into `ptr`: buffered bytes first, then, for large reads,
    // recv() straight into `ptr`, so a body is copied once, from the kernel to its storage.
    ssize_t read_into(char* ptr, std::size_t size) {
        if (pos_ < len_ || size < capacity / 4) return read(ptr, size);
        ssize_t n;
        do {
            n = ::recv(fd_, ptr, size, 0);
        } while (n < 0 && errno == EINTR);
        return n;
    }

    ssize_t write(const char* ptr, std::size_t size) override {
        std::size_t done = 0;
        while (done < size) {
            ssize_t n = ::send(fd_, ptr + done, size - done, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return -1;
            done += static_cast<std::size_t>(n);
        }
        return static_cast<ssize_t>(size);
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override { address(false, ip, port); }
    void get_local_ip_and_port(std::string& ip, int& port) const override { address(true, ip, port); }
    socket_t socket() const override { return fd_; }

    // Waits up to `timeout_ms` for the next request's first byte, in slices, so a stopping
    // server does not wait out an idle keep-alive connection.
    bool wait_request(int timeout_ms, const std::atomic<socket_t>& listening) const {
        if (pos_ < len_) return true;
        for (int waited = 0; waited < timeout_ms; waited += 50) {
            if (listening == INVALID_SOCKET) return false;
            int r = poll_for(POLLIN, 50);
            if (r != 0) return r > 0;
        }
        return false;
    }
    // Reads until the buffer holds a whole request head (through the blank line), without
    // consuming it, so that it can be checked before httplib parses it. Gives up on a head
    // larger than `max_bytes` (too_large), a line ending that is not CRLF (bad_line_end), the
    // peer closing (closed) or `deadline` passing (timeout). On `ok`, head() is the head.
    enum class head_status { ok, closed, timeout, too_large, bad_line_end };
    // A stopping server (`listening` closed) ends the wait too.
    head_status read_head(std::size_t max_bytes, std::chrono::steady_clock::time_point deadline,
                          const std::atomic<socket_t>& listening) {
        if (pos_ > 0) {
            std::memmove(buf_.get(), buf_.get() + pos_, len_ - pos_);
            len_ -= pos_;
            pos_ = 0;
        }
        std::size_t scanned = 0;
        for (;;) {
            for (; scanned < len_; ++scanned) {
                char ch = buf_[scanned];
                if (ch == '\n') {
                    if (scanned == 0 || buf_[scanned - 1] != '\r') return head_status::bad_line_end;
                    if (scanned >= 3 && buf_[scanned - 2] == '\n') {
                        head_len_ = scanned + 1;
                        return head_status::ok;
                    }
                } else if (scanned > 0 && buf_[scanned - 1] == '\r' && ch != '\n') {
                    return head_status::bad_line_end;
                }
                if (scanned + 1 > max_bytes) return head_status::too_large;
            }
            if (len_ >= max_bytes || len_ == capacity) return head_status::too_large;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return head_status::timeout;
            if (listening == INVALID_SOCKET) return head_status::closed;
            int r = poll_for(POLLIN, static_cast<int>(std::min<long long>(left.count(), 50)));
            if (r < 0) return head_status::closed;
            if (r == 0) {
                if (std::chrono::steady_clock::now() >= deadline) return head_status::timeout;
                continue;
            }
            ssize_t n;
            do {
                n = ::recv(fd_, buf_.get() + len_, std::min(capacity, max_bytes + 1) - len_, 0);
            } while (n < 0 && errno == EINTR);
            if (n <= 0) return head_status::closed;
            len_ += static_cast<std::size_t>(n);
        }
    }
    std::string_view head() const { return {buf_.get() + pos_, head_len_}; }

    void start_capture() {
        capture_.clear();
        capturing_ = true;
    }
    std::string take_capture() {
        capturing_ = false;
        return std::move(capture_);
    }

private:
    static constexpr std::size_t capacity = 256 * 1024;
    int poll_for(short events, int timeout_ms) const {
        pollfd p{fd_, events, 0};
        int r;
        do {
            r = ::poll(&p, 1, timeout_ms);
        } while (r < 0 && errno == EINTR);
        return r;
    }
    void address(bool local, std::string& ip, int& port) const {
        sockaddr_storage a{};
        socklen_t len = sizeof a;
        int r = local ? ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len)
                      : ::getpeername(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        if (r != 0) return;
        char text[INET6_ADDRSTRLEN] = {};
        if (a.ss_family == AF_INET) {
            auto& v4 = reinterpret_cast<sockaddr_in&>(a);
            ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
            port = ntohs(v4.sin_port);
        } else if (a.ss_family == AF_INET6) {
            auto& v6 = reinterpret_cast<sockaddr_in6&>(a);
            ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
            port = ntohs(v6.sin6_port);
        }
        ip = text;
    }
    int fd_;
    int write_timeout_ms_;
    std::unique_ptr<char[]> buf_;
    std::size_t pos_ = 0, len_ = 0;
    std::size_t head_len_ = 0;
    bool capturing_ = false;
    std::string capture_;
};

// Checks a request head (from the request line through the blank line) as strictly as the
// emulator answers: CRLF line ends only, no control characters in the request line or in
// field values (a bare CR, LF or NUL could make two parsers see different headers), no
// folded lines, field names that are tokens, at most `max_fields` fields, and unambiguous
// framing (one Content-Length of plain digits, or one Transfer-Encoding: chunked, never
// both), since every other reading of a body's length lets a body smuggle a request.
// Returns 0 when the head is acceptable, else the status to answer (400 or 431) and `why`.
int check_head(std::string_view head, std::size_t max_fields, std::string& why);

// Re-reads the header fields from the raw request head (request line first), keeping values
// byte for byte (only leading and trailing blanks removed, as HTTP requires).
httplib::Headers raw_headers(std::string_view head);

// httplib's task queue for connections, growing with demand: a thread is started when a
// connection arrives and every thread is busy, up to `max_threads`; idle threads wait for the
// next connection. httplib's own pool starts a fixed number of threads, and since each open
// keep-alive connection holds one, the connection after the last waited for an idle one to
// time out (a 20x slowdown at one connection more than threads).
class elastic_pool final : public httplib::TaskQueue {
public:
    explicit elastic_pool(std::size_t max_threads) : max_(max_threads) {}
    ~elastic_pool() override { shutdown(); }
    void enqueue(std::function<void()> fn) override;
    void shutdown() override;

private:
    void work();
    std::size_t max_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> threads_;
    std::size_t idle_ = 0;
    bool stopping_ = false;
};

// httplib's server with our connection loop (see raw_stream). The loop mirrors httplib's
// own: up to keep_alive_max_count requests per connection, each read by process_request.
class emulator_http final : public httplib::Server {
public:
    // Called once the request line and headers are parsed, before any body is read.
    std::function<void(httplib::Request&, std::string_view head)> on_headers;
    // Builds the whole response (status line to body, with Connection: close) refusing a
    // head that check_head or read_head rejected.
    std::function<std::string(int status, const std::string& why)> refuse_head;
    std::size_t max_head_bytes = 64 * 1024;
    std::size_t max_head_fields = 200;
    std::chrono::milliseconds head_timeout{10000};

private:
    bool process_and_close_socket(socket_t sock) override;
};

}  // namespace ossmp::inline v0::emulator::detail
