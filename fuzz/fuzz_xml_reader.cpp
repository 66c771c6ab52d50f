// Invariant: the reader accepts or refuses every input without crashing, hanging or
// exhausting memory, under default and under tight limits (chosen by the first byte):
// depth never exceeds max_depth, attributes never exceed max_attributes, every end tag
// matches its start tag, token count is bounded by the input size, end_document comes
// only with every element closed, and errors are sticky. For every accepted document,
// writing its tokens back as canonical XML (escaped text and attributes) and reading that
// gives the identical canonical document (read -> write -> read -> write is stable).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/xml/escape.hpp>
#include <ossmp/xml/reader.hpp>

#include "fuzz_response.hpp"

namespace {

std::optional<std::string> canonical(std::string_view doc, const ossmp::xml::reader_options& opt) {
    ossmp::xml::reader r(doc, opt);
    std::vector<std::string> open;
    std::string out;
    std::size_t tokens = 0;
    for (;;) {
        auto t = r.next();
        ++tokens;
        FUZZ_CHECK(tokens <= 2 * doc.size() + 2);
        FUZZ_CHECK(r.depth() <= opt.max_depth);
        switch (t) {
        case ossmp::xml::token::start_element:
            FUZZ_CHECK(r.attributes().size() <= opt.max_attributes);
            FUZZ_CHECK(!r.name().empty());
            open.emplace_back(r.name());
            FUZZ_CHECK(r.depth() == open.size());
            out += '<';
            out += r.name();
            for (const auto& a : r.attributes()) {
                out += ' ';
                out += a.name;
                out += "=\"";
                ossmp::xml::escape_to(out, a.value);
                out += '"';
            }
            out += '>';
            break;
        case ossmp::xml::token::end_element:
            FUZZ_CHECK(!open.empty() && open.back() == r.name());
            open.pop_back();
            FUZZ_CHECK(r.depth() == open.size());
            out += "</";
            out += r.name();
            out += '>';
            break;
        case ossmp::xml::token::text:
            FUZZ_CHECK(!open.empty());
            FUZZ_CHECK(!r.text().empty());
            ossmp::xml::escape_to(out, r.text());
            break;
        case ossmp::xml::token::end_document:
            FUZZ_CHECK(open.empty());
            FUZZ_CHECK(r.next() == ossmp::xml::token::end_document);
            return out;
        case ossmp::xml::token::error:
            FUZZ_CHECK(r.error().code == ossmp::errc::xml_syntax || r.error().code == ossmp::errc::xml_limit ||
                       r.error().code == ossmp::errc::xml_forbidden);
            FUZZ_CHECK(r.next() == ossmp::xml::token::error);
            FUZZ_CHECK(r.error().message.size() < 512);
            return std::nullopt;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view doc(reinterpret_cast<const char*>(data), size);
    ossmp::xml::reader_options opt;
    if (size > 0 && (data[0] & 1)) {
        opt.max_depth = 1 + (data[0] >> 5);
        opt.max_attributes = (data[0] >> 1) & 3;
        opt.max_document_size = 64 + (data[0] << 4);
    }
    auto c1 = canonical(doc, opt);
    if (c1) {
        // The canonical form is never larger in depth or attributes, but may be longer.
        ossmp::xml::reader_options loose = opt;
        loose.max_document_size = c1->size();
        auto c2 = canonical(*c1, loose);
        FUZZ_CHECK(c2 && *c2 == *c1);
    }
    return 0;
}
