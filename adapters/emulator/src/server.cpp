// The emulator's HTTP side: cpp-httplib glue, request parsing, and the OSS operations.
#include <ossmp/emulator/server.hpp>

#include <arpa/inet.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/detail/ascii.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/endpoint.hpp>
#include <ossmp/percent.hpp>
#include <ossmp/requests/common.hpp>
#include <ossmp/sign/v4.hpp>
#include <ossmp/validate.hpp>
#include <ossmp/xml/complete_body.hpp>

#include "auth.hpp"
#include "faults.hpp"
#include "oss_error.hpp"
#include "store.hpp"
#include "util.hpp"
#include "xml_writer.hpp"

namespace ossmp::inline v0::emulator {

using namespace detail;
using ossmp::detail::iequals;
using ossmp::detail::istarts_with;

namespace {

constexpr const char* saved_header = "X-Ossmp-Emulator-Saved";
constexpr const char* xml_type = "application/xml";
constexpr std::string_view control_prefix = "/_emulator";

// Headers kept with an object and returned on GetObject/HeadObject, besides x-oss-meta-*.
constexpr std::string_view kept_plain_headers[] = {"Content-Type",  "Content-Disposition", "Content-Encoding",
                                                   "Content-Language", "Cache-Control",   "Expires"};
constexpr std::string_view kept_oss_headers[] = {
    "x-oss-storage-class", "x-oss-object-acl", "x-oss-tagging", "x-oss-server-side-encryption",
    "x-oss-server-side-data-encryption", "x-oss-server-side-encryption-key-id"};

struct request_ctx {
    request_ctx(const httplib::Request& q, httplib::Response& r, const httplib::ContentReader* rd)
        : hreq(q), res(r), reader(rd) {}
    const httplib::Request& hreq;
    httplib::Response& res;
    const httplib::ContentReader* reader;
    std::string request_id;
    incoming_request in;
    std::string raw_path;
    std::string op = "Unknown";
    bool virtual_hosted = false;
    bool head = false;
    bool has_body = false;       // Content-Length > 0 or chunked
    bool chunked = false;
    std::uint64_t content_length = 0;
    bool body_read = false;
    bool connection_cut = false;
    std::uint64_t bytes = 0;     // body bytes read
    bool auth_failed = false;
    bool signature_failed = false;
    bool faulted = false;
    std::string upload_for_stats;  // UploadPart: the upload whose part counts to bump
    std::uint32_t part_for_stats = 0;
    bool part_stored = false;
};

std::string_view header(const request_ctx& c, std::string_view name) { return c.in.headers.get_or(name); }

const query_param* param(const request_ctx& c, std::string_view name) { return find_param(c.in.query, name); }

// The socket the current worker thread serves, and its stream (set by emulator_http below).
thread_local int current_socket = -1;
class raw_stream;
thread_local raw_stream* current_stream = nullptr;

// Cuts the connection the current request arrived on: lingering is switched off so closing
// sends a reset, and both directions are shut down so httplib's reads and writes fail and it
// closes the socket.
bool cut_connection() {
    if (current_socket < 0) return false;
    linger lg{1, 0};
    ::setsockopt(current_socket, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::shutdown(current_socket, SHUT_RDWR);
    return true;
}

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
    bool capturing_ = false;
    std::string capture_;
};

// Re-reads the header fields from the raw request head (request line first), keeping values
// byte for byte (only leading and trailing blanks removed, as HTTP requires).
httplib::Headers raw_headers(std::string_view head) {
    httplib::Headers out;
    auto eol = head.find("\r\n");
    if (eol == std::string_view::npos) return out;
    head.remove_prefix(eol + 2);
    while (!head.empty()) {
        eol = head.find("\r\n");
        auto line = head.substr(0, eol);
        if (line.empty()) break;
        auto colon = line.find(':');
        if (colon != std::string_view::npos && colon > 0)
            out.emplace(std::string(line.substr(0, colon)), std::string(ossmp::detail::trim(line.substr(colon + 1))));
        if (eol == std::string_view::npos) break;
        head.remove_prefix(eol + 2);
    }
    return out;
}

// httplib's server with our connection loop (see raw_stream). The loop mirrors httplib's
// own: up to keep_alive_max_count requests per connection, each read by process_request.
class emulator_http final : public httplib::Server {
public:
    // Called once the request line and headers are parsed, before any body is read.
    std::function<void(httplib::Request&, std::string_view head)> on_headers;

private:
    bool process_and_close_socket(socket_t sock) override {
        current_socket = sock;
        bool ret = false;
        {
            raw_stream strm(sock, static_cast<int>(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000));
            current_stream = &strm;
            std::size_t count = keep_alive_max_count_;
            while (count > 0 && strm.wait_request(static_cast<int>(keep_alive_timeout_sec_ * 1000), svr_sock_)) {
                bool connection_closed = false;
                strm.start_capture();
                ret = process_request(strm, count == 1, connection_closed, [&](httplib::Request& req) {
                    auto head = strm.take_capture();
                    if (on_headers) on_headers(req, head);
                });
                strm.take_capture();
                if (!ret || connection_closed) break;
                --count;
            }
        }
        current_socket = -1;
        current_stream = nullptr;
        ::shutdown(sock, SHUT_RDWR);
        ::close(sock);
        return ret;
    }
};

bool parse_decimal(std::string_view s, std::uint64_t& out) { return parse_u64(s, out); }

}  // namespace

// ---------------------------------------------------------------------------------------

struct server::impl {
    config cfg;
    id_source ids;
    std::unique_ptr<store> st;
    fault_engine faults{fault_config{}};
    emulator_http http;
    std::thread thread;
    std::uint16_t bound_port = 0;

    mutable std::mutex stats_mu;
    counters stats;

    std::mutex stop_mu;
    std::condition_variable stop_cv;
    enum class run_state { running, stopping, stopped } state = run_state::running;

    time_point now() const {
        if (cfg.clock) return cfg.clock();
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }

    void install_handlers();
    void handle(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader);
    void finish(request_ctx& c);
    void dispatch(request_ctx& c);
    void control(request_ctx& c);

    // Responses.
    void send_error(request_ctx& c, const error& e);
    void send_xml(request_ctx& c, int status, std::string body);
    void send_empty(request_ctx& c, int status);

    // Body handling.
    template <class F>
    bool read_body(request_ctx& c, F&& f);
    void drain(request_ctx& c);
    // Reads a body that a reset fault cuts after reset_after_bytes.
    void reset_mid_body(request_ctx& c);
    // Reads the body into a stored blob, hashing it; nullopt if the client went away.
    struct received {
        std::shared_ptr<blob> data;
        md5_digest md5{};
        std::uint64_t crc = 0;
    };
    result<std::optional<received>> receive(request_ctx& c);

    // Operations.
    void put_bucket(request_ctx& c);
    void initiate(request_ctx& c);
    void upload_part(request_ctx& c);
    void upload_part_copy(request_ctx& c);
    void complete(request_ctx& c);
    void abort_upload(request_ctx& c);
    void list_parts(request_ctx& c);
    void list_uploads(request_ctx& c);
    void put_object(request_ctx& c);
    void get_object(request_ctx& c);
    void delete_object(request_ctx& c);

