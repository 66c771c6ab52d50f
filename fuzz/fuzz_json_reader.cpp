// Invariant: json::parse answers every input without crashing, within its bounds. Byte 0
// odd selects tight limits (64 bytes, depth 3, 16 values) for the rest of the input. An
// error is json_syntax or json_limit with one of the reader's fixed messages and an
// offset within the input: it never quotes the document. A success respects the limits,
// and writing the tree back canonically (no whitespace, strings re-escaped) gives a
// document that parses to the same canonical text: what was read is what was there.
#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/json/reader.hpp>

#include "fuzz_json.hpp"
#include "fuzz_response.hpp"

namespace {
void write(const ossmp::json::value& v, std::string& out, std::size_t depth, std::size_t& count) {
    ++count;
    auto str = [&](std::string_view s) { out += fuzz_support::json_quote(s); };
    using k = ossmp::json::kind;
    switch (v.kind()) {
    case k::null: out += "null"; break;
    case k::boolean: out += v.as_bool() ? "true" : "false"; break;
    case k::number: out += v.number_text(); break;
    case k::string: str(v.as_string()); break;
    case k::array:
        FUZZ_CHECK(v.key(0).empty());
        out.push_back('[');
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) out.push_back(',');
            write(v[i], out, depth + 1, count);
        }
        out.push_back(']');
        break;
    case k::object:
        out.push_back('{');
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) out.push_back(',');
            str(v.key(i));
            FUZZ_CHECK(v.find(v.key(i)) == &v[i]);  // names are unique
            out.push_back(':');
            write(v[i], out, depth + 1, count);
        }
        out.push_back('}');
        break;
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ossmp::json::reader_options opt;
    std::string_view doc(reinterpret_cast<const char*>(data), size);
    if (size > 0 && (data[0] & 1)) {
        opt.max_document_size = 64;
        opt.max_depth = 3;
        opt.max_values = 16;
        doc.remove_prefix(1);
    }
    auto r = ossmp::json::parse(doc, opt);
    if (!r) {
        const auto& e = r.error();
        FUZZ_CHECK(e.code == ossmp::errc::json_syntax || e.code == ossmp::errc::json_limit);
        FUZZ_CHECK(fuzz_support::is_known_message(e.message));
        auto at = e.message.rfind(" at byte ");
        if (at != std::string::npos) FUZZ_CHECK(std::stoull(e.message.substr(at + 9)) <= doc.size());
        return 0;
    }
    FUZZ_CHECK(doc.size() <= opt.max_document_size);
    std::string canonical;
    std::size_t count = 0;
    write(*r, canonical, 0, count);
    FUZZ_CHECK(count <= opt.max_values);
    ossmp::json::reader_options loose;  // same depth and count; size is whatever the escapes make it
    loose.max_document_size = canonical.size();
    loose.max_depth = opt.max_depth;
    loose.max_values = opt.max_values;
    auto again = ossmp::json::parse(canonical, loose);
    FUZZ_CHECK(again.has_value());
    std::string twice;
    std::size_t count2 = 0;
    write(*again, twice, 0, count2);
    FUZZ_CHECK(twice == canonical);
    FUZZ_CHECK(count2 == count);
    return 0;
}
