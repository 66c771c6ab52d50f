// End to end, against the in-process emulator through ossmp::run and the cpp-httplib
// adapter: a resumed upload re-checks what it did not send in this run, and a source that
// changes while it is uploaded is never completed (issue 16, items 1 and 2).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <ossmp/adapters/httplib.hpp>

#include "adapter_conformance.hpp"

using namespace adapter_test;
namespace oh = ossmp::adapters::httplib;

namespace {

constexpr std::uint64_t kib = 1024;

oh::client make_client() { return oh::client(oh::options{}); }
struct httplib_kind {
    static oh::client make_client() { return ::make_client(); }
};

template <BodySource S>
result<upload_outcome> upload(upload_machine& m, S& source, const run_options& opts = {}) {
    thread_pool_transport<oh::client> pool(m.max_in_flight(), [] { return make_client(); });
    return run(m, pool, source, opts);
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Writes `bytes` at `offset` of the file in place (same inode), then, when asked, puts the
// modification time back as it was, as `touch -r` would.
void edit_in_place(const std::filesystem::path& p, std::uint64_t offset, std::string_view bytes,
                   bool restore_mtime) {
    struct stat before {};
    REQUIRE(::stat(p.c_str(), &before) == 0);
    int fd = ::open(p.c_str(), O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)) == static_cast<ssize_t>(bytes.size()));
    ::close(fd);
    if (restore_mtime) {
        timespec times[2] = {before.st_atim, before.st_mtim};
        REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, 0) == 0);
    }
}

upload_config config_for(const test_emulator& e, const std::string& key, std::uint64_t size) {
    upload_spec spec;
    spec.key = key;
    spec.size = size;
    spec.part_size = 100 * kib;
    spec.in_flight = 2;
    return make_config(e, spec);
}

}  // namespace

// Issue 16 item 1: 32 parts of 100 KiB, paused after 8; 25 bytes inside part 2 change and
// the mtime is put back, so size, mtime and the sampled fingerprint all still match the
// checkpoint. The resumed upload must re-check part 2 against the file and re-send it.
TEST_CASE("a resume re-checks checkpointed parts against the file and re-sends what changed",
          "[safety][resume][emulator]") {
    test_emulator e;
    std::string data = pattern(32 * 100 * kib, 21);
    temp_file tf(data, "resume-edit.bin");
    temp_file cp_file("", "resume-edit.bin.ossmp-checkpoint");
    const std::string key = "safety/resume-edit.bin";

    auto cfg = config_for(e, key, data.size());
    cfg.checkpoints = true;
    cfg.on_cancel = end_policy::keep;
    {
        auto src = file_source::open(tf.path.string()).value();
        cfg.source = src.identity().value();
        auto m = upload_machine::create(cfg).value();
        run_options o;
        o.checkpoint_path = cp_file.path.string();
        o.on_step = [](const progress& p) { return p.parts_done >= 8; };
        auto r = upload(m, src, o);
        REQUIRE_FALSE(r);
        REQUIRE(r.error().code == errc::cancelled);
    }
    auto cp = parse_checkpoint(slurp(cp_file.path)).value();
    bool has_part2 = false;
    for (const auto& p : cp.parts) has_part2 = has_part2 || p.part_number == 2;
    REQUIRE(has_part2);
    REQUIRE(cp.parts.size() < 32);

    std::string edited = data;
    const std::string patch(25, '#');
    edited.replace(150 * kib, patch.size(), patch);
    edit_in_place(tf.path, 150 * kib, patch, true);

    auto src = file_source::open(tf.path.string()).value();
    cfg.source = src.identity().value();
    auto m = upload_machine::resume(cfg, cp);
    INFO((m ? std::string("resumed") : m.error().what()));
    REQUIRE(m);
    run_options o;
    o.checkpoint_path = cp_file.path.string();
    auto r = upload(*m, src, o);
    INFO((r ? std::string("completed") : r.error().what()));
    REQUIRE(r);
    CHECK(r->crc64 == crc64_of(edited));
    require_object<httplib_kind>(e, addressing_style::path, signature_version::v4, key, edited);
}