    // Shared checks.
    result<stored_headers> object_headers(const request_ctx& c);
    result<bool> url_encoding(const request_ctx& c);
    result<std::optional<md5_digest>> content_md5(const request_ctx& c);
    std::string encode_key(std::string_view k, bool url) const { return url ? percent_encode(k) : std::string(k); }
    bool apply_fault(request_ctx& c, std::uint32_t part_number);
};

// ---- plumbing -----------------------------------------------------------------------

void server::impl::install_handlers() {
    // Every request is routed by our own parser of the raw target. Once httplib has read a
    // request's head (before any body), its header fields are replaced by the raw ones; its
    // path is pointed at "/" so that httplib's std::regex routing never runs over a
    // user-controlled path; its Range parse is dropped (OSS's rules apply, see get_object);
    // and Content-Encoding, Accept-Encoding and Content-Type are hidden from httplib so that
    // it neither inflates request bodies nor parses multipart/form-data ones (OSS stores the
    // bytes as sent) nor compresses responses. handle() restores the hidden fields.
    http.on_headers = [](httplib::Request& req, std::string_view head) {
        req.headers = raw_headers(head);
        for (const char* name : {"Content-Encoding", "Accept-Encoding", "Content-Type"}) {
            auto range = req.headers.equal_range(name);
            std::vector<std::pair<std::string, std::string>> moved;
            for (auto it = range.first; it != range.second; ++it) moved.emplace_back(it->first, it->second);
            req.headers.erase(range.first, range.second);
            for (auto& [n, v] : moved) req.headers.emplace(saved_header, n + ":" + v);
        }
        req.path = "/";
        req.ranges.clear();
    };
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (req.method == "PUT" || req.method == "POST" || req.method == "DELETE")
            return httplib::Server::HandlerResponse::Unhandled;
        handle(req, res, nullptr);
        return httplib::Server::HandlerResponse::Handled;
    });
    auto with_body = [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& r) {
        handle(req, res, &r);
    };
    http.Put("/", with_body);
    http.Post("/", with_body);
    http.Delete("/", with_body);
    // Errors httplib produces itself (malformed request line, bad Range syntax, ...) get an
    // OSS-style body and request id too.
    http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request&, httplib::Response& res) {
        if (res.has_header("x-oss-request-id")) return httplib::Server::HandlerResponse::Unhandled;
        const char* code = res.status == 416 ? "InvalidRange" : res.status == 414 ? "InvalidURI" : "InvalidRequest";
        xml_writer x;
        x.open("Error");
        x.leaf("Code", code);
        x.leaf("Message", "The request could not be parsed.");
        auto id = ids.request_id();
        x.leaf("RequestId", id);
        x.leaf("EC", "0000-00000400");
        res.set_header("x-oss-request-id", id);
        res.set_header("x-oss-ec", "0000-00000400");
        res.set_content(x.finish(), xml_type);
        return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        // A handler threw (out of memory, a bug): answer 500 rather than let httplib echo
        // the exception text.
        res = httplib::Response();
        res.status = 500;
        auto id = ids.request_id();
        res.set_header("x-oss-request-id", id);
        res.set_header("x-oss-ec", "0000-00000001");
        xml_writer x;
        x.open("Error");
        x.leaf("Code", "InternalError");
        x.leaf("Message", "We encountered an internal error. Please try again.");
        x.leaf("RequestId", id);
        x.leaf("EC", "0000-00000001");
        res.set_content(x.finish(), xml_type);
    });
}

template <class F>
bool server::impl::read_body(request_ctx& c, F&& f) {
    c.body_read = true;
    if (!c.reader || !c.has_body) return true;
    return (*c.reader)([&](const char* data, std::size_t n) {
        c.bytes += n;
        return f(data, n);
    });
}

void server::impl::drain(request_ctx& c) {
    if (c.body_read) return;
    read_body(c, [](const char*, std::size_t) { return true; });
}

void server::impl::reset_mid_body(request_ctx& c) {
    auto limit = faults.get().reset_after_bytes;
    std::uint64_t seen = 0;
    read_body(c, [&](const char*, std::size_t n) {
        seen += n;
        return seen < limit;
    });
    // finish() cuts the connection, after the counters are updated, so a client that sees
    // the reset also sees it counted.
    c.connection_cut = true;
    c.res.status = 500;  // never reaches the client: the connection is gone
}

result<std::optional<server::impl::received>> server::impl::receive(request_ctx& c) {
    auto w = st->new_writer(c.content_length);
    if (!w) {
        drain(c);
        return w.error();
    }
    md5 h;
    crc64 crc;
    error write_error;
    bool ok = true;
    // In fast_etag mode the body's MD5 is needed only to check a Content-MD5 header.
    bool hash_md5 = !cfg.fast_etag || !header(c, "Content-MD5").empty();
    std::uint64_t total = 0;
    if (current_stream && c.reader && !c.chunked && c.content_length > 0) {
        // A body of known length is read here, straight from the connection into storage,
        // instead of through httplib's 4 KiB buffer (one copy less; see raw_stream). httplib
        // never reads a body its content-reader handler did not ask for.
        c.body_read = true;
        std::uint64_t left = c.content_length;
        while (left > 0) {
            auto space = (*w)->buffer(static_cast<std::size_t>(std::min<std::uint64_t>(left, 1u << 20)));
            if (!space) {
                write_error = space.error();
                break;
            }
            ssize_t n = current_stream->read_into(space->data(), space->size());
            if (n <= 0) {
                ok = false;
                break;
            }
            auto got = static_cast<std::size_t>(n);
            if (hash_md5) h.update(space->data(), got);
            crc.update(space->data(), got);
            total += got;
            if (auto r = (*w)->commit(got); !r) {
                write_error = r.error();
                break;
            }
            c.bytes += got;
            left -= got;
        }
        if (write_error) {
            // Storage failed: the rest of the body still has to be consumed.
            std::vector<char> sink(64 * 1024);
            while (left > 0) {
                ssize_t n = current_stream->read_into(sink.data(), std::min<std::uint64_t>(left, sink.size()));
                if (n <= 0) break;
                left -= static_cast<std::uint64_t>(n);
                c.bytes += static_cast<std::uint64_t>(n);
            }
            return internal_error("storage failure: " + write_error.message);
        }
    } else {
        ok = read_body(c, [&](const char* data, std::size_t n) {
            if (hash_md5) h.update(data, n);
            crc.update(data, n);
            total += n;
            if (auto r = (*w)->write(data, n); !r) {
                write_error = r.error();
                return false;
            }
            return true;
        });
    }
    if (write_error) {
        drain(c);
        return internal_error("storage failure: " + write_error.message);
    }
    if (!ok) return std::optional<received>();
    auto b = (*w)->finish();
    if (!b) return internal_error("storage failure: " + b.error().message);
    received r;
    r.data = std::move(*b);
    r.crc = crc.value();
    if (hash_md5 || !cfg.fast_etag) {
        r.md5 = h.final();
    } else {
        // Benchmark mode: a stand-in digest from what was computed anyway (see config).
        char id[16];
        for (int i = 0; i < 8; ++i) id[i] = static_cast<char>(r.crc >> (8 * i));
        for (int i = 0; i < 8; ++i) id[8 + i] = static_cast<char>(total >> (8 * i));
        r.md5 = md5::hash(id, sizeof id);
    }
    return std::optional<received>(std::move(r));
}

