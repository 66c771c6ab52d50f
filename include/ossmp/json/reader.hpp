// ossmp: a strict, bounded JSON reader for the small documents credential providers hand
// over: a credential process's output, a credentials URI's reply, the ECS metadata
// service's answer.
//
// Why our own: the library depends on nothing but the standard library, and these
// documents are a few hundred bytes read once into a struct. parse() builds a small value
// tree (`json::value`) the caller looks members up in.
//
// Strict (RFC 8259 and nothing more; a tolerance, if ever needed, gets its own named field
// in `reader_options`, never a global "lenient" switch):
//   * exactly one value, surrounded only by JSON whitespace (space, TAB, LF, CR); no byte
//     order mark, no comments, no trailing commas, no single quotes, no NaN or Infinity;
//   * strings: UTF-8 checked byte by byte (no overlong forms, no surrogates, nothing above
//     U+10FFFF), control characters must be escaped, escapes are the eight of RFC 8259
//     plus \uXXXX, where a surrogate must come as a high-low pair (decoded to one code
//     point); a lone or reversed surrogate is refused;
//   * numbers: the RFC grammar (no leading zeros, no '+', digits after '.' and 'e'); kept
//     as their text, since nothing here computes with them;
//   * objects: a member name may appear once (a duplicate is refused: two readers must not
//     disagree on which value counts).
// Bounds (errc::json_limit): document size (checked before reading a byte), nesting depth,
// and the number of values (so memory stays proportional to a small document).
//
// Errors are errc::json_syntax or errc::json_limit with a message saying what was wrong and
// at which byte offset. A message never quotes the document: credential documents hold
// secrets, and an error may end up in a log.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/detail/utf8.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::json {

/// Bounds of one parse. Every field is a separate, named decision.
struct reader_options {
    /// Larger documents are refused before any byte is read (errc::json_limit). Credential
    /// documents are a few KB (an STS token is about 1-2 KB).
    std::size_t max_document_size = std::size_t(1) << 20;
    /// Containers (arrays, objects) nest at most this deep; the outermost one is depth 1.
    std::size_t max_depth = 32;
    /// At most this many values in the document, containers and members included.
    std::size_t max_values = std::size_t(1) << 16;
};

/// The six kinds of JSON value.
enum class kind : std::uint8_t { null, boolean, number, string, array, object };

namespace detail {
class parser;
}  // namespace detail

/// One JSON value, owning its children. A default-constructed value is null. Lookups on a
/// value of the wrong kind answer "nothing" (empty view, size 0, nullptr) instead of
/// failing, so a caller checks kinds where it cares and chains lookups otherwise.
class value {
public:
    value() = default;

    /// What kind of value this is.
    json::kind kind() const noexcept { return kind_; }
    bool is_null() const noexcept { return kind_ == json::kind::null; }
    bool is_bool() const noexcept { return kind_ == json::kind::boolean; }
    bool is_number() const noexcept { return kind_ == json::kind::number; }
    bool is_string() const noexcept { return kind_ == json::kind::string; }
    bool is_array() const noexcept { return kind_ == json::kind::array; }
    bool is_object() const noexcept { return kind_ == json::kind::object; }

    /// A boolean's value; false for every other kind.
    bool as_bool() const noexcept { return kind_ == json::kind::boolean && flag_; }
    /// A string's decoded text (UTF-8); empty for every other kind.
    std::string_view as_string() const noexcept {
        return kind_ == json::kind::string ? std::string_view(text_) : std::string_view();
    }
    /// A number's text exactly as written ("-12.5e3"); empty for every other kind.
    std::string_view number_text() const noexcept {
        return kind_ == json::kind::number ? std::string_view(text_) : std::string_view();
    }
    /// A number written as an integer (no fraction, no exponent) that fits in 64 bits;
    /// nullopt otherwise.
    std::optional<std::int64_t> as_int64() const noexcept {
        if (kind_ != json::kind::number || text_.find_first_of(".eE") != std::string::npos) return std::nullopt;
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
        if (ec != std::errc() || end != text_.data() + text_.size()) return std::nullopt;
        return v;
    }

