// ossmp: the resume checkpoint, a small versioned text file that records enough to resume an
// interrupted upload without re-sending finished parts, and nothing secret (no keys, no
// tokens, no signatures). Format, version 1, one field per line, values percent-encoded so
// every line is "name value..." with single spaces:
//
//   # ossmp upload checkpoint (free-form comment lines start with '#')
//   ossmp-checkpoint 1
//   endpoint https://oss-cn-hangzhou.aliyuncs.com
//   bucket examplebucket
//   key dir%2Fbig%20file.bin
//   upload-id 0004B9894A22E5B1888A1E29F823
//   part-size 8388608
//   source-size 1073741824
//   source-mtime-ns 1732450000123456789
//   source-fingerprint 5f1c...            (hex; how the source samples its content)
//   part 1 8388608 12066172435287683848 %2204C4A0F2D5C8A7E1D9D6F5E2B1A3C4D5%22
//   part 2 ...                            (number, size, CRC-64 decimal, ETag encoded)
//   end 9a3f0c11d2e4b5a6                  (CRC-64 hex of every byte before this line)
//
// The trailing CRC catches truncated or edited files; a reader refuses unknown versions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/hex.hpp>
#include <ossmp/detail/ascii.hpp>
#include <ossmp/limits.hpp>
#include <ossmp/percent.hpp>
#include <ossmp/result.hpp>
#include <ossmp/source_identity.hpp>
#include <ossmp/validate.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// A part OSS confirmed.
struct checkpoint_part {
    std::uint32_t part_number = 0;
    std::uint64_t size = 0;
    std::uint64_t crc64 = 0;  ///< CRC-64 of the bytes sent (equal to OSS's)
    std::string etag;         ///< quotes kept
    friend bool operator==(const checkpoint_part&, const checkpoint_part&) = default;
};

/// The resumable state of one upload.
struct checkpoint {
    static constexpr int format_version = 1;
    std::string endpoint;    ///< scheme://host[:port] the upload went to
    std::string bucket;
    std::string key;
    std::string upload_id;
    std::uint64_t part_size = 0;
    source_identity source;  ///< size, mtime and fingerprint (persistent_identity())
    std::vector<checkpoint_part> parts;  ///< confirmed parts, ascending part numbers
    friend bool operator==(const checkpoint&, const checkpoint&) = default;
};

/// The checkpoint as text (see the format above). Deterministic: same checkpoint, same text.
inline std::string to_text(const checkpoint& c) {
    std::string s = "# ossmp upload checkpoint: run the same upload again to resume; delete to start over\n";
    s += "ossmp-checkpoint 1\n";
    auto field = [&](std::string_view name, std::string_view value) {
        s += name;
        s += ' ';
        s += value;
        s += '\n';
    };
    field("endpoint", percent_encode(c.endpoint));
    field("bucket", percent_encode(c.bucket));
    field("key", percent_encode(c.key));
    field("upload-id", percent_encode(c.upload_id));
    field("part-size", std::to_string(c.part_size));
    field("source-size", c.source.size ? std::to_string(*c.source.size) : "unknown");
    field("source-mtime-ns", std::to_string(c.source.mtime_ns));
    field("source-fingerprint", c.source.fingerprint.empty() ? "-" : percent_encode(c.source.fingerprint));
    std::vector<const checkpoint_part*> parts;
    for (const auto& p : c.parts) parts.push_back(&p);
    std::sort(parts.begin(), parts.end(), [](auto* a, auto* b) { return a->part_number < b->part_number; });
    for (const auto* p : parts) {
        s += "part ";
        s += std::to_string(p->part_number);
        s += ' ';
        s += std::to_string(p->size);
        s += ' ';
        s += std::to_string(p->crc64);
        s += ' ';
        s += percent_encode(p->etag);
        s += '\n';
    }
    s += "end " + hex_u64(crc64_of(s)) + "\n";
    return s;
}