void server::impl::send_error(request_ctx& c, const error& e) {
    if (e.oss_code == "SignatureDoesNotMatch") c.signature_failed = true;
    xml_writer x;
    x.open("Error");
    x.leaf("Code", e.oss_code.empty() ? std::string("InternalError") : e.oss_code);
    x.leaf("Message", e.message);
    x.leaf("RequestId", c.request_id);
    x.leaf("HostId", c.in.host);
    for (const auto& [k, v] : e.details) x.leaf(k, v);
    x.leaf("EC", e.ec);
    x.leaf("RecommendDoc", "https://api.aliyun.com/troubleshoot?q=" + e.ec);
    auto body = x.finish();
    c.res.status = e.http_status ? e.http_status : 500;
    c.res.set_header("x-oss-ec", e.ec);
    // HEAD answers carry no body, so OSS puts the error document in a header.
    if (c.head) c.res.set_header("x-oss-err", base64_encode(body));
    c.res.set_content(body, xml_type);
}

void server::impl::send_xml(request_ctx& c, int status, std::string body) {
    c.res.status = status;
    c.res.set_content(body, xml_type);
}

void server::impl::send_empty(request_ctx& c, int status) { c.res.status = status; }

void server::impl::handle(const httplib::Request& hreq, httplib::Response& res, const httplib::ContentReader* reader) {
    request_ctx c(hreq, res, reader);
    c.request_id = ids.request_id();
    c.head = hreq.method == "HEAD";
    c.in.method = hreq.method;
    res.set_header("x-oss-request-id", c.request_id);
    res.set_header("Date", format_http_date(now()));
    res.set_header("Server", "AliyunOSS");
    for (const auto& [name, value] : hreq.headers) {
        if (name == saved_header) {
            auto colon = value.find(':');
            c.in.headers.add(value.substr(0, colon), value.substr(colon + 1));
            continue;
        }
        c.in.headers.add(name, value);
    }
    c.in.host = std::string(header(c, "Host"));
    auto cl = c.in.headers.get("Content-Length");
    bool chunked = iequals(header(c, "Transfer-Encoding"), "chunked");
    c.chunked = chunked;
    if (cl) {
        if (!parse_decimal(*cl, c.content_length)) c.content_length = 0;
    }
    // A request with neither Content-Length nor chunked coding has no body (RFC 9112).
    c.has_body = chunked || c.content_length > 0;

    try {
        dispatch(c);
    } catch (const std::exception&) {
        c.res = httplib::Response();
        c.res.set_header("x-oss-request-id", c.request_id);
        send_error(c, internal_error("We encountered an internal error. Please try again."));
    }
    finish(c);
}

