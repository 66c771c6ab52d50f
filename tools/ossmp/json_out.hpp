// ossmp CLI: a minimal JSON writer for --json output (objects of strings, numbers, bools).
// Strings go through json_string (text_out.hpp), so the output is valid JSON whatever bytes
// a key or message holds.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "text_out.hpp"

namespace ossmp_cli {

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
