// ossmp: the structured error every fallible function returns (inside a `result<T>`).
//
// An error is a value, not a string: what kind of failure (`errc`), which operation and
// part it belongs to, and, when OSS answered, the service's code, message, request id,
// host id, EC and HTTP status. `what()` renders all of it on one line for logs. No field
// ever holds a secret (access key secret, STS token, signature or signing key).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <ossmp/operation.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Kinds of failure, in numbered bands so a caller can branch on the band:
///   1xx the caller asked for something invalid; nothing was sent;
///   2xx the response could not be understood (remote protocol error);
///   3xx OSS answered with an error (`error::oss_code` says which);
///   4xx the transport failed (no usable HTTP response);
///   5xx integrity: bytes did not match what was expected;
///   6xx lifecycle of an upload (cancelled, retries exhausted, no credentials to go on);
///   7xx local I/O (source files, checkpoints).
enum class errc : int {
    ok = 0,

    invalid_argument = 100,   ///< a parameter is out of range or malformed; the message names it
    invalid_bucket_name,      ///< bucket name breaks the OSS naming rules
    invalid_object_key,       ///< key is empty, too long, not UTF-8, or starts with '/' or '\'
    invalid_header_value,     ///< a header name or value contains CR, LF or NUL, or a bad name
    invalid_endpoint,         ///< endpoint URL cannot be parsed
    invalid_region,           ///< V4 signing needs a region and none (or a bad one) was given
    invalid_credentials,      ///< access key id or secret missing or malformed
    invalid_part_number,      ///< part number outside 1..10000
    invalid_part_size,        ///< part size outside 100 KiB..5 GiB
    too_many_parts,           ///< the plan would need more than 10000 parts
    object_too_large,         ///< the object cannot be uploaded in 10000 parts of 5 GiB
    invalid_expiry,           ///< presigned URL expiry out of range (V4: 1..604800 s)
    wrong_state,              ///< the call is not allowed in the machine's current state
    unknown_request,          ///< a response or error was reported for an id never handed out
    duplicate_response,       ///< a second response was reported for the same request id
    unsupported,              ///< the dialect or configuration cannot do what was asked

    malformed_response = 200, ///< a response is structurally wrong (unexpected root, status)
    xml_syntax,               ///< XML is not well formed; the message gives the byte offset
    xml_limit,                ///< XML exceeds a configured bound (size, depth, attributes)
    xml_forbidden,            ///< XML uses a construct we refuse (DOCTYPE, custom entity)
    missing_field,            ///< a required element or header is absent
    invalid_field,            ///< an element or header has an unusable value (bad number, ...)
    invalid_encoding,         ///< bad percent-encoding, base64 or UTF-8 in a response
    json_syntax,              ///< JSON is not well formed; the message gives the byte offset
    json_limit,               ///< JSON exceeds a configured bound (size, depth, values)

    service_error = 300,      ///< OSS returned an <Error>; see oss_code, message, request_id, ec
    no_such_upload,           ///< OSS said NoSuchUpload: the upload id was completed or aborted
    callback_failed,          ///< Complete succeeded (HTTP 203) but the callback server failed

    transport_connect = 400,  ///< could not connect (refused, unreachable, DNS)
    transport_timeout,        ///< connect, idle or total timeout
    transport_reset,          ///< connection reset or closed mid-request
    transport_tls,            ///< TLS handshake or certificate failure
    transport_other,          ///< any other transport failure

    crc_mismatch = 500,       ///< CRC-64 of bytes sent differs from what OSS computed
    digest_mismatch,          ///< an MD5 or ETag check failed
    source_changed,           ///< the source file changed since the upload started
    source_short_read,        ///< the source had fewer bytes than the plan required

    cancelled = 600,          ///< the caller cancelled the upload
    retries_exhausted,        ///< a retryable failure persisted past the attempt limit
    /// A credentials provider (environment, process, URI, ECS RAM role...) gave no usable
    /// credentials. The message names the provider and the reason, never the provider's
    /// output (which may hold secrets).
    credentials_unavailable,

    io_error = 700,           ///< a local read or write failed (errno in the message)
    checkpoint_invalid,       ///< a checkpoint is corrupt or of an unknown version
    checkpoint_mismatch,      ///< a checkpoint belongs to another bucket, key or source
};