// The same edit when the upload is resumed by its id alone (no checkpoint): every part OSS
// lists is checked against the file before it is kept.
TEST_CASE("a resume by upload id re-checks listed parts against the file", "[safety][resume][emulator]") {
    test_emulator e;
    std::string data = pattern(12 * 100 * kib, 22);
    temp_file tf(data, "resume-id.bin");
    const std::string key = "safety/resume-id.bin";
    auto cfg = config_for(e, key, data.size());
    cfg.on_cancel = end_policy::keep;
    std::string upload_id;
    {
        auto src = file_source::open(tf.path.string()).value();
        cfg.source = src.identity().value();
        auto m = upload_machine::create(cfg).value();
        run_options o;
        o.on_step = [](const progress& p) { return p.parts_done >= 6; };
        auto r = upload(m, src, o);
        REQUIRE_FALSE(r);
        REQUIRE(r.error().code == errc::cancelled);
        upload_id = m.upload_id();
    }
    std::string edited = data;
    const std::string patch(25, '@');
    edited.replace(250 * kib, patch.size(), patch);  // inside part 3
    edit_in_place(tf.path, 250 * kib, patch, true);
    auto src = file_source::open(tf.path.string()).value();
    cfg.source = src.identity().value();
    auto m = upload_machine::resume_upload(cfg, upload_id).value();
    auto r = upload(m, src);
    INFO((r ? std::string("completed") : r.error().what()));
    REQUIRE(r);
    require_object<httplib_kind>(e, addressing_style::path, signature_version::v4, key, edited);
}

// Issue 16 item 2: the file changes while parts are being sent. Whatever the change (bytes
// rewritten in place, even with the mtime put back; bytes appended), the upload must not
// complete: it fails with source_changed, stores no object, and keeps the upload (named in
// the error) so that a deliberate resume can finish it with the new content.
TEST_CASE("a source that changes during the upload is never completed", "[safety][changed][emulator]") {
    struct change_case {
        const char* name;
        bool append;
        bool restore_mtime;
    };
    for (const auto& c : {change_case{"rewritten in place", false, false},
                          change_case{"rewritten in place, mtime put back", false, true},
                          change_case{"appended to", true, false}}) {
        INFO(c.name);
        test_emulator e;
        std::string data = pattern(32 * 100 * kib, 23);
        temp_file tf(data, "changing.bin");
        const std::string key = "safety/changing.bin";
        auto cfg = config_for(e, key, data.size());
        auto src = file_source::open(tf.path.string()).value();
        cfg.source = src.identity().value();
        auto m = upload_machine::create(cfg).value();
        std::string now_data = data;
        bool changed = false;
        run_options o;
        o.on_step = [&](const progress& p) {
            if (!changed && p.parts_done >= 4) {
                changed = true;
                if (c.append) {
                    std::ofstream(tf.path, std::ios::binary | std::ios::app) << "appended bytes";
                    now_data += "appended bytes";
                } else {
                    std::string fresh = pattern(data.size(), 24);
                    edit_in_place(tf.path, 0, fresh, c.restore_mtime);
                    now_data = fresh;
                }
            }
            return false;
        };
        auto r = upload(m, src, o);
        REQUIRE(changed);
        REQUIRE_FALSE(r);
        INFO(r.error().what());
        CHECK(r.error().code == errc::source_changed);
        CHECK(r.error().what().find("changed during the upload") != std::string::npos);
        CHECK(r.error().kept_upload_id == m.upload_id());
        auto client = make_client();
        CHECK(get_object(client, e, addressing_style::path, signature_version::v4, key).status == 404);

        // A deliberate resume of the kept upload sends what differs and completes the new content.
        {
            auto src2 = file_source::open(tf.path.string()).value();
            cfg.source = src2.identity().value();
            auto m2 = upload_machine::resume_upload(cfg, r.error().kept_upload_id).value();
            auto r2 = upload(m2, src2);
            INFO((r2 ? std::string("completed") : r2.error().what()));
            REQUIRE(r2);
            require_object<httplib_kind>(e, addressing_style::path, signature_version::v4, key, now_data);
        }
    }
}
