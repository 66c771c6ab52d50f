// ossmp internals: walking a response document into typed fields.
//
// Every parse_* function reads its document the same way: check the root, visit each
// child once, convert numbers, times and booleans strictly, and report the first problem
// as an `ossmp::error` naming the element and the offending value. This class keeps that
// in one place so the per-operation headers only say which element goes where.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <ossmp/detail/ascii.hpp>
#include <ossmp/error.hpp>
#include <ossmp/limits.hpp>
#include <ossmp/operation.hpp>
#include <ossmp/percent.hpp>
#include <ossmp/time.hpp>
#include <ossmp/version.hpp>
#include <ossmp/xml/reader.hpp>

namespace ossmp::inline v0::detail {

/// A whole string as an unsigned decimal: 1..20 digits only (no sign, space or '+'), no
/// overflow. Hand-written because the list parsers read three numbers per part and this
/// is measurably faster than std::from_chars on 1..20-digit inputs.
constexpr std::optional<std::uint64_t> parse_decimal_u64(std::string_view s) noexcept {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto d = static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0';
        if (d > 9) return std::nullopt;
        if (i == 19 && (v > 1844674407370955161ull || (v == 1844674407370955161ull && d > 5)))
            return std::nullopt;
        v = v * 10 + d;
    }
    return v;
}

/// `name == literal` as a byte loop the compiler unrolls for a literal (element names are
/// compared several times per part; a memcmp call each is measurable).
constexpr bool name_is(std::string_view name, std::string_view literal) noexcept {
    return name == literal;
}

/// A response body being read into a typed result. Methods return false once anything
/// failed; the first error is kept and `take_error()` hands it out with the operation,
/// part number and HTTP status filled in.
class response_document {
public:
    response_document(std::string_view body, operation op, std::uint32_t part_number, int http_status)
        : reader_(body), op_(op), part_number_(part_number), http_status_(http_status) {}

    /// Reads up to the root start tag and checks its name (errc::malformed_response when
    /// it differs, e.g. an HTML page from a proxy that happens to be well formed).
    bool open_root(std::string_view expected) {
        root_ = expected;
        for (;;) {
            xml::token t = reader_.next_markup();
            if (t == xml::token::start_element) break;
            if (t == xml::token::error) return reader_failed();
        }
        if (reader_.name() != expected)
            return fail(errc::malformed_response,
                        "expected a <" + std::string(expected) + "> document, got <" +
                            xml::detail::excerpt_for_message(reader_.name()) + ">");
        return true;
    }

    /// Moves to the next child element of the current element: true with `name` set, or
    /// false at the parent's end tag (or on error; see failed()). Text between children is
    /// ignored: OSS pretty-prints its documents.
    bool next_child(std::string_view& name) {
        for (;;) {
            xml::token t = reader_.next_markup();
            if (t == xml::token::start_element) {
                name = reader_.name();
                return true;
            }
            if (t == xml::token::end_element) return false;
            if (t == xml::token::error) return reader_failed();
        }
    }

    /// After the root's children: reads to the end of the document, so trailing content (a
    /// second root, text) is refused like any other well-formedness error.
    bool finish() {
        if (failed_) return false;
        for (;;) {
            xml::token t = reader_.next();
            if (t == xml::token::end_document) return true;
            if (t == xml::token::error) return reader_failed();
        }
    }

    /// After next_child(): the child's text (valid until the next read).
    bool text(std::string_view& out) { return reader_.read_text(out) || reader_failed(); }
    /// After next_child(): the child's text, copied into `out`.
    bool text_to(std::string& out) {
        std::string_view v;
        if (!text(v)) return false;
        out.assign(v);
        return true;
    }
    /// After next_child(): skips the child, whatever it holds.
    bool skip() { return reader_.skip_element() || reader_failed(); }

    /// Marks the child `name` (bit `bit` of `seen`) as read; a repeated singular element
    /// is errc::malformed_response (two <IsTruncated> would make paging ambiguous).
    bool once(std::uint32_t& seen, std::uint32_t bit, std::string_view name) {
        if (seen & bit)
            return fail(errc::malformed_response, "duplicate <" + std::string(name) + ">");
        seen |= bit;
        return true;
    }
    /// once() plus text_to().
    bool field(std::uint32_t& seen, std::uint32_t bit, std::string_view name, std::string& out) {
        return once(seen, bit, name) && text_to(out);
    }
    /// errc::missing_field naming `name` unless bit `bit` of `seen` is set.
    bool require(std::uint32_t seen, std::uint32_t bit, std::string_view name) {
        return require_in(root_, seen, bit, name);
    }
    /// require() for a child of the repeated element `parent` (a <Part>, an <Upload>).
    bool require_in(std::string_view parent, std::uint32_t seen, std::uint32_t bit, std::string_view name) {
        if (seen & bit) return true;
        return fail(errc::missing_field, "<" + std::string(parent) + "> has no <" + std::string(name) + ">");
    }

