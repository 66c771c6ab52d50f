// ossmp CLI: a minimal JSON writer for --json output (objects of strings, numbers, bools).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ossmp_cli {

/// Appends `s` as a JSON string literal (UTF-8 passed through; control bytes escaped).
inline void json_string(std::string& out, std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

/// Builds one JSON object field by field.
class json_object {
public:
    json_object& str(std::string_view k, std::string_view v) {
        key(k);
        json_string(out_, v);
        return *this;
    }
    json_object& num(std::string_view k, std::uint64_t v) {
        key(k);
        out_ += std::to_string(v);
        return *this;
    }
    json_object& real(std::string_view k, double v) {
        key(k);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f", v);
        out_ += buf;
        return *this;
    }
    json_object& boolean(std::string_view k, bool v) {
        key(k);
        out_ += v ? "true" : "false";
        return *this;
    }
    /// Adds a pre-rendered JSON value (an array or object).
    json_object& raw(std::string_view k, std::string_view json) {
        key(k);
        out_ += json;
        return *this;
    }
    std::string done() const { return out_ + "}"; }

private:
    void key(std::string_view k) {
        out_ += out_.size() == 1 ? "" : ",";
        json_string(out_, k);
        out_ += ':';
    }
    std::string out_ = "{";
};

}  // namespace ossmp_cli
