// ossmp emulator internals: writing the XML documents OSS answers with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <ossmp/xml/escape.hpp>

namespace ossmp::inline v0::emulator::detail {

// Builds an indented document the way OSS's examples show them; text goes through
// ossmp::xml::escape.
class xml_writer {
public:
    xml_writer() { out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }
    void open(std::string_view name) {
        indent();
        out_ += '<';
        out_ += name;
        out_ += ">\n";
        stack_.emplace_back(name);
    }
    void close() {
        auto name = std::move(stack_.back());
        stack_.pop_back();
        indent();
        out_ += "</";
        out_ += name;
        out_ += ">\n";
    }
    void leaf(std::string_view name, std::string_view text) {
        indent();
        out_ += '<';
        out_ += name;
        out_ += '>';
        xml::escape_to(out_, text);
        out_ += "</";
        out_ += name;
        out_ += ">\n";
    }
    std::string finish() {
        while (!stack_.empty()) close();
        return std::move(out_);
    }

private:
    void indent() { out_.append(2 * stack_.size(), ' '); }
    std::string out_;
    std::vector<std::string> stack_;
};

}  // namespace ossmp::inline v0::emulator::detail
