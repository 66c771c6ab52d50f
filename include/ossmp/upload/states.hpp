// ossmp: the upload machine's two transition tables, in one place (h11's rule: everything
// that moves the state machine lives in one file). The machine decides which event
// happened; these tables decide whether that event is legal in the current state and
// where it leads. An event with no row is illegal in that state.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Where a whole upload stands.
enum class upload_state : std::uint8_t {
    initiating,  ///< InitiateMultipartUpload (and, on a restart, aborting the stale upload)
    listing,     ///< resuming: ListParts pages reconcile what OSS holds with the checkpoint
    uploading,   ///< parts are being read, hashed, sent and retried
    completing,  ///< CompleteMultipartUpload is being sent
    checking,    ///< Complete's outcome was unclear (or a resumed upload is gone): HeadObject
                 ///< checks whether the stored object is the source
    deleting,    ///< the completed object failed its CRC check: DeleteObject removes it
    draining,    ///< failed or cancelled: waiting for requests in flight before cleanup
    aborting,    ///< AbortMultipartUpload is being sent so no parts are left behind
    completed,   ///< terminal: the object is stored and verified
    failed,      ///< terminal: the upload ended with an error (sticky)
};

/// What moves an upload between states.
enum class upload_event : std::uint8_t {
    initiated,      ///< Initiate returned an upload id
    listed,         ///< the last ListParts page was reconciled
    restart,        ///< a resume found the upload gone or the source changed: start afresh
    parts_done,     ///< every part is confirmed
    completed,      ///< the object is stored and its CRC-64 matches
    ambiguous,      ///< Complete may or may not have happened: verify with HeadObject
    mismatch,       ///< the stored object's CRC-64 differs from the source's
    deleted,        ///< the mismatched object was deleted
    fail,           ///< a fatal error (or exhausted retries)
    cancel,         ///< the caller cancelled
    drained_abort,  ///< nothing in flight any more; the upload must be aborted
    drained_keep,   ///< nothing in flight any more; the upload is kept (paused, or gone)
    aborted,        ///< AbortMultipartUpload finished (or OSS no longer had the upload)
};

/// Where one part stands.
enum class part_state : std::uint8_t {
    pending,    ///< must be sent (bytes known, not in flight)
    reading,    ///< streams: the driver is reading the part's bytes from the stream
    digesting,  ///< the driver is computing the part's CRC-64 (and MD5)
    in_flight,  ///< UploadPart / UploadPartCopy sent, no answer yet
    backoff,    ///< failed; waiting out its retry delay
    done,       ///< OSS confirmed it (ETag and CRC-64 recorded)
};

/// What moves a part between states.
enum class part_event : std::uint8_t {
    read,             ///< the machine asked the driver to read the part from the stream
    read_done,        ///< the driver reported the bytes read
    digest,           ///< the machine asked for the part's digests
    digest_done,      ///< digests arrived; the part can be sent
    verified,         ///< digests matched what OSS already holds (resume): no need to send
    resumed,          ///< a checkpoint and OSS agree the part was confirmed earlier
    dispatch,         ///< a request for the part was handed out
    succeeded,        ///< OSS confirmed the part and its CRC-64 matched
    retry,            ///< the attempt failed but may be retried after a delay
    backoff_elapsed,  ///< the retry delay passed
    abandoned,        ///< the upload is failing; the attempt's outcome no longer matters
};

struct upload_transition {
    upload_state from;
    upload_event event;
    upload_state to;
};
struct part_transition {
    part_state from;
    part_event event;
    part_state to;
};

