// ossmp emulator: a local, OSS-compatible multipart-upload server for tests and CI.
//
// It speaks the OSS REST protocol on loopback (path-style `http://127.0.0.1:PORT/bucket/key`
// and virtual-hosted `bucket.localhost:PORT`), checks V1 and V4 signatures (header and
// presigned URL, STS tokens) with the library's own signing stages, and answers the seven
// multipart operations plus PutObject, GetObject, HeadObject, DeleteObject and PutBucket with
// OSS's status codes, headers, XML documents and error codes. Code that passes against it
// should pass against OSS; where OSS's exact behaviour is unknown the emulator is the
// stricter of the plausible choices.
//
// Storage is in memory (`config::dir` empty) or on disk under `dir`, durable across a
// restart. Part bodies stream to storage as they arrive; MD5 (for ETags) and CRC-64 are
// computed on the way, so memory does not grow with part size in disk mode.
//
// A control plane under `/_emulator/` (no bucket can be named `_emulator`) reads counters and
// sets fault injection at run time. Every control request must carry the server's control
// token (`X-Ossmp-Emulator-Token: <server::control_token()>`, a random value made at start
// unless config::control_token sets one); requests with an `Origin` header (any web page's)
// are refused, and config::control_plane = false switches it off (404). It still gives
// whoever holds the token the power to break every client, so bind beyond loopback only on
// a network you trust:
//   GET  /_emulator/counters         JSON counters (see `counters`)
//   POST /_emulator/counters/reset   zero them
//   GET  /_emulator/faults           JSON of the fault configuration
//   PUT  /_emulator/faults?...       replace it (query names: see parse_fault_query)
//   DELETE /_emulator/faults         switch every fault off
//
// The server is a cpp-httplib server; this header does not include httplib.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/credentials.hpp>
#include <ossmp/query.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::emulator {

/// Faults injected into matching requests, for testing clients' retry and resume logic. All
/// off by default. Which requests are hit is decided by a hash of (seed, operation, key,
/// part number, attempt number of that part or key), not by arrival order, so the same
/// client run meets the same faults however its parallel requests interleave. A faulted
/// request never changes stored data: its body is read and discarded (or the connection is
/// cut), and the operation is not performed.
struct fault_config {
    std::uint64_t seed = 0;  ///< varies which requests are hit
    /// Operations the error, reset and 200-error faults apply to, by OSS name
    /// ("UploadPart", "CompleteMultipartUpload", ...); empty = every operation.
    std::vector<std::string> operations = {"UploadPart"};
    double error_rate = 0;  ///< share (0..1) of matching requests answered with `error_status`
    int error_status = 500;  ///< 500 (InternalError) or 503 (SlowDown)
    double reset_rate = 0;   ///< share of matching requests whose connection is cut mid-body
    /// Body bytes read before a reset cuts the connection (fewer if the body is shorter).
    std::uint64_t reset_after_bytes = 64 * 1024;
    double error200_rate = 0;  ///< share of matching requests answered 200 with an <Error> body
    std::uint32_t delay_ms = 0;  ///< delay before every response (control plane excepted)

    /// True when any fault is switched on.
    bool active() const noexcept {
        return error_rate > 0 || reset_rate > 0 || error200_rate > 0 || delay_ms > 0;
    }
};

/// Parses fault settings from query parameters (the `PUT /_emulator/faults` form):
/// seed, ops (comma-separated operation names, "*" = all), error_rate, error_status,
/// reset_rate, reset_after, error200_rate, delay_ms. Unnamed settings keep their defaults.
/// Errors: errc::invalid_argument naming the parameter.
result<fault_config> parse_fault_query(const query_params& q);

/// The fault configuration as JSON (the `GET /_emulator/faults` form).
std::string to_json(const fault_config& f);

/// Request counts of one operation. A request succeeded when its status was below 300.
struct operation_counts {
    std::uint64_t requests = 0;
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;
};

/// UploadPart counts of one part of one upload.
struct part_counts {
    std::uint64_t attempts = 0;  ///< UploadPart requests that reached the part (any outcome)
    std::uint64_t stored = 0;    ///< of which stored the part (HTTP 200)
};

/// What the server has seen since it started or since the last reset. Never holds a secret.
struct counters {
    std::uint64_t requests = 0;            ///< every request, control plane excepted
    std::uint64_t signature_failures = 0;  ///< SignatureDoesNotMatch answers
    std::uint64_t auth_failures = 0;       ///< every other authentication refusal (403/400)
    std::uint64_t bytes_received = 0;      ///< request body bytes read
    std::uint64_t faults_injected = 0;     ///< requests a fault was applied to (delays excepted)
    std::map<std::string, operation_counts> operations;  ///< by OSS operation name
    /// upload id -> part number -> counts, for every upload that received a part.
    std::map<std::string, std::map<std::uint32_t, part_counts>> parts;

