// ossmp CLI: exit statuses and how an error is shown (one line on stderr, or the --json
// object on stdout).
#pragma once

#include <cstdio>
#include <string>

#include <ossmp/error.hpp>

#include "json_out.hpp"
#include "text_out.hpp"

namespace ossmp_cli {

/// Exit statuses, distinct per kind of failure so scripts can branch on them (the table in
/// README.md and `ossmp --help`).
enum exit_status : int {
    exit_ok = 0,
    exit_internal = 1,       ///< a bug or an unexpected state
    exit_usage = 2,          ///< bad flags, sizes, URLs, missing credentials: nothing was sent
    exit_service = 3,        ///< OSS answered with an error (code, message, request id, EC shown)
    exit_integrity = 4,      ///< CRC-64 / digest mismatch, or the source changed (or shrank)
    exit_local_io = 5,       ///< a local file, checkpoint or lock could not be read or written
    exit_network = 6,        ///< no usable answer from the network after retries, or --timeout
    exit_too_large = 7,      ///< the data does not fit in one upload (stdin beyond 10,000 parts)
    exit_interrupted = 130,  ///< Ctrl-C: paused, the checkpoint is kept
};

/// The exit status for an error, by its band and kind.
inline int exit_status_for(const ossmp::error& e) {
    using ossmp::errc;
    switch (e.code) {
    case errc::cancelled: return exit_interrupted;
    case errc::crc_mismatch:
    case errc::digest_mismatch:
    case errc::source_changed:
    case errc::source_short_read: return exit_integrity;
    case errc::io_error:
    case errc::checkpoint_invalid: return exit_local_io;
    case errc::checkpoint_mismatch: return exit_usage;
    case errc::object_too_large: return exit_too_large;
    case errc::retries_exhausted: return e.oss_code.empty() && e.http_status == 0 ? exit_network : exit_service;
    default: break;
    }
    switch (ossmp::band(e.code)) {
    case 100: return exit_usage;
    case 200:
    case 300: return exit_service;
    case 400: return exit_network;
    default: return exit_internal;
    }
}

/// Prints an error as one line on stderr ("ossmp: error: ...", control characters
/// escaped), or as the --json object on stdout, and returns `status`. Errors never carry
/// secrets (see ossmp::error).
inline int report_error(const ossmp::error& e, bool json, int status) {
    if (json) {
        json_object err;
        err.str("kind", ossmp::to_string(e.code))
            .str("operation", ossmp::to_string(e.op))
            .num("part", e.part_number)
            .num("http_status", static_cast<std::uint64_t>(e.http_status))
            .str("code", e.oss_code)
            .str("message", e.message)
            .str("request_id", e.request_id)
            .str("ec", e.ec);
        if (!e.kept_upload_id.empty()) err.str("kept_upload_id", e.kept_upload_id);
        std::printf("%s\n", json_object().boolean("ok", false).raw("error", err.done()).num("exit_status", static_cast<std::uint64_t>(status)).done().c_str());
    } else {
        std::fprintf(stderr, "ossmp: error: %s\n", printable(e.what()).c_str());
    }
    return status;
}

/// The same with the status exit_status_for(e).
inline int report_error(const ossmp::error& e, bool json) { return report_error(e, json, exit_status_for(e)); }

/// A usage error with our own message.
inline ossmp::error usage(std::string message) { return ossmp::make_error(ossmp::errc::invalid_argument, std::move(message)); }

}  // namespace ossmp_cli