    /// Elements of an array, members of an object; 0 for every other kind.
    std::size_t size() const noexcept { return items_.size(); }
    /// Element `i` of an array, or the value of member `i` of an object (i < size()).
    const value& operator[](std::size_t i) const noexcept { return items_[i]; }
    /// The name of member `i` of an object (i < size()); empty for an array.
    std::string_view key(std::size_t i) const noexcept {
        return i < keys_.size() ? std::string_view(keys_[i]) : std::string_view();
    }
    /// The member named `name` of an object, or nullptr (absent, or not an object).
    const value* find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < keys_.size(); ++i)
            if (keys_[i] == name) return &items_[i];
        return nullptr;
    }

private:
    friend class detail::parser;
    json::kind kind_ = json::kind::null;
    bool flag_ = false;
    std::string text_;                // string (decoded) or number (as written)
    std::vector<value> items_;        // array elements, or object member values
    std::vector<std::string> keys_;   // object member names, parallel to items_
};

namespace detail {

/// Length (1..4) of the well-formed UTF-8 sequence at s[0..avail), or 0 (RFC 3629: no
/// overlong forms, no surrogates, nothing above U+10FFFF).
inline std::size_t utf8_length(const unsigned char* s, std::size_t avail) noexcept {
    auto cont = [&](std::size_t i) { return i < avail && (s[i] & 0xC0) == 0x80; };
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return cont(1) ? 2 : 0;
    if (c < 0xF0) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;   // overlong
        if (c == 0xED && s[1] >= 0xA0) return 0;  // UTF-16 surrogates
        return 3;
    }
    if (c < 0xF5) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;   // overlong
        if (c == 0xF4 && s[1] >= 0x90) return 0;  // above U+10FFFF
        return 4;
    }
    return 0;
}


// Recursive descent over one document; the recursion is bounded by max_depth.
class parser {
public:
    parser(std::string_view doc, const reader_options& opt) noexcept : s_(doc), opt_(opt) {}

    result<value> run() {
        if (s_.size() > opt_.max_document_size)
            return make_error(errc::json_limit, "JSON: document of " + std::to_string(s_.size()) +
                                                    " bytes exceeds max_document_size " +
                                                    std::to_string(opt_.max_document_size));
        if (s_.size() >= 3 && s_.substr(0, 3) == "\xEF\xBB\xBF") {
            syntax(0, "byte order mark before the value");
            return std::move(err_);
        }
        value root;
        skip_space();
        if (pos_ == s_.size()) {
            syntax(pos_, "empty document");
            return std::move(err_);
        }
        if (!parse_value(root, 0)) return std::move(err_);
        skip_space();
        if (pos_ != s_.size()) {
            syntax(pos_, "unexpected data after the value");
            return std::move(err_);
        }
        return root;
    }

private:
    bool fail(errc code, std::size_t at, std::string_view what) {
        std::string m = "JSON: ";
        m += what;
        m += " at byte ";
        m += std::to_string(at);
        err_ = make_error(code, std::move(m));
        return false;
    }
    bool syntax(std::size_t at, std::string_view what) { return fail(errc::json_syntax, at, what); }

    void skip_space() noexcept {
        while (pos_ < s_.size()) {
            char c = s_[pos_];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            ++pos_;
        }
    }