void server::impl::finish(request_ctx& c) {
    if (!c.connection_cut) drain(c);
    bool control_plane = c.op == "Control";
    if (!control_plane) {
        if (auto delay = faults.delay_ms(); delay > 0 && !c.connection_cut)
            std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
    int status = c.res.status == -1 ? 200 : c.res.status;
    {
        std::lock_guard lock(stats_mu);
        stats.bytes_received += c.bytes;
        if (!control_plane) {
            ++stats.requests;
            auto& oc = stats.operations[c.op];
            ++oc.requests;
            if (status < 300 && !c.connection_cut)
                ++oc.succeeded;
            else
                ++oc.failed;
            if (c.signature_failed) ++stats.signature_failures;
            else if (c.auth_failed) ++stats.auth_failures;
            if (c.faulted) ++stats.faults_injected;
            if (!c.upload_for_stats.empty()) {
                auto& pc = stats.parts[c.upload_for_stats][c.part_for_stats];
                ++pc.attempts;
                if (c.part_stored) ++pc.stored;
            }
        }
    }
    if (c.connection_cut) cut_connection();
    if (cfg.log) {
        auto q = c.hreq.target.find('?');
        std::string line = c.hreq.method + " " + c.hreq.target.substr(0, q) + " " + std::to_string(status) + " " + c.op +
                           " " + c.request_id;
        cfg.log(line);
    }
}

// ---- routing -------------------------------------------------------------------------

void server::impl::dispatch(request_ctx& c) {
    const auto& target = c.hreq.target;
    auto qpos = target.find('?');
    c.raw_path = target.substr(0, qpos);
    if (c.raw_path.empty() || c.raw_path.front() != '/')
        return send_error(c, oss_error(400, "InvalidURI", "Couldn't parse the specified URI.", "0000-00000400"));
    auto path = percent_decode(c.raw_path);
    if (!path)
        return send_error(c, oss_error(400, "InvalidURI", "Couldn't parse the specified URI.", "0000-00000400"));
    if (qpos != std::string::npos) {
        std::string_view rest = std::string_view(target).substr(qpos + 1);
        while (!rest.empty()) {
            auto amp = rest.find('&');
            auto item = rest.substr(0, amp);
            if (!item.empty()) {
                auto eq = item.find('=');
                auto name = percent_decode(item.substr(0, eq));
                auto value = eq == std::string_view::npos ? result<std::string>(std::string())
                                                          : percent_decode(item.substr(eq + 1));
                if (!name || !value)
                    return send_error(c, oss_error(400, "InvalidURI", "Couldn't parse the specified URI.", "0000-00000400"));
                c.in.query.push_back({std::move(*name), std::move(*value)});
            }
            if (amp == std::string_view::npos) break;
            rest.remove_prefix(amp + 1);
        }
    }

    // Virtual-hosted: the Host's first label names the bucket under a known domain.
    std::string host = ossmp::detail::lower(c.in.host);
    if (!host.empty() && host.front() != '[') {
        if (auto colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
    }
    if (auto dot = host.find('.'); dot != std::string::npos && dot > 0) {
        std::string domain = host.substr(dot + 1);
        bool known = std::any_of(cfg.virtual_host_domains.begin(), cfg.virtual_host_domains.end(),
                                 [&](const std::string& d) { return ossmp::detail::iequals(d, domain); });
        if (!known) {
            auto region = region_from_host(domain);
            known = region && *region == cfg.region;
        }
        if (known) {
            c.virtual_hosted = true;
            c.in.bucket = host.substr(0, dot);
            c.in.key = path->substr(1);
        }
    }
    if (!c.virtual_hosted) {
        if (c.raw_path == control_prefix || c.raw_path.rfind(std::string(control_prefix) + "/", 0) == 0) {
            c.op = "Control";
            return control(c);
        }
        std::string_view p = std::string_view(*path).substr(1);
        auto slash = p.find('/');
        c.in.bucket = std::string(p.substr(0, slash));
        if (slash != std::string_view::npos) c.in.key = std::string(p.substr(slash + 1));
    }

    const auto& m = c.in.method;
    bool has_key = !c.in.key.empty();
    bool uploads = param(c, "uploads") != nullptr;
    bool upload_id = param(c, "uploadId") != nullptr;
    using handler = void (impl::*)(request_ctx&);
    handler h = nullptr;
    if (c.in.bucket.empty()) {
        c.op = "ListBuckets";
    } else if (!has_key) {
        if (m == "PUT" && c.in.query.empty()) {
            c.op = "PutBucket";
            h = &impl::put_bucket;
        } else if (m == "GET" && uploads) {
            c.op = "ListMultipartUploads";
            h = &impl::list_uploads;
        } else {
            c.op = "Bucket" + m;
        }
    } else if (m == "POST" && uploads) {
        c.op = "InitiateMultipartUpload";
        h = &impl::initiate;
    } else if (m == "PUT" && upload_id && param(c, "partNumber")) {
        bool copy = c.in.headers.contains(oss_dialect.copy_source_header);
        c.op = copy ? "UploadPartCopy" : "UploadPart";
        h = copy ? &impl::upload_part_copy : &impl::upload_part;
    } else if (m == "POST" && upload_id) {
        c.op = "CompleteMultipartUpload";
        h = &impl::complete;
    } else if (m == "DELETE" && upload_id) {
        c.op = "AbortMultipartUpload";
        h = &impl::abort_upload;
    } else if (m == "GET" && upload_id) {
        c.op = "ListParts";
        h = &impl::list_parts;
    } else if (!uploads && !upload_id && !param(c, "partNumber")) {
        if (m == "PUT" && !c.in.headers.contains(oss_dialect.copy_source_header)) {
            c.op = "PutObject";
            h = &impl::put_object;
        } else if (m == "GET" || m == "HEAD") {
            c.op = m == "GET" ? "GetObject" : "HeadObject";
            h = &impl::get_object;
        } else if (m == "DELETE") {
            c.op = "DeleteObject";
            h = &impl::delete_object;
        }
    }
    if (c.op == "Unknown" && !h) c.op = "Object" + m;

    if (!c.in.bucket.empty()) {
        if (auto r = validate_bucket_name(c.in.bucket); !r)
            return send_error(c, oss_error(400, "InvalidBucketName", "The specified bucket is not valid.",
                                           "0015-00000001", {{"BucketName", c.in.bucket}}));
    }
    if (has_key) {
        if (auto r = validate_object_key(c.in.key); !r) {
            std::string ec = c.in.key.size() > max_object_key_size ? "0016-00000003"
                             : (c.in.key.front() == '/' || c.in.key.front() == '\\') ? "0016-00000005"
                                                                                       : "0016-00000002";
            return send_error(c, oss_error(400, "InvalidObjectName", "The specified object is not valid.", ec));
        }
    }
    if (!c.in.bucket.empty() && h != &impl::put_bucket && !st->has_bucket(c.in.bucket))
        return send_error(c, no_such_bucket(c.in.bucket));

    auto auth = authenticate(c.in, cfg.accounts, cfg.region, now(), cfg.max_clock_skew);
    if (!auth) {
        c.auth_failed = true;
        return send_error(c, auth.error());
    }
    if (!h)
        return send_error(c, oss_error(501, "NotImplemented",
                                       "The emulator does not implement this operation (" + c.op + ").",
                                       "0000-00000501"));
    (this->*h)(c);
}

bool server::impl::apply_fault(request_ctx& c, std::uint32_t part_number) {
    auto kind = faults.decide(c.op, c.in.key, part_number);
    if (kind == fault_kind::none) return false;
    c.faulted = true;
    switch (kind) {
    case fault_kind::reset:
        reset_mid_body(c);
        return true;
    case fault_kind::error: {
        drain(c);
        int status = faults.get().error_status;
        if (status == 503)
            send_error(c, oss_error(503, "SlowDown", "Please reduce your request rate.", "0000-00000503"));
        else
            send_error(c, internal_error("We encountered an internal error. Please try again."));
        return true;
    }
    case fault_kind::error200: {
        drain(c);
        send_error(c, internal_error("We encountered an internal error. Please try again."));
        c.res.status = 200;  // the body says it failed; the status does not
        return true;
    }
    case fault_kind::none: break;
    }
    return false;
}

// ---- shared checks ---------------------------------------------------------------------

result<bool> server::impl::url_encoding(const request_ctx& c) {
    auto* p = param(c, "encoding-type");
    if (!p) return false;
    if (p->value != "url")
        return invalid_argument("The encoding type must be url.", "encoding-type", p->value, "0005-00000001");
    return true;
}

result<std::optional<md5_digest>> server::impl::content_md5(const request_ctx& c) {
    auto v = c.in.headers.get("Content-MD5");
    if (!v) return std::optional<md5_digest>();
    auto raw = base64_decode(ossmp::detail::trim(*v));
    if (!raw || raw->size() != 16)
        return oss_error(400, "InvalidDigest", "The Content-MD5 you specified was invalid.", "0002-00000017");
    md5_digest d;
    std::memcpy(d.data(), raw->data(), 16);
    return std::optional<md5_digest>(d);
}

result<stored_headers> server::impl::object_headers(const request_ctx& c) {
    stored_headers out;
    for (auto name : kept_plain_headers)
        if (auto v = c.in.headers.get(name)) out.push_back({std::string(name), std::string(*v)});
    for (auto name : kept_oss_headers)
        if (auto v = c.in.headers.get(name)) out.push_back({std::string(name), std::string(*v)});
    for (const auto& h : c.in.headers)
        if (istarts_with(h.name, oss_dialect.meta_prefix)) out.push_back({ossmp::detail::lower(h.name), h.value});
    auto check = [&](std::string_view name, std::initializer_list<std::string_view> allowed) -> result<void> {
        auto v = c.in.headers.get(name);
        if (!v) return ok();
        for (auto a : allowed)
            if (*v == a) return ok();
        return invalid_argument("The value of " + std::string(name) + " is invalid.", std::string(name),
                                std::string(*v), "0005-00000002");
    };
    if (auto r = check("x-oss-storage-class", {"Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"}); !r)
        return r.error();
    if (auto r = check("x-oss-object-acl", {"private", "public-read", "public-read-write", "default"}); !r)
        return r.error();
    if (auto r = check("x-oss-server-side-encryption", {"AES256", "KMS", "SM4"}); !r) return r.error();
    if (auto tagging = c.in.headers.get("x-oss-tagging"); tagging && !tagging->empty()) {
        std::size_t tags = 1 + static_cast<std::size_t>(std::count(tagging->begin(), tagging->end(), '&'));
        if (tags > 10)
            return oss_error(400, "BadRequest", "Object tags cannot be greater than 10.", "0005-00000003");
    }
    return out;
}

// ---- control plane -----------------------------------------------------------------------

void server::impl::control(request_ctx& c) {
    drain(c);
    auto json = [&](int status, std::string body) {
        c.res.status = status;
        c.res.set_content(body, "application/json");
    };
    const auto& m = c.in.method;
    std::string_view what = std::string_view(c.raw_path).substr(control_prefix.size());
    if (what == "/counters" && m == "GET") {
        std::lock_guard lock(stats_mu);
        return json(200, stats.to_json());
    }
    if (what == "/counters/reset" && (m == "POST" || m == "PUT")) {
        std::lock_guard lock(stats_mu);
        stats = counters{};
        return json(200, "{}");
    }
    if (what == "/faults") {
        if (m == "GET") return json(200, to_json(faults.get()));
        if (m == "DELETE") {
            faults.set(fault_config{});
            return json(200, to_json(faults.get()));
        }
        if (m == "PUT" || m == "POST") {
            auto f = parse_fault_query(c.in.query);
            if (!f) return json(400, "{\"error\":" + json_string(f.error().message) + "}");
            faults.set(*f);
            return json(200, to_json(*f));
        }
    }
    json(404, "{\"error\":\"unknown control endpoint\"}");
}

// ---- operations ------------------------------------------------------------------------

void server::impl::put_bucket(request_ctx& c) {
    drain(c);
    if (auto r = st->create_bucket(c.in.bucket, now(), true); !r) return send_error(c, r.error());
    c.res.set_header("Location", "/" + c.in.bucket);
    send_empty(c, 200);
}

void server::impl::initiate(request_ctx& c) {
    drain(c);
    auto url = url_encoding(c);
    if (!url) return send_error(c, url.error());
    auto meta = object_headers(c);
    if (!meta) return send_error(c, meta.error());
    if (iequals(header(c, oss_dialect.forbid_overwrite_header), "true") && st->object_exists(c.in.bucket, c.in.key))
        return send_error(c, oss_error(409, "FileAlreadyExists",
                                       "The object you specified already exists and can not be overwritten.",
                                       "0026-00000201", {{"Key", c.in.key}}));
    if (apply_fault(c, 0)) return;
    auto id = st->initiate(c.in.bucket, c.in.key, std::move(*meta), now());
    if (!id) return send_error(c, id.error());
    xml_writer x;
    x.open("InitiateMultipartUploadResult");
    x.leaf("Bucket", c.in.bucket);
    x.leaf("Key", encode_key(c.in.key, *url));
    x.leaf("UploadId", *id);
    if (*url) x.leaf("EncodingType", "url");
    send_xml(c, 200, x.finish());
}

namespace {
result<std::uint32_t> part_number_of(const query_param* p) {
    std::uint64_t n = 0;
    if (!p || !parse_u64(p->value, n) || n < 1 || n > max_part_number)
        return invalid_argument("Part number must be an integer between 1 and 10000, inclusive.", "partNumber",
                                p ? p->value : std::string(), "0017-00000220");
    return static_cast<std::uint32_t>(n);
}
}  // namespace

void server::impl::upload_part(request_ctx& c) {
    auto number = part_number_of(param(c, "partNumber"));
    if (!number) return send_error(c, number.error());
    const std::string& upload_id = param(c, "uploadId")->value;
    if (auto r = st->check_upload(c.in.bucket, c.in.key, upload_id); !r) return send_error(c, r.error());
    c.upload_for_stats = upload_id;
    c.part_for_stats = *number;
    auto want_md5 = content_md5(c);
    if (!want_md5) return send_error(c, want_md5.error());
    if (c.content_length > max_part_size)
        return send_error(c, oss_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
                                       "0017-00000221"));
    if (apply_fault(c, *number)) return;
    auto got = receive(c);
    if (!got) return send_error(c, got.error());
    if (!*got) {  // the client went away mid-body; nothing was stored
        c.res.status = 400;
        return;
    }
    auto& body = **got;
    if (*want_md5 && **want_md5 != body.md5)
        return send_error(c, oss_error(400, "InvalidDigest", "The Content-MD5 you specified did not match what we received.",
                                       "0017-00000201"));
    auto p = st->commit_part(c.in.bucket, c.in.key, upload_id, *number, body.data, body.md5, body.crc, now());
    if (!p) return send_error(c, p.error());
    c.part_stored = true;
    c.res.set_header("ETag", p->etag);
    c.res.set_header("Content-MD5", base64_encode(body.md5));
    c.res.set_header("x-oss-hash-crc64ecma", std::to_string(p->crc64));
    send_empty(c, 200);
}

void server::impl::upload_part_copy(request_ctx& c) {
    drain(c);
    auto number = part_number_of(param(c, "partNumber"));
    if (!number) return send_error(c, number.error());
    const std::string& upload_id = param(c, "uploadId")->value;
    if (auto r = st->check_upload(c.in.bucket, c.in.key, upload_id); !r) return send_error(c, r.error());
    c.upload_for_stats = upload_id;
    c.part_for_stats = *number;
    // x-oss-copy-source: /bucket/key with the key percent-encoded ('/' may stay or be %2F).
    std::string_view source = header(c, oss_dialect.copy_source_header);
    auto bad_source = [&] {
        return invalid_argument("The copy source is invalid.", "x-oss-copy-source", std::string(source), "0017-00000801");
    };
    if (source.empty() || source.front() != '/') return send_error(c, bad_source());
    if (source.find('?') != std::string_view::npos)
        return send_error(c, oss_error(501, "NotImplemented", "Versioned copy sources are not supported.", "0000-00000501"));
    auto decoded = percent_decode(source.substr(1));
    if (!decoded) return send_error(c, bad_source());
    auto slash = decoded->find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == decoded->size()) return send_error(c, bad_source());
    std::string src_bucket = decoded->substr(0, slash), src_key = decoded->substr(slash + 1);
    if (!validate_bucket_name(src_bucket) || !validate_object_key(src_key)) return send_error(c, bad_source());
    auto src = st->get_object(src_bucket, src_key);
    if (!src) return send_error(c, src.error());
    const object_record& o = **src;

    // Preconditions on the source.
    auto if_match = header(c, oss_dialect.copy_source_if_match_header);
    auto if_none = header(c, oss_dialect.copy_source_if_none_match_header);
    auto if_mod = header(c, oss_dialect.copy_source_if_modified_since_header);
    auto if_unmod = header(c, oss_dialect.copy_source_if_unmodified_since_header);
    auto failed = [&] {
        return oss_error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.",
                         "0017-00000802");
    };
    if (!if_match.empty() && if_match != o.etag) return send_error(c, failed());
    if (!if_none.empty() && if_none == o.etag) return send_error(c, failed());
    auto secs = [](time_point t) { return to_unix_seconds(t); };
    if (!if_mod.empty())
        if (auto t = parse_http_date(if_mod); t && secs(o.last_modified) <= secs(*t)) return send_error(c, failed());
    if (!if_unmod.empty())
        if (auto t = parse_http_date(if_unmod); t && secs(o.last_modified) > secs(*t)) return send_error(c, failed());

    std::uint64_t first = 0, length = o.size;
    if (auto range = header(c, oss_dialect.copy_source_range_header); !range.empty()) {
        std::uint64_t a = 0, b = 0;
        auto dash = range.find('-');
        if (range.substr(0, 6) != "bytes=" || dash == std::string_view::npos ||
            !parse_u64(range.substr(6, dash - 6), a) || !parse_u64(range.substr(dash + 1), b) || a > b || b >= o.size)
            return send_error(c, invalid_argument("The x-oss-copy-source-range is invalid.", "x-oss-copy-source-range",
                                                  std::string(range), "0017-00000803"));
        first = a;
        length = b - a + 1;
    }
    if (length > max_part_size)
        return send_error(c, oss_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
                                       "0017-00000221"));
    if (apply_fault(c, *number)) return;
    auto reader = blob_reader::open(o.data);
    if (!reader) return send_error(c, reader.error());
    auto w = st->new_writer(length);
    if (!w) return send_error(c, w.error());
    md5 h;
    crc64 crc;
    error write_error;
    bool ok = (*reader)->read(first, length, [&](const char* d, std::size_t n) {
        h.update(d, n);
        crc.update(d, n);
        if (auto r = (*w)->write(d, n); !r) {
            write_error = r.error();
            return false;
        }
        return true;
    });
    if (!ok) return send_error(c, internal_error("storage failure while copying the source"));
    auto b = (*w)->finish();
    if (!b) return send_error(c, internal_error("storage failure: " + b.error().message));
    auto digest = h.final();
    auto p = st->commit_part(c.in.bucket, c.in.key, upload_id, *number, std::move(*b), digest, crc.value(), now());
    if (!p) return send_error(c, p.error());
    c.part_stored = true;
    xml_writer x;
    x.open("CopyPartResult");
    x.leaf("LastModified", format_iso8601(p->last_modified));
    x.leaf("ETag", p->etag);
    c.res.set_header("x-oss-hash-crc64ecma", std::to_string(p->crc64));
    send_xml(c, 200, x.finish());
}

