// ossmp libcurl adapter: the settings every client and transport of this adapter takes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::curl {

/// Sends connections for one host (and port) to another address, keeping the URL, the Host
/// header, TLS SNI and certificate checks on the original name (CURLOPT_CONNECT_TO). This
/// is how virtual-hosted style (`bucket.localhost:PORT`) reaches a server on 127.0.0.1, and
/// how a test points a real OSS host name at a local server.
struct host_mapping {
    std::string host;             ///< host name as in the URL; "" = every host
    std::uint16_t port = 0;       ///< port as in the URL; 0 = every port
    std::string address;          ///< where to connect instead (name or IP; IPv6 in brackets)
    std::uint16_t address_port = 0;  ///< port to connect to; 0 = the URL's port
};

/// Settings of a client or transport. Everything has a working default: HTTPS checks the
/// peer against the system CA store, proxies come from the environment, no total timeout.
struct options {
    /// Longest wait for a TCP (and TLS) connection to be established (CURLOPT_CONNECTTIMEOUT_MS).
    /// A timeout is reported as errc::transport_timeout.
    std::chrono::milliseconds connect_timeout{10000};
    /// A transfer slower than `low_speed_limit` bytes/s for `stall_timeout` is aborted as
    /// stalled (CURLOPT_LOW_SPEED_LIMIT/TIME), reported as errc::transport_timeout. This
    /// is the right guard for big parts: it catches a dead peer without capping how long
    /// a healthy slow upload may take. 0 switches the check off.
    std::chrono::seconds stall_timeout{60};
    /// See stall_timeout; bytes per second.
    std::uint32_t low_speed_limit = 1;
    /// Hard limit on one whole exchange (CURLOPT_TIMEOUT_MS); 0 = none. Choose it from the
    /// part size and the slowest link you accept, or leave it off and rely on stall_timeout.
    std::chrono::milliseconds total_timeout{0};

    /// Bytes curl asks the body_reader for per read callback and writes per send()
    /// (CURLOPT_UPLOAD_BUFFERSIZE, 16 KiB..2 MiB). 512 KiB measured fastest on loopback:
    /// large enough to need few callbacks and send() calls, small enough that a few
    /// workers' buffers stay in the CPU's L2 cache between the read, the CRC-64 and the
    /// send() copy (README of adapters/curl); curl's own default is 64 KiB.
    std::size_t upload_buffer_size = 512u << 10;
    /// Receive buffer (CURLOPT_BUFFERSIZE, 1 KiB..CURL_MAX_READ_SIZE: 10 MiB in libcurl
    /// 7.88); 0 = curl's default (16 KiB). Only matters for large GetObject answers.
    std::size_t download_buffer_size = 256u << 10;

    /// Send `Expect: 100-continue` with request bodies of at least this many bytes and
    /// wait (at most expect_timeout) for the server's `100 Continue` before sending the
    /// body; nullopt = never. Waiting costs one round trip per part; it saves sending a
    /// whole part that the server would refuse (bad signature, no such upload). Off by
    /// default: on loopback it only costs time (see the adapter's README for figures).
    std::optional<std::uint64_t> expect_continue_from;
    /// How long to wait for `100 Continue` before sending the body anyway.
    std::chrono::milliseconds expect_timeout{1000};

    /// CA bundle file for HTTPS peer verification (CURLOPT_CAINFO); "" = the system store
    /// libcurl was built with (on Debian /etc/ssl/certs/ca-certificates.crt).
    std::string ca_file;
    /// Directory of hashed CA certificates (CURLOPT_CAPATH); "" = the system default.
    std::string ca_path;

    /// Proxy URL (CURLOPT_PROXY). nullopt = libcurl's own reading of the environment:
    /// `http_proxy` (lower case only) for http URLs, `https_proxy`/`HTTPS_PROXY` for https,
    /// `all_proxy`/`ALL_PROXY`, and `no_proxy`/`NO_PROXY` for exceptions. "" = no proxy
    /// even if the environment names one.
    std::optional<std::string> proxy;
    /// Hosts that bypass the proxy (CURLOPT_NOPROXY, same syntax as `no_proxy`); nullopt =
    /// the environment's `no_proxy`.
    std::optional<std::string> no_proxy;

    /// Connection redirections, tried in order (see host_mapping).
    std::vector<host_mapping> connect_to;
};

}  // namespace ossmp::inline v0::adapters::curl
