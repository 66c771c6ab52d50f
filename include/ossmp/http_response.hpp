// ossmp: a received response, as the transport hands it to the parsers and the machine.
#pragma once

#include <string>

#include <ossmp/headers.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// A complete HTTP response: status, header fields, and the whole body. Multipart
/// responses are small XML documents (at most a few MB for ListParts), so the body is held.
struct http_response {
    int status = 0;            ///< HTTP status code, e.g. 200
    ossmp::headers headers;    ///< response header fields
    std::string body;          ///< the response body (may be empty)
};

}  // namespace ossmp::inline v0
