// ossmp: what identifies a source's content. Two questions are asked of it:
//   * may a resume continue an upload of this source? (size, mtime and the content
//     fingerprint must match the checkpoint; every part kept is re-checked by CRC-64 anyway);
//   * did the source change while it was being uploaded? (before Complete, every field both
//     sides know must match: an in-place rewrite moves the status-change time even when the
//     mtime is put back, an append moves the size).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// What identifies the source's content. Unknown fields are 0 (or empty) and never compared.
struct source_identity {
    std::optional<std::uint64_t> size;  ///< bytes; empty for streams of unknown size
    std::int64_t mtime_ns = 0;          ///< modification time, ns since the epoch (0 if unknown)
    std::string fingerprint;            ///< hex digest of sampled content ("" if none)
    std::int64_t ctime_ns = 0;          ///< status-change time, ns since the epoch (0 if unknown)
    std::uint64_t inode = 0;            ///< file serial number (0 if unknown)
    std::uint64_t device = 0;           ///< device holding the file (0 if unknown)
    friend bool operator==(const source_identity&, const source_identity&) = default;
};

/// The fields a checkpoint keeps: size, mtime and fingerprint. Status-change time, inode and
/// device are left out: a file copied, restored or moved to another disk keeps its content
/// but not those, and a resume re-checks every part it keeps against the bytes anyway.
inline source_identity persistent_identity(const source_identity& id) {
    return {id.size, id.mtime_ns, id.fingerprint, 0, 0, 0};
}

/// True when a resume may treat `now` as the source `recorded` describes: same size, same
/// mtime, and the same fingerprint when both have one.
inline bool same_content_identity(const source_identity& recorded, const source_identity& now) {
    if (recorded.size != now.size || recorded.mtime_ns != now.mtime_ns) return false;
    return recorded.fingerprint.empty() || now.fingerprint.empty() || recorded.fingerprint == now.fingerprint;
}

/// What changed between `before` and `now`, compared field by field where both are known,
/// as a phrase for messages ("size 3276800 -> 3276814 bytes, status-change time"); "" when
/// nothing known differs.
inline std::string identity_change(const source_identity& before, const source_identity& now) {
    std::string out;
    auto add = [&out](const std::string& what) {
        if (!out.empty()) out += ", ";
        out += what;
    };
    if (before.size && now.size && *before.size != *now.size)
        add("size " + std::to_string(*before.size) + " -> " + std::to_string(*now.size) + " bytes");
    if (before.size.has_value() != now.size.has_value()) add("size known on one side only");
    if (before.mtime_ns && now.mtime_ns && before.mtime_ns != now.mtime_ns) add("modification time");
    if (before.ctime_ns && now.ctime_ns && before.ctime_ns != now.ctime_ns) add("status-change time");
    if (before.inode && now.inode && before.inode != now.inode) add("inode");
    if (before.device && now.device && before.device != now.device) add("device");
    if (!before.fingerprint.empty() && !now.fingerprint.empty() && before.fingerprint != now.fingerprint)
        add("sampled content");
    return out;
}

}  // namespace ossmp::inline v0
