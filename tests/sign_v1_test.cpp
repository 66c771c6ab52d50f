#include <catch2/catch.hpp>

#include <ossmp/requests/list_parts.hpp>
#include <ossmp/requests/upload_part.hpp>
#include <ossmp/sign/signer.hpp>
#include <ossmp/sign/v1.hpp>

using namespace ossmp;

namespace {
const credentials keys{"ak", "sk", ""};
const auto t0 = from_unix_seconds(1672223261);  // Wed, 28 Dec 2022 10:27:41 GMT
endpoint hangzhou() { return parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com").value(); }
}  // namespace

TEST_CASE("v1 canonical resource signs only sub-resources, raw", "[sign][v1]") {
    query_params q = {{"uploadId", "0004B99/x+y"}, {"partNumber", "7"}, {"encoding-type", "url"},
                      {"max-parts", "1000"}, {"x-oss-traffic-limit", "819200"}};
    CHECK(v1_canonical_resource("bucket", "dir/a b+c.txt", q) ==
          "/bucket/dir/a b+c.txt?partNumber=7&uploadId=0004B99/x+y&x-oss-traffic-limit=819200");
    CHECK(v1_canonical_resource("bucket", "", {{"uploads", ""}, {"prefix", "p"}}) == "/bucket/?uploads");
    CHECK(v1_canonical_resource("", "", {}) == "/");
    std::vector<std::string> extra = {"prefix"};
    CHECK(v1_canonical_resource("bucket", "", {{"uploads", ""}, {"prefix", "p"}}, extra) == "/bucket/?prefix=p&uploads");
}

TEST_CASE("v1 canonical headers: lower-case, trimmed, sorted, repeated names joined", "[sign][v1]") {
    headers h{{"X-OSS-Meta-B", "  two "}, {"x-oss-meta-a", "one"}, {"Content-Type", "text/plain"},
              {"x-oss-meta-a", "uno"}};
    CHECK(v1_canonical_headers(h) == "x-oss-meta-a:one,uno\nx-oss-meta-b:two\n");
}

TEST_CASE("v1 header signing of an UploadPart request", "[sign][v1]") {
    auto req = make_upload_part_request(hangzhou(), "examplebucket", "my key+1", "ID1", 3, {0, 102400}).value();
    auto s = sign_v1(req, keys, t0);
    REQUIRE(s);
    CHECK(s->canonical_resource == "/examplebucket/my key+1?partNumber=3&uploadId=ID1");
    CHECK(s->string_to_sign == "PUT\n\n\nWed, 28 Dec 2022 10:27:41 GMT\n/examplebucket/my key+1?partNumber=3&uploadId=ID1");
    CHECK(s->signature == v1_signature("sk", s->string_to_sign));
    CHECK(req.headers.get("Date") == "Wed, 28 Dec 2022 10:27:41 GMT");
    CHECK(req.headers.get("Authorization") == "OSS ak:" + s->signature);
    CHECK(req.target() == "/my%20key%2B1?partNumber=3&uploadId=ID1");
}

TEST_CASE("v1 re-signing replaces the date and signature", "[sign][v1]") {
    auto req = make_upload_part_request(hangzhou(), "examplebucket", "k", "ID1", 1, {0, 1}).value();
    auto first = sign_v1(req, keys, t0).value();
    auto second = sign_v1(req, keys, t0 + std::chrono::minutes(3)).value();
    CHECK(first.signature != second.signature);
    int auth = 0, date = 0;
    for (const auto& h : req.headers) {
        auth += h.name == "Authorization";
        date += h.name == "Date";
    }
    CHECK(auth == 1);
    CHECK(date == 1);
    CHECK(req.headers.get("Date") == "Wed, 28 Dec 2022 10:30:41 GMT");
}

TEST_CASE("v1 STS token is a signed header, or a signed query parameter when presigning", "[sign][v1]") {
    auto req = make_list_parts_request(hangzhou(), "examplebucket", "k", "ID1").value();
    auto s = sign_v1(req, {"ak", "sk", "token"}, t0).value();
    CHECK(req.headers.get("x-oss-security-token") == "token");
    CHECK(s.string_to_sign.find("x-oss-security-token:token\n") != std::string::npos);

    auto p = presign_v1(make_list_parts_request(hangzhou(), "examplebucket", "k", "ID1").value(),
                        {"ak", "sk", "token"}, t0 + std::chrono::seconds(900));
    REQUIRE(p);
    CHECK(p->canonical_resource == "/examplebucket/k?security-token=token&uploadId=ID1");
    CHECK(p->string_to_sign.find("\n1672224161\n") != std::string::npos);
    CHECK(p->url.find("security-token=token") != std::string::npos);
    CHECK(p->url.find("Signature=" + percent_encode(p->signature)) != std::string::npos);
    CHECK(p->url.rfind("https://examplebucket.oss-cn-hangzhou.aliyuncs.com/k?", 0) == 0);

    // Re-signing with permanent keys removes a token header left from an STS signature.
    sign_v1(req, keys, t0).value();
    CHECK_FALSE(req.headers.contains("x-oss-security-token"));
}

TEST_CASE("v1 presign returns the signed headers the URL's user must send", "[sign][v1]") {
    http_request req = make_upload_part_request(hangzhou(), "b-1", "k", "U", 1, {0, 5}).value();
    req.headers.set("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg==");
    req.headers.set("x-oss-meta-x", "1");
    auto p = presign_v1(req, keys, t0).value();
    CHECK(p.headers.get("Content-MD5") == "XUFAKrxLKna5cZ2REBfFkg==");
    CHECK(p.headers.get("x-oss-meta-x") == "1");
    CHECK(p.string_to_sign.rfind("PUT\nXUFAKrxLKna5cZ2REBfFkg==\n\n1672223261\nx-oss-meta-x:1\n", 0) == 0);
}

TEST_CASE("v1 rejects missing credentials without echoing secrets", "[sign][v1]") {
    auto req = make_list_parts_request(hangzhou(), "examplebucket", "k", "ID1").value();
    auto r = sign_v1(req, {"ak", "", ""}, t0);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_credentials);
    CHECK_FALSE(req.headers.contains("Authorization"));
}

TEST_CASE("sign_request dispatches on the version", "[sign]") {
    auto req = make_list_parts_request(hangzhou(), "examplebucket", "k", "ID1").value();
    signing_config v1{signature_version::v1, keys, {"", "oss", {}}, {}};
    REQUIRE(sign_request(req, v1, t0));
    CHECK(req.headers.get("Authorization")->substr(0, 7) == "OSS ak:");
    signing_config v4{signature_version::v4, keys, {"cn-hangzhou", "oss", {}}, {}};
    REQUIRE(sign_request(req, v4, t0));
    CHECK(req.headers.get("Authorization")->substr(0, 17) == "OSS4-HMAC-SHA256 ");
    signing_config no_region{signature_version::v4, keys, {"", "oss", {}}, {}};
    auto r = sign_request(req, no_region, t0);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::invalid_region);
}
