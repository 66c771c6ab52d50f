// Test support: a curl adapter client for talking to a loopback_http server: no proxy from
// the environment (the server is on 127.0.0.1), and short timeouts so a broken test fails
// fast instead of hanging.
#pragma once

#include <chrono>

#include <ossmp/adapters/curl.hpp>

namespace ossmp_test {

inline ossmp::adapters::curl::client loopback_curl_client() {
    ossmp::adapters::curl::options o;
    o.proxy = "";
    o.connect_timeout = std::chrono::milliseconds(2000);
    o.total_timeout = std::chrono::milliseconds(5000);
    return ossmp::adapters::curl::client(o);
}

}  // namespace ossmp_test
