// ossmp: a strict pull reader for the XML documents OSS sends (and the one we accept from
// clients in the emulator).
//
// Why our own: responses are small documents from a single producer, read once into typed
// structs, so a DOM is wasted work; a pull reader over the body (`std::string_view`) hands
// out names and text as views into it and copies only text that contains references,
// CDATA, comments or CR (decoded into a buffer the reader owns and reuses).
//
// Strict by default (design rule: no global "lenient" switch; a tolerance, if ever needed,
// gets its own named field in `reader_options`):
//   * well-formedness: names, matching end tags, quoted attributes without duplicates,
//     exactly one root element, only whitespace, comments and processing instructions
//     outside it, no "]]>" in text, no "--" in comments, UTF-8 checked byte by byte,
//     control characters refused (XML 1.0 Char production), CR LF folded to LF;
//   * references: the five predefined entities and numeric character references whose
//     code point is an XML Char; nothing else;
//   * refused as errc::xml_forbidden: DOCTYPE (so no entity can be declared, and no
//     expansion, "billion laughs" or external entity can happen), any other entity
//     reference, any encoding other than UTF-8 in the declaration;
//   * bounds (errc::xml_limit): document size (checked before reading a byte), depth and
//     attributes per element.
// Namespaces are not interpreted: a prefixed name is just a name with a ':', and an
// `xmlns` attribute is an ordinary attribute (OSS puts one on some roots).
//
// Every error is an `ossmp::error` with errc::xml_syntax, xml_limit or xml_forbidden and a
// message saying what was wrong and at which byte offset.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/detail/utf8.hpp>
#include <ossmp/error.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::xml {

/// Bounds and (future) tolerances of a reader. Every field is a separate, named decision.
struct reader_options {
    /// Larger documents are refused before any byte is read (errc::xml_limit). OSS's
    /// largest multipart reply, ListParts with 1000 parts, is about 300 KB.
    std::size_t max_document_size = std::size_t(64) << 20;
    /// Maximum element nesting; the root is depth 1 (errc::xml_limit past it). OSS
    /// documents nest three deep.
    std::size_t max_depth = 64;
    /// Maximum attributes on one element (errc::xml_limit past it).
    std::size_t max_attributes = 32;
};

/// What `reader::next()` found.
enum class token : std::uint8_t {
    start_element,  ///< `<name ...>` or `<name/>`: name() and attributes() are set
    end_element,    ///< `</name>`, or the implicit end of `<name/>`: name() is set
    text,           ///< character data between two tags, references decoded: text() is set
    end_document,   ///< the root element closed and only markup-free trailer followed
    error,          ///< the document is refused: error() says why; every later call repeats it
};

/// One attribute of the current start tag, value already decoded and normalized.
struct attribute {
    std::string_view name;
    std::string_view value;
};

namespace detail {

// Byte classes for the hot loops, one table lookup per byte.
inline constexpr std::array<std::uint8_t, 256> text_special_table = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        bool special = (c < 0x20 && c != '\t' && c != '\n') || c == '<' || c == '&' ||
                       c == ']' || c == '\r' || c >= 0x80;
        t[static_cast<std::size_t>(c)] = special ? 1 : 0;
    }
    return t;
}();

// 1: ASCII name character; 2: non-ASCII byte (checked as UTF-8); 0: ends a name.
inline constexpr std::array<std::uint8_t, 256> name_table = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        bool ascii = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == ':';
        t[static_cast<std::size_t>(c)] = ascii ? 1 : (c >= 0x80 ? 2 : 0);
    }
    return t;
}();

inline constexpr std::array<std::uint8_t, 256> space_table = [] {
    std::array<std::uint8_t, 256> t{};
    t[' '] = t['\n'] = t['\t'] = t['\r'] = 1;
    return t;
}();

constexpr bool is_text_special(char c) noexcept {
    return text_special_table[static_cast<unsigned char>(c)] != 0;
}
constexpr bool is_xml_space(char c) noexcept {
    return space_table[static_cast<unsigned char>(c)] != 0;
}
constexpr bool is_name_start(char c) noexcept {
    auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u == ':' || u >= 0x80;
}

