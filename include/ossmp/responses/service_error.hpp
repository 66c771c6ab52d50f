// ossmp: recognising an OSS error reply and turning it into an `ossmp::error`.
//
// The status code alone is not trusted (design rule: aws-c-s3 treats an <Error> inside a
// 200 as an error): a response is an error when its status is not 2xx, when its body's
// root element is <Error> whatever the status, when a bodiless reply carries the error
// base64-encoded in the dialect's error header (x-oss-err), and, for operations that can
// run a callback, on 203 (the object was stored but the callback failed).
//
// Nothing the server sends back can put a secret into the error: children naming a secret
// (<SecurityToken>, <SignatureProvided>, ...) are dropped, the token is cut out of the
// debugging echoes (<StringToSign>, <CanonicalRequest>), and a body that is not an OSS
// error document is not quoted when it mentions a secret or token (see redaction.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/error.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/redaction.hpp>
#include <ossmp/version.hpp>
#include <ossmp/xml/reader.hpp>

namespace ossmp::inline v0 {

namespace detail {

/// Bounds on what an error may copy out of a hostile or broken body: the whole error stays
/// small enough to log and to keep, however large the body was.
inline constexpr std::size_t max_error_text = 8192;     ///< per Message or detail value
inline constexpr std::size_t max_error_details = 32;    ///< detail entries kept
inline constexpr std::size_t max_body_excerpt = 200;    ///< bytes of a non-XML body shown

/// Copies at most max_error_text bytes of `v`, marking a cut with "...".
inline std::string bounded_text(std::string_view v) {
    if (v.size() <= max_error_text) return std::string(v);
    return std::string(v.substr(0, max_error_text)) + "...";
}

/// A short, printable excerpt of a body that is not an OSS error document (an HTML page
/// from a proxy, JSON, plain text): whitespace runs collapse to one space, bytes outside
/// printable ASCII become '?', at most max_body_excerpt bytes. A body that mentions a
/// secret or token by name (mentions_secret) is not quoted at all: only its size is given.
inline std::string body_excerpt(std::string_view body) {
    if (mentions_secret(body))
        return "(" + std::to_string(body.size()) + " bytes, not shown: it mentions a secret or token)";
    std::string out;
    bool space = false;
    for (std::size_t i = 0; i < body.size() && out.size() < max_body_excerpt; ++i) {
        auto c = static_cast<unsigned char>(body[i]);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c >= 0x21 && c < 0x7F ? static_cast<char>(c) : '?');
    }
    if (out.size() >= max_body_excerpt && body.size() > out.size()) out += "...";
    return out;
}

/// The name of the document's root element, or nullopt when the body is not XML up to
/// there. Cheap: the reader stops at the root start tag.
inline std::optional<std::string_view> root_element_name(std::string_view body) {
    xml::reader r(body);
    for (;;) {
        xml::token t = r.next();
        if (t == xml::token::start_element) return r.name();
        if (t == xml::token::error) return std::nullopt;
    }
}

/// Fills `e` from an <Error> document: Code, Message, RequestId, HostId and EC into their
/// fields, every other leaf child into `details` (bounded), except what redaction.hpp
/// drops; kept values and the message are redacted. Returns false, with the XML
/// problem in `problem`, when the document is not a well-formed <Error>; `e` keeps
/// whatever was read before the problem.
inline bool read_error_document(std::string_view xml_text, error& e, std::string& problem) {
    xml::reader r(xml_text);
    xml::token t;
    while ((t = r.next()) != xml::token::start_element)
        if (t == xml::token::error) {
            problem = r.error().message;
            return false;
        }
    if (r.name() != "Error") {
        problem = "root element is <" + xml::detail::excerpt_for_message(r.name()) + ">, not <Error>";
        return false;
    }
    for (;;) {
        t = r.next();
        if (t == xml::token::end_element) break;
        if (t == xml::token::error) {
            problem = r.error().message;
            return false;
        }
        if (t != xml::token::start_element) continue;
        std::string_view name = r.name();
        // A leaf gives its text; a structured child (none is documented) is skipped whole
        // rather than failing the error it belongs to.
        std::string_view value;
        bool structured = false;
        const std::size_t depth = r.depth();
        for (;;) {
            t = r.next();
            if (t == xml::token::error) {
                problem = r.error().message;
                return false;
            }
            if (t == xml::token::text && r.depth() == depth) value = r.text();
            if (t == xml::token::start_element) structured = true;
            if (t == xml::token::end_element && r.depth() == depth - 1) break;
        }
        if (structured) continue;
        if (name == "Code") e.oss_code = bounded_text(value);
        else if (name == "Message") e.message = bounded_text(redact_signing_text(value));
        else if (name == "RequestId") e.request_id = bounded_text(value);
        else if (name == "HostId") e.host_id = bounded_text(value);
        else if (name == "EC") e.ec = bounded_text(value);
        else if (e.details.size() < max_error_details)
            if (auto kept = redact_detail(name, value)) e.details.emplace_back(bounded_text(name), bounded_text(*kept));
    }
    while ((t = r.next()) != xml::token::end_document)
        if (t == xml::token::error) {
            problem = r.error().message;
            return false;
        }
    return true;
}

}  // namespace detail

