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
#include <ossmp/upload/checkpoint.hpp>
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

    /// The source: its size (nullopt for a stream of unknown size), modification time and
    /// content fingerprint. Size is required for resume and for server-side copy.
    source_identity source;
    std::uint64_t part_size = 0;       ///< 0 = derive (8 MiB, grown to fit 10,000 parts)
    std::uint32_t max_in_flight = 4;   ///< part requests at once (1 with initiate.sequential)

    initiate_options initiate;  ///< object metadata, ACL, storage class, SSE, tags...
    complete_options complete;  ///< complete-all, callback, ACL, forbid-overwrite
    bool content_md5 = false;   ///< send Content-MD5 with every part (costs one extra read)
    std::uint64_t traffic_limit = 0;  ///< x-oss-traffic-limit per part, bit/s (0 = none)

    retry_policy retry;                         ///< attempts and backoff per request
    end_policy on_failure = end_policy::abort;  ///< after a fatal error
    end_policy on_cancel = end_policy::abort;   ///< after cancel()
    stale_policy on_stale = stale_policy::fail; ///< when resuming finds the upload unusable
    bool checkpoints = false;       ///< emit save_checkpoint actions (needs a known size)
    bool delete_on_mismatch = true; ///< delete an object whose final CRC-64 check fails

    std::optional<copy_from> copy;  ///< set for a server-side copy instead of a byte source
};

}  // namespace ossmp::inline v0
