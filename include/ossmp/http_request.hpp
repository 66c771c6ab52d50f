// ossmp: a built request, a plain value any HTTP stack can send.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <ossmp/headers.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/query.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// A byte range of the caller's body source: `length` bytes starting at `offset`.
/// Part uploads carry a range instead of the bytes, so the library never owns part data.
struct body_range {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    friend bool operator==(const body_range&, const body_range&) = default;
};

/// A request ready to send (once signed). To send it: connect to `scheme`://`host`, write
/// `method` and `target()`, every field of `headers`, a Host header equal to `host`, and a
/// Content-Length equal to `content_length()`; then the body: `body` if `source` is empty,
/// else the `source->length` bytes of your body source at `source->offset`.
/// `headers` never holds Host or Content-Length; the transport adds them, because many HTTP
/// stacks insist on writing those two themselves.
struct http_request {
    operation op = operation::none;  ///< which OSS operation this is
    std::uint32_t part_number = 0;   ///< for UploadPart/UploadPartCopy, 1..10000
    std::string method;              ///< "GET", "PUT", "POST", "DELETE", "HEAD"
    std::string scheme = "https";    ///< "https" or "http"
    std::string host;                ///< authority: host, or host:port when not the default
    std::string bucket;              ///< raw bucket name ("" for service-level requests)
    std::string key;                 ///< raw object key ("" for bucket-level requests)
    std::string path;                ///< encoded path as sent, e.g. "/dir/my%20file"
    query_params query;              ///< raw query parameters; encoded by target()
    ossmp::headers headers;          ///< fields to send, excluding Host and Content-Length
    std::string body;                ///< in-memory body (XML documents); empty for parts
    std::optional<body_range> source;  ///< part bytes to read from the caller's source

    /// The request target: path, then '?' and the encoded query when there is one.
    std::string target() const {
        std::string t = path.empty() ? std::string("/") : path;
        if (!query.empty()) {
            t.push_back('?');
            t += encode_query(query);
        }
        return t;
    }
    /// The absolute URL: scheme://host + target().
    std::string url() const { return scheme + "://" + host + target(); }
    /// The number of body bytes to send.
    std::uint64_t content_length() const noexcept {
        return source ? source->length : static_cast<std::uint64_t>(body.size());
    }
};

}  // namespace ossmp::inline v0
