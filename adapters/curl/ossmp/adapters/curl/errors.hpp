// ossmp libcurl adapter: how libcurl's result codes become transport_error kinds.
#pragma once

#include <string>
#include <string_view>

#include <curl/curl.h>

#include <ossmp/error.hpp>
#include <ossmp/transport_error.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::curl {

/// The transport_error kind for a failed transfer's CURLcode (never called with CURLE_OK):
///   couldn't resolve host or proxy, couldn't connect      -> errc::transport_connect
///   operation timed out (connect, stall or total timeout) -> errc::transport_timeout
///   send/recv error, got nothing, partial file            -> errc::transport_reset
///   TLS handshake, certificates, peer verification        -> errc::transport_tls
///   anything else (including an aborted read callback,
///   which perform() replaces by the body_reader's error)  -> errc::transport_other
/// The upload machine retries the first four kinds (with backoff) and transport_other too.
constexpr errc error_kind(CURLcode code) noexcept {
    switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return errc::transport_connect;
    case CURLE_OPERATION_TIMEDOUT:
        return errc::transport_timeout;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return errc::transport_reset;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
        return errc::transport_tls;
    default:
        return errc::transport_other;
    }
}

/// A transport_error for a failed transfer: error_kind(code), and as message libcurl's
/// error-buffer text (`detail`, may be empty) after the code's number and generic text,
/// e.g. "curl error 7 (Couldn't connect to server): Failed to connect to 127.0.0.1 port 1
/// after 0 ms: Couldn't connect to server". libcurl's error texts name hosts, ports and
/// reasons, never request headers, so no signature or token can end up in the message.
inline transport_error to_transport_error(CURLcode code, std::string_view detail = {}) {
    std::string msg = "curl error " + std::to_string(static_cast<int>(code)) + " (" + curl_easy_strerror(code) + ")";
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.remove_suffix(1);
    if (!detail.empty()) {
        msg += ": ";
        msg += detail;
    }
    return transport_error{error_kind(code), std::move(msg)};
}

}  // namespace ossmp::inline v0::adapters::curl
