// Test support: a small JSON reader for vector files and CLI output. Test-only; the library
// itself never parses JSON. Strict RFC 8259 subset: UTF-8 text, \uXXXX escapes (with
// surrogate pairs), numbers kept as text so 64-bit integers survive exactly.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ossmp_test {

class json {
public:
    enum class kind { null, boolean, number, string, array, object };

    kind type() const { return kind_; }
    bool is_null() const { return kind_ == kind::null; }
    bool is_string() const { return kind_ == kind::string; }
    bool is_array() const { return kind_ == kind::array; }
    bool is_object() const { return kind_ == kind::object; }
    bool is_number() const { return kind_ == kind::number; }
    bool is_bool() const { return kind_ == kind::boolean; }

    const std::string& str() const { need(kind::string); return text_; }
    const std::string& number_text() const { need(kind::number); return text_; }
    bool boolean() const { need(kind::boolean); return b_; }
    std::uint64_t u64() const { need(kind::number); return std::stoull(text_); }
    std::int64_t i64() const { need(kind::number); return std::stoll(text_); }
    double f64() const { need(kind::number); return std::stod(text_); }
    const std::vector<json>& items() const { need(kind::array); return arr_; }
    const std::vector<std::pair<std::string, json>>& members() const { need(kind::object); return obj_; }

    bool contains(std::string_view k) const {
        if (kind_ != kind::object) return false;
        for (auto& [n, v] : obj_) if (n == k) return true;
        return false;
    }
    const json& operator[](std::string_view k) const {
        need(kind::object);
        for (auto& [n, v] : obj_) if (n == k) return v;
        throw std::runtime_error("json: no member '" + std::string(k) + "'");
    }
    const json& operator[](std::size_t i) const { need(kind::array); return arr_.at(i); }
    std::size_t size() const { return kind_ == kind::array ? arr_.size() : obj_.size(); }

    static json parse(std::string_view s) {
        std::size_t pos = 0;
        json v = parse_value(s, pos, 0);
        skip_ws(s, pos);
        if (pos != s.size()) fail(pos, "trailing characters");
        return v;
    }
    static json parse_file(const std::string& path) {
        std::ifstream f(path, std::ios::binary);
        if (!f) throw std::runtime_error("cannot open " + path);
        std::ostringstream ss;
        ss << f.rdbuf();
        return parse(ss.str());
    }

private:
    void need(kind k) const {
        if (kind_ != k) throw std::runtime_error("json: wrong type");
    }
    [[noreturn]] static void fail(std::size_t pos, const char* what) {
        throw std::runtime_error("json: " + std::string(what) + " at offset " + std::to_string(pos));
    }
    static void skip_ws(std::string_view s, std::size_t& pos) {
        while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\n' || s[pos] == '\r' || s[pos] == '\t')) ++pos;
    }
    static void put_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) out += char(cp);
        else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 63)); }
        else if (cp < 0x10000) { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 63)); out += char(0x80 | (cp & 63)); }
        else { out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 63)); out += char(0x80 | ((cp >> 6) & 63)); out += char(0x80 | (cp & 63)); }
    }
    static std::uint32_t hex4(std::string_view s, std::size_t& pos) {
        if (pos + 4 > s.size()) fail(pos, "short \\u escape");
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            char c = s[pos++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= c - '0';
            else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
            else fail(pos, "bad \\u escape");
        }
        return v;
    }
    static std::string parse_string(std::string_view s, std::size_t& pos) {
        if (s[pos] != '"') fail(pos, "expected string");
        ++pos;
        std::string out;
        while (true) {
            if (pos >= s.size()) fail(pos, "unterminated string");
            char c = s[pos++];
            if (c == '"') break;
            if (static_cast<unsigned char>(c) < 0x20) fail(pos, "control character in string");
            if (c != '\\') { out += c; continue; }
            if (pos >= s.size()) fail(pos, "bad escape");
            char e = s[pos++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                std::uint32_t cp = hex4(s, pos);
                if (cp >= 0xD800 && cp < 0xDC00) {
                    if (pos + 2 > s.size() || s[pos] != '\\' || s[pos + 1] != 'u') fail(pos, "lone surrogate");
                    pos += 2;
                    std::uint32_t lo = hex4(s, pos);
                    if (lo < 0xDC00 || lo > 0xDFFF) fail(pos, "bad surrogate pair");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                put_utf8(out, cp);
                break;
            }
            default: fail(pos, "bad escape");
            }
        }
        return out;
    }
    static json parse_value(std::string_view s, std::size_t& pos, int depth) {
        if (depth > 200) fail(pos, "nesting too deep");
        skip_ws(s, pos);
        if (pos >= s.size()) fail(pos, "unexpected end");
        json v;
        char c = s[pos];
        if (c == '{') {
            v.kind_ = kind::object;
            ++pos;
            skip_ws(s, pos);
            if (pos < s.size() && s[pos] == '}') { ++pos; return v; }
            while (true) {
                skip_ws(s, pos);
                std::string k = parse_string(s, pos);
                skip_ws(s, pos);
                if (pos >= s.size() || s[pos] != ':') fail(pos, "expected ':'");
                ++pos;
                v.obj_.emplace_back(std::move(k), parse_value(s, pos, depth + 1));
                skip_ws(s, pos);
                if (pos < s.size() && s[pos] == ',') { ++pos; continue; }
                if (pos < s.size() && s[pos] == '}') { ++pos; return v; }
                fail(pos, "expected ',' or '}'");
            }
        }
        if (c == '[') {
            v.kind_ = kind::array;
            ++pos;
            skip_ws(s, pos);
            if (pos < s.size() && s[pos] == ']') { ++pos; return v; }
            while (true) {
                v.arr_.push_back(parse_value(s, pos, depth + 1));
                skip_ws(s, pos);
                if (pos < s.size() && s[pos] == ',') { ++pos; continue; }
                if (pos < s.size() && s[pos] == ']') { ++pos; return v; }
                fail(pos, "expected ',' or ']'");
            }
        }
        if (c == '"') {
            v.kind_ = kind::string;
            v.text_ = parse_string(s, pos);
            return v;
        }
        if (s.substr(pos, 4) == "null") { pos += 4; return v; }
        if (s.substr(pos, 4) == "true") { pos += 4; v.kind_ = kind::boolean; v.b_ = true; return v; }
        if (s.substr(pos, 5) == "false") { pos += 5; v.kind_ = kind::boolean; v.b_ = false; return v; }
        std::size_t start = pos;
        if (pos < s.size() && s[pos] == '-') ++pos;
        while (pos < s.size() && ((s[pos] >= '0' && s[pos] <= '9') || s[pos] == '.' || s[pos] == 'e' ||
                                  s[pos] == 'E' || s[pos] == '+' || s[pos] == '-'))
            ++pos;
        if (pos == start) fail(pos, "unexpected character");
        v.kind_ = kind::number;
        v.text_ = std::string(s.substr(start, pos - start));
        return v;
    }

    kind kind_ = kind::null;
    bool b_ = false;
    std::string text_;
    std::vector<json> arr_;
    std::vector<std::pair<std::string, json>> obj_;
};

}  // namespace ossmp_test
