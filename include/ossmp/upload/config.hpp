// ossmp: what to upload, where, and how. One value configures an upload machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <ossmp/dialect.hpp>
#include <ossmp/endpoint.hpp>
#include <ossmp/requests/complete.hpp>
#include <ossmp/requests/initiate.hpp>
#include <ossmp/requests/upload_part_copy.hpp>
#include <ossmp/sign/signer.hpp>
#include <ossmp/source_identity.hpp>
#include <ossmp/upload/retry_policy.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// What to do with the OSS upload when the machine stops without completing.
enum class end_policy : std::uint8_t {
    abort,  ///< AbortMultipartUpload: no parts are left behind (and no resume is possible)
    keep,   ///< leave the upload and its parts for a later resume from the checkpoint
};

/// What a resume does when its upload no longer exists (NoSuchUpload) or the source changed.
enum class stale_policy : std::uint8_t {
    fail,     ///< stop with errc::no_such_upload or errc::source_changed
    restart,  ///< abort the stale upload (if it still exists) and start a new one
};

/// Server-side copy: the parts come from an existing OSS object (UploadPartCopy).
struct copy_from {
    copy_source source;                  ///< bucket, key, version, conditions (its range is ignored)
    std::uint64_t size = 0;              ///< the source object's size (from HeadObject)
    std::optional<std::uint64_t> crc64;  ///< the source object's CRC-64, checked against the copy
};

/// Configuration of one upload.
struct upload_config {
    endpoint ep;                 ///< where OSS is
    std::string bucket;          ///< destination bucket
    std::string key;             ///< destination key
    signing_config signing;      ///< credentials and signature version
    ossmp::dialect dialect = oss_dialect;  ///< service names (the OSS/S3 seam)

    /// The source as it is when the upload starts: its size (nullopt for a stream of
    /// unknown size), modification and status-change times, inode and content fingerprint
    /// (file_source::identity()). Size is required for resume and for server-side copy.
    /// Before Complete the driver reports the identity again (check_source); any change
    /// fails the upload with errc::source_changed.
    source_identity source;
    /// Bytes per part; 0 = derive (8 MiB, grown to fit 10,000 parts). For a stream, the size
    /// of its first 1,000 parts; later parts grow (plan.hpp).
    std::uint64_t part_size = 0;
    std::uint32_t max_in_flight = 4;   ///< part requests at once (1 with initiate.sequential)
    /// Streams: the bytes expected, when known. The first part size is then chosen so the
    /// stream fits in 10,000 parts, or the upload is refused before anything is sent
    /// (errc::too_many_parts, errc::object_too_large). Ignored when source.size is known.
    std::optional<std::uint64_t> stream_size_hint;

    initiate_options initiate;  ///< object metadata, ACL, storage class, SSE, tags...
    complete_options complete;  ///< complete-all, callback, ACL, forbid-overwrite
    bool content_md5 = false;   ///< send Content-MD5 with every part (costs one extra read)
    std::uint64_t traffic_limit = 0;  ///< x-oss-traffic-limit per part, bit/s (0 = none)

    retry_policy retry;                         ///< attempts, budget, backoff, slow-down
    /// After a fatal error. A source that changed during the upload is always kept (with
    /// error::kept_upload_id): resuming it re-checks every part and sends only what changed.
    end_policy on_failure = end_policy::abort;
    end_policy on_cancel = end_policy::abort;   ///< after cancel()
    stale_policy on_stale = stale_policy::fail; ///< when resuming finds the upload unusable
    bool checkpoints = false;       ///< emit save_checkpoint actions (needs a known size)
    bool delete_on_mismatch = true; ///< delete an object whose final CRC-64 check fails
    /// Resume: re-read and CRC-64 every part the checkpoint or ListParts says is uploaded
    /// (digest_part) and keep it only if it matches, re-sending what differs. Off trusts
    /// parts the checkpoint and OSS agree on without reading them: faster, but a file
    /// edited in place with its mtime put back then yields an object that is not the file.
    bool verify_resumed_parts = true;

    std::optional<copy_from> copy;  ///< set for a server-side copy instead of a byte source
};

}  // namespace ossmp::inline v0
