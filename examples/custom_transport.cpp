// Example: plugging your own HTTP stack into ossmp. The block between the BEGIN/END README
// markers is shown verbatim in README.md (tests/adapter_readme_test.cpp checks the copy):
// a BlockingTransport on plain POSIX sockets, then run by ossmp::run on a thread pool.
//
// Usage: custom_transport ENDPOINT BUCKET KEY FILE [PART_SIZE]
//   credentials from OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for
//   STS), region from OSS_REGION (default cn-hangzhou); signs with V4. Plain http only:
//   this transport has no TLS (use the curl or httplib adapter for https).
// Exit status: 0 uploaded, 1 the upload failed, 2 bad arguments.
#include <cstdio>
#include <cstdlib>
#include <string>

// BEGIN README
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ossmp/ossmp.hpp>

// Plain HTTP on POSIX sockets, one connection per request: a complete BlockingTransport.
struct socket_transport {
    ossmp::exchange_result perform(const ossmp::http_request& req, ossmp::body_reader& body) {
        using ossmp::errc, ossmp::transport_error;
        auto colon = req.host.rfind(':');
        std::string host = req.host.substr(0, colon), port = colon == std::string::npos ? "80" : req.host.substr(colon + 1);
        addrinfo hints{}, *ai = nullptr;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(host.c_str(), port.c_str(), &hints, &ai) != 0)
            return transport_error{errc::transport_connect, "cannot resolve " + host};
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        bool connected = fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
        freeaddrinfo(ai);
        struct closer { int fd; ~closer() { if (fd >= 0) close(fd); } } guard{fd};
        if (!connected) return transport_error{errc::transport_connect, "cannot connect to " + req.host};
        auto send_all = [fd](const char* p, std::size_t n) {
            for (ssize_t k; n > 0; p += k, n -= static_cast<std::size_t>(k))
                if ((k = send(fd, p, n, MSG_NOSIGNAL)) <= 0) return false;
            return true;
        };
        // The request exactly as signed, plus Host and Content-Length.
        std::string head = req.method + " " + req.target() + " HTTP/1.1\r\nHost: " + req.host + "\r\n";
        for (const auto& h : req.headers) head += h.name + ": " + h.value + "\r\n";
        head += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
        bool sent = send_all(head.data(), head.size());
        char buf[65536];
        while (sent && !body.complete()) {  // body.read() computes the CRC-64 of what is sent
            auto n = body.read(buf);
            if (!n) return transport_error{n.error().code, n.error().message};  // source failed: no retry
            sent = send_all(buf, *n);
        }
        std::string in;  // "Connection: close": the answer ends when the server closes
        for (ssize_t k; (k = recv(fd, buf, sizeof buf, 0)) > 0;) in.append(buf, static_cast<std::size_t>(k));
        auto end = in.find("\r\n\r\n");
        if (end == std::string::npos || in.compare(0, 5, "HTTP/") != 0)
            return transport_error{errc::transport_reset, "no answer from " + req.host};
        ossmp::http_response r;
        r.status = std::atoi(in.c_str() + 9);
        for (auto p = in.find("\r\n") + 2; p < end; p = in.find("\r\n", p) + 2) {
            auto c = in.find(':', p), v = in.find_first_not_of(' ', c + 1), eol = in.find("\r\n", p);
            r.headers.add(in.substr(p, c - p), in.substr(v, eol - v));
        }
        auto length = r.headers.get("Content-Length");
        if (req.method != "HEAD") r.body = in.substr(end + 4, length ? std::strtoull(length->data(), nullptr, 10) : in.npos);
        return r;
    }
};

// Four connections at once: thread_pool_transport runs one socket_transport per thread.
ossmp::result<ossmp::upload_outcome> upload(ossmp::upload_machine& machine, ossmp::file_source& file) {
    ossmp::thread_pool_transport<socket_transport> pool(4, [] { return socket_transport{}; });
    return ossmp::run(machine, pool, file);
}
// END README

int main(int argc, char** argv) {
    if (argc < 5 || argc > 6) {
        std::fprintf(stderr, "usage: custom_transport ENDPOINT BUCKET KEY FILE [PART_SIZE]\n");
        return 2;
    }
    auto env = [](const char* name, const char* fallback = "") {
        const char* v = std::getenv(name);
        return std::string(v ? v : fallback);
    };
    auto ep = ossmp::parse_endpoint(argv[1]);
    if (!ep) {
        std::fprintf(stderr, "%s\n", ep.error().what().c_str());
        return 2;
    }
    ossmp::upload_config cfg;
    cfg.ep = *ep;
    cfg.bucket = argv[2];
    cfg.key = argv[3];
    cfg.signing.version = ossmp::signature_version::v4;
    cfg.signing.creds = {env("OSS_ACCESS_KEY_ID"), env("OSS_ACCESS_KEY_SECRET"), env("OSS_SESSION_TOKEN")};
    cfg.signing.v4.region = env("OSS_REGION", "cn-hangzhou");
    if (argc == 6) cfg.part_size = std::strtoull(argv[5], nullptr, 10);
    auto file = ossmp::file_source::open(argv[4]);
    if (!file) {
        std::fprintf(stderr, "%s\n", file.error().what().c_str());
        return 2;
    }
    cfg.source.size = file->size();
    auto machine = ossmp::upload_machine::create(cfg);
    if (!machine) {
        std::fprintf(stderr, "%s\n", machine.error().what().c_str());
        return 2;
    }
    auto r = upload(*machine, *file);
    if (!r) {
        std::fprintf(stderr, "upload failed: %s\n", r.error().what().c_str());
        return 1;
    }
    std::printf("uploaded oss://%s/%s: %llu bytes in %u parts, ETag %s, CRC-64 %llu\n", r->bucket.c_str(),
                r->key.c_str(), static_cast<unsigned long long>(r->size), r->part_count, r->etag.c_str(),
                static_cast<unsigned long long>(r->crc64));
    return 0;
}