void server::impl::complete(request_ctx& c) {
    const std::string& upload_id = param(c, "uploadId")->value;
    auto url = url_encoding(c);
    if (!url) return send_error(c, url.error());
    if (c.content_length > cfg.max_complete_body) {
        return send_error(c, oss_error(400, "InvalidArgument", "The CompleteMultipartUpload body is too large.",
                                       "0042-00000217", {{"MaxMessageLengthBytes", std::to_string(cfg.max_complete_body)}}));
    }
    std::string body;
    bool too_large = false;
    bool ok = read_body(c, [&](const char* d, std::size_t n) {
        if (body.size() + n > cfg.max_complete_body) too_large = true;
        if (!too_large) body.append(d, n);
        return true;
    });
    if (!ok) {
        c.res.status = 400;
        return;
    }
    if (too_large)
        return send_error(c, oss_error(400, "InvalidArgument", "The CompleteMultipartUpload body is too large.",
                                       "0042-00000217", {{"MaxMessageLengthBytes", std::to_string(cfg.max_complete_body)}}));
    if (auto r = st->check_upload(c.in.bucket, c.in.key, upload_id); !r) return send_error(c, r.error());
    auto want_md5 = content_md5(c);
    if (!want_md5) return send_error(c, want_md5.error());
    if (*want_md5 && **want_md5 != md5::hash(body))
        return send_error(c, oss_error(400, "InvalidDigest", "The Content-MD5 you specified did not match what we received.",
                                       "0042-00000218"));
    complete_request how;
    std::string_view all = header(c, oss_dialect.complete_all_header);
    if (!all.empty() && all != "yes")
        return send_error(c, invalid_argument("x-oss-complete-all must be yes.", "x-oss-complete-all", std::string(all),
                                              "0042-00000215"));
    how.all = all == "yes";
    if (how.all) {
        if (!body.empty())
            return send_error(c, invalid_argument("Should not speficy both complete all header and http body.",
                                                  "x-oss-complete-all", "yes", "0042-00000216"));
    } else {
        if (body.empty())
            return send_error(c, oss_error(400, "MalformedXML",
                                           "The XML you provided was not well-formed or did not validate against our "
                                           "published schema.",
                                           "0042-00000205"));
        auto parts = parse_complete_body(body);
        if (!parts) {
            if (parts.error().code == errc::invalid_field)
                return send_error(c, oss_error(400, "InvalidPart",
                                               "One or more of the specified parts could not be found or the specified "
                                               "entity tag might not have matched the part's entity tag.",
                                               "0042-00000207"));
            return send_error(c, oss_error(400, "MalformedXML",
                                           "The XML you provided was not well-formed or did not validate against our "
                                           "published schema.",
                                           "0042-00000205"));
        }
        if (parts->empty())
            return send_error(c, oss_error(400, "MalformedXML", "The XML you provided lists no part.", "0042-00000205"));
        how.parts = std::move(*parts);
    }
    how.forbid_overwrite = iequals(header(c, oss_dialect.forbid_overwrite_header), "true");
    if (auto acl = c.in.headers.get(oss_dialect.object_acl_header)) {
        static constexpr std::string_view acls[] = {"private", "public-read", "public-read-write", "default"};
        if (std::find(std::begin(acls), std::end(acls), *acl) == std::end(acls))
            return send_error(c, invalid_argument("The value of x-oss-object-acl is invalid.", "x-oss-object-acl",
                                                  std::string(*acl), "0005-00000002"));
        how.acl = std::string(*acl);
    }
    std::string_view callback = header(c, oss_dialect.callback_header);
    if (!callback.empty() && !base64_decode(callback))
        return send_error(c, invalid_argument("The callback configuration is not base64.", "x-oss-callback",
                                              std::string(callback), "0007-00000002"));
    if (apply_fault(c, 0)) return;
    auto o = st->complete(c.in.bucket, c.in.key, upload_id, how, now());
    if (!o) return send_error(c, o.error());
    c.res.set_header("ETag", (*o)->etag);
    c.res.set_header("x-oss-hash-crc64ecma", std::to_string((*o)->crc64));
    if (!callback.empty()) {
        // The object is complete, but the emulator makes no outbound calls: it answers as OSS
        // does when the callback server cannot be reached.
        auto e = oss_error(203, "CallbackFailed",
                           "Error status : -1. The emulator does not call callback servers (no outbound network).",
                           "0007-00000203");
        return send_error(c, e);
    }
    xml_writer x;
    x.open("CompleteMultipartUploadResult");
    if (*url) x.leaf("EncodingType", "url");
    // The object's URL with the key as raw text (encoded like Key under encoding-type=url).
    x.leaf("Location", "http://" + c.in.host + (c.virtual_hosted ? "/" : "/" + c.in.bucket + "/") +
                           encode_key(c.in.key, *url));
    x.leaf("Bucket", c.in.bucket);
    x.leaf("Key", encode_key(c.in.key, *url));
    x.leaf("ETag", (*o)->etag);
    send_xml(c, 200, x.finish());
}

