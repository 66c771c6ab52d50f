// ossmp: resume reconciliation. A resumed upload knows two accounts of what was sent
// before: the checkpoint (parts OSS confirmed to this client, with their CRC-64 and ETag)
// and ListParts (what OSS holds now, maybe more, maybe less). Neither says whether the
// source still has those bytes: a file rewritten in place with its mtime put back passes
// every size/time/fingerprint test. So by default no part is kept on anyone's word: every
// part that both accounts agree on (or that OSS alone lists with a CRC-64) is re-read and
// CRC-64'd by the driver (a digest_part action) and kept only when the CRCs match; the rest
// is sent. upload_config::verify_resumed_parts = false keeps agreed parts unchecked.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/error.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/limits.hpp>
#include <ossmp/responses/list_parts_result.hpp>
#include <ossmp/result.hpp>
#include <ossmp/upload/checkpoint.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// What a resumed upload does with one planned part.
enum class resume_step : std::uint8_t {
    send,   ///< OSS does not have it (or not at this size): send it
    check,  ///< keep it if the source's CRC-64 of its range equals `crc64`, else send it
    keep,   ///< keep it unchecked (checkpoint and OSS agree; verification was turned off)
};

/// The decision for one planned part.
struct resume_part {
    resume_step step = resume_step::send;
    std::uint64_t crc64 = 0;  ///< check, keep: the CRC-64 the part has on OSS
    std::string etag;         ///< check, keep: the ETag OSS lists for it
    bool confirmed = false;   ///< the checkpoint confirmed it (else OSS alone lists it)
};

/// The decisions for every planned part.
struct resume_plan {
    std::vector<resume_part> parts;  ///< [n - 1] for part n
    /// OSS holds parts beyond the plan, which complete-all would sweep into the object:
    /// complete with an explicit part list instead.
    bool stray_parts = false;
};

/// Checks that checkpoint `cp` belongs to this upload (same endpoint, bucket and key, and
/// `part_size` when it is not 0): errc::checkpoint_mismatch naming what differs.
inline result<void> check_checkpoint_target(const checkpoint& cp, std::string_view endpoint, std::string_view bucket,
                                            std::string_view key, std::uint64_t part_size) {
    if (cp.bucket != bucket || cp.key != key || cp.endpoint != endpoint)
        return make_error(errc::checkpoint_mismatch,
                          "checkpoint is for " + cp.endpoint + " oss://" + cp.bucket + "/" + cp.key + ", not this upload");
    if (part_size != 0 && part_size != cp.part_size)
        return make_error(errc::checkpoint_mismatch, "checkpoint was made with part size " +
                                                         std::to_string(cp.part_size) + ", not " +
                                                         std::to_string(part_size));
    return ok();
}

/// The checkpoint's confirmed parts by number, each checked against the plan's ranges
/// (`plan[n - 1]` is part n): errc::checkpoint_mismatch for a part the plan does not have
/// or whose size differs.
inline result<std::map<std::uint32_t, checkpoint_part>> confirmed_parts(const checkpoint& cp,
                                                                        std::span<const body_range> plan) {
    std::map<std::uint32_t, checkpoint_part> out;
    for (const auto& p : cp.parts) {
        if (p.part_number == 0 || p.part_number > plan.size() || p.size != plan[p.part_number - 1].length)
            return make_error(errc::checkpoint_mismatch, "checkpoint part " + std::to_string(p.part_number) +
                                                             " does not fit the source's part plan");
        out[p.part_number] = p;
    }
    return out;
}

/// The pages of ListParts gathered for one resume.
class part_listing {
public:
    /// Adds one page. Returns true when another page must be asked for, from marker().
    /// errc::malformed_response when a truncated page's next marker does not advance (a
    /// server repeating itself would otherwise be asked forever).
    result<bool> add_page(list_parts_result page) {
        for (auto& p : page.parts)
            if (p.part_number >= 1 && p.part_number <= max_part_number) parts_[p.part_number] = std::move(p);
        if (!page.is_truncated) return false;
        if (page.next_part_number_marker <= marker_)
            return make_error(errc::malformed_response, "ListParts is truncated but its next marker does not advance",
                              operation::list_parts);
        marker_ = page.next_part_number_marker;
        return true;
    }
    /// Where the next page starts (0: the first page).
    std::uint32_t marker() const noexcept { return marker_; }
    /// Every part listed so far, by number.
    const std::map<std::uint32_t, part_info>& parts() const noexcept { return parts_; }

private:
    std::map<std::uint32_t, part_info> parts_;
    std::uint32_t marker_ = 0;
};

/// Decides, part by part, what a resumed upload must still do. `plan[n - 1]` is part n's
/// range; `confirmed` holds the checkpoint's parts (empty when resuming by upload id);
/// `listed` what OSS holds. With `verify` (the default), a part is never kept unchecked.
inline resume_plan reconcile(std::span<const body_range> plan, const std::map<std::uint32_t, checkpoint_part>& confirmed,
                             const std::map<std::uint32_t, part_info>& listed, bool verify) {
    resume_plan out;
    out.parts.resize(plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        auto n = static_cast<std::uint32_t>(i + 1);
        auto l = listed.find(n);
        if (l == listed.end() || l->second.size != plan[i].length) continue;  // missing or wrong: send
        auto& d = out.parts[i];
        auto c = confirmed.find(n);
        bool crc_agrees = !l->second.crc64 || (c != confirmed.end() && *l->second.crc64 == c->second.crc64);
        if (c != confirmed.end() && c->second.etag == l->second.etag && crc_agrees) {
            d = {verify ? resume_step::check : resume_step::keep, c->second.crc64, l->second.etag, true};
        } else if (l->second.crc64) {
            // OSS has a part no checkpoint vouches for: keep it only if its bytes are ours.
            d = {resume_step::check, *l->second.crc64, l->second.etag, false};
        }
    }
    for (const auto& [n, l] : listed)
        if (n > plan.size()) out.stray_parts = true;
    return out;
}

/// True when a resumed upload that OSS no longer has may have been completed by the run
/// that was interrupted: its checkpoint confirmed every part, so Complete may have been
/// sent. The object at the key then decides (verify.hpp, is_resumed_object).
inline bool may_have_completed(const std::map<std::uint32_t, checkpoint_part>& confirmed, std::size_t part_count) {
    return !confirmed.empty() && confirmed.size() == part_count;
}

}  // namespace ossmp::inline v0