    /// The counters as a JSON object (the `GET /_emulator/counters` form):
    /// {"requests":N,"signature_failures":N,"auth_failures":N,"bytes_received":N,
    ///  "faults_injected":N,"operations":{"UploadPart":{"requests":N,"succeeded":N,
    ///  "failed":N},...},"uploads":{"<id>":{"<part>":{"attempts":N,"stored":N},...},...}}
    std::string to_json() const;
};

/// How to run a server.
struct config {
    std::string bind = "127.0.0.1";  ///< address to listen on
    std::uint16_t port = 0;          ///< 0 = any free port (read it back with server::port())
    /// Storage directory, created if missing; its contents survive a restart. Empty = keep
    /// everything in memory (lost at stop).
    std::string dir;
    /// Buckets that exist from the start (created if missing). More can be made with PutBucket.
    std::vector<std::string> buckets;
    /// Accepted access keys. A key with a security_token is an STS key: every request
    /// signed with it must carry that token. With no account every request is refused.
    std::vector<credentials> accounts;
    std::string region = "cn-hangzhou";  ///< V4 requests must be scoped to this region
    /// Host names under which `bucket.<domain>[:port]` selects a bucket (virtual-hosted
    /// style). Hosts of the form bucket.oss-<region>[-internal].aliyuncs.com are accepted
    /// too, since SDKs send them when pointed at an IP endpoint.
    std::vector<std::string> virtual_host_domains = {"localhost"};
    fault_config faults;  ///< faults active from the start
    /// Benchmark mode, off by default: derive ETags from the CRC-64 and length the server
    /// computes anyway instead of from an MD5 of the body. MD5 is most of the server's CPU
    /// (about 1 CPU-second per GiB), so on a small machine shared with the client it, not
    /// the client, limits an upload benchmark. ETags are then not OSS's (clients must treat
    /// them as opaque anyway); a Content-MD5 header is still verified when a client sends one.
    bool fast_etag = false;
    /// Most worker threads; each open connection holds one. They are started as connections
    /// arrive (none wait idle until needed), so a high limit costs nothing until used.
    std::size_t threads = 256;
    std::chrono::seconds max_clock_skew{900};  ///< RequestTimeTooSkewed beyond this (OSS: 15 min)
    std::size_t max_complete_body = 2u << 20;  ///< larger Complete bodies are refused (400)
    std::chrono::seconds keep_alive_timeout{5};  ///< idle keep-alive connections close after this
    /// Largest part or PutObject body (OSS: 5 GiB); larger ones are refused with
    /// EntityTooLarge, chunked ones as soon as they pass it. Tests lower it.
    std::uint64_t max_body_size = 5ull << 30;
    /// Requests whose head (request line and header fields) is larger are refused with 431.
    std::size_t max_head_bytes = 64 * 1024;
    /// Requests with more header fields are refused with 431.
    std::size_t max_head_fields = 200;
    /// A request's head must arrive within this time of its first byte, or the connection
    /// is closed (a client trickling bytes cannot hold a worker for long).
    std::chrono::milliseconds head_timeout{10000};
    /// Serve the control plane under /_emulator/ (false: those paths answer 404).
    bool control_plane = true;
    /// The token control requests must carry in X-Ossmp-Emulator-Token; empty = a random
    /// one made at start (read it with server::control_token()).
    std::string control_token;
    /// The server's clock; empty = the system clock. Tests use it to move time.
    std::function<time_point()> clock;
    /// Receives one line per request (method, target without query, status, request id);
    /// empty = no log. Lines never contain a secret.
    std::function<void(std::string_view)> log;
};

/// A running emulator. Create it with start(); it stops when destroyed.
class server {
public:
    /// Validates `cfg`, loads `cfg.dir` (when set), binds and starts serving in background
    /// threads. Errors: errc::invalid_argument / invalid_bucket_name / invalid_credentials
    /// for a bad configuration, errc::io_error when the directory cannot be used or the
    /// address cannot be bound.
    static result<std::unique_ptr<server>> start(config cfg);

    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// "http://<bind>:<port>" (IPv6 addresses in brackets).
    std::string url() const;
    /// The bound port.
    std::uint16_t port() const;
    /// The token control-plane requests must carry (header X-Ossmp-Emulator-Token).
    const std::string& control_token() const;
    /// True when the control plane is served (config::control_plane).
    bool control_plane() const;
    /// A snapshot of the counters.
    counters stats() const;
    /// Zeroes the counters.
    void reset_stats();
    /// Replaces the fault configuration (and restarts the fault sequence).
    void set_faults(fault_config f);
    /// The current fault configuration.
    fault_config faults() const;
    /// Stops listening, waits for requests in flight and joins the threads. Idempotent.
    void stop();
    /// Blocks until stop() is called (from another thread or a signal handler's helper).
    void wait();

private:
    struct impl;
    explicit server(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace ossmp::inline v0::emulator