    /// A decimal u64 with no sign, space or overflow.
    bool u64(std::string_view name, std::uint64_t& out) {
        std::string_view v;
        if (!text(v)) return false;
        auto n = parse_decimal_u64(v);
        if (!n) return invalid(name, v, "an unsigned 64-bit decimal");
        out = *n;
        return true;
    }
    /// A decimal in 0..max.
    bool u32(std::string_view name, std::uint32_t& out, std::uint32_t max) {
        std::string_view v;
        if (!text(v)) return false;
        auto n = parse_decimal_u64(v);
        if (!n || *n > max) return invalid(name, v, "a decimal in 0.." + std::to_string(max));
        out = static_cast<std::uint32_t>(*n);
        return true;
    }
    /// A part number, 1..max_part_number.
    bool part_number(std::string_view name, std::uint32_t& out) {
        std::string_view v;
        if (!text(v)) return false;
        auto n = parse_decimal_u64(v);
        if (!n || *n < 1 || *n > max_part_number)
            return invalid(name, v, "a part number in 1.." + std::to_string(max_part_number));
        out = static_cast<std::uint32_t>(*n);
        return true;
    }
    /// "true" or "false", nothing else.
    bool boolean(std::string_view name, bool& out) {
        std::string_view v;
        if (!text(v)) return false;
        if (v == "true") out = true;
        else if (v == "false") out = false;
        else return invalid(name, v, "'true' or 'false'");
        return true;
    }
    /// An ISO 8601 UTC time as OSS writes it ("2012-02-23T07:01:34.000Z").
    bool time(std::string_view name, time_point& out) {
        std::string_view v;
        if (!text(v)) return false;
        auto t = parse_iso8601(v);
        if (!t) return invalid(name, v, "an ISO 8601 UTC time");
        out = *t;
        return true;
    }

    /// Reads <EncodingType>: true in `url` for "url" (any case); an empty value means no
    /// encoding; any other value is errc::invalid_field (we could not decode the keys).
    bool encoding_type(std::uint32_t& seen, std::uint32_t bit, std::string& out, bool& url) {
        if (!field(seen, bit, "EncodingType", out)) return false;
        url = iequals(out, "url");
        if (!url && !out.empty()) return invalid("EncodingType", out, "'url'");
        return true;
    }

    /// Percent-decodes a field OSS encoded under encoding-type=url. '+' stays '+': OSS
    /// writes a space as %20, and reading '+' as a space would corrupt keys containing '+'.
    bool url_decode(std::string_view name, std::string& value) {
        auto d = percent_decode(value, false);
        if (!d)
            return fail(errc::invalid_encoding, "<" + std::string(name) + "> is not valid percent-encoding: '" +
                                                    xml::detail::excerpt_for_message(value) + "'");
        value = std::move(*d);
        return true;
    }

    /// Records the first error (code and message); always returns false.
    bool fail(errc code, std::string message) {
        if (!failed_) {
            err_ = make_error(code, std::move(message));
            failed_ = true;
        }
        return false;
    }
    /// errc::invalid_field naming the element, the value and what was expected.
    bool invalid(std::string_view name, std::string_view value, std::string_view expected) {
        return fail(errc::invalid_field, "<" + std::string(name) + "> is '" +
                                             xml::detail::excerpt_for_message(value) + "', expected " +
                                             std::string(expected));
    }

    bool failed() const noexcept { return failed_; }

    /// The first error, with operation, part number and HTTP status.
    ossmp::error take_error() {
        ossmp::error e = std::move(err_);
        e.op = op_;
        e.part_number = part_number_;
        e.http_status = http_status_;
        return e;
    }

    xml::reader& reader() noexcept { return reader_; }

private:
    bool reader_failed() {
        if (!failed_ && reader_.failed()) {
            err_ = reader_.error();
            failed_ = true;
        }
        return false;
    }

    xml::reader reader_;
    operation op_;
    std::uint32_t part_number_;
    int http_status_;
    std::string_view root_;
    bool failed_ = false;
    ossmp::error err_;
};

}  // namespace ossmp::inline v0::detail
