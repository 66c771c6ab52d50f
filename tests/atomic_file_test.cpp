// write_file_atomically: each writer has its own temporary file, so concurrent writers of
// one path (two `ossmp cp` runs sharing a checkpoint path, say) never fail on each other's
// temporary file and the file always holds one whole text.
#include <catch2/catch.hpp>

#include <ossmp/atomic_file.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>

using namespace ossmp;

namespace {

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        char tmpl[] = "/tmp/ossmp-atomic-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Writer w's text: its number repeated, so a torn or mixed file is recognisable.
std::string text_of(int w, int round) { return std::string(4096 + 97 * static_cast<std::size_t>(w), char('a' + w)) + std::to_string(round); }

}  // namespace

TEST_CASE("concurrent writers of one path all succeed and never leave a torn file", "[atomic_file]") {
    temp_dir dir;
    auto path = (dir.path / "cp").string();
    constexpr int writers = 4, rounds = 150;
    std::atomic<int> failures{0};
    std::string first_failure;
    std::atomic<bool> reported{false};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            for (int i = 0; i < rounds; ++i) {
                auto r = write_file_atomically(path, text_of(w, i));
                if (!r) {
                    ++failures;
                    if (!reported.exchange(true)) first_failure = r.error().message;
                }
            }
        });
    for (auto& t : threads) t.join();
    INFO(first_failure);
    CHECK(failures.load() == 0);
    auto final_text = slurp(path);
    bool whole = false;
    for (int w = 0; w < writers; ++w)
        for (int i = 0; i < rounds; ++i) whole |= final_text == text_of(w, i);
    CHECK(whole);
    for (const auto& e : std::filesystem::directory_iterator(dir.path)) CHECK(e.path().filename() == "cp");
}

TEST_CASE("a failed write leaves the old file and no temporary file", "[atomic_file]") {
    temp_dir dir;
    auto path = (dir.path / "cp").string();
    REQUIRE(write_file_atomically(path, "old"));
    // A directory in the way of the rename: the write fails, naming the path.
    auto blocked = (dir.path / "sub").string();
    std::filesystem::create_directory(blocked);
    std::filesystem::create_directory(blocked + "/inside");
    auto r = write_file_atomically(blocked, "new");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::io_error);
    CHECK(r.error().message.find(blocked) != std::string::npos);
    CHECK(slurp(path) == "old");
    for (const auto& e : std::filesystem::directory_iterator(dir.path))
        CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
    CHECK_FALSE(write_file_atomically((dir.path / "missing" / "cp").string(), "x"));
}