void server::impl::abort_upload(request_ctx& c) {
    drain(c);
    if (apply_fault(c, 0)) return;
    if (auto r = st->abort(c.in.bucket, c.in.key, param(c, "uploadId")->value); !r) return send_error(c, r.error());
    send_empty(c, 204);
}

void server::impl::list_parts(request_ctx& c) {
    drain(c);
    auto url = url_encoding(c);
    if (!url) return send_error(c, url.error());
    std::uint64_t max_parts = max_list_page, marker = 0;
    if (auto* p = param(c, "max-parts"); p && (!parse_u64(p->value, max_parts) || max_parts < 1 || max_parts > max_list_page))
        return send_error(c, invalid_argument("max-parts must be an integer between 1 and 1000.", "max-parts", p->value,
                                              "0017-00000401"));
    if (auto* p = param(c, "part-number-marker"); p && (!parse_u64(p->value, marker) || marker > max_part_number))
        return send_error(c, invalid_argument("part-number-marker must be an integer between 0 and 10000.",
                                              "part-number-marker", p->value, "0017-00000402"));
    if (apply_fault(c, 0)) return;
    auto snap = st->snapshot(c.in.bucket, c.in.key, param(c, "uploadId")->value);
    if (!snap) return send_error(c, snap.error());
    std::vector<const part_record*> page;
    bool truncated = false;
    for (const auto& p : snap->parts) {
        if (p.number <= marker) continue;
        if (page.size() == max_parts) {
            truncated = true;
            break;
        }
        page.push_back(&p);
    }
    xml_writer x;
    x.open("ListPartsResult");
    if (*url) x.leaf("EncodingType", "url");
    x.leaf("Bucket", c.in.bucket);
    x.leaf("Key", encode_key(c.in.key, *url));
    x.leaf("UploadId", snap->upload_id);
    x.leaf("StorageClass", snap->storage_class.empty() ? "Standard" : snap->storage_class);
    x.leaf("PartNumberMarker", std::to_string(marker));
    x.leaf("NextPartNumberMarker", std::to_string(page.empty() ? marker : page.back()->number));
    x.leaf("MaxParts", std::to_string(max_parts));
    x.leaf("IsTruncated", truncated ? "true" : "false");
    for (const auto* p : page) {
        x.open("Part");
        x.leaf("PartNumber", std::to_string(p->number));
        x.leaf("LastModified", format_iso8601(p->last_modified));
        x.leaf("ETag", p->etag);
        x.leaf("HashCrc64ecma", std::to_string(p->crc64));
        x.leaf("Size", std::to_string(p->size));
        x.close();
    }
    send_xml(c, 200, x.finish());
}

