// ossmp: a failure below HTTP, as a transport reports it to the upload machine.
#pragma once

#include <string>

#include <ossmp/error.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// The request got no usable HTTP response. `code` is one of the 4xx-band errc values
/// (transport_connect, transport_timeout, transport_reset, transport_tls, transport_other),
/// or, when sending failed because body_reader::read() returned an error, that error's code
/// (io_error, source_short_read): the upload then fails instead of retrying. `message` says
/// what the HTTP stack reported (no secrets: never put headers in it).
struct transport_error {
    errc code = errc::transport_other;
    std::string message;
};

}  // namespace ossmp::inline v0