/// A short lower-case description of an errc ("invalid bucket name").
constexpr std::string_view to_string(errc e) noexcept {
    switch (e) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid argument";
    case errc::invalid_bucket_name: return "invalid bucket name";
    case errc::invalid_object_key: return "invalid object key";
    case errc::invalid_header_value: return "invalid header";
    case errc::invalid_endpoint: return "invalid endpoint";
    case errc::invalid_region: return "invalid region";
    case errc::invalid_credentials: return "invalid credentials";
    case errc::invalid_part_number: return "invalid part number";
    case errc::invalid_part_size: return "invalid part size";
    case errc::too_many_parts: return "too many parts";
    case errc::object_too_large: return "object too large";
    case errc::invalid_expiry: return "invalid expiry";
    case errc::wrong_state: return "wrong state";
    case errc::unknown_request: return "unknown request id";
    case errc::duplicate_response: return "duplicate response";
    case errc::unsupported: return "unsupported";
    case errc::malformed_response: return "malformed response";
    case errc::xml_syntax: return "XML syntax error";
    case errc::xml_limit: return "XML limit exceeded";
    case errc::xml_forbidden: return "forbidden XML construct";
    case errc::missing_field: return "missing field";
    case errc::invalid_field: return "invalid field";
    case errc::invalid_encoding: return "invalid encoding";
    case errc::json_syntax: return "JSON syntax error";
    case errc::json_limit: return "JSON limit exceeded";
    case errc::service_error: return "service error";
    case errc::no_such_upload: return "no such upload";
    case errc::callback_failed: return "callback failed";
    case errc::transport_connect: return "connection failed";
    case errc::transport_timeout: return "timed out";
    case errc::transport_reset: return "connection reset";
    case errc::transport_tls: return "TLS failure";
    case errc::transport_other: return "transport failure";
    case errc::crc_mismatch: return "CRC-64 mismatch";
    case errc::digest_mismatch: return "digest mismatch";
    case errc::source_changed: return "source changed";
    case errc::source_short_read: return "source shorter than expected";
    case errc::cancelled: return "cancelled";
    case errc::retries_exhausted: return "retries exhausted";
    case errc::credentials_unavailable: return "credentials unavailable";
    case errc::io_error: return "I/O error";
    case errc::checkpoint_invalid: return "invalid checkpoint";
    case errc::checkpoint_mismatch: return "checkpoint does not match";
    }
    return "unknown error";
}

/// The band an errc belongs to (100, 200, ... 700), 0 for ok.
constexpr int band(errc e) noexcept { return static_cast<int>(e) / 100 * 100; }

/// A failure with its full context. Fields that do not apply are left empty (or 0).
struct error {
    errc code = errc::ok;                  ///< what kind of failure
    operation op = operation::none;        ///< which operation failed
    std::uint32_t part_number = 0;         ///< the part (1..10000) for part requests, else 0
    int http_status = 0;                   ///< HTTP status of the response, 0 if none
    std::string oss_code;                  ///< OSS <Code>, e.g. "NoSuchUpload"
    std::string message;                   ///< OSS <Message>, or ossmp's own explanation
    std::string request_id;                ///< x-oss-request-id / <RequestId>
    std::string host_id;                   ///< <HostId>
    std::string ec;                        ///< OSS EC, e.g. "0042-00000213"
    /// Further <Error> children (ServerTime, ArgumentName, StringToSign, ...), in order;
    /// children that carry secrets are dropped and the rest redacted (redaction.hpp).
    std::vector<std::pair<std::string, std::string>> details;
    /// Set by the upload machine when it stopped without completing and left the upload in
    /// place for a resume (end_policy::keep, or a pause): the upload id to resume (with the
    /// checkpoint, or upload_machine::resume_upload). Empty when nothing was kept.
    std::string kept_upload_id;

    /// True when this is not errc::ok.
    explicit operator bool() const noexcept { return code != errc::ok; }

    /// The value of a detail by element name, or an empty view.
    std::string_view detail(std::string_view name) const noexcept {
        for (const auto& [k, v] : details)
            if (k == name) return v;
        return {};
    }

    /// One line: "UploadPart part 3: NoSuchUpload: The specified upload does not exist.
    /// (HTTP 404, request id 5C3D..., EC 0042-00000002)". Never contains secrets.
    std::string what() const {
        std::string s;
        if (op != operation::none) {
            s += to_string(op);
            if (part_number != 0) {
                s += " part ";
                s += std::to_string(part_number);
            }
            s += ": ";
        }
        s += oss_code.empty() ? std::string(to_string(code)) : oss_code;
        if (!message.empty()) {
            s += ": ";
            s += message;
        }
        std::string ctx;
        auto add = [&ctx](std::string_view label, std::string_view value) {
            if (value.empty()) return;
            if (!ctx.empty()) ctx += ", ";
            ctx += label;
            ctx += value;
        };
        add("HTTP ", http_status ? std::to_string(http_status) : std::string());
        add("request id ", request_id);
        add("EC ", ec);
        if (!ctx.empty()) s += " (" + ctx + ")";
        return s;
    }
};

/// Builds an error with a code and our own message; the common case inside the library.
inline error make_error(errc code, std::string message, operation op = operation::none,
                        std::uint32_t part_number = 0) {
    error e;
    e.code = code;
    e.op = op;
    e.part_number = part_number;
    e.message = std::move(message);
    return e;
}

/// The std::error_category for errc, so errors interoperate with std::error_code.
inline const std::error_category& error_category() noexcept {
    struct category final : std::error_category {
        const char* name() const noexcept override { return "ossmp"; }
        std::string message(int ev) const override {
            return std::string(to_string(static_cast<errc>(ev)));
        }
    };
    static const category instance;
    return instance;
}

/// std::error_code for an errc (enables `std::error_code ec = errc::crc_mismatch;`).
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace ossmp::inline v0

template <>
struct std::is_error_code_enum<ossmp::errc> : std::true_type {};