/// Length (2..4) of the well-formed UTF-8 sequence at s that encodes an XML Char, or 0.
inline std::size_t utf8_char_length(const char* s, const char* e) noexcept {
    auto b = [s](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    auto cont = [&](std::size_t i) { return (b(i) & 0xC0) == 0x80; };
    unsigned c = b(0);
    std::size_t avail = static_cast<std::size_t>(e - s);
    if (c < 0xC2) return 0;  // continuation byte, or overlong 2-byte lead
    if (c < 0xE0) return avail >= 2 && cont(1) ? 2 : 0;
    if (c < 0xF0) {
        if (avail < 3 || !cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0;                               // overlong
        if (c == 0xED && b(1) >= 0xA0) return 0;                              // surrogates
        if (c == 0xEF && b(1) == 0xBF && (b(2) == 0xBE || b(2) == 0xBF)) return 0;  // U+FFFE/F
        return 3;
    }
    if (c < 0xF5) {
        if (avail < 4 || !cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
        if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
        return 4;
    }
    return 0;
}

/// XML 1.0 Char production.
constexpr bool is_xml_char(std::uint32_t cp) noexcept {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}


/// First byte in [s, e) that plain character data cannot contain as is, or e.
inline const char* skip_plain_text(const char* s, const char* e) noexcept {
    while (e - s >= 4) {
        if (is_text_special(s[0])) return s;
        if (is_text_special(s[1])) return s + 1;
        if (is_text_special(s[2])) return s + 2;
        if (is_text_special(s[3])) return s + 3;
        s += 4;
    }
    while (s != e && !is_text_special(*s)) ++s;
    return s;
}

/// A name or value for an error message: at most 64 bytes, printable ASCII only, so a
/// hostile document cannot put megabytes or control bytes into a log line.
inline std::string excerpt_for_message(std::string_view s) {
    std::string out;
    std::size_t n = s.size() < 64 ? s.size() : 64;
    out.reserve(n + 3);
    for (std::size_t i = 0; i < n; ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        out.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?');
    }
    if (s.size() > n) out += "...";
    return out;
}

}  // namespace detail

/// A pull reader over one complete XML document.
///
/// Call `next()` until it returns token::end_document (the document was well formed) or
/// token::error (read `error()`). Views returned by name(), text() and attributes() point
/// into the document or into the reader's buffers: they stay valid until the next call of
/// next() (names of open elements stay valid as long as the document does). The document
/// must outlive the reader. Text between two tags comes as one text token, whitespace
/// included; comments and processing instructions inside it are dropped.
class reader {
public:
    /// Reads `document` under `options`. Nothing is parsed (or copied) until next(); a
    /// document over max_document_size makes the first next() fail with errc::xml_limit.
    explicit reader(std::string_view document, const reader_options& options = {})
        : begin_(document.data()), p_(document.data()), end_(document.data() + document.size()),
          opt_(options) {
        if (document.size() > opt_.max_document_size) {
            fail(errc::xml_limit, begin_,
                 "document of " + std::to_string(document.size()) +
                     " bytes exceeds max_document_size " + std::to_string(opt_.max_document_size));
            return;
        }
        stack_.reserve(opt_.max_depth < 16 ? opt_.max_depth : 16);
    }

    /// Advances to the next token (see `token`). After token::error, error() is set and
    /// every further call returns token::error; after token::end_document, every further
    /// call returns token::end_document.
    token next() {
        if (pending_end_) {
            pending_end_ = false;
            name_ = stack_.back();
            stack_.pop_back();
            if (stack_.empty()) state_ = state::epilog;
            return token::end_element;
        }
        switch (state_) {
        case state::content: return content();
        case state::prolog: return prolog();
        case state::epilog: return epilog();
        case state::done: return token::end_document;
        case state::failed: return token::error;
        }
        return token::error;
    }

    /// Like next(), but character data made only of whitespace is skipped instead of being
    /// reported (the indentation between the elements of a data document). Text with
    /// anything else in it, references included, is reported whole, whitespace and all.
    token next_markup() {
        if (state_ == state::content && !pending_end_) {
            const char* q = skip_space(p_);
            if (q != end_ && *q == '<' && q + 1 != end_) {
                char c = q[1];
                if (c == '/') return end_tag(q);
                if (c != '!' && c != '?') return start_tag(q);
            }
        }
        token t = next();
        while (t == token::text && is_whitespace(text_)) t = next();
        return t;
    }

    /// True when `s` is empty or only XML whitespace (space, TAB, LF, CR).
    static bool is_whitespace(std::string_view s) noexcept {
        for (char c : s)
            if (!detail::is_xml_space(c)) return false;
        return true;
    }

    /// The element name of the current start_element or end_element token.
    std::string_view name() const noexcept { return name_; }
    /// The decoded character data of the current text token.
    std::string_view text() const noexcept { return text_; }
    /// The attributes of the current start_element token, in document order.
    std::span<const attribute> attributes() const noexcept { return {attrs_.data(), attrs_.size()}; }
    /// The value of the current start tag's attribute `name`, or nullptr when absent.
    const attribute* find_attribute(std::string_view attr_name) const noexcept {
        for (const auto& a : attrs_)
            if (a.name == attr_name) return &a;
        return nullptr;
    }
    /// Open elements, the current one included (the root alone is 1).
    std::size_t depth() const noexcept { return stack_.size(); }
    /// Byte offset of the reading position in the document.
    std::size_t offset() const noexcept { return static_cast<std::size_t>(p_ - begin_); }
    /// Why the document was refused; meaningful only after token::error.
    const ossmp::error& error() const noexcept { return err_; }
    /// True once a token::error was returned.
    bool failed() const noexcept { return state_ == state::failed; }

    /// Call right after a start_element: consumes the element's content up to and
    /// including its end tag. Returns false on a document error (see error()).
    bool skip_element() {
        std::size_t outer = stack_.size() - 1;
        for (;;) {
            token t = next();
            if (t == token::error) return false;
            if (t == token::end_element && stack_.size() == outer) return true;
        }
    }

    /// Call right after a start_element: reads the element's text up to and including its
    /// end tag into `out` (empty for `<a/>` and `<a></a>`). A child element where text was
    /// expected fails with errc::malformed_response naming both elements. Returns false
    /// on any error (see error()). `out` is valid until the next call of next().
    bool read_text(std::string_view& out) {
        out = {};
        if (pending_end_ || state_ != state::content) return next() == token::end_element;
        std::string_view parent = stack_.back();
        token t = content();  // inside an element: no need for next()'s dispatch
        if (t == token::text) {
            out = text_;
            t = content();
        }
        if (t == token::end_element) return true;
        if (t == token::start_element)
            fail(errc::malformed_response, p_,
                 "element <" + detail::excerpt_for_message(name_) + "> inside <" +
                     detail::excerpt_for_message(parent) + ">, where text was expected");
        return false;
    }

    /// Marks the document as refused with `code` and `message` (used by schema checks on
    /// top of the reader, so that they report the same byte offset). Returns token::error.
    token fail(errc code, const char* at, std::string_view message) {
        if (state_ == state::failed) return token::error;
        std::string m = "XML: ";
        m += message;
        m += " at byte ";
        m += std::to_string(static_cast<std::size_t>(at - begin_));
        err_ = make_error(code, std::move(m));
        state_ = state::failed;
        pending_end_ = false;
        return token::error;
    }
    /// The reading position, for fail().
    const char* position() const noexcept { return p_; }

private:
    enum class state : std::uint8_t { prolog, content, epilog, done, failed };

    token syntax(const char* at, std::string_view message) {
        return fail(errc::xml_syntax, at, message);
    }

    // Element names are short: word compares beat a call to memcmp. The caller guarantees
    // n readable bytes at both a and b.
    static bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
        while (n >= 8) {
            std::uint64_t x, y;
            std::memcpy(&x, a, 8);
            std::memcpy(&y, b, 8);
            if (x != y) return false;
            a += 8;
            b += 8;
            n -= 8;
        }
        for (std::size_t i = 0; i < n; ++i)
            if (a[i] != b[i]) return false;
        return true;
    }

    bool starts_with(const char* s, std::string_view lit) const noexcept {
        return static_cast<std::size_t>(end_ - s) >= lit.size() &&
               std::string_view(s, lit.size()) == lit;
    }

    // Indentation comes in runs of spaces: eight at a time, then byte by byte.
    const char* skip_space(const char* s) const noexcept {
        for (;;) {
            while (s != end_ && (*s == '\n' || *s == '\r' || *s == '\t')) ++s;
            std::uint64_t w;
            while (end_ - s >= 8 && (std::memcpy(&w, s, 8), w == 0x2020202020202020ull)) s += 8;
            if (s == end_ || !detail::is_xml_space(*s)) return s;
            ++s;
        }
    }

    // The end of the name starting at s, or nullptr when s does not start a valid name.
    const char* scan_name(const char* s) const noexcept {
        if (s == end_ || !detail::is_name_start(*s)) return nullptr;
        auto ascii = [](char c) { return detail::name_table[static_cast<unsigned char>(c)] == 1; };
        for (;;) {
            while (end_ - s >= 4 && ascii(s[0]) && ascii(s[1]) && ascii(s[2]) && ascii(s[3])) s += 4;
            while (s != end_ && ascii(*s)) ++s;
            if (s == end_ || detail::name_table[static_cast<unsigned char>(*s)] != 2) return s;
            std::size_t n = detail::utf8_char_length(s, end_);
            if (n == 0) return nullptr;
            s += n;
        }
    }

    // Checks the characters of a comment, PI or CDATA body [s, e): XML Chars only.
    bool check_chars(const char* s, const char* e) {
        while (s != e) {
            auto c = static_cast<unsigned char>(*s);
            if (c >= 0x20 && c < 0x80) {
                ++s;
            } else if (c == '\t' || c == '\n' || c == '\r') {
                ++s;
            } else if (c >= 0x80) {
                std::size_t n = detail::utf8_char_length(s, e);
                if (n == 0) {
                    syntax(s, "invalid UTF-8");
                    return false;
                }
                s += n;
            } else {
                syntax(s, "control character " + std::to_string(c) + " is not allowed in XML");
                return false;
            }
        }
        return true;
    }

    // Finds `terminator` from s; nullptr (and an error naming `what`) when absent.
    const char* find(const char* s, std::string_view terminator, std::string_view what) {
        std::string_view rest(s, static_cast<std::size_t>(end_ - s));
        auto at = rest.find(terminator);
        if (at == std::string_view::npos) {
            syntax(s, "unterminated " + std::string(what));
            return nullptr;
        }
        return s + at;
    }

    // s at "<!--": returns the position after "-->", or nullptr on error.
    const char* comment(const char* s) {
        const char* body = s + 4;
        const char* dd = find(body, "--", "comment");
        if (!dd) return nullptr;
        if (dd + 2 == end_ || dd[2] != '>') {
            syntax(dd, "'--' inside a comment");
            return nullptr;
        }
        if (!check_chars(body, dd)) return nullptr;
        return dd + 3;
    }

    // s at "<?": a processing instruction; returns the position after "?>" or nullptr.
    // The declaration (<?xml ...?>) is accepted only at the start of the document.
    const char* processing_instruction(const char* s) {
        const char* target = s + 2;
        const char* q = scan_name(target);
        if (!q) {
            syntax(target, "invalid processing instruction target");
            return nullptr;
        }
        std::string_view name(target, static_cast<std::size_t>(q - target));
        if (name.size() == 3 && (name[0] | 0x20) == 'x' && (name[1] | 0x20) == 'm' &&
            (name[2] | 0x20) == 'l') {
            if (s != decl_allowed_at_ || name != "xml") {
                syntax(s, "XML declaration not at the start of the document");
                return nullptr;
            }
            return declaration(q);
        }
        if (starts_with(q, "?>")) return q + 2;
        if (q == end_ || !detail::is_xml_space(*q)) {
            syntax(q, "expected whitespace after the processing instruction target");
            return nullptr;
        }
        const char* close = find(q, "?>", "processing instruction");
        if (!close || !check_chars(q, close)) return nullptr;
        return close + 2;
    }

    // q right after "<?xml": version, optional encoding (UTF-8 only) and standalone.
    const char* declaration(const char* q) {
        auto pseudo = [&](std::string_view key, std::string_view& value) -> int {
            // 1: read, 0: absent, -1: error
            const char* s = skip_space(q);
            if (s == q || !starts_with(s, key)) return 0;
            s = skip_space(s + key.size());
            if (s == end_ || *s != '=') {
                syntax(s, "expected '=' in the XML declaration");
                return -1;
            }
            s = skip_space(s + 1);
            if (s == end_ || (*s != '"' && *s != '\'')) {
                syntax(s, "expected a quoted value in the XML declaration");
                return -1;
            }
            char quote = *s++;
            const char* v = s;
            while (s != end_ && *s != quote && *s != '<' && *s != '>') ++s;
            if (s == end_ || *s != quote) {
                syntax(v, "unterminated value in the XML declaration");
                return -1;
            }
            value = std::string_view(v, static_cast<std::size_t>(s - v));
            q = s + 1;
            return 1;
        };
        std::string_view version, encoding, standalone;
        if (pseudo("version", version) != 1) {
            if (state_ != state::failed) syntax(q, "XML declaration without a version");
            return nullptr;
        }
        bool version_ok = version.size() >= 3 && version.substr(0, 2) == "1.";
        for (std::size_t i = 2; version_ok && i < version.size(); ++i)
            version_ok = version[i] >= '0' && version[i] <= '9';
        if (!version_ok) {
            syntax(q, "unsupported XML version '" + detail::excerpt_for_message(version) + "'");
            return nullptr;
        }
        int r = pseudo("encoding", encoding);
        if (r < 0) return nullptr;
        if (r == 1) {
            bool utf8 = encoding.size() == 5 && (encoding[0] | 0x20) == 'u' &&
                        (encoding[1] | 0x20) == 't' && (encoding[2] | 0x20) == 'f' &&
                        encoding[3] == '-' && encoding[4] == '8';
            if (!utf8) {
                fail(errc::xml_forbidden, q,
                     "encoding '" + detail::excerpt_for_message(encoding) +
                         "' refused (only UTF-8 is read)");
                return nullptr;
            }
        }
        r = pseudo("standalone", standalone);
        if (r < 0) return nullptr;
        if (r == 1 && standalone != "yes" && standalone != "no") {
            syntax(q, "standalone must be 'yes' or 'no'");
            return nullptr;
        }
        q = skip_space(q);
        if (!starts_with(q, "?>")) {
            syntax(q, "malformed XML declaration");
            return nullptr;
        }
        return q + 2;
    }

    // s at "<!" outside text: comment, or a refused construct. Returns the position after
    // the comment, or nullptr on error.
    const char* bang_outside_text(const char* s) {
        if (starts_with(s, "<!--")) return comment(s);
        if (starts_with(s, "<!DOCTYPE") || starts_with(s, "<!ENTITY") ||
            starts_with(s, "<!ELEMENT") || starts_with(s, "<!ATTLIST")) {
            fail(errc::xml_forbidden, s, "document type declarations are refused");
            return nullptr;
        }
        syntax(s, "unexpected '<!'");
        return nullptr;
    }

    // s at '&': appends the referenced character to `out`; returns the position after ';'
    // or nullptr on error.
    const char* reference(const char* s, std::string& out) {
        const char* r = s + 1;
        if (r != end_ && *r == '#') {
            ++r;
            bool hex = r != end_ && *r == 'x';
            if (hex) ++r;
            std::uint32_t cp = 0;
            const char* digits = r;
            for (; r != end_; ++r) {
                int d;
                char c = *r;
                if (c >= '0' && c <= '9') d = c - '0';
                else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
                else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
                else break;
                cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
                if (cp > 0x10FFFF) cp = 0x110000;  // saturate: stays invalid, cannot wrap
            }
            if (r == digits || r == end_ || *r != ';') {
                syntax(s, "malformed character reference");
                return nullptr;
            }
            if (!detail::is_xml_char(cp)) {
                syntax(s, "character reference to a code point that is not an XML Char");
                return nullptr;
            }
            ossmp::detail::append_utf8(out, cp);
            return r + 1;
        }
        const char* n = scan_name(r);
        if (!n || n == end_ || *n != ';') {
            syntax(s, "'&' is not the start of a reference (write &amp;)");
            return nullptr;
        }
        std::string_view name(r, static_cast<std::size_t>(n - r));
        char c;
        if (name == "lt") c = '<';
        else if (name == "gt") c = '>';
        else if (name == "amp") c = '&';
        else if (name == "quot") c = '"';
        else if (name == "apos") c = '\'';
        else {
            fail(errc::xml_forbidden, s,
                 "entity &" + detail::excerpt_for_message(name) +
                     "; refused (only the five predefined entities are read)");
            return nullptr;
        }
        out.push_back(c);
        return n + 1;
    }

    token prolog() {
        const char* s = p_;
        if (s == begin_) {
            if (starts_with(s, "\xEF\xBB\xBF")) s += 3;  // a UTF-8 byte order mark is allowed
            decl_allowed_at_ = s;
        }
        for (;;) {
            s = skip_space(s);
            if (s == end_) return syntax(s, "no root element");
            if (*s != '<' || s + 1 == end_) return syntax(s, "text before the root element");
            if (s[1] == '?') {
                s = processing_instruction(s);
            } else if (s[1] == '!') {
                s = bang_outside_text(s);
            } else {
                state_ = state::content;
                return start_tag(s);
            }
            if (!s) return token::error;
        }
    }

    token epilog() {
        const char* s = p_;
        for (;;) {
            s = skip_space(s);
            if (s == end_) {
                p_ = s;
                state_ = state::done;
                return token::end_document;
            }
            if (*s != '<' || s + 1 == end_) return syntax(s, "content after the root element");
            if (s[1] == '?') {
                s = processing_instruction(s);
            } else if (s[1] == '!') {
                s = bang_outside_text(s);
            } else {
                return syntax(s, "a second root element");
            }
            if (!s) return token::error;
        }
    }

    token content() {
        const char* s = p_;
        if (s == end_) return unexpected_end(s);
        if (*s == '<' && s + 1 != end_) {
            char c = s[1];
            if (c == '/') return end_tag(s);
            if (c != '!' && c != '?') return start_tag(s);
        }
        return text_run(s);
    }

    token unexpected_end(const char* s) {
        return syntax(s, "document ends inside <" + detail::excerpt_for_message(stack_.back()) + ">");
    }

    // Character data from s up to the next tag. A plain run (no reference, CDATA, comment,
    // PI or CR) is a view into the document; otherwise it is decoded into text_buf_.
    token text_run(const char* s) {
        // Fast path: a plain run ended by a tag, as between the elements of OSS documents.
        const char* stop = detail::skip_plain_text(s, end_);
        if (stop != end_ && *stop == '<' && stop + 1 != end_ && stop[1] != '!' && stop[1] != '?') {
            text_ = std::string_view(s, static_cast<std::size_t>(stop - s));
            p_ = stop;
            return token::text;
        }
        const char* run = s;
        bool buffered = false;
        auto flush = [&](const char* upto) {
            if (!buffered) {
                text_buf_.assign(run, upto);
                buffered = true;
            } else {
                text_buf_.append(run, upto);
            }
        };
        for (;;) {
            s = detail::skip_plain_text(s, end_);
            if (s == end_) return unexpected_end(s);
            auto c = static_cast<unsigned char>(*s);
            if (c == '<') {
                if (s + 1 == end_) return unexpected_end(s);
                if (s[1] == '!') {
                    flush(s);
                    if (starts_with(s, "<![CDATA[")) {
                        const char* body = s + 9;
                        const char* close = find(body, "]]>", "CDATA section");
                        if (!close || !check_chars(body, close)) return token::error;
                        // CR LF inside CDATA is still folded (line-end handling precedes parsing).
                        for (const char* k = body; k != close; ++k) {
                            if (*k == '\r') {
                                text_buf_.push_back('\n');
                                if (k + 1 != close && k[1] == '\n') ++k;
                            } else {
                                text_buf_.push_back(*k);
                            }
                        }
                        s = close + 3;
                    } else {
                        s = bang_outside_text(s);
                        if (!s) return token::error;
                    }
                    run = s;
                    continue;
                }
                if (s[1] == '?') {
                    flush(s);
                    s = processing_instruction(s);
                    if (!s) return token::error;
                    run = s;
                    continue;
                }
                break;  // a start or end tag ends the text
            }
            if (c == '&') {
                flush(s);
                s = reference(s, text_buf_);
                if (!s) return token::error;
                run = s;
            } else if (c == ']') {
                if (starts_with(s, "]]>")) return syntax(s, "']]>' in text");
                ++s;
            } else if (c == '\r') {
                flush(s);
                text_buf_.push_back('\n');
                ++s;
                if (s != end_ && *s == '\n') ++s;
                run = s;
            } else if (c >= 0x80) {
                std::size_t n = detail::utf8_char_length(s, end_);
                if (n == 0) return syntax(s, "invalid UTF-8");
                s += n;
            } else {
                return syntax(s, "control character " + std::to_string(c) + " is not allowed in XML");
            }
        }
        p_ = s;
        if (buffered) {
            text_buf_.append(run, s);
            if (text_buf_.empty()) return content();  // only comments or PIs: no token
            text_ = text_buf_;
        } else {
            text_ = std::string_view(run, static_cast<std::size_t>(s - run));
        }
        return token::text;
    }

    // s at '<' followed by a name-start candidate.
    token start_tag(const char* s) {
        const char* n = s + 1;
        const char* q = scan_name(n);
        if (!q) return syntax(n, "invalid element name");
        name_ = std::string_view(n, static_cast<std::size_t>(q - n));
        if (q != end_ && *q == '>' && stack_.size() < opt_.max_depth) {  // no attributes
            attrs_.clear();
            stack_.push_back(name_);
            p_ = q + 1;
            return token::start_element;
        }
        attrs_.clear();
        bool empty = false;
        for (;;) {
            if (q == end_) return syntax(q, "document ends inside a start tag");
            char c = *q;
            if (c == '>') {
                ++q;
                break;
            }
            if (c == '/') {
                if (q + 1 != end_ && q[1] == '>') {
                    q += 2;
                    empty = true;
                    break;
                }
                return syntax(q, "expected '>' after '/'");
            }
            if (!detail::is_xml_space(c)) return syntax(q, "expected whitespace, '>' or '/>' in a start tag");
            q = skip_space(q);
            if (q != end_ && (*q == '>' || *q == '/')) continue;
            q = attribute_at(q);
            if (!q) return token::error;
        }
        if (!decoded_.empty()) patch_decoded_attributes();
        if (stack_.size() >= opt_.max_depth)
            return fail(errc::xml_limit, s,
                        "element nesting exceeds max_depth " + std::to_string(opt_.max_depth));
        stack_.push_back(name_);
        pending_end_ = empty;
        p_ = q;
        return token::start_element;
    }

    // q at an attribute name; returns the position after its closing quote or nullptr.
    const char* attribute_at(const char* q) {
        const char* n = q;
        q = scan_name(n);
        if (!q) {
            syntax(n, "invalid attribute name");
            return nullptr;
        }
        std::string_view name(n, static_cast<std::size_t>(q - n));
        q = skip_space(q);
        if (q == end_ || *q != '=') {
            syntax(q, "expected '=' after attribute name");
            return nullptr;
        }
        q = skip_space(q + 1);
        if (q == end_ || (*q != '"' && *q != '\'')) {
            syntax(q, "expected a quoted attribute value");
            return nullptr;
        }
        char quote = *q++;
        const char* v = q;
        bool needs_decoding = false;
        for (;;) {
            if (q == end_) {
                syntax(v, "unterminated attribute value");
                return nullptr;
            }
            auto c = static_cast<unsigned char>(*q);
            if (c == static_cast<unsigned char>(quote)) break;
            if (c == '<') {
                syntax(q, "'<' in an attribute value");
                return nullptr;
            }
            if (c == '&' || c == '\t' || c == '\n' || c == '\r') {
                needs_decoding = true;
                ++q;
            } else if (c >= 0x80) {
                std::size_t len = detail::utf8_char_length(q, end_);
                if (len == 0) {
                    syntax(q, "invalid UTF-8");
                    return nullptr;
                }
                q += len;
            } else if (c < 0x20) {
                syntax(q, "control character " + std::to_string(c) + " is not allowed in XML");
                return nullptr;
            } else {
                ++q;
            }
        }
        if (attrs_.size() >= opt_.max_attributes) {
            fail(errc::xml_limit, n,
                 "more than max_attributes " + std::to_string(opt_.max_attributes) + " attributes");
            return nullptr;
        }
        for (const auto& a : attrs_)
            if (a.name == name) {
                syntax(n, "duplicate attribute '" + detail::excerpt_for_message(name) + "'");
                return nullptr;
            }
        std::string_view value(v, static_cast<std::size_t>(q - v));
        if (needs_decoding) {
            if (decoded_.empty()) attr_buf_.clear();
            std::size_t start = attr_buf_.size();
            // Attribute-value normalization: each whitespace character becomes a space,
            // after CR LF was folded to one line end.
            for (const char* k = v; k != q;) {
                char c = *k;
                if (c == '&') {
                    k = reference(k, attr_buf_);
                    if (!k) return nullptr;
                } else if (c == '\r') {
                    attr_buf_.push_back(' ');
                    ++k;
                    if (k != q && *k == '\n') ++k;
                } else {
                    attr_buf_.push_back(c == '\t' || c == '\n' ? ' ' : c);
                    ++k;
                }
            }
            decoded_.push_back({attrs_.size(), start, attr_buf_.size() - start});
        }
        attrs_.push_back({name, value});
        return q + 1;
    }

    // Decoded values live in attr_buf_, which may have moved while it grew: point the
    // views at their final place once the tag is complete.
    void patch_decoded_attributes() {
        for (const auto& d : decoded_)
            attrs_[d.index].value = std::string_view(attr_buf_.data() + d.offset, d.length);
        decoded_.clear();
    }

    // s at "</".
    token end_tag(const char* s) {
        const char* n = s + 2;
        std::string_view open = stack_.back();
        // Fast path: the name of the open element follows, then '>'.
        if (static_cast<std::size_t>(end_ - n) > open.size() && n[open.size()] == '>' &&
            same_bytes(n, open.data(), open.size())) {
            name_ = open;
            stack_.pop_back();
            if (stack_.empty()) state_ = state::epilog;
            p_ = n + open.size() + 1;
            return token::end_element;
        }
        const char* q = scan_name(n);
        if (!q) return syntax(n, "invalid element name in an end tag");
        std::string_view got(n, static_cast<std::size_t>(q - n));
        q = skip_space(q);
        if (q == end_ || *q != '>') return syntax(q, "expected '>' in an end tag");
        if (got != open)
            return syntax(s, "end tag </" + detail::excerpt_for_message(got) + "> does not match <" +
                                 detail::excerpt_for_message(open) + ">");
        name_ = open;
        stack_.pop_back();
        if (stack_.empty()) state_ = state::epilog;
        p_ = q + 1;
        return token::end_element;
    }

    struct decoded_attribute {
        std::size_t index, offset, length;
    };

    const char* begin_;
    const char* p_;
    const char* end_;
    const char* decl_allowed_at_ = nullptr;
    reader_options opt_;
    state state_ = state::prolog;
    bool pending_end_ = false;
    std::string_view name_;
    std::string_view text_;
    std::vector<std::string_view> stack_;
    std::vector<attribute> attrs_;
    std::vector<decoded_attribute> decoded_;
    std::string text_buf_;
    std::string attr_buf_;
    ossmp::error err_;
};

}  // namespace ossmp::inline v0::xml
