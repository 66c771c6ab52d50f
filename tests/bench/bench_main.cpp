// ossmp-bench: runs every registered benchmark group, or those named on the command line
// (a name matches when it is a prefix of the group name). `--list` prints the groups.
#include "bench.hpp"

#include <cstring>

int main(int argc, char** argv) {
    auto& groups = ossmp_bench::registry();
    if (argc > 1 && std::strcmp(argv[1], "--list") == 0) {
        for (auto& g : groups) std::printf("%s\n", g.name);
        return 0;
    }
    int ran = 0;
    for (auto& g : groups) {
        bool selected = argc == 1;
        for (int i = 1; i < argc; ++i)
            if (std::strncmp(g.name, argv[i], std::strlen(argv[i])) == 0) selected = true;
        if (!selected) continue;
        g.run();
        ++ran;
    }
    if (ran == 0) {
        std::fprintf(stderr, "ossmp-bench: no benchmark group matches; try --list\n");
        return 2;
    }
    return 0;
}
