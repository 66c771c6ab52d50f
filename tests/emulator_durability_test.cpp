// Disk mode survives a restart: uploads, parts and objects written by one server are there
// for the next one on the same directory, and left-overs of an interrupted run are cleaned.
#include <catch2/catch.hpp>

#include <emulator_test_support.hpp>

#include <filesystem>
#include <fstream>

using namespace ossmp;
using emu_test::fixture;
using sv = signature_version;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
    fs::path path;
    temp_dir() {
        path = fs::temp_directory_path() / ("ossmp-emu-dur-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

emulator::config disk_config(const fs::path& p) {
    auto c = emu_test::default_config();
    c.dir = p.string();
    return c;
}

void write_file(const fs::path& p, std::string_view text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

std::size_t count_files(const fs::path& root, std::string_view suffix) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        auto name = e.path().filename().string();
        if (e.is_regular_file() && name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix) ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("parts uploaded before a restart complete after it", "[emulator][durability]") {
    temp_dir dir;
    auto key = std::string("dur/\xe2\x82\xac key+%");
    std::vector<std::string> parts = {emu_test::pattern_bytes(min_part_size + 1, 1), emu_test::pattern_bytes(min_part_size, 2),
                                      emu_test::pattern_bytes(777, 3)};
    std::string upload_id;
    std::vector<completed_part> done;
    auto obj = emu_test::pattern_bytes(5000, 8);
    {
        fixture f(disk_config(dir.path));
        initiate_options io;
        io.content_type = "video/x-durable";
        io.metadata = {{"kept", "yes"}};
        auto ir = parse_initiate_result(f.run(make_initiate_request(f.ep, "bucket", key, io).value(), sv::v4));
        REQUIRE(ir.has_value());
        upload_id = ir->upload_id;
        // Part 2 is uploaded twice; the second upload wins.
        auto junk = emu_test::pattern_bytes(min_part_size, 99);
        REQUIRE(f.run(make_upload_part_request(f.ep, "bucket", key, upload_id, 2, {0, junk.size()}).value(), sv::v4, junk).status == 200);
        for (std::uint32_t n = 1; n <= 2; ++n) {
            auto r = parse_upload_part_result(
                f.run(make_upload_part_request(f.ep, "bucket", key, upload_id, n, {0, parts[n - 1].size()}).value(), sv::v1,
                      parts[n - 1]),
                n);
            REQUIRE(r.has_value());
            done.push_back({n, r->etag});
        }
        REQUIRE(f.run(make_put_object_request(f.ep, "bucket", "plain object", {0, obj.size()}).value(), sv::v4, obj).status == 200);
        REQUIRE(f.run(make_create_bucket_request(f.ep, "made-later").value(), sv::v4).status == 200);
    }  // stopped
    CHECK(count_files(dir.path, ".data") == 3);  // two parts and one object: the replaced part is gone
    {
        fixture f(disk_config(dir.path));
        auto lu = parse_list_uploads_result(f.run(make_list_uploads_request(f.ep, "bucket").value(), sv::v4));
        REQUIRE(lu.has_value());
        REQUIRE(lu->uploads.size() == 1);
        CHECK(lu->uploads[0].key == key);
        CHECK(lu->uploads[0].upload_id == upload_id);
        auto lp = parse_list_parts_result(f.run(make_list_parts_request(f.ep, "bucket", key, upload_id).value(), sv::v4));
        REQUIRE(lp.has_value());
        REQUIRE(lp->parts.size() == 2);
        CHECK(lp->parts[1].etag == done[1].etag);
        CHECK(lp->parts[1].crc64 == crc64_of(parts[1]));
        auto r3 = parse_upload_part_result(
            f.run(make_upload_part_request(f.ep, "bucket", key, upload_id, 3, {0, parts[2].size()}).value(), sv::v4, parts[2]), 3);
        REQUIRE(r3.has_value());
        done.push_back({3, r3->etag});
        auto cr = parse_complete_result(f.run(make_complete_request(f.ep, "bucket", key, upload_id, done).value(), sv::v4));
        REQUIRE(cr.has_value());
        CHECK(f.run(make_get_object_request(f.ep, "bucket", "plain object").value(), sv::v1).body == obj);
        CHECK(f.run(make_initiate_request(f.ep, "made-later", "k").value(), sv::v1).status == 200);
    }
    {
        fixture f(disk_config(dir.path));
        auto g = f.run(make_get_object_request(f.ep, "bucket", key).value(), sv::v4);
        REQUIRE(g.status == 200);
        CHECK(g.body == parts[0] + parts[1] + parts[2]);
        CHECK(g.headers.get_or("Content-Type") == "video/x-durable");
        CHECK(g.headers.get_or("x-oss-meta-kept") == "yes");
        CHECK(g.headers.get_or("x-oss-object-type") == "Multipart");
        std::uint64_t crc = 0;
        for (const auto& p : parts) crc = crc64_combine(crc, crc64_of(p), p.size());
        CHECK(g.headers.get_or("x-oss-hash-crc64ecma") == std::to_string(crc));
        auto lu = parse_list_uploads_result(f.run(make_list_uploads_request(f.ep, "bucket").value(), sv::v4));
        CHECK(lu->uploads.empty());
        // Aborts and deletes are durable too.
        auto ir = parse_initiate_result(f.run(make_initiate_request(f.ep, "bucket", "to-abort").value(), sv::v4));
        REQUIRE(f.run(make_abort_request(f.ep, "bucket", "to-abort", ir->upload_id).value(), sv::v4).status == 204);
        REQUIRE(f.run(make_delete_object_request(f.ep, "bucket", "plain object").value(), sv::v4).status == 204);
    }
    {
        fixture f(disk_config(dir.path));
        CHECK(f.run(make_get_object_request(f.ep, "bucket", "plain object").value(), sv::v4).status == 404);
        CHECK(parse_list_uploads_result(f.run(make_list_uploads_request(f.ep, "bucket").value(), sv::v4))->uploads.empty());
        CHECK(count_files(dir.path, ".data") == 1);
    }
}

TEST_CASE("left-overs of an interrupted run are removed at start", "[emulator][durability]") {
    temp_dir dir;
    std::string upload_id;
    {
        fixture f(disk_config(dir.path));
        auto ir = parse_initiate_result(f.run(make_initiate_request(f.ep, "bucket", "live").value(), sv::v4));
        upload_id = ir->upload_id;
        REQUIRE(f.run(make_upload_part_request(f.ep, "bucket", "live", upload_id, 1, {0, 2}).value(), sv::v4, "ok").status == 200);
        REQUIRE(f.run(make_put_object_request(f.ep, "bucket", "obj", {0, 3}).value(), sv::v4, "obj").status == 200);
    }
    auto b = dir.path / "buckets" / "bucket";
    write_file(dir.path / "tmp" / "half-written.part", "partial");
    write_file(b / "objects" / "0123456789abcdef0123456789abcdef.data", "orphan object body");
    write_file(b / "uploads" / upload_id / "fedcba9876543210fedcba9876543210.data", "orphan part body");
    // An upload whose record was removed (completed or aborted mid-cleanup).
    fs::create_directories(b / "uploads" / "00000000000000000000000000000000");
    write_file(b / "uploads" / "00000000000000000000000000000000" / "part-1.meta", "number=1\nend=\n");
    // A truncated object record is ignored.
    write_file(b / "objects" / (std::string(64, 'a') + ".meta"), "key=trunc");
    {
        fixture f(disk_config(dir.path));
        CHECK(fs::is_empty(dir.path / "tmp"));
        CHECK_FALSE(fs::exists(b / "objects" / "0123456789abcdef0123456789abcdef.data"));
        CHECK_FALSE(fs::exists(b / "uploads" / upload_id / "fedcba9876543210fedcba9876543210.data"));
        CHECK_FALSE(fs::exists(b / "uploads" / "00000000000000000000000000000000"));
        CHECK(f.run(make_get_object_request(f.ep, "bucket", "obj").value(), sv::v4).body == "obj");
        auto lp = parse_list_parts_result(f.run(make_list_parts_request(f.ep, "bucket", "live", upload_id).value(), sv::v4));
        REQUIRE(lp.has_value());
        CHECK(lp->parts.size() == 1);
    }
}

TEST_CASE("a directory of another format is refused; memory mode forgets", "[emulator][durability]") {
    temp_dir dir;
    write_file(dir.path / "format", "something else\n");
    auto s = emulator::server::start(disk_config(dir.path));
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code == errc::io_error);

    {
        fixture f;
        REQUIRE(f.run(make_put_object_request(f.ep, "bucket", "m", {0, 1}).value(), sv::v4, "m").status == 200);
    }
    fixture g;
    CHECK(g.run(make_get_object_request(g.ep, "bucket", "m").value(), sv::v4).status == 404);
}
