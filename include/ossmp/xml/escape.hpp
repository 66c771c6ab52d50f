// ossmp: escaping text for XML documents the library writes.
#pragma once

#include <string>
#include <string_view>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::xml {

/// Appends `text` to `out` escaped for XML character data or attribute values: the five
/// predefined entities replace & < > " ', and TAB, LF and CR become character references
/// (a reader folds a raw CR to LF in text and turns all three into spaces in attribute
/// values, so only references carry them through). Other bytes pass through unchanged.
inline void escape_to(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\t': out += "&#9;"; break;
        case '\n': out += "&#10;"; break;
        case '\r': out += "&#13;"; break;
        default: out.push_back(c);
        }
    }
}

/// `text` escaped for XML (see escape_to).
inline std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    escape_to(out, text);
    return out;
}

}  // namespace ossmp::inline v0::xml
