// README.md's copy of the custom-transport example must equal the block between the
// `// BEGIN README` and `// END README` lines of examples/custom_transport.cpp (the marker
// lines themselves excluded), so the README never shows code that does not build or run.
// README.md has a copy once it contains the block's anchor line ("struct socket_transport
// {"); it may frame the copy as it likes (a ```cpp fence), but the block's lines must
// appear in it consecutively and unchanged. Without a copy the test is skipped (exit 77).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef OSSMP_SOURCE_DIR
#error "OSSMP_SOURCE_DIR must name the source tree"
#endif

namespace {

bool read_file(const std::string& path, std::string& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    std::ostringstream ss;
    ss << f.rdbuf();
    out.clear();
    for (char c : ss.str())
        if (c != '\r') out.push_back(c);
    return true;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream ss(text);
    for (std::string line; std::getline(ss, line);) out.push_back(line);
    return out;
}

bool is_marker(const std::string& line, const char* word) {
    auto p = line.find_first_not_of(" \t");
    return p != std::string::npos && line.compare(p, 3, "// ") == 0 && line.compare(p + 3, std::string(word).size(), word) == 0;
}

}  // namespace

int main() {
    const std::string root = OSSMP_SOURCE_DIR;
    std::string example, readme;
    if (!read_file(root + "/examples/custom_transport.cpp", example)) {
        std::printf("FAIL: cannot read examples/custom_transport.cpp\n");
        return 1;
    }
    auto lines = lines_of(example);
    std::size_t begin = lines.size(), end = lines.size();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (begin == lines.size() && is_marker(lines[i], "BEGIN README")) begin = i;
        else if (begin != lines.size() && is_marker(lines[i], "END README")) {
            end = i;
            break;
        }
    }
    if (begin == lines.size() || end == lines.size() || end <= begin + 1) {
        std::printf("FAIL: examples/custom_transport.cpp has no '// BEGIN README' ... '// END README' block\n");
        return 1;
    }
    std::vector<std::string> block(lines.begin() + static_cast<long>(begin) + 1, lines.begin() + static_cast<long>(end));
    std::printf("examples/custom_transport.cpp: README block of %zu lines (%zu..%zu)\n", block.size(), begin + 2, end);

    if (!read_file(root + "/README.md", readme)) {
        std::printf("SKIP: README.md not found\n");
        return 77;
    }
    const std::string anchor = "struct socket_transport {";
    auto rl = lines_of(readme);
    std::size_t at = rl.size();
    for (std::size_t i = 0; i < rl.size(); ++i)
        if (rl[i] == anchor) {
            at = i;
            break;
        }
    if (at == rl.size()) {
        std::printf("SKIP: README.md has no copy of the custom transport example yet (no line \"%s\")\n",
                    anchor.c_str());
        return 77;
    }
    // Align the copy on the anchor, then compare line by line.
    std::size_t anchor_in_block = 0;
    while (anchor_in_block < block.size() && block[anchor_in_block] != anchor) ++anchor_in_block;
    if (anchor_in_block == block.size()) {
        std::printf("FAIL: the example's README block lost its anchor line \"%s\"\n", anchor.c_str());
        return 1;
    }
    if (at < anchor_in_block) {
        std::printf("FAIL: README.md's copy starts too early: it lacks the block's first %zu lines\n", anchor_in_block - at);
        return 1;
    }
    std::size_t start = at - anchor_in_block;
    for (std::size_t i = 0; i < block.size(); ++i) {
        const std::string* got = start + i < rl.size() ? &rl[start + i] : nullptr;
        if (!got || *got != block[i]) {
            std::printf("FAIL: README.md line %zu differs from examples/custom_transport.cpp line %zu\n"
                        "  example: %s\n  README:  %s\n"
                        "Copy the block between the BEGIN/END README markers into README.md verbatim.\n",
                        start + i + 1, begin + 2 + i, block[i].c_str(), got ? got->c_str() : "(end of file)");
            return 1;
        }
    }
    std::printf("README.md lines %zu..%zu match the example's block\n", start + 1, start + block.size());
    return 0;
}
