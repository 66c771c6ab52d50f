// Completion verification (upload/verify.hpp) and source identities (source_identity.hpp):
// what counts as a changed source, before a resume and before Complete, and what makes a
// stored object the source.
#include <catch2/catch.hpp>

#include <ossmp/crypto/crc64.hpp>
#include <ossmp/upload/verify.hpp>

using namespace ossmp;

namespace {
source_identity file_id() { return {3276800, 1700000000000000001, "crc64s:00000000000000aa", 1700000000000000002, 42, 7}; }
}  // namespace

TEST_CASE("identity: a resume compares size, mtime and fingerprint only", "[verify][identity]") {
    auto a = file_id();
    auto b = a;
    b.ctime_ns += 5;  // copied or restored: the content may be the same
    b.inode = 43;
    CHECK(same_content_identity(a, b));
    b.mtime_ns += 1;
    CHECK_FALSE(same_content_identity(a, b));
    b = a;
    b.size = 1;
    CHECK_FALSE(same_content_identity(a, b));
    b = a;
    b.fingerprint = "crc64s:00000000000000bb";
    CHECK_FALSE(same_content_identity(a, b));
    b.fingerprint.clear();  // unknown on one side: not compared
    CHECK(same_content_identity(a, b));
    auto kept = persistent_identity(a);
    CHECK(kept.size == a.size);
    CHECK(kept.mtime_ns == a.mtime_ns);
    CHECK(kept.fingerprint == a.fingerprint);
    CHECK(kept.ctime_ns == 0);
    CHECK(kept.inode == 0);
    CHECK(kept.device == 0);
}

TEST_CASE("identity: during an upload any known field that moved is a change", "[verify][identity]") {
    auto a = file_id();
    CHECK(identity_change(a, a).empty());
    auto b = a;
    b.ctime_ns += 1;  // rewritten in place, mtime put back
    CHECK(identity_change(a, b) == "status-change time");
    b = a;
    b.size = *a.size + 14;  // appended to
    b.mtime_ns += 1;
    CHECK(identity_change(a, b) == "size 3276800 -> 3276814 bytes, modification time");
    b = a;
    b.inode = 99;
    b.device = 8;
    b.fingerprint = "crc64s:1";
    CHECK(identity_change(a, b) == "inode, device, sampled content");
    // Fields one side does not know are not compared.
    source_identity memory{3276800, 0, "", 0, 0, 0};
    CHECK(identity_change(a, memory).empty());
    CHECK(identity_change(memory, a).empty());
}

TEST_CASE("verify: a changed source refuses Complete", "[verify]") {
    auto a = file_id();
    CHECK(verify_source_unchanged(a, a));
    auto b = a;
    b.ctime_ns += 1;
    auto e = verify_source_unchanged(a, b).error();
    CHECK(e.code == errc::source_changed);
    CHECK(e.op == operation::complete_multipart_upload);
    CHECK(e.what().find("the source changed during the upload (status-change time)") != std::string::npos);
}

TEST_CASE("verify: the stored object's CRC-64 and size", "[verify]") {
    CHECK(verify_object_crc(std::nullopt, 5));
    CHECK(verify_object_crc(5, 5));
    auto e = verify_object_crc(6, 5).error();
    CHECK(e.code == errc::crc_mismatch);
    CHECK(e.message == "the stored object's CRC-64 5 differs from the source's 6");
    CHECK(verify_object_size(std::nullopt, 1));
    CHECK(verify_object_size(10, 10));
    auto s = verify_object_size(10, 9).error();
    CHECK(s.code == errc::digest_mismatch);
    CHECK(s.message == "the stored object has 9 bytes, the source 10");
    // Folding part CRCs is the CRC of the whole.
    std::string a = "first part bytes", b = "and the second";
    CHECK(fold_part_crc(crc64_of(a), crc64_of(b), b.size()) == crc64_of(a + b));
}

TEST_CASE("verify: HeadObject's facts, and whether a vanished upload's object is ours", "[verify]") {
    http_response r;
    r.status = 200;
    r.headers.set("Content-Length", "20");
    r.headers.set("ETag", "\"X\"");
    r.headers.set("x-oss-hash-crc64ecma", "77");
    r.headers.set("x-oss-version-id", "v1");
    auto o = read_stored_object(r, oss_dialect);
    REQUIRE(o);
    CHECK(o->size == 20);
    CHECK(o->crc64 == 77);
    CHECK(o->etag == "\"X\"");
    CHECK(o->version_id == "v1");
    CHECK(is_resumed_object(*o, 20, 77));
    CHECK_FALSE(is_resumed_object(*o, 21, 77));
    CHECK_FALSE(is_resumed_object(*o, 20, 78));
    r.headers.erase("x-oss-hash-crc64ecma");
    CHECK(read_stored_object(r, oss_dialect).error().code == errc::missing_field);
    r.headers.set("x-oss-hash-crc64ecma", "77");
    r.headers.erase("Content-Length");
    CHECK(read_stored_object(r, oss_dialect).error().code == errc::missing_field);
}
