// ossmp: the CompleteMultipartUpload request body.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/detail/ascii.hpp>
#include <ossmp/error.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>
#include <ossmp/xml/escape.hpp>
#include <ossmp/xml/reader.hpp>

namespace ossmp::inline v0 {

/// One uploaded part as CompleteMultipartUpload lists it.
struct completed_part {
    std::uint32_t part_number = 0;  ///< 1..10000
    std::string etag;               ///< the ETag UploadPart returned, quotes included
    friend bool operator==(const completed_part&, const completed_part&) = default;
};

/// The CompleteMultipartUpload XML body for `parts`: sorted by part number, one entry per
/// part number (when a number appears twice, the later entry wins: it is the newer upload
/// of that part), ETags XML-escaped. OSS requires ascending part numbers; the caller may
/// pass them in any order.
inline std::string write_complete_body(std::span<const completed_part> parts) {
    std::vector<const completed_part*> sorted;
    sorted.reserve(parts.size());
    for (const auto& p : parts) sorted.push_back(&p);
    // Stable, so among equal part numbers the original order survives and the last wins.
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const completed_part* a, const completed_part* b) {
                         return a->part_number < b->part_number;
                     });
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>\n";
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i + 1 < sorted.size() && sorted[i + 1]->part_number == sorted[i]->part_number) continue;
        out += "<Part><PartNumber>";
        out += std::to_string(sorted[i]->part_number);
        out += "</PartNumber><ETag>";
        xml::escape_to(out, sorted[i]->etag);
        out += "</ETag></Part>\n";
    }
    out += "</CompleteMultipartUpload>\n";
    return out;
}

namespace detail {
inline bool is_xml_whitespace(std::string_view s) noexcept {
    for (char c : s)
        if (!xml::detail::is_xml_space(c)) return false;
    return true;
}
}  // namespace detail

/// Parses a CompleteMultipartUpload request body, strictly: the root is
/// <CompleteMultipartUpload> (attributes such as xmlns are ignored), its only children are
/// <Part> elements, and each <Part> holds exactly one <PartNumber> (1..10000) and exactly
/// one <ETag>, nothing else; only whitespace may sit between elements.
///
/// Returns the parts in document order, duplicates and disorder kept (judging them is the
/// caller's: OSS answers InvalidPartOrder), or an error: errc::xml_* when the body is not
/// acceptable XML (an empty body, as sent with complete-all, is xml_syntax);
/// errc::malformed_response for another root, an unexpected element or text, or a
/// repeated PartNumber/ETag; errc::missing_field for a Part without PartNumber or ETag;
/// errc::invalid_field for a part number that is not a decimal in 1..10000.
/// For every body it accepts, write_complete_body(parts) parses back to the same parts
/// sorted by number with the last duplicate kept.
inline result<std::vector<completed_part>> parse_complete_body(std::string_view body) {
    constexpr operation op = operation::complete_multipart_upload;
    xml::reader r(body);
    auto bad = [&](errc code, std::string message) {
        return make_error(code,
                          "CompleteMultipartUpload body: " + message + " at byte " + std::to_string(r.offset()),
                          op);
    };
    auto xml_error = [&] {
        error e = r.error();
        e.op = op;
        e.message = "CompleteMultipartUpload body: " + e.message;
        return e;
    };
    xml::token t;
    while ((t = r.next()) != xml::token::start_element)
        if (t == xml::token::error) return xml_error();
    if (r.name() != "CompleteMultipartUpload")
        return bad(errc::malformed_response,
                   "root is <" + xml::detail::excerpt_for_message(r.name()) + ">, expected <CompleteMultipartUpload>");
    std::vector<completed_part> parts;
    for (;;) {
        t = r.next();
        if (t == xml::token::error) return xml_error();
        if (t == xml::token::end_element) break;
        if (t == xml::token::text) {
            if (!detail::is_xml_whitespace(r.text())) return bad(errc::malformed_response, "text outside <Part>");
            continue;
        }
        if (r.name() != "Part")
            return bad(errc::malformed_response,
                       "unexpected element <" + xml::detail::excerpt_for_message(r.name()) + ">");
        completed_part p;
        bool has_number = false, has_etag = false;
        for (;;) {
            t = r.next();
            if (t == xml::token::error) return xml_error();
            if (t == xml::token::end_element) break;
            if (t == xml::token::text) {
                if (!detail::is_xml_whitespace(r.text())) return bad(errc::malformed_response, "text inside <Part>");
                continue;
            }
            std::string_view name = r.name();
            std::string_view value;
            if (name == "PartNumber") {
                if (has_number) return bad(errc::malformed_response, "a <Part> with two <PartNumber>");
                if (!r.read_text(value)) return xml_error();
                auto n = detail::parse_unsigned<std::uint64_t>(value);
                if (!n || *n < 1 || *n > 10000)
                    return bad(errc::invalid_field, "<PartNumber> is '" + xml::detail::excerpt_for_message(value) +
                                                        "', expected a part number in 1..10000");
                p.part_number = static_cast<std::uint32_t>(*n);
                has_number = true;
            } else if (name == "ETag") {
                if (has_etag) return bad(errc::malformed_response, "a <Part> with two <ETag>");
                if (!r.read_text(value)) return xml_error();
                p.etag.assign(value);
                has_etag = true;
            } else {
                return bad(errc::malformed_response,
                           "unexpected element <" + xml::detail::excerpt_for_message(name) + "> in <Part>");
            }
        }
        if (!has_number) return bad(errc::missing_field, "a <Part> without <PartNumber>");
        if (!has_etag) return bad(errc::missing_field, "a <Part> without <ETag>");
        parts.push_back(std::move(p));
    }
    while ((t = r.next()) != xml::token::end_document)
        if (t == xml::token::error) return xml_error();
    return parts;
}

}  // namespace ossmp::inline v0