    // `depth` counts the containers around the value.
    bool parse_value(value& out, std::size_t depth) {
        if (++values_ > opt_.max_values)
            return fail(errc::json_limit, pos_, "more than max_values " + std::to_string(opt_.max_values) + " values");
        if (pos_ == s_.size()) return syntax(pos_, "unexpected end, expected a value");
        switch (s_[pos_]) {
        case '{': return parse_object(out, depth + 1);
        case '[': return parse_array(out, depth + 1);
        case '"':
            out.kind_ = kind::string;
            return parse_string(out.text_);
        case 't': return literal(out, "true", kind::boolean, true);
        case 'f': return literal(out, "false", kind::boolean, false);
        case 'n': return literal(out, "null", kind::null, false);
        default:
            if (s_[pos_] == '-' || (s_[pos_] >= '0' && s_[pos_] <= '9')) return parse_number(out);
            return syntax(pos_, "unexpected character, expected a value");
        }
    }

    bool literal(value& out, std::string_view word, kind k, bool flag) {
        if (s_.substr(pos_, word.size()) != word) return syntax(pos_, "invalid literal (true, false or null expected)");
        pos_ += word.size();
        out.kind_ = k;
        out.flag_ = flag;
        return true;
    }

    bool digits() noexcept {
        std::size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
        return pos_ > start;
    }

