// ossmp: what the upload machine asks of its driver (actions), what it reports at the end
// (the outcome) and how far it has got (progress). Every action says what the driver must do
// and which machine call reports back; see machine.hpp for the theory of operation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <ossmp/error.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/request_id.hpp>
#include <ossmp/source_identity.hpp>
#include <ossmp/time.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Send `request` (already signed, with a fresh date) and report the outcome exactly once:
/// on_response(id, response, now, crc64 of the body bytes sent) or
/// on_transport_error(id, error, now). The body is `request.body`, or, when
/// `request.source` is set, that range of the upload's body source.
struct [[nodiscard]] send_request {
    request_id id = 0;
    http_request request;
};

/// Streams only: read up to `max_length` bytes of the stream (they start at stream offset
/// `offset`) into the buffer of part `part_number`, then call on_source_read(part_number,
/// bytes_read, now). Fewer bytes than `max_length` means the stream ended.
struct [[nodiscard]] read_source {
    std::uint32_t part_number = 0;
    std::uint64_t offset = 0;
    std::uint64_t max_length = 0;
};

/// Compute the CRC-64 (and, when `md5` is set, the base64 MD5) of `range` of the body
/// source, then call on_part_digest(part_number, crc64, md5, now). Used for Content-MD5
/// and, on resume, to re-check every part OSS holds against the source before keeping it.
struct [[nodiscard]] digest_part {
    std::uint32_t part_number = 0;
    body_range range;
    bool md5 = false;
};

/// Every part is confirmed; before Complete, tell whether the source changed while it was
/// uploaded: take its identity now (file_source::identity(), or size and times from a
/// stat of the open file) and call on_source_checked(identity, now); a source that cannot
/// tell (memory, a stream) calls on_source_checked(std::nullopt, now). The machine compares
/// it with `expected` (upload_config::source): if anything both know differs, the upload
/// fails with errc::source_changed instead of completing a mix of two versions.
struct [[nodiscard]] check_source {
    source_identity expected;
};

/// The machine will never ask for these bytes again: a buffered stream source may free
/// them; file and memory sources may ignore this action. No report is expected.
struct [[nodiscard]] release_body {
    body_range range;
};

/// Persist `text` as the upload's checkpoint (atomically: write a temporary file, then
/// rename it over the old one). No report is expected; if saving fails, call
/// on_local_error. Only emitted when checkpoints are enabled in the config.
struct [[nodiscard]] save_checkpoint {
    std::string text;
};

/// Nothing can be sent before `deadline` (a retry delay): wait for a response or for the
/// deadline, whichever is first, then call next() again.
struct [[nodiscard]] wait_until {
    time_point deadline;
};

/// Everything allowed is in flight: wait for a response (or transport error), report it,
/// then call next() again.
struct [[nodiscard]] await_io {};

/// What a finished upload produced.
struct upload_outcome {
    std::string bucket;
    std::string key;
    std::string upload_id;
    std::string etag;           ///< the object's ETag, quotes kept
    std::string location;       ///< from Complete ("" if OSS sent none)
    std::string version_id;     ///< "" when the bucket is not versioned
    std::string callback_body;  ///< the callback server's reply when a callback was set
    std::uint64_t size = 0;     ///< bytes stored
    std::uint32_t part_count = 0;
    std::uint64_t crc64 = 0;    ///< CRC-64 of the object, verified against OSS's
};

/// Terminal: the object is stored and verified. Delete the checkpoint, if any.
struct [[nodiscard]] finished {
    upload_outcome outcome;
};

/// Terminal and sticky: the upload ended with `error`. The message says whether the
/// upload was aborted or kept for resume; a kept upload's id is err.kept_upload_id (the
/// checkpoint, when enabled, holds it too).
struct [[nodiscard]] failed {
    error err;
};

/// The machine's answer to next(now).
using action = std::variant<send_request, read_source, digest_part, release_body, save_checkpoint, wait_until,
                            await_io, finished, failed, check_source>;

/// Progress figures, available at any time.
struct progress {
    std::optional<std::uint64_t> bytes_total;  ///< source size (empty for streams until they end)
    std::uint64_t bytes_sent = 0;        ///< body bytes handed out, retries included
    std::uint64_t bytes_confirmed = 0;   ///< bytes of parts OSS confirmed (resumed parts included)
    std::uint64_t bytes_resumed = 0;     ///< of those, bytes confirmed before this run (resume)
    std::uint32_t parts_total = 0;       ///< 0 while a stream's size is unknown
    std::uint32_t parts_done = 0;
    std::uint32_t parts_in_flight = 0;
    std::uint32_t retries = 0;           ///< attempts beyond the first, all requests together
    duration elapsed{0};                 ///< since the first next()
    /// Confirmed bytes per second over `elapsed`, resumed parts excluded.
    double rate() const noexcept {
        auto s = static_cast<double>(elapsed.count()) / 1000.0;
        return s > 0 ? static_cast<double>(bytes_confirmed - bytes_resumed) / s : 0.0;
    }
};

}  // namespace ossmp::inline v0