void server::impl::list_uploads(request_ctx& c) {
    drain(c);
    auto url = url_encoding(c);
    if (!url) return send_error(c, url.error());
    auto text = [&](std::string_view name) {
        auto* p = param(c, name);
        return p ? p->value : std::string();
    };
    std::string prefix = text("prefix"), delimiter = text("delimiter"), key_marker = text("key-marker"),
                id_marker = text("upload-id-marker");
    std::uint64_t max_uploads = max_list_page;
    if (auto* p = param(c, "max-uploads");
        p && (!parse_u64(p->value, max_uploads) || max_uploads < 1 || max_uploads > max_list_page))
        return send_error(c, invalid_argument("max-uploads must be an integer between 1 and 1000.", "max-uploads",
                                              p->value, "0017-00000403"));
    if (apply_fault(c, 0)) return;
    auto all = st->list_uploads(c.in.bucket);
    if (!all) return send_error(c, all.error());
    struct entry {
        const upload_summary* upload;  // null for a common prefix
        std::string prefix;
    };
    std::vector<entry> page;
    bool truncated = false;
    for (const auto& u : *all) {
        if (u.key.compare(0, prefix.size(), prefix) != 0) continue;
        if (!key_marker.empty()) {
            if (id_marker.empty() ? u.key <= key_marker
                                  : (u.key < key_marker || (u.key == key_marker && u.upload_id <= id_marker)))
                continue;
        }
        if (!delimiter.empty()) {
            auto pos = u.key.find(delimiter, prefix.size());
            if (pos != std::string::npos) {
                std::string cp = u.key.substr(0, pos + delimiter.size());
                // A page that ended on this prefix already listed it.
                if (!key_marker.empty() && cp <= key_marker) continue;
                if (!page.empty() && !page.back().upload && page.back().prefix == cp) continue;
                if (page.size() == max_uploads) {
                    truncated = true;
                    break;
                }
                page.push_back({nullptr, std::move(cp)});
                continue;
            }
        }
        if (page.size() == max_uploads) {
            truncated = true;
            break;
        }
        page.push_back({&u, {}});
    }
    std::string next_key, next_id;
    if (!page.empty()) {
        if (page.back().upload) {
            next_key = page.back().upload->key;
            next_id = page.back().upload->upload_id;
        } else {
            next_key = page.back().prefix;
        }
    }
    xml_writer x;
    x.open("ListMultipartUploadsResult");
    if (*url) x.leaf("EncodingType", "url");
    x.leaf("Bucket", c.in.bucket);
    x.leaf("KeyMarker", encode_key(key_marker, *url));
    x.leaf("UploadIdMarker", id_marker);
    x.leaf("NextKeyMarker", encode_key(next_key, *url));
    x.leaf("NextUploadIdMarker", next_id);
    x.leaf("Delimiter", encode_key(delimiter, *url));
    x.leaf("Prefix", encode_key(prefix, *url));
    x.leaf("MaxUploads", std::to_string(max_uploads));
    x.leaf("IsTruncated", truncated ? "true" : "false");
    for (const auto& e : page) {
        if (!e.upload) continue;
        x.open("Upload");
        x.leaf("Key", encode_key(e.upload->key, *url));
        x.leaf("UploadId", e.upload->upload_id);
        x.leaf("StorageClass", e.upload->storage_class.empty() ? "Standard" : e.upload->storage_class);
        x.leaf("Initiated", format_iso8601(e.upload->initiated));
        x.close();
    }
    for (const auto& e : page) {
        if (e.upload) continue;
        x.open("CommonPrefixes");
        x.leaf("Prefix", encode_key(e.prefix, *url));
        x.close();
    }
    send_xml(c, 200, x.finish());
}

void server::impl::put_object(request_ctx& c) {
    auto meta = object_headers(c);
    if (!meta) return send_error(c, meta.error());
    auto want_md5 = content_md5(c);
    if (!want_md5) return send_error(c, want_md5.error());
    if (c.content_length > max_part_size)
        return send_error(c, oss_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
                                       "0026-00000003"));
    bool forbid = iequals(header(c, oss_dialect.forbid_overwrite_header), "true");
    if (forbid && st->object_exists(c.in.bucket, c.in.key))
        return send_error(c, oss_error(409, "FileAlreadyExists",
                                       "The object you specified already exists and can not be overwritten.",
                                       "0026-00000201", {{"Key", c.in.key}}));
    if (apply_fault(c, 0)) return;
    auto got = receive(c);
    if (!got) return send_error(c, got.error());
    if (!*got) {
        c.res.status = 400;
        return;
    }
    auto& body = **got;
    if (*want_md5 && **want_md5 != body.md5)
        return send_error(c, oss_error(400, "InvalidDigest", "The Content-MD5 you specified did not match what we received.",
                                       "0026-00000004"));
    auto o = st->put_object(c.in.bucket, c.in.key, body.data, body.md5, body.crc, std::move(*meta), forbid, now());
    if (!o) return send_error(c, o.error());
    c.res.set_header("ETag", (*o)->etag);
    c.res.set_header("Content-MD5", base64_encode(body.md5));
    c.res.set_header("x-oss-hash-crc64ecma", std::to_string((*o)->crc64));
    send_empty(c, 200);
}

namespace {
// OSS's reading of a Range header against an object of `size` bytes. Without
// x-oss-range-behavior: standard, a range OSS considers invalid (end past the object, start
// past the end, several ranges, bad syntax) is ignored and the whole object is returned.
struct range_choice {
    bool partial = false;
    bool unsatisfiable = false;
    std::uint64_t first = 0, length = 0;
};
range_choice choose_range(std::string_view v, std::uint64_t size, bool standard) {
    range_choice r;
    v = ossmp::detail::trim(v);
    if (v.substr(0, 6) != "bytes=" || v.find(',') != std::string_view::npos || size == 0) return r;
    v.remove_prefix(6);
    auto dash = v.find('-');
    if (dash == std::string_view::npos) return r;
    auto a_text = v.substr(0, dash), b_text = v.substr(dash + 1);
    std::uint64_t a = 0, b = 0;
    if (a_text.empty()) {  // suffix: the last b bytes
        if (!parse_u64(b_text, b) || b == 0) return r;
        r.partial = true;
        r.length = std::min(b, size);
        r.first = size - r.length;
        return r;
    }
    if (!parse_u64(a_text, a)) return r;
    if (b_text.empty()) {
        b = size - 1;
    } else if (!parse_u64(b_text, b) || b < a) {
        return r;
    }
    if (a >= size) {
        r.unsatisfiable = standard;
        return r;
    }
    if (b >= size) {
        if (!standard) return r;
        b = size - 1;
    }
    r.partial = true;
    r.first = a;
    r.length = b - a + 1;
    return r;
}
}  // namespace

