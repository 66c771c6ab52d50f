// ossmp Asio adapter: uploads from a Boost.Asio event loop with C++20 coroutines, on an
// HTTP/1.1 client built on Boost.Beast. No threads: one io_context thread runs many
// uploads, each with several requests in flight.
//
// Header-only; needs Boost >= 1.81 (Asio with per-operation cancellation and as_tuple,
// Beast) and OpenSSL (meson: dependency ossmp_asio_dep, or `ossmp-asio`; Debian
// libboost1.81-dev and libssl-dev). Exceptions must be enabled (Asio's awaitable machinery
// uses them); the adapter itself reports every failure as a value. The ossmp core never
// includes this header.
//
//   client       an HTTP/1.1 client with a per-host connection pool and keep-alive, TLS
//                through asio::ssl (system CA store or a CA file, host name checked, SNI),
//                connect/idle/total timeouts on Asio timers; perform() is a coroutine;
//   async_upload the machine driven to its end as an Asio asynchronous operation (any
//                completion token), the same result as ossmp::run; the token's
//                cancellation slot is wired to the machine's cancel();
//   upload       `co_await upload(machine, client, source)`: async_upload with use_awaitable;
//   options, upload_options, host_mapping
//                settings of the client and of one upload;
//   error_kind / to_transport_error
//                how Asio, OpenSSL and Beast error codes become transport_error kinds.
//
//     namespace oa = ossmp::adapters::asio;
//     boost::asio::io_context io;
//     oa::client http(io.get_executor());
//     boost::asio::cancellation_signal stop;        // stop.emit(...) cancels the upload
//     oa::async_upload(machine, http, source, {}, boost::asio::bind_cancellation_slot(
//         stop.slot(), [](ossmp::result<ossmp::upload_outcome> r) { ... }));
//     io.run();
// or, in a coroutine: `auto r = co_await oa::upload(machine, http, source);`.
#pragma once

#include <ossmp/adapters/asio/client.hpp>
#include <ossmp/adapters/asio/errors.hpp>
#include <ossmp/adapters/asio/options.hpp>
#include <ossmp/adapters/asio/upload.hpp>
