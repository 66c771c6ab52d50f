#include <catch2/catch.hpp>

#include <ossmp/crypto/hex.hpp>
#include <ossmp/requests/initiate.hpp>
#include <ossmp/requests/list_uploads.hpp>
#include <ossmp/requests/upload_part.hpp>
#include <ossmp/sign/signer.hpp>
#include <ossmp/sign/v4.hpp>

using namespace ossmp;

namespace {
const credentials keys{"ak", "sk", ""};
const auto t0 = from_unix_seconds(1702743657);  // 2023-12-16T16:20:57Z
endpoint hangzhou() { return parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com").value(); }
v4_options hz() { return {"cn-hangzhou", "oss", {}}; }
}  // namespace

TEST_CASE("v4 canonical URI encodes like the wire path", "[sign][v4]") {
    CHECK(v4_canonical_uri("bucket", "1234+-/123/1.txt") == "/bucket/1234%2B-/123/1.txt");
    CHECK(v4_canonical_uri("bucket", "a b~%/\xe4\xb8\xad") == "/bucket/a%20b~%25/%E4%B8%AD");
    CHECK(v4_canonical_uri("bucket", "") == "/bucket/");
    CHECK(v4_canonical_uri("", "") == "/");
    auto req = make_upload_part_request(parse_endpoint("http://127.0.0.1:9000").value(), "bucket", "a b+c/d", "U", 1,
                                        {0, 1})
                   .value();
    CHECK(req.path == v4_canonical_uri("bucket", "a b+c/d"));
}

TEST_CASE("v4 region loses its oss- prefix; the scope names date, region, product", "[sign][v4]") {
    CHECK(v4_region("oss-cn-hangzhou") == "cn-hangzhou");
    CHECK(v4_region("cn-hangzhou") == "cn-hangzhou");
    CHECK(v4_scope("20231216", "cn-hangzhou", "oss") == "20231216/cn-hangzhou/oss/aliyun_v4_request");
    auto req = make_initiate_request(hangzhou(), "bucket", "k").value();
    auto a = sign_v4(req, keys, t0, {"oss-cn-hangzhou", "oss", {}}).value();
    auto b = sign_v4(req, keys, t0, hz()).value();
    CHECK(a.signature == b.signature);
    auto cb = sign_v4(req, keys, t0, {"cb-f8z7yvzgwfkl9q0h", "oss-cloudbox", {}}).value();
    CHECK(cb.scope == "20231216/cb-f8z7yvzgwfkl9q0h/oss-cloudbox/aliyun_v4_request");
}

TEST_CASE("v4 header signing of an Initiate request", "[sign][v4]") {
    initiate_options o;
    o.content_type = "video/mp4";
    o.metadata = {{"owner", "alice"}};
    auto req = make_initiate_request(hangzhou(), "examplebucket", "dir/v.mp4", o).value();
    auto s = sign_v4(req, keys, t0, hz()).value();
    CHECK(s.canonical_request ==
          "POST\n/examplebucket/dir/v.mp4\nencoding-type=url&uploads\n"
          "content-type:video/mp4\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\n"
          "x-oss-meta-owner:alice\n\n\nUNSIGNED-PAYLOAD");
    CHECK(s.string_to_sign == "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\n" +
                                  hex_encode(sha256::hash(s.canonical_request)));
    CHECK(s.authorization == "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=" +
                                 s.signature);
    CHECK(req.headers.get("Date") == "Sat, 16 Dec 2023 16:20:57 GMT");
    CHECK(req.target() == "/dir/v.mp4?encoding-type=url&uploads");
}

TEST_CASE("v4 additional headers: host comes from the request's authority", "[sign][v4]") {
    auto req = make_list_uploads_request(hangzhou(), "examplebucket").value();
    auto s = sign_v4(req, keys, t0, {"cn-hangzhou", "oss", {"Host", "x-oss-ignored", "absent"}}).value();
    CHECK(s.additional_headers == "host");
    CHECK(s.canonical_request.find("\nhost:examplebucket.oss-cn-hangzhou.aliyuncs.com\n") != std::string::npos);
    CHECK(s.canonical_request.find("\n\nhost\nUNSIGNED-PAYLOAD") != std::string::npos);
    CHECK(s.authorization.find(",AdditionalHeaders=host,Signature=") != std::string::npos);
}

TEST_CASE("v4 key cache derives once per day and key", "[sign][v4]") {
    v4_key_cache cache;
    auto req = make_initiate_request(hangzhou(), "examplebucket", "k").value();
    auto a = sign_v4(req, keys, t0, hz(), &cache).value();
    auto b = sign_v4(req, keys, t0 + std::chrono::hours(1), hz(), &cache).value();
    CHECK(cache.derivations() == 1);
    auto c = sign_v4(req, keys, t0 + std::chrono::hours(10), hz(), &cache).value();  // next UTC day
    CHECK(cache.derivations() == 2);
    sign_v4(req, {"ak", "other", ""}, t0 + std::chrono::hours(10), hz(), &cache).value();
    CHECK(cache.derivations() == 3);
    // The cached key signs exactly as a fresh derivation does.
    auto fresh = sign_v4(req, keys, t0 + std::chrono::hours(10), hz()).value();
    CHECK(c.signature == fresh.signature);
    CHECK(a.signature != b.signature);
    CHECK(derive_v4_signing_key("sk", "20231216", "cn-hangzhou", "oss") ==
          cache.get("sk", "20231216", "cn-hangzhou", "oss"));
}

TEST_CASE("v4 re-signing on retry refreshes every signed value exactly once", "[sign][v4]") {
    auto req = make_upload_part_request(hangzhou(), "examplebucket", "k", "U", 2, {0, 10}).value();
    sign_v4(req, {"ak", "sk", "token"}, t0, hz()).value();
    auto s = sign_v4(req, keys, t0 + std::chrono::seconds(30), hz()).value();
    CHECK(req.headers.get("x-oss-date") == "20231216T162127Z");
    CHECK_FALSE(req.headers.contains("x-oss-security-token"));
    for (auto name : {"Authorization", "x-oss-date", "Date", "x-oss-content-sha256"}) {
        int n = 0;
        for (const auto& h : req.headers) n += detail::iequals(h.name, name);
        INFO(name);
        CHECK(n == 1);
    }
    CHECK(s.canonical_request.find("security-token") == std::string::npos);
}

TEST_CASE("v4 presign bounds and contents", "[sign][v4]") {
    auto req = make_upload_part_request(hangzhou(), "examplebucket", "k", "U", 1, {0, 10}).value();
    auto p = presign_v4(req, {"ak", "sk", "tok"}, t0, t0 + std::chrono::seconds(600), hz()).value();
    CHECK(find_param(p.added, "x-oss-expires")->value == "600");
    CHECK(find_param(p.added, "x-oss-security-token")->value == "tok");
    CHECK(p.added.back().name == "x-oss-signature");
    CHECK(p.url.find("partNumber=1&uploadId=U&x-oss-credential=ak%2F20231216%2Fcn-hangzhou%2Foss%2Faliyun_v4_request") !=
          std::string::npos);
    CHECK(p.canonical_request.find("x-oss-signature=") == std::string::npos);
    CHECK(presign_v4(req, keys, t0, t0, hz()).error().code == errc::invalid_expiry);
    CHECK(presign_v4(req, keys, t0, t0 + std::chrono::seconds(604801), hz()).error().code == errc::invalid_expiry);
    CHECK(presign_v4(req, keys, t0, t0 + std::chrono::seconds(604800), hz()));

    signing_config cfg{signature_version::v4, keys, {"cn-hangzhou", "oss", {}}, {}};
    auto u = presign_request(req, cfg, t0, std::chrono::seconds(900)).value();
    CHECK(u.expires == t0 + std::chrono::seconds(900));
    CHECK(u.url == presign_v4(req, keys, t0, t0 + std::chrono::seconds(900), hz()).value().url);
}
