// ossmp: the upload machine's transition tables, in one place (h11's rule: everything that
// moves the state machine lives in one file). The machine decides which event happened;
// these tables decide whether that event is legal in the current state and where it leads.
// Every (state, event) pair the machine can meet has a row: a transition, or, where the
// event deliberately changes nothing, an explicit ignore. A pair with no row is misuse:
// apply_event() and part_book::move() refuse it (errc::wrong_state) and change nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include <ossmp/error.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Where a whole upload stands.
enum class upload_state : std::uint8_t {
    initiating,      ///< InitiateMultipartUpload is being sent
    listing,         ///< resuming: ListParts pages reconcile what OSS holds with the checkpoint
    uploading,       ///< parts are being read, checked, hashed, sent and retried
    completing,      ///< every part is confirmed: the source is checked for changes, then
                     ///< CompleteMultipartUpload is sent
    checking,        ///< Complete's outcome was unclear: HeadObject checks whether the stored
                     ///< object is the source
    deleting,        ///< the completed object failed its CRC check: DeleteObject removes it
    draining,        ///< failed or cancelled: waiting for requests in flight before cleanup
    aborting,        ///< AbortMultipartUpload is being sent so no parts are left behind
    completed,       ///< terminal: the object is stored and verified
    failed,          ///< terminal: the upload ended with an error (sticky)
    aborting_stale,  ///< a restart: the stale upload being replaced is aborted (best effort)
    probing,         ///< a resumed upload vanished after every part was confirmed: its parts
                     ///< are re-checked against the source, then HeadObject shows whether
                     ///< the interrupted run completed it
};

