// ossmp emulator internals: checking a request's signature the way OSS does.
//
// The request is taken as received: bucket and raw key from the path (or Host), query
// parameters percent-decoded, headers as sent. The expected signature is recomputed with
// the library's own stage functions (v1_canonical_resource, v1_string_to_sign, v1_signature;
// v4_canonical_request, v4_string_to_sign, derive_v4_signing_key, v4_signature) and compared
// in constant time. A mismatch answers 403 SignatureDoesNotMatch with the string to sign the
// server expected (V4 also the canonical request), so a client can diff it against its own;
// the security token inside those texts is replaced by a placeholder, and no secret or
// signing key ever appears in an answer.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <ossmp/credentials.hpp>
#include <ossmp/headers.hpp>
#include <ossmp/query.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>

namespace ossmp::inline v0::emulator::detail {

// A request as the verifier needs it.
struct incoming_request {
    std::string method;
    std::string bucket;        // raw bucket name ("" for service-level requests)
    std::string key;           // raw object key ("" for bucket-level requests)
    query_params query;        // decoded, in the order received
    ossmp::headers headers;    // as received (names as sent)
    std::string host;          // the Host header value
};

// What authentication concluded about a request.
struct auth_outcome {
    const credentials* account = nullptr;  // the signing account
    const char* scheme = "";                 // "v1-header", "v1-query", "v4-header", "v4-query"
};

// Placeholder shown instead of the security token in echoed strings to sign.
inline constexpr std::string_view redacted_token = "<security-token>";

// Authenticates `req` against `accounts` at time `now`. Errors are OSS answers (403
// AccessDenied for anonymous requests, InvalidAccessKeyId, SignatureDoesNotMatch,
// RequestTimeTooSkewed, 400 InvalidArgument for malformed V4 authorization, ...).
result<auth_outcome> authenticate(const incoming_request& req, const std::vector<credentials>& accounts,
                                  const std::string& region, time_point now, std::chrono::seconds max_skew);

}  // namespace ossmp::inline v0::emulator::detail