// clang-format off
/// Every legal upload transition. Terminal states (completed, failed) have none.
inline constexpr upload_transition upload_transitions[] = {
    {upload_state::initiating, upload_event::initiated,     upload_state::uploading},
    {upload_state::initiating, upload_event::fail,          upload_state::failed},
    {upload_state::initiating, upload_event::cancel,        upload_state::failed},
    {upload_state::listing,    upload_event::listed,        upload_state::uploading},
    {upload_state::listing,    upload_event::restart,       upload_state::initiating},
    {upload_state::listing,    upload_event::ambiguous,     upload_state::checking},
    {upload_state::listing,    upload_event::fail,          upload_state::failed},
    {upload_state::listing,    upload_event::cancel,        upload_state::failed},
    {upload_state::uploading,  upload_event::parts_done,    upload_state::completing},
    {upload_state::uploading,  upload_event::fail,          upload_state::draining},
    {upload_state::uploading,  upload_event::cancel,        upload_state::draining},
    {upload_state::completing, upload_event::completed,     upload_state::completed},
    {upload_state::completing, upload_event::ambiguous,     upload_state::checking},
    {upload_state::completing, upload_event::mismatch,      upload_state::deleting},
    {upload_state::completing, upload_event::fail,          upload_state::draining},
    {upload_state::checking,   upload_event::completed,     upload_state::completed},
    {upload_state::checking,   upload_event::mismatch,      upload_state::deleting},
    {upload_state::checking,   upload_event::fail,          upload_state::failed},
    {upload_state::checking,   upload_event::restart,       upload_state::initiating},
    {upload_state::deleting,   upload_event::deleted,       upload_state::failed},
    {upload_state::deleting,   upload_event::fail,          upload_state::failed},
    {upload_state::draining,   upload_event::fail,          upload_state::draining},
    {upload_state::draining,   upload_event::cancel,        upload_state::draining},
    {upload_state::draining,   upload_event::drained_abort, upload_state::aborting},
    {upload_state::draining,   upload_event::drained_keep,  upload_state::failed},
    {upload_state::aborting,   upload_event::aborted,       upload_state::failed},
    {upload_state::aborting,   upload_event::fail,          upload_state::failed},
};

/// Every legal part transition.
inline constexpr part_transition part_transitions[] = {
    {part_state::pending,   part_event::read,            part_state::reading},
    {part_state::reading,   part_event::read_done,       part_state::pending},
    {part_state::pending,   part_event::digest,          part_state::digesting},
    {part_state::digesting, part_event::digest_done,     part_state::pending},
    {part_state::digesting, part_event::verified,        part_state::done},
    {part_state::pending,   part_event::resumed,         part_state::done},
    {part_state::pending,   part_event::dispatch,        part_state::in_flight},
    {part_state::in_flight, part_event::succeeded,       part_state::done},
    {part_state::in_flight, part_event::retry,           part_state::backoff},
    {part_state::in_flight, part_event::abandoned,       part_state::pending},
    {part_state::backoff,   part_event::backoff_elapsed, part_state::pending},
};
// clang-format on

/// The state `event` leads to from `s`, or nullopt when the event is illegal there.
constexpr std::optional<upload_state> next_state(upload_state s, upload_event event) noexcept {
    for (const auto& t : upload_transitions)
        if (t.from == s && t.event == event) return t.to;
    return std::nullopt;
}
constexpr std::optional<part_state> next_state(part_state s, part_event event) noexcept {
    for (const auto& t : part_transitions)
        if (t.from == s && t.event == event) return t.to;
    return std::nullopt;
}

/// True for completed and failed.
constexpr bool is_terminal(upload_state s) noexcept {
    return s == upload_state::completed || s == upload_state::failed;
}

/// The state's name ("uploading"), for messages.
constexpr std::string_view to_string(upload_state s) noexcept {
    switch (s) {
    case upload_state::initiating: return "initiating";
    case upload_state::listing: return "listing";
    case upload_state::uploading: return "uploading";
    case upload_state::completing: return "completing";
    case upload_state::checking: return "checking";
    case upload_state::deleting: return "deleting";
    case upload_state::draining: return "draining";
    case upload_state::aborting: return "aborting";
    case upload_state::completed: return "completed";
    case upload_state::failed: return "failed";
    }
    return "unknown";
}

}  // namespace ossmp::inline v0
