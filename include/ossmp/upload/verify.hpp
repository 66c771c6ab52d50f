// ossmp: completion verification. An upload is finished only when the stored object is,
// byte for byte, the source the parts were read from:
//   * before Complete, the source must still be what it was when the upload started
//     (source_identity: size, mtime, status-change time, inode, sampled content), else the
//     parts may mix two versions of it: the machine refuses, errc::source_changed;
//   * after Complete, the object's CRC-64 (from Complete, or HeadObject when Complete's
//     outcome was unclear) must equal the parts' CRC-64s combined in order, and its size
//     the source's; otherwise the object is deleted (or left, as configured) and the upload
//     fails with errc::crc_mismatch / errc::digest_mismatch;
//   * a resumed upload whose upload id is gone may have been completed by the run that
//     was interrupted: the object at the key is ours only if its size and CRC-64 are the
//     source's (whose parts were first re-checked against the source, resume.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <ossmp/crypto/crc64.hpp>
#include <ossmp/detail/ascii.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/error.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/responses/response_info.hpp>
#include <ossmp/result.hpp>
#include <ossmp/source_identity.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Folds one more part into an object's CRC-64: the CRC-64 of the bytes so far followed
/// by `part_length` bytes whose CRC-64 is `part_crc`.
constexpr std::uint64_t fold_part_crc(std::uint64_t object_crc, std::uint64_t part_crc,
                                      std::uint64_t part_length) noexcept {
    return crc64_combine(object_crc, part_crc, part_length);
}

/// Before Complete: errc::source_changed ("the source changed during the upload: ...",
/// naming what changed) when `now` differs from `at_start` in any field both know.
inline result<void> verify_source_unchanged(const source_identity& at_start, const source_identity& now) {
    auto change = identity_change(at_start, now);
    if (change.empty()) return ok();
    return make_error(errc::source_changed,
                      "the source changed during the upload (" + change + "); completing would store a mix of "
                      "its versions",
                      operation::complete_multipart_upload);
}

/// The stored object's CRC-64 against the source's (`want`; nullopt when unknown, e.g. a
/// copy of an object without one): errc::crc_mismatch naming both when they differ.
inline result<void> verify_object_crc(std::optional<std::uint64_t> want, std::uint64_t stored) {
    if (!want || *want == stored) return ok();
    return make_error(errc::crc_mismatch,
                      "the stored object's CRC-64 " + std::to_string(stored) + " differs from the source's " +
                          std::to_string(*want),
                      operation::complete_multipart_upload);
}

/// The stored object's size against the source's: errc::digest_mismatch naming both.
inline result<void> verify_object_size(std::optional<std::uint64_t> want, std::uint64_t stored) {
    if (!want || *want == stored) return ok();
    return make_error(errc::digest_mismatch,
                      "the stored object has " + std::to_string(stored) + " bytes, the source " + std::to_string(*want),
                      operation::head_object);
}

/// What HeadObject says about the stored object, as far as verification needs it.
struct stored_object {
    std::uint64_t size = 0;
    std::uint64_t crc64 = 0;
    std::string etag;        ///< quotes kept
    std::string version_id;  ///< "" when unversioned
};

/// Reads a successful HeadObject response: errc::missing_field when the size or the
/// checksum needed to verify the object is absent (or unreadable).
inline result<stored_object> read_stored_object(const http_response& resp, const dialect& d) {
    auto info = read_response_info(resp, d);
    auto size = detail::parse_unsigned<std::uint64_t>(resp.headers.get_or("Content-Length"));
    if (!info || !info->crc64 || !size)
        return make_error(errc::missing_field, "HeadObject did not report the CRC-64 and size needed to verify the object",
                          operation::head_object);
    return stored_object{*size, *info->crc64, info->etag, info->version_id};
}

/// A resumed upload vanished: true when the object at its key is the one it would have
/// completed (the source's size and, part by part re-checked, CRC-64).
inline bool is_resumed_object(const stored_object& o, std::uint64_t source_size, std::uint64_t source_crc) noexcept {
    return o.size == source_size && o.crc64 == source_crc;
}

}  // namespace ossmp::inline v0