void server::impl::get_object(request_ctx& c) {
    if (apply_fault(c, 0)) return;
    auto got = st->get_object(c.in.bucket, c.in.key);
    if (!got) return send_error(c, got.error());
    std::shared_ptr<const object_record> o = std::move(*got);
    auto range = c.in.headers.get("Range");
    auto choice = range ? choose_range(*range, o->size, iequals(header(c, "x-oss-range-behavior"), "standard"))
                        : range_choice{};
    if (choice.unsatisfiable)
        return send_error(c, oss_error(416, "InvalidRange", "The requested range cannot be satisfied.", "0003-00000405",
                                       {{"ActualObjectSize", std::to_string(o->size)}, {"RangeRequested", std::string(*range)}}));
    auto& res = c.res;
    std::string content_type = "application/octet-stream";
    for (const auto& h : o->meta) {
        if (iequals(h.name, "Content-Type")) {
            content_type = h.value;
        } else if (iequals(h.name, "x-oss-tagging")) {
            std::size_t tags = h.value.empty() ? 0 : 1 + std::count(h.value.begin(), h.value.end(), '&');
            res.set_header("x-oss-tagging-count", std::to_string(tags));
        } else if (iequals(h.name, "x-oss-object-acl") || iequals(h.name, "x-oss-storage-class")) {
            continue;
        } else {
            res.set_header(h.name, h.value);
        }
    }
    std::string storage_class = "Standard";
    for (const auto& h : o->meta)
        if (iequals(h.name, "x-oss-storage-class")) storage_class = h.value;
    res.set_header("ETag", o->etag);
    res.set_header("Last-Modified", format_http_date(o->last_modified));
    res.set_header("x-oss-object-type", o->type);
    res.set_header("x-oss-storage-class", storage_class);
    res.set_header("Accept-Ranges", "bytes");
    std::uint64_t first = 0, length = o->size;
    if (choice.partial) {
        first = choice.first;
        length = choice.length;
        res.status = 206;
        res.set_header("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(first + length - 1) +
                                            "/" + std::to_string(o->size));
    } else {
        res.status = 200;
        res.set_header("x-oss-hash-crc64ecma", std::to_string(o->crc64));
    }
    if (length == 0) {
        res.set_header("Content-Type", content_type);
        return;
    }
    auto reader = blob_reader::open(o->data);
    if (!reader) return send_error(c, reader.error());
    std::shared_ptr<blob_reader> rd = std::move(*reader);
    res.set_content_provider(static_cast<std::size_t>(length), content_type,
                             [rd, first](std::size_t offset, std::size_t len, httplib::DataSink& sink) {
                                 // Hand over at most 4 MiB per call so a slow client does not
                                 // pin a whole object in one pass.
                                 std::size_t want = std::min<std::size_t>(len, 4u << 20);
                                 return rd->read(first + offset, want, [&](const char* d, std::size_t n) {
                                     return sink.write(d, n);
                                 });
                             });
}

void server::impl::delete_object(request_ctx& c) {
    drain(c);
    if (apply_fault(c, 0)) return;
    if (auto r = st->delete_object(c.in.bucket, c.in.key); !r) return send_error(c, r.error());
    send_empty(c, 204);
}

// ---- server ----------------------------------------------------------------------------

server::server(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

server::~server() { stop(); }

result<std::unique_ptr<server>> server::start(config cfg) {
    if (cfg.accounts.empty())
        return make_error(errc::invalid_credentials, "the emulator needs at least one account (access key)");
    for (const auto& a : cfg.accounts)
        if (auto r = validate_credentials(a); !r) return r.error();
    if (cfg.region.empty() || v4_region(cfg.region) != cfg.region)
        return make_error(errc::invalid_region, "region must be a region id such as cn-hangzhou (no oss- prefix)");
    if (cfg.threads == 0) cfg.threads = 1;
    for (const auto& b : cfg.buckets)
        if (auto r = validate_bucket_name(b); !r) return r.error();

    auto p = std::make_unique<impl>();
    p->cfg = std::move(cfg);
    auto st = store::open(p->cfg.dir, p->ids);
    if (!st) return st.error();
    p->st = std::move(*st);
    for (const auto& b : p->cfg.buckets)
        if (auto r = p->st->create_bucket(b, p->now(), false); !r)
            return make_error(errc::io_error, "cannot create bucket " + b + ": " + r.error().message);
    p->faults.set(p->cfg.faults);

    auto& http = p->http;
    std::size_t threads = p->cfg.threads;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_keep_alive_max_count(100000);
    http.set_keep_alive_timeout(p->cfg.keep_alive_timeout.count());
    http.set_read_timeout(30, 0);
    http.set_write_timeout(30, 0);
    // Small responses follow large request bodies; without NODELAY, Nagle and delayed ACKs
    // would add 40 ms to each.
    http.set_tcp_nodelay(true);
    p->install_handlers();

    int port = p->cfg.port == 0 ? http.bind_to_any_port(p->cfg.bind) : (http.bind_to_port(p->cfg.bind, p->cfg.port) ? p->cfg.port : -1);
    if (port <= 0)
        return make_error(errc::io_error,
                          "cannot listen on " + p->cfg.bind + ":" + std::to_string(p->cfg.port) + " (address in use?)");
    p->bound_port = static_cast<std::uint16_t>(port);
    auto* raw = p.get();
    p->thread = std::thread([raw] { raw->http.listen_after_bind(); });
    return std::unique_ptr<server>(new server(std::move(p)));
}

std::string server::url() const {
    const auto& b = impl_->cfg.bind;
    std::string host = b.find(':') != std::string::npos ? "[" + b + "]" : b;
    return "http://" + host + ":" + std::to_string(impl_->bound_port);
}

std::uint16_t server::port() const { return impl_->bound_port; }

counters server::stats() const {
    std::lock_guard lock(impl_->stats_mu);
    return impl_->stats;
}

void server::reset_stats() {
    std::lock_guard lock(impl_->stats_mu);
    impl_->stats = counters{};
}

void server::set_faults(fault_config f) { impl_->faults.set(std::move(f)); }

fault_config server::faults() const { return impl_->faults.get(); }

void server::stop() {
    if (!impl_) return;
    using st = impl::run_state;
    {
        std::unique_lock lock(impl_->stop_mu);
        if (impl_->state != st::running) {
            // Another thread is stopping: return only once it is done.
            impl_->stop_cv.wait(lock, [this] { return impl_->state == st::stopped; });
            return;
        }
        impl_->state = st::stopping;
    }
    impl_->http.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    {
        std::lock_guard lock(impl_->stop_mu);
        impl_->state = st::stopped;
    }
    impl_->stop_cv.notify_all();
}

void server::wait() {
    std::unique_lock lock(impl_->stop_mu);
    impl_->stop_cv.wait(lock, [this] { return impl_->state == impl::run_state::stopped; });
}

}  // namespace ossmp::inline v0::emulator
