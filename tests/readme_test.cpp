// README.md's contracts: the first code block under "## Quick start" holds exactly the two
// commands (main job first, then the tests) that .ci/run and users rely on, and the driver
// loop the README shows is, line for line, the compiled one in examples/driver_loop.hpp.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream ss(text);
    for (std::string line; std::getline(ss, line);) out.push_back(line);
    return out;
}

int failures = 0;
void check(bool ok, const std::string& what) {
    std::printf("%s: %s\n", ok ? "ok" : "FAIL", what.c_str());
    failures += !ok;
}

}  // namespace

int main() {
    const std::string root = OSSMP_SOURCE_DIR;
    auto readme = lines_of(slurp(root + "/README.md"));
    check(!readme.empty(), "README.md is readable");

    // Quick start: the first fenced block after the heading.
    std::size_t i = 0;
    while (i < readme.size() && readme[i] != "## Quick start") ++i;
    check(i < readme.size(), "README has a '## Quick start' heading");
    while (i < readme.size() && readme[i].rfind("```", 0) != 0) ++i;
    std::vector<std::string> commands;
    for (++i; i < readme.size() && readme[i].rfind("```", 0) != 0; ++i)
        if (!readme[i].empty()) commands.push_back(readme[i]);
    check(commands.size() == 2, "the Quick start block holds exactly two commands");
    check(commands.size() == 2 && commands[0] == "sh examples/demo.sh", "the first command runs the demo");
    check(commands.size() == 2 && commands[1] == "sh tests/run.sh", "the second command runs the tests");
    auto ci = slurp(root + "/.ci/run");
    check(ci.find("tests/run.sh") != std::string::npos, ".ci/run calls the README's test command");

    // The driver loop.
    auto example = lines_of(slurp(root + "/examples/driver_loop.hpp"));
    std::vector<std::string> block;
    bool in = false;
    for (const auto& l : example) {
        if (l.find("// END README driver_loop") != std::string::npos) break;
        if (in) block.push_back(l);
        if (l.find("// BEGIN README driver_loop") != std::string::npos) in = true;
    }
    check(block.size() > 20, "examples/driver_loop.hpp has its README block");
    bool found = false;
    for (std::size_t s = 0; s + block.size() <= readme.size() && !found; ++s) {
        found = true;
        for (std::size_t k = 0; k < block.size() && found; ++k) found = readme[s + k] == block[k];
    }
    check(found, "README shows the driver loop exactly as examples/driver_loop.hpp compiles it");
    std::printf("%d failed\n", failures);
    return failures ? 1 : 0;
}
