// ossmp libcurl adapter: HTTP(S) transports for the upload machine on libcurl (>= 7.66).
//
// Header-only; link libcurl (meson: dependency ossmp_curl_dep, or `ossmp-curl`; pkg-config
// libcurl). The ossmp core never includes this header.
//
//   client           a BlockingTransport on one reused easy handle. Use it with
//                    ossmp::thread_pool_transport (one easy handle, so one connection, per
//                    worker thread: the fastest way to upload, see README.md here) or with
//                    ossmp::sequential_transport;
//   multi_transport  a Transport on curl_multi, every request on the calling thread;
//                    both can cancel requests in flight (client::perform with a stop
//                    flag, multi_transport::cancel), which ossmp::run uses on cancel;
//   options          timeouts (connect, stall, total), upload buffer size, Expect policy,
//                    CA file, proxy, host-to-address mapping (virtual-hosted loopback);
//   error_kind / to_transport_error
//                    how a CURLcode becomes a transport_error;
//   global_init      the once-per-process, thread-safe curl_global_init.
//
// Every request is sent as the machine built and signed it: method and target verbatim
// (no dot-segment removal, no re-encoding), its headers unchanged plus Host and
// Content-Length, nothing curl would add that changes meaning (no Content-Type on POST, no
// Accept, no Expect unless asked), no redirects, HTTP/1.1 with keep-alive. Bodies stream
// from the body_reader in libcurl's read callback, which computes the CRC-64 of what is sent.
//
// Proxies: unless options::proxy is set, libcurl reads http_proxy (lower case only),
// https_proxy/HTTPS_PROXY, all_proxy/ALL_PROXY and no_proxy/NO_PROXY itself, per transfer.
// The request line then carries the absolute URL; the path in it is still verbatim.
#pragma once

#include <ossmp/adapters/curl/client.hpp>
#include <ossmp/adapters/curl/errors.hpp>
#include <ossmp/adapters/curl/global.hpp>
#include <ossmp/adapters/curl/multi.hpp>
#include <ossmp/adapters/curl/options.hpp>