/// Parses checkpoint text. Strict: errc::checkpoint_invalid naming the line for an unknown
/// version, an unknown or repeated field, a missing field, a bad number, a part listed
/// twice or out of range, text after "end", or a checksum that does not match.
inline result<checkpoint> parse_checkpoint(std::string_view text) {
    auto fail = [](std::size_t line, std::string why) {
        return make_error(errc::checkpoint_invalid,
                          "checkpoint line " + std::to_string(line) + ": " + std::move(why));
    };
    checkpoint c;
    bool seen_version = false, seen_end = false;
    unsigned seen = 0;  // bit per required field
    enum : unsigned { f_endpoint = 1, f_bucket = 2, f_key = 4, f_upload = 8, f_part_size = 16, f_size = 32,
                      f_mtime = 64, f_fingerprint = 128, f_all = 255 };
    std::size_t pos = 0, line_no = 0;
    while (pos < text.size()) {
        ++line_no;
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) return fail(line_no, "the file is truncated (no final newline)");
        auto line = text.substr(pos, nl - pos);
        auto line_start = pos;
        pos = nl + 1;
        if (seen_end) return fail(line_no, "text after the end line");
        if (line.empty() || line.front() == '#') continue;
        // Split on single spaces; fields never contain spaces (they are percent-encoded).
        std::vector<std::string_view> f;
        for (std::size_t i = 0; i <= line.size();) {
            auto sp = line.find(' ', i);
            if (sp == std::string_view::npos) sp = line.size();
            f.push_back(line.substr(i, sp - i));
            i = sp + 1;
        }
        for (auto x : f)
            if (x.empty()) return fail(line_no, "empty field (double or trailing space)");
        auto num = [&](std::string_view v, std::uint64_t& out) {
            auto n = detail::parse_unsigned<std::uint64_t>(v);
            if (!n) return false;
            out = *n;
            return true;
        };
        auto dec = [&](std::string_view v, std::string& out) {
            auto d = percent_decode(v);
            if (!d) return false;
            out = std::move(*d);
            return true;
        };
        if (!seen_version) {
            if (f.size() != 2 || f[0] != "ossmp-checkpoint") return fail(line_no, "not an ossmp checkpoint");
            if (f[1] != "1")
                return fail(line_no, "checkpoint format version " + std::string(f[1]) +
                                         " is not supported (this ossmp reads version 1)");
            seen_version = true;
            continue;
        }
        auto once = [&](unsigned bit) {
            if (seen & bit) return false;
            seen |= bit;
            return true;
        };
        const auto& name = f[0];
        if (name == "end") {
            if (f.size() != 2) return fail(line_no, "malformed end line");
            if ((seen & f_all) != f_all) return fail(line_no, "a required field is missing before end");
            if (f[1] != hex_u64(crc64_of(text.substr(0, line_start)))) return fail(line_no, "checksum mismatch: the file was truncated or edited");
            seen_end = true;
            continue;
        }
        if (f.size() < 2) return fail(line_no, "field '" + std::string(name) + "' has no value");
        bool good = true;
        if (name == "part") {
            std::uint64_t n = 0, size = 0, crc = 0;
            checkpoint_part p;
            if (f.size() != 5 || !num(f[1], n) || !num(f[2], size) || !num(f[3], crc) || !dec(f[4], p.etag) ||
                n < 1 || n > max_part_number || size > max_part_size || p.etag.empty())
                return fail(line_no, "malformed part line");
            p.part_number = static_cast<std::uint32_t>(n);
            p.size = size;
            p.crc64 = crc;
            if (!c.parts.empty() && c.parts.back().part_number >= p.part_number)
                return fail(line_no, "parts must be listed once, in ascending order");
            c.parts.push_back(std::move(p));
            continue;
        }
        if (f.size() != 2) return fail(line_no, "field '" + std::string(name) + "' has extra values");
        const auto& v = f[1];
        if (name == "endpoint") good = once(f_endpoint) && dec(v, c.endpoint);
        else if (name == "bucket") good = once(f_bucket) && dec(v, c.bucket);
        else if (name == "key") good = once(f_key) && dec(v, c.key);
        else if (name == "upload-id") good = once(f_upload) && dec(v, c.upload_id) && !c.upload_id.empty();
        else if (name == "part-size") good = once(f_part_size) && num(v, c.part_size) && c.part_size > 0;
        else if (name == "source-size") {
            std::uint64_t n = 0;
            good = once(f_size) && (v == "unknown" || num(v, n));
            if (good && v != "unknown") c.source.size = n;
        } else if (name == "source-mtime-ns") {
            std::uint64_t n = 0;
            good = once(f_mtime) && num(v, n) && n <= static_cast<std::uint64_t>(INT64_MAX);
            c.source.mtime_ns = static_cast<std::int64_t>(n);
        } else if (name == "source-fingerprint") good = once(f_fingerprint) && (v == "-" || dec(v, c.source.fingerprint));
        else return fail(line_no, "unknown field '" + detail::quote_for_message(name) + "'");
        if (!good) return fail(line_no, "bad or repeated value for '" + std::string(name) + "'");
    }
    if (!seen_version) return make_error(errc::checkpoint_invalid, "checkpoint is empty");
    if (!seen_end) return make_error(errc::checkpoint_invalid, "checkpoint has no end line (truncated)");
    return c;
}

}  // namespace ossmp::inline v0
