// Resume reconciliation (upload/resume.hpp): which parts a resumed upload sends, re-checks
// against the source, or keeps; the checkpoint's fit; the ListParts pages.
#include <catch2/catch.hpp>

#include <ossmp/upload/resume.hpp>

#include <map>
#include <vector>

using namespace ossmp;

namespace {

constexpr std::uint64_t kib = 1024;

std::vector<body_range> plan_of(std::uint32_t parts, std::uint64_t last = 100 * kib) {
    std::vector<body_range> out;
    for (std::uint32_t n = 1; n <= parts; ++n) out.push_back({(n - 1) * 100 * kib, n == parts ? last : 100 * kib});
    return out;
}

part_info listed(std::uint32_t n, std::uint64_t size, std::optional<std::uint64_t> crc, std::string etag = {}) {
    part_info p;
    p.part_number = n;
    p.size = size;
    p.crc64 = crc;
    p.etag = etag.empty() ? "\"E" + std::to_string(n) + "\"" : etag;
    return p;
}

checkpoint_part confirmed(std::uint32_t n, std::uint64_t size, std::uint64_t crc) {
    return {n, size, crc, "\"E" + std::to_string(n) + "\""};
}

}  // namespace

TEST_CASE("reconcile: nothing is kept on anyone's word when verifying", "[resume]") {
    auto plan = plan_of(5, 30 * kib);
    std::map<std::uint32_t, checkpoint_part> cp{{1, confirmed(1, 100 * kib, 11)},
                                                {2, confirmed(2, 100 * kib, 22)},
                                                {4, confirmed(4, 100 * kib, 44)}};
    std::map<std::uint32_t, part_info> oss{{1, listed(1, 100 * kib, 11)},      // agreed
                                           {2, listed(2, 100 * kib, 99)},      // CRCs disagree
                                           {3, listed(3, 100 * kib, 33)},      // OSS alone
                                           {4, listed(4, 100 * kib, 44, "\"OTHER\"")},  // ETags disagree
                                           {5, listed(5, 29 * kib, 55)}};      // wrong size
    auto r = reconcile(plan, cp, oss, true);
    REQUIRE(r.parts.size() == 5);
    CHECK(r.parts[0].step == resume_step::check);
    CHECK(r.parts[0].crc64 == 11);
    CHECK(r.parts[0].etag == "\"E1\"");
    CHECK(r.parts[0].confirmed);
    // Disagreements: OSS's word is checked against the source like any other.
    CHECK(r.parts[1].step == resume_step::check);
    CHECK(r.parts[1].crc64 == 99);
    CHECK_FALSE(r.parts[1].confirmed);
    CHECK(r.parts[2].step == resume_step::check);
    CHECK(r.parts[2].crc64 == 33);
    CHECK(r.parts[3].step == resume_step::check);
    CHECK(r.parts[3].etag == "\"OTHER\"");
    CHECK(r.parts[4].step == resume_step::send);
    CHECK_FALSE(r.stray_parts);
}

TEST_CASE("reconcile: without verification, agreed parts are kept unchecked", "[resume]") {
    auto plan = plan_of(3);
    std::map<std::uint32_t, checkpoint_part> cp{{1, confirmed(1, 100 * kib, 11)}, {2, confirmed(2, 100 * kib, 22)}};
    std::map<std::uint32_t, part_info> oss{{1, listed(1, 100 * kib, 11)},
                                           {2, listed(2, 100 * kib, std::nullopt)},  // no CRC listed: ETag decides
                                           {3, listed(3, 100 * kib, std::nullopt)}};  // nobody can check it
    auto r = reconcile(plan, cp, oss, false);
    CHECK(r.parts[0].step == resume_step::keep);
    CHECK(r.parts[1].step == resume_step::keep);
    CHECK(r.parts[1].crc64 == 22);
    CHECK(r.parts[2].step == resume_step::send);
    // A part only in the checkpoint (OSS lost it) is sent.
    auto gone = reconcile(plan, cp, {}, false);
    for (const auto& p : gone.parts) CHECK(p.step == resume_step::send);
}

TEST_CASE("reconcile: parts beyond the plan are strays", "[resume]") {
    auto r = reconcile(plan_of(2), {}, {{7, listed(7, 100 * kib, 1)}}, true);
    CHECK(r.stray_parts);
    CHECK(r.parts[0].step == resume_step::send);
}

TEST_CASE("checkpoint target and fit", "[resume]") {
    checkpoint cp;
    cp.endpoint = "http://127.0.0.1:9000";
    cp.bucket = "bucket";
    cp.key = "k";
    cp.part_size = 100 * kib;
    CHECK(check_checkpoint_target(cp, "http://127.0.0.1:9000", "bucket", "k", 0));
    CHECK(check_checkpoint_target(cp, "http://127.0.0.1:9000", "bucket", "k", 100 * kib));
    CHECK(check_checkpoint_target(cp, "http://127.0.0.1:9000", "bucket", "other", 0).error().code ==
          errc::checkpoint_mismatch);
    CHECK(check_checkpoint_target(cp, "http://127.0.0.1:9001", "bucket", "k", 0).error().code ==
          errc::checkpoint_mismatch);
    auto size = check_checkpoint_target(cp, "http://127.0.0.1:9000", "bucket", "k", 200 * kib).error();
    CHECK(size.code == errc::checkpoint_mismatch);
    CHECK(size.message.find("part size 102400") != std::string::npos);

    auto plan = plan_of(3, 10);
    cp.parts = {confirmed(1, 100 * kib, 1), confirmed(3, 10, 3)};
    auto fit = confirmed_parts(cp, plan);
    REQUIRE(fit);
    CHECK(fit->size() == 2);
    CHECK(fit->at(3).crc64 == 3);
    cp.parts = {confirmed(3, 100 * kib, 3)};
    CHECK(confirmed_parts(cp, plan).error().code == errc::checkpoint_mismatch);
    cp.parts = {confirmed(4, 100 * kib, 4)};
    CHECK(confirmed_parts(cp, plan).error().code == errc::checkpoint_mismatch);

    std::map<std::uint32_t, checkpoint_part> all{{1, {}}, {2, {}}, {3, {}}};
    CHECK(may_have_completed(all, 3));
    CHECK_FALSE(may_have_completed(all, 4));
    CHECK_FALSE(may_have_completed({}, 0));
}

TEST_CASE("part listing: pages accumulate; a marker that does not advance is an error", "[resume]") {
    part_listing l;
    list_parts_result page;
    page.is_truncated = true;
    page.next_part_number_marker = 2;
    page.parts = {listed(1, 1, 1), listed(2, 1, 2), listed(10001, 1, 3)};
    auto more = l.add_page(page);
    REQUIRE(more);
    CHECK(*more);
    CHECK(l.marker() == 2);
    CHECK(l.parts().size() == 2);  // part numbers beyond 10000 are not parts
    page.parts = {listed(3, 1, 3)};
    page.next_part_number_marker = 2;
    auto stuck = l.add_page(page);
    REQUIRE_FALSE(stuck);
    CHECK(stuck.error().code == errc::malformed_response);
    CHECK(stuck.error().op == operation::list_parts);
    page.is_truncated = false;
    auto last = l.add_page(page);
    REQUIRE(last);
    CHECK_FALSE(*last);
    CHECK(l.parts().size() == 3);
}