/// The error `resp` reports, or nullopt when it is a success.
///
/// `op` and `part_number` are copied into the error so it names what failed. The result's
/// errc is:
///   * callback_failed for a 203 to CompleteMultipartUpload or PutObject (the object was
///     stored; the callback server failed; details as OSS gave them);
///   * no_such_upload when the code is NoSuchUpload (the upload id is gone: completed or
///     aborted; the caller must not retry with it);
///   * service_error for every other error reply, including a 2xx whose body is <Error>
///     and replies whose body is not an OSS error document (HTML from a proxy, JSON,
///     nothing): then `message` says so and quotes a short sanitized excerpt;
///   * malformed_response when the status is not a final HTTP status (below 200 or above
///     599), or a 2xx <Error> document is itself broken.
/// http_status, oss_code, message, request_id (body, else the request id header), host_id,
/// ec (body <EC>, else the EC header) and details (other children such as ServerTime,
/// ArgumentName, StringToSign) are filled as far as the reply allows. Text copied from the
/// body is bounded (8 KiB per field, 32 details) and never holds a secret: children naming
/// one (SecurityToken, SignatureProvided, AccessKeySecret...) are dropped and the STS token
/// is cut out of StringToSign, StringToSignBytes and CanonicalRequest (redaction.hpp).
/// Next: pass the error to `classify()` (retry_advice.hpp) to decide what to do.
inline std::optional<error> parse_service_error(const http_response& resp, operation op,
                                                std::uint32_t part_number = 0,
                                                const dialect& d = oss_dialect) {
    const int status = resp.status;
    const std::string_view body = resp.body;
    const bool bad_status = status < 200 || status > 599;
    const bool callback_failed =
        status == 203 && (op == operation::complete_multipart_upload || op == operation::put_object);
    const bool http_failed = status >= 300;
    std::optional<std::string_view> root;
    if (!body.empty()) root = detail::root_element_name(body);
    const bool body_is_error = root && *root == "Error";
    std::optional<std::string_view> error_header;
    if (body.empty() && !d.error_header.empty()) error_header = resp.headers.get(d.error_header);

    if (!bad_status && !callback_failed && !http_failed && !body_is_error && !error_header)
        return std::nullopt;

    error e;
    e.op = op;
    e.part_number = part_number;
    e.http_status = status;
    e.code = bad_status ? errc::malformed_response
             : callback_failed ? errc::callback_failed
                               : errc::service_error;
    const std::string status_text = "HTTP " + std::to_string(status);

    std::string problem;
    if (body_is_error) {
        if (!detail::read_error_document(body, e, problem)) {
            if (!http_failed && !callback_failed && !bad_status) e.code = errc::malformed_response;
            if (e.message.empty()) e.message = status_text + " with a broken <Error> body: " + problem;
        }
    } else if (error_header) {
        auto decoded = base64_decode(detail::trim(*error_header));
        if (!decoded || !detail::read_error_document(*decoded, e, problem)) {
            if (!decoded) problem = decoded.error().message;
            if (e.message.empty())
                e.message = status_text + " with an unreadable " + std::string(d.error_header) +
                            " header: " + problem;
        }
    } else if (!body.empty()) {
        e.message = status_text + " with a body that is not an OSS error document: " +
                    detail::body_excerpt(body);
    } else {
        e.message = status_text + " with an empty body";
    }
    if (bad_status && e.message.empty()) e.message = "not a final HTTP status: " + std::to_string(status);
    // A well-formed <Error> may still say nothing; the error must say something.
    if (e.message.empty() && e.oss_code.empty()) e.message = status_text + " with an <Error> that has no Code or Message";

    if (e.request_id.empty() && !d.request_id_header.empty())
        e.request_id = detail::bounded_text(resp.headers.get_or(d.request_id_header));
    if (e.ec.empty() && !d.ec_header.empty()) e.ec = detail::bounded_text(resp.headers.get_or(d.ec_header));
    if (e.code == errc::service_error && e.oss_code == "NoSuchUpload") e.code = errc::no_such_upload;
    return e;
}

}  // namespace ossmp::inline v0
