// ossmp libcurl adapter: libcurl's process-wide initialisation.
//
// curl_global_init must run before any other libcurl call and, in libcurl before 7.84 or
// builds without CURL_VERSION_THREADSAFE, must not run concurrently with any other libcurl
// call. Every client and transport of this adapter calls global_init() in its constructor;
// it runs curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process, inside a C++
// function-local static, whose initialisation the language makes thread-safe (a second
// thread waits for the first to finish). libcurl counts init calls, so an application that
// calls curl_global_init itself, before or after, is unaffected. The matching
// curl_global_cleanup is deliberately never called: other code in the process may still use
// libcurl, and the OS reclaims everything at exit.
#pragma once

#include <curl/curl.h>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::curl {

/// Initialises libcurl once per process (thread-safe) and returns curl_global_init's
/// result: CURLE_OK, or the failure every later call sees again (then no transfer can
/// work; constructors here then report each request as errc::transport_other).
inline CURLcode global_init() noexcept {
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    return rc;
}

}  // namespace ossmp::inline v0::adapters::curl