    bool parse_number(value& out) {
        const std::size_t start = pos_;
        if (s_[pos_] == '-') ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '0') {
            ++pos_;
        } else if (pos_ < s_.size() && s_[pos_] >= '1' && s_[pos_] <= '9') {
            digits();
        } else {
            return syntax(pos_, "invalid number: a digit must follow '-'");
        }
        if (pos_ < s_.size() && s_[pos_] == '.') {
            ++pos_;
            if (!digits()) return syntax(pos_, "invalid number: a digit must follow '.'");
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
            if (!digits()) return syntax(pos_, "invalid number: the exponent has no digits");
        }
        out.kind_ = kind::number;
        out.text_.assign(s_.substr(start, pos_ - start));
        return true;
    }

    bool hex4(std::size_t at, std::uint32_t& cp) const noexcept {
        if (at + 4 > s_.size()) return false;
        cp = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            char c = s_[at + i];
            unsigned d = (c >= '0' && c <= '9')   ? unsigned(c - '0')
                         : (c >= 'a' && c <= 'f') ? unsigned(c - 'a' + 10)
                         : (c >= 'A' && c <= 'F') ? unsigned(c - 'A' + 10)
                                                  : 16u;
            if (d == 16) return false;
            cp = cp * 16 + d;
        }
        return true;
    }

    // At '"': reads the string into `out` (decoded) and moves past the closing quote.
    bool parse_string(std::string& out) {
        const std::size_t open = pos_++;
        for (;;) {
            std::size_t run = pos_;
            while (pos_ < s_.size()) {
                auto c = static_cast<unsigned char>(s_[pos_]);
                if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
                ++pos_;
            }
            out.append(s_.data() + run, pos_ - run);
            if (pos_ == s_.size()) return syntax(open, "unterminated string starting");
            auto c = static_cast<unsigned char>(s_[pos_]);
            if (c == '"') {
                ++pos_;
                return true;
            }
            if (c < 0x20) return syntax(pos_, "unescaped control character in a string");
            if (c >= 0x80) {
                std::size_t n = utf8_length(reinterpret_cast<const unsigned char*>(s_.data() + pos_), s_.size() - pos_);
                if (n == 0) return syntax(pos_, "invalid UTF-8 in a string");
                out.append(s_.data() + pos_, n);
                pos_ += n;
                continue;
            }
            if (!escape(out)) return false;
        }
    }

    // At '\\' inside a string.
    bool escape(std::string& out) {
        const std::size_t at = pos_;
        if (pos_ + 1 >= s_.size()) return syntax(at, "unterminated escape");
        char e = s_[pos_ + 1];
        pos_ += 2;
        switch (e) {
        case '"': out.push_back('"'); return true;
        case '\\': out.push_back('\\'); return true;
        case '/': out.push_back('/'); return true;
        case 'b': out.push_back('\b'); return true;
        case 'f': out.push_back('\f'); return true;
        case 'n': out.push_back('\n'); return true;
        case 'r': out.push_back('\r'); return true;
        case 't': out.push_back('\t'); return true;
        case 'u': break;
        default: return syntax(at, "invalid escape");
        }
        std::uint32_t cp = 0;
        if (!hex4(pos_, cp)) return syntax(at, "\\u must be followed by four hex digits");
        pos_ += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return syntax(at, "low surrogate escape without a high one before it");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (pos_ + 2 > s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u' || !hex4(pos_ + 2, low) ||
                low < 0xDC00 || low > 0xDFFF)
                return syntax(at, "high surrogate escape not followed by a low one");
            pos_ += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        ossmp::detail::append_utf8(out, cp);
        return true;
    }

    bool enter(std::size_t depth) {
        if (depth > opt_.max_depth)
            return fail(errc::json_limit, pos_, "nesting deeper than max_depth " + std::to_string(opt_.max_depth));
        return true;
    }

    bool parse_array(value& out, std::size_t depth) {
        if (!enter(depth)) return false;
        out.kind_ = kind::array;
        ++pos_;
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == ']') {
            ++pos_;
            return true;
        }
        for (;;) {
            out.items_.emplace_back();
            if (!parse_value(out.items_.back(), depth)) return false;
            skip_space();
            if (pos_ == s_.size()) return syntax(pos_, "unexpected end inside an array");
            char c = s_[pos_++];
            if (c == ']') return true;
            if (c != ',') return syntax(pos_ - 1, "expected ',' or ']' in an array");
            skip_space();
        }
    }

    bool parse_object(value& out, std::size_t depth) {
        if (!enter(depth)) return false;
        out.kind_ = kind::object;
        ++pos_;
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == '}') {
            ++pos_;
            return true;
        }
        std::vector<std::size_t> name_at;  // where each member name starts, for errors
        for (;;) {
            if (pos_ == s_.size() || s_[pos_] != '"') return syntax(pos_, "expected a member name (a string)");
            name_at.push_back(pos_);
            out.keys_.emplace_back();
            if (!parse_string(out.keys_.back())) return false;
            skip_space();
            if (pos_ == s_.size() || s_[pos_] != ':') return syntax(pos_, "expected ':' after a member name");
            ++pos_;
            skip_space();
            out.items_.emplace_back();
            if (!parse_value(out.items_.back(), depth)) return false;
            skip_space();
            if (pos_ == s_.size()) return syntax(pos_, "unexpected end inside an object");
            char c = s_[pos_++];
            if (c == '}') break;
            if (c != ',') return syntax(pos_ - 1, "expected ',' or '}' in an object");
            skip_space();
        }
        // Duplicates, found by sorting indices: O(n log n) whatever the member count.
        if (out.keys_.size() > 1) {
            std::vector<std::size_t> order(out.keys_.size());
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
            std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                return out.keys_[a] != out.keys_[b] ? out.keys_[a] < out.keys_[b] : a < b;
            });
            for (std::size_t i = 1; i < order.size(); ++i)
                if (out.keys_[order[i]] == out.keys_[order[i - 1]])
                    return syntax(name_at[order[i]], "duplicate member name");
        }
        return true;
    }

    std::string_view s_;
    const reader_options& opt_;
    std::size_t pos_ = 0;
    std::size_t values_ = 0;
    error err_;
};

}  // namespace detail

/// Parses `document` (one complete JSON text) under `options`.
///
/// Returns the root value, or an error: errc::json_limit when the document, its nesting or
/// its value count exceeds `options`; errc::json_syntax for anything that is not strict
/// RFC 8259 JSON (see the header comment), both with the byte offset of the problem and
/// never a quote of the document. Next: look members up with value::find() and check their
/// kinds; the tree owns its strings, so `document` may go away.
inline result<value> parse(std::string_view document, const reader_options& options = {}) {
    return detail::parser(document, options).run();
}

}  // namespace ossmp::inline v0::json