/// What moves an upload between states.
enum class upload_event : std::uint8_t {
    initiated,      ///< Initiate returned an upload id
    listed,         ///< the last ListParts page was reconciled
    restart,        ///< a resume found the upload gone or not ours: start afresh
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
    stale_aborted,  ///< the stale upload is aborted (or could not be): start the new one
    vanished,       ///< a resumed upload is gone and every part was confirmed: probe the object
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
    digest_done,      ///< digests arrived (and, for a resume check, did not match): send it
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
struct upload_ignore {
    upload_state state;
    upload_event event;
    std::string_view why;
};
struct part_transition {
    part_state from;
    part_event event;
    part_state to;
};

// clang-format off
/// Every upload transition. Terminal states (completed, failed) have none.
inline constexpr upload_transition upload_transitions[] = {
    {upload_state::initiating,     upload_event::initiated,     upload_state::uploading},
    {upload_state::initiating,     upload_event::fail,          upload_state::failed},
    {upload_state::initiating,     upload_event::cancel,        upload_state::failed},
    {upload_state::aborting_stale, upload_event::stale_aborted, upload_state::initiating},
    {upload_state::aborting_stale, upload_event::fail,          upload_state::failed},
    {upload_state::aborting_stale, upload_event::cancel,        upload_state::failed},
    {upload_state::listing,        upload_event::listed,        upload_state::uploading},
    {upload_state::listing,        upload_event::restart,       upload_state::initiating},
    {upload_state::listing,        upload_event::vanished,      upload_state::probing},
    {upload_state::listing,        upload_event::fail,          upload_state::failed},
    {upload_state::listing,        upload_event::cancel,        upload_state::failed},
    {upload_state::uploading,      upload_event::parts_done,    upload_state::completing},
    {upload_state::uploading,      upload_event::fail,          upload_state::draining},
    {upload_state::uploading,      upload_event::cancel,        upload_state::draining},
    {upload_state::completing,     upload_event::completed,     upload_state::completed},
    {upload_state::completing,     upload_event::ambiguous,     upload_state::checking},
    {upload_state::completing,     upload_event::mismatch,      upload_state::deleting},
    {upload_state::completing,     upload_event::fail,          upload_state::draining},
    {upload_state::checking,       upload_event::completed,     upload_state::completed},
    {upload_state::checking,       upload_event::mismatch,      upload_state::deleting},
    {upload_state::checking,       upload_event::fail,          upload_state::failed},
    {upload_state::probing,        upload_event::completed,     upload_state::completed},
    {upload_state::probing,        upload_event::restart,       upload_state::initiating},
    {upload_state::probing,        upload_event::fail,          upload_state::failed},
    {upload_state::deleting,       upload_event::deleted,       upload_state::failed},
    {upload_state::deleting,       upload_event::fail,          upload_state::failed},
    {upload_state::draining,       upload_event::drained_abort, upload_state::aborting},
    {upload_state::draining,       upload_event::drained_keep,  upload_state::failed},
    {upload_state::aborting,       upload_event::aborted,       upload_state::failed},
    {upload_state::aborting,       upload_event::fail,          upload_state::failed},
};

/// Events that deliberately change nothing in a state.
inline constexpr upload_ignore upload_ignores[] = {
    {upload_state::completing, upload_event::cancel, "every part is confirmed: the upload finishes"},
    {upload_state::checking,   upload_event::cancel, "Complete was sent: only its outcome is left to learn"},
    {upload_state::probing,    upload_event::cancel, "nothing is sent but the check of an object that may be done"},
    {upload_state::deleting,   upload_event::cancel, "the upload already failed; its cleanup goes on"},
    {upload_state::draining,   upload_event::cancel, "already stopping"},
    {upload_state::draining,   upload_event::fail,   "already stopping; the first error is the one reported"},
    {upload_state::aborting,   upload_event::cancel, "the upload already failed; its cleanup goes on"},
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

/// The state `event` leads to from `s`, or nullopt when the table has no transition for it
/// (an ignore row, or misuse).
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
/// True when `event` has an ignore row in `s`.
constexpr bool is_ignored(upload_state s, upload_event event) noexcept {
    for (const auto& i : upload_ignores)
        if (i.state == s && i.event == event) return true;
    return false;
}

/// True for completed and failed.
constexpr bool is_terminal(upload_state s) noexcept {
    return s == upload_state::completed || s == upload_state::failed;
}

namespace detail {
// Names in enumerator order (the static_asserts keep them complete).
inline constexpr std::string_view upload_state_names[] = {
    "initiating", "listing", "uploading", "completing", "checking", "deleting",
    "draining", "aborting", "completed", "failed", "aborting_stale", "probing"};
inline constexpr std::string_view upload_event_names[] = {
    "initiated", "listed", "restart", "parts_done", "completed", "ambiguous", "mismatch", "deleted",
    "fail", "cancel", "drained_abort", "drained_keep", "aborted", "stale_aborted", "vanished"};
inline constexpr std::string_view part_state_names[] = {"pending", "reading", "digesting",
                                                         "in_flight", "backoff", "done"};
inline constexpr std::string_view part_event_names[] = {
    "read", "read_done", "digest", "digest_done", "verified", "resumed",
    "dispatch", "succeeded", "retry", "backoff_elapsed", "abandoned"};
static_assert(std::size(upload_state_names) == std::size_t(upload_state::probing) + 1);
static_assert(std::size(upload_event_names) == std::size_t(upload_event::vanished) + 1);
static_assert(std::size(part_state_names) == std::size_t(part_state::done) + 1);
static_assert(std::size(part_event_names) == std::size_t(part_event::abandoned) + 1);

template <class E, std::size_t N>
constexpr std::string_view name_of(E e, const std::string_view (&names)[N]) noexcept {
    auto i = static_cast<std::size_t>(e);
    return i < N ? names[i] : std::string_view("unknown");
}
}  // namespace detail

/// The state's name ("uploading"), for messages.
constexpr std::string_view to_string(upload_state s) noexcept { return detail::name_of(s, detail::upload_state_names); }
/// The event's name ("parts_done"), for messages.
constexpr std::string_view to_string(upload_event e) noexcept { return detail::name_of(e, detail::upload_event_names); }
/// The part state's name ("in_flight"), for messages.
constexpr std::string_view to_string(part_state s) noexcept { return detail::name_of(s, detail::part_state_names); }
/// The part event's name ("dispatch"), for messages.
constexpr std::string_view to_string(part_event e) noexcept { return detail::name_of(e, detail::part_event_names); }

/// The state an upload in `s` is in after `event`: the transition's target, `s` itself for
/// an ignore row, or errc::wrong_state (misuse: no row) naming both.
inline result<upload_state> apply_event(upload_state s, upload_event event) {
    if (auto to = next_state(s, event)) return *to;
    if (is_ignored(s, event)) return s;
    return make_error(errc::wrong_state, "upload event " + std::string(to_string(event)) + " has no row in state " +
                                             std::string(to_string(s)));
}

}  // namespace ossmp::inline v0
