// ossmp emulator internals: the server's state and the request context every part of it
// shares. The server's work is split by job over several files: http_plumbing (bytes on the
// connection), server.cpp (start, stop, handler wiring), routing.cpp (one request from
// arrival to its log line: context, dispatch, authentication, answers), request_body.cpp
// (reading bodies), control_plane.cpp, checks.cpp (header checks shared by operations), and
// one file per family of operations: ops_bucket.cpp, ops_multipart.cpp, ops_object.cpp.
#pragma once

#include <ossmp/emulator/server.hpp>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <ossmp/crypto/md5.hpp>
#include <ossmp/percent.hpp>

#include "auth.hpp"
#include "faults.hpp"
#include "http_plumbing.hpp"
#include "store.hpp"
#include "util.hpp"

namespace ossmp::inline v0::emulator {

namespace detail {

inline constexpr const char* saved_header = "X-Ossmp-Emulator-Saved";
inline constexpr const char* xml_type = "application/xml";
inline constexpr std::string_view control_prefix = "/_emulator";
inline constexpr const char* control_token_header = "X-Ossmp-Emulator-Token";

// Headers kept with an object and returned on GetObject/HeadObject, besides x-oss-meta-*.
inline constexpr std::string_view kept_plain_headers[] = {"Content-Type",  "Content-Disposition", "Content-Encoding",
                                                   "Content-Language", "Cache-Control",   "Expires"};
inline constexpr std::string_view kept_oss_headers[] = {
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

inline std::string_view header(const request_ctx& c, std::string_view name) { return c.in.headers.get_or(name); }

inline const query_param* param(const request_ctx& c, std::string_view name) { return find_param(c.in.query, name); }

}  // namespace detail

// Internal header: every file of the server works in terms of the detail types.
using namespace detail;

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

template <class F>
bool server::impl::read_body(request_ctx& c, F&& f) {
    c.body_read = true;
    if (!c.reader || !c.has_body) return true;
    return (*c.reader)([&](const char* data, std::size_t n) {
        c.bytes += n;
        return f(data, n);
    });
}

}  // namespace ossmp::inline v0::emulator
