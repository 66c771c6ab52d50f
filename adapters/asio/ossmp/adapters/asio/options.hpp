// ossmp Asio adapter: the settings of a client.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::asio {

/// Connects requests for one host (and port) to another address and port, keeping the
/// Host header, TLS SNI and certificate checks on the original name. This is how
/// virtual-hosted style (`bucket.localhost:PORT`) reaches a server on 127.0.0.1, and how a
/// test points a real OSS host name at a local server.
struct host_mapping {
    std::string host;                ///< host name as in request.host (no port); "" = every host
    std::uint16_t port = 0;          ///< port as in request.host; 0 = every port
    std::string address;             ///< where to connect instead (IP or name); "" = `host` itself
    std::uint16_t address_port = 0;  ///< port to connect to; 0 = the request's port
};

/// Settings of a client. Every field has a working default: HTTPS verifies the peer against
/// the system CA store and the request's host name, connections are kept alive and reused.
struct options {
    /// Longest time to resolve, connect and finish the TLS handshake of a new connection;
    /// reported as errc::transport_timeout.
    std::chrono::milliseconds connect_timeout{10000};
    /// Longest time an exchange may go without progress (no request byte written, no
    /// response byte read): catches a dead peer without capping a slow healthy part. Must
    /// exceed the time the server needs to answer after the last body byte. Reported as
    /// errc::transport_timeout; 0 = no limit.
    std::chrono::milliseconds idle_timeout{60000};
    /// Hard limit on one exchange, from the first connection attempt to the last response
    /// byte, waiting for a pooled connection included; errc::transport_timeout; 0 = none.
    std::chrono::milliseconds total_timeout{0};

    /// Connections open at once per scheme+host+port (idle ones included); a request
    /// beyond it waits for one to come free, first come first served. 0 = no limit. A
    /// server serving each connection on its own thread (the emulator, many proxies) needs
    /// this at or below its thread count, since idle kept-alive connections hold threads.
    std::size_t max_connections_per_host = 0;
    /// An idle kept-alive connection older than this is closed instead of reused (servers
    /// close idle connections after a while; OSS after about a minute).
    std::chrono::milliseconds keep_alive_idle{30000};

    /// Body bytes read from the body_reader (which computes the CRC-64 on the way) and
    /// written per write. Bounds both the memory per request in flight and the time the
    /// event loop spends on one chunk (read + CRC-64 + copy: ~30 us per 128 KiB).
    std::size_t write_buffer_size = 128u << 10;
    /// Largest response body accepted (GetObject of large objects needs more); a larger
    /// one fails the request as errc::transport_other.
    std::uint64_t max_response_body = 1ull << 30;

    /// CA bundle (PEM) to verify HTTPS peers with; "" = the system store (OpenSSL's default
    /// paths; on Debian /etc/ssl/certs). A file that cannot be loaded fails every HTTPS
    /// request as errc::transport_tls.
    std::string ca_file;

    /// Connection redirections, first match wins (see host_mapping).
    std::vector<host_mapping> connect_to;
};

}  // namespace ossmp::inline v0::adapters::asio
