// The emulator authenticates like OSS: V1 and V4, header and presigned URL, STS tokens,
// clock skew, expiry, and V4's format rules. A mismatch answers SignatureDoesNotMatch with
// the string to sign the server expected, which must equal what the client signed when
// only the secret differs; no secret or token ever appears in an answer.
#include <catch2/catch.hpp>

#include <emulator_test_support.hpp>

using namespace ossmp;
using emu_test::fixture;
using sv = signature_version;
using namespace std::chrono_literals;

namespace {

std::string code_of(const http_response& resp) {
    auto e = parse_service_error(resp, operation::none);
    return e ? e->oss_code : std::string();
}

std::optional<error> error_of(const http_response& resp) { return parse_service_error(resp, operation::none); }

const std::vector<std::string> keys = {"plain", "dir/with space+plus", "100%/~tilde", "\xe6\x97\xa5\xe6\x9c\xac/\xc3\xa9t\xc3\xa9",
                                       "q?a=b&c#d"};

// Sends a presigned request: the URL plus the headers the signer says must be replayed.
http_response send_presigned(const fixture& f, const http_request& req, const signing_config& cfg,
                             std::string_view body = {}, time_point at = emu_test::now(),
                             std::chrono::seconds valid = 600s) {
    auto p = presign_request(req, cfg, at, valid).value();
    return emu_test::send_url(f.port(), req.method, p.url, p.headers, body);
}

emulator::config sts_config() {
    auto c = emu_test::default_config();
    c.accounts = {{"STS.test-ak", "sts-secret", "token-for-tests-0123456789"}};
    return c;
}

}  // namespace

TEST_CASE("V1 and V4 header signatures are accepted, for every key form", "[emulator][auth]") {
    fixture f;
    for (sv v : {sv::v1, sv::v4}) {
        for (const auto& key : keys) {
            auto put = make_put_object_request(f.ep, "bucket", key, {0, 4}).value();
            INFO("key " << key << " version " << int(v));
            CHECK(f.run(put, v, "data").status == 200);
            auto get = f.run(make_get_object_request(f.ep, "bucket", key).value(), v);
            CHECK(get.status == 200);
            CHECK(get.body == "data");
        }
    }
}

TEST_CASE("presigned URLs (V1 and V4) work for multipart operations and objects", "[emulator][auth]") {
    fixture f;
    for (sv v : {sv::v1, sv::v4}) {
        const auto& cfg = f.cfg(v);
        for (const auto& key : keys) {
            INFO("key " << key << " version " << int(v));
            auto init = send_presigned(f, make_initiate_request(f.ep, "bucket", key).value(), cfg);
            auto ir = parse_initiate_result(init);
            INFO(init.body);
            REQUIRE(ir.has_value());
            std::string data = "presigned part";
            upload_part_options po;
            po.content_md5 = base64_encode(md5::hash(data));
            auto part = send_presigned(
                f, make_upload_part_request(f.ep, "bucket", key, ir->upload_id, 1, {0, data.size()}, po).value(), cfg, data);
            auto pr = parse_upload_part_result(part, 1);
            INFO(part.body);
            REQUIRE(pr.has_value());
            auto lreq = make_list_parts_request(f.ep, "bucket", key, ir->upload_id).value();
            REQUIRE(parse_list_parts_result(send_presigned(f, lreq, cfg)).has_value());
            std::vector<completed_part> parts{{1, pr->etag}};
            auto creq = make_complete_request(f.ep, "bucket", key, ir->upload_id, parts).value();
            auto cr = parse_complete_result(send_presigned(f, creq, cfg, creq.body));
            REQUIRE(cr.has_value());
            auto g = send_presigned(f, make_get_object_request(f.ep, "bucket", key).value(), cfg);
            CHECK(g.status == 200);
            CHECK(g.body == data);
        }
    }
}

TEST_CASE("a wrong secret is SignatureDoesNotMatch with the expected string to sign", "[emulator][auth]") {
    fixture f;
    auto wrong = [&](sv v) {
        auto c = f.cfg(v);
        c.creds.access_key_secret = "not-the-secret";
        return c;
    };
    auto req = make_initiate_request(f.ep, "bucket", "dir/a b+c").value();
    SECTION("V1 header") {
        auto r = req;
        auto s = sign_v1(r, wrong(sv::v1).creds, emu_test::now()).value();
        auto resp = emu_test::send(f.port(), r);
        CHECK(resp.status == 403);
        auto e = error_of(resp);
        REQUIRE(e);
        CHECK(e->oss_code == "SignatureDoesNotMatch");
        CHECK(e->ec == "0002-00000040");
        CHECK(e->detail("StringToSign") == s.string_to_sign);
        CHECK(resp.body.find(s.signature) != std::string::npos);  // the emulator echoes it, like OSS
        CHECK(e->detail("SignatureProvided").empty());  // and the parser drops it (service_error.hpp)
        CHECK(e->detail("OSSAccessKeyId") == "test-ak");
        CHECK(resp.body.find("test-secret") == std::string::npos);
    }
    SECTION("V4 header") {
        auto r = req;
        auto s = sign_v4(r, wrong(sv::v4).creds, emu_test::now(), {"cn-hangzhou", "oss", {}}).value();
        auto resp = emu_test::send(f.port(), r);
        auto e = error_of(resp);
        REQUIRE(e);
        CHECK(e->oss_code == "SignatureDoesNotMatch");
        CHECK(e->ec == "0002-00000201");
        CHECK(e->detail("StringToSign") == s.string_to_sign);
        CHECK(e->detail("CanonicalRequest") == s.canonical_request);
        CHECK(resp.body.find("test-secret") == std::string::npos);
    }
    SECTION("V1 and V4 presigned") {
        for (sv v : {sv::v1, sv::v4}) {
            auto resp = send_presigned(f, req, wrong(v));
            CHECK(resp.status == 403);
            CHECK(code_of(resp) == "SignatureDoesNotMatch");
        }
        CHECK(f.srv->stats().signature_failures == 2);
    }
    SECTION("tampering with what was signed is caught") {
        for (sv v : {sv::v1, sv::v4}) {
            auto r = make_upload_part_request(f.ep, "bucket", "k", "0123456789ABCDEF0123456789ABCDEF", 1, {0, 1}).value();
            sign_request(r, f.cfg(v), emu_test::now()).value();
            set_param(r.query, "partNumber", "2");  // a V1 sub-resource, and V4 signs every parameter
            CHECK(code_of(emu_test::send(f.port(), r, "x")) == "SignatureDoesNotMatch");
            auto m = make_initiate_request(f.ep, "bucket", "k").value();
            sign_request(m, f.cfg(v), emu_test::now()).value();
            m.headers.set("x-oss-meta-added", "later");
            CHECK(code_of(emu_test::send(f.port(), m)) == "SignatureDoesNotMatch");
        }
        // V1 signs only sub-resources: an unsigned listing parameter may change, as on OSS.
        auto l = make_list_parts_request(f.ep, "bucket", "k", "0123456789ABCDEF0123456789ABCDEF").value();
        sign_request(l, f.v1, emu_test::now()).value();
        set_param(l.query, "max-parts", "7");
        CHECK(code_of(emu_test::send(f.port(), l)) == "NoSuchUpload");
    }
}

TEST_CASE("header values are verified byte for byte ('%' sequences, empty values)", "[emulator][auth]") {
    fixture f;
    for (sv v : {sv::v1, sv::v4}) {
        initiate_options o;
        o.metadata = {{"pct", "100%25 sure %zz"}, {"plus", "a+b"}};
        o.tags = {{"k", "v w"}};
        o.content_disposition = "attachment; filename*=UTF-8''%E4%B8%AD.txt";
        auto req = make_put_object_request(f.ep, "bucket", "meta", {0, 1}, o).value();
        req.headers.add("x-oss-meta-empty", "");
        auto resp = f.run(req, v, "m");
        INFO(resp.body);
        REQUIRE(resp.status == 200);
        auto g = f.run(make_get_object_request(f.ep, "bucket", "meta").value(), v);
        CHECK(g.headers.get_or("x-oss-meta-pct") == "100%25 sure %zz");
        CHECK(g.headers.get_or("Content-Disposition") == "attachment; filename*=UTF-8''%E4%B8%AD.txt");
    }
}

TEST_CASE("V1 signs x-oss-date when present (as ali-oss sends it)", "[emulator][auth]") {
    fixture f;
    auto req = make_initiate_request(f.ep, "bucket", "xdate").value();
    req.headers.set("x-oss-date", format_http_date(emu_test::now()));
    sign_v1(req, f.v1.creds, emu_test::now() - 1h).value();  // Date is stale, x-oss-date wins
    CHECK(parse_initiate_result(emu_test::send(f.port(), req)).has_value());
}

TEST_CASE("STS: a temporary key needs its token, in every scheme", "[emulator][auth]") {
    fixture f(sts_config());
    const std::string token = "token-for-tests-0123456789";
    for (sv v : {sv::v1, sv::v4}) {
        auto req = make_initiate_request(f.ep, "bucket", "sts key").value();
        CHECK(parse_initiate_result(f.run(req, v)).has_value());
        CHECK(parse_initiate_result(send_presigned(f, req, f.cfg(v))).has_value());
        // Without the token.
        auto c = f.cfg(v);
        c.creds.security_token.clear();
        auto r = req;
        sign_request(r, c, emu_test::now()).value();
        auto resp = emu_test::send(f.port(), r);
        CHECK(resp.status == 403);
        CHECK(code_of(resp) == "InvalidAccessKeyId");
        CHECK(code_of(send_presigned(f, req, c)) == "InvalidAccessKeyId");
        // With a wrong token.
        c.creds.security_token = "token-for-tests-XXXXXXXXXX";
        r = req;
        sign_request(r, c, emu_test::now()).value();
        resp = emu_test::send(f.port(), r);
        CHECK(code_of(resp) == "InvalidSecurityToken");
        CHECK(resp.body.find("token-for-tests") == std::string::npos);
        // A signature mismatch never echoes the token.
        c = f.cfg(v);
        c.creds.access_key_secret = "wrong";
        r = req;
        sign_request(r, c, emu_test::now()).value();
        resp = emu_test::send(f.port(), r);
        CHECK(code_of(resp) == "SignatureDoesNotMatch");
        CHECK(resp.body.find(token) == std::string::npos);
        CHECK(resp.body.find("sts-secret") == std::string::npos);
        resp = send_presigned(f, req, c);
        CHECK(code_of(resp) == "SignatureDoesNotMatch");
        CHECK(resp.body.find(token) == std::string::npos);
        CHECK(resp.body.find(percent_encode(token)) == std::string::npos);
    }
}

TEST_CASE("a permanent key sent with a token is refused", "[emulator][auth]") {
    fixture f;
    auto c = f.v4;
    c.creds.security_token = "unexpected";
    auto r = make_initiate_request(f.ep, "bucket", "k").value();
    sign_request(r, c, emu_test::now()).value();
    CHECK(code_of(emu_test::send(f.port(), r)) == "InvalidSecurityToken");
}

TEST_CASE("clock skew beyond 15 minutes is RequestTimeTooSkewed with ServerTime", "[emulator][auth]") {
    fixture f;
    for (sv v : {sv::v1, sv::v4}) {
        for (auto offset : {-20min, 20min}) {
            auto req = make_initiate_request(f.ep, "bucket", "skew").value();
            sign_request(req, f.cfg(v), emu_test::now() + offset).value();
            auto resp = emu_test::send(f.port(), req);
            CHECK(resp.status == 403);
            auto e = error_of(resp);
            REQUIRE(e);
            CHECK(e->oss_code == "RequestTimeTooSkewed");
            CHECK(parse_iso8601(e->detail("ServerTime")).has_value());
            CHECK(!e->detail("RequestTime").empty());
        }
        auto req = make_initiate_request(f.ep, "bucket", "skew").value();
        sign_request(req, f.cfg(v), emu_test::now() - 14min).value();
        CHECK(emu_test::send(f.port(), req).status == 200);
    }
}

TEST_CASE("expired presigned URLs are AccessDenied (Request has expired)", "[emulator][auth]") {
    fixture f;
    for (sv v : {sv::v1, sv::v4}) {
        auto req = make_get_object_request(f.ep, "bucket", "whatever").value();
        auto resp = send_presigned(f, req, f.cfg(v), {}, emu_test::now() - 2h, 3600s);
        CHECK(resp.status == 403);
        auto e = error_of(resp);
        REQUIRE(e);
        CHECK(e->oss_code == "AccessDenied");
        CHECK(e->message == "Request has expired.");
    }
    // The server's clock decides: a server an hour ahead finds a fresh 30 min URL expired.
    auto cfg = emu_test::default_config();
    cfg.clock = [] { return emu_test::now() + 1h; };
    fixture g(cfg);
    auto req = make_get_object_request(g.ep, "bucket", "whatever").value();
    CHECK(error_of(send_presigned(g, req, g.v1, {}, emu_test::now(), 1800s))->message == "Request has expired.");
}

TEST_CASE("V4 format rules: region, payload hash, AdditionalHeaders, x-oss-expires", "[emulator][auth]") {
    fixture f;
    auto base = make_initiate_request(f.ep, "bucket", "v4").value();
    SECTION("the scope's region must be the server's") {
        auto c = f.v4;
        c.v4.region = "cn-beijing";
        auto r = base;
        sign_request(r, c, emu_test::now()).value();
        auto resp = emu_test::send(f.port(), r);
        CHECK(resp.status == 400);
        CHECK(code_of(resp) == "InvalidArgument");
        CHECK(code_of(send_presigned(f, base, c)) == "InvalidArgument");
        c.v4.region = "oss-cn-hangzhou";  // the oss- prefix is stripped by the signer
        r = base;
        sign_request(r, c, emu_test::now()).value();
        CHECK(emu_test::send(f.port(), r).status == 200);
    }
    SECTION("x-oss-content-sha256 must be UNSIGNED-PAYLOAD for header auth") {
        auto r = base;
        sign_request(r, f.v4, emu_test::now()).value();
        r.headers.set("x-oss-content-sha256", hex_encode(sha256::hash("")));
        auto e = error_of(emu_test::send(f.port(), r));
        REQUIRE(e);
        CHECK(e->ec == "0002-00000214");
        r.headers.erase("x-oss-content-sha256");
        CHECK(error_of(emu_test::send(f.port(), r))->ec == "0002-00000214");
    }
    SECTION("AdditionalHeaders may not be empty or end with ';'") {
        auto r = base;
        auto s = sign_v4(r, f.v4.creds, emu_test::now(), {"cn-hangzhou", "oss", {}}).value();
        auto sig_pos = s.authorization.find(",Signature=");
        auto with = [&](std::string extra) {
            auto q = r;
            q.headers.set("Authorization", s.authorization.substr(0, sig_pos) + extra + s.authorization.substr(sig_pos));
            return error_of(emu_test::send(f.port(), q));
        };
        CHECK(with(",AdditionalHeaders=")->ec == "0002-00000209");
        CHECK(with(",AdditionalHeaders=host;")->ec == "0002-00000210");
    }
    SECTION("signed additional headers (host) are verified") {
        auto c = f.v4;
        c.v4.additional_headers = {"host"};
        auto r = base;
        sign_request(r, c, emu_test::now()).value();
        CHECK(r.headers.get_or("Authorization").find("AdditionalHeaders=host") != std::string_view::npos);
        CHECK(emu_test::send(f.port(), r).status == 200);
        CHECK(parse_initiate_result(send_presigned(f, base, c)).has_value());
        r.host = "localhost:" + std::to_string(f.port());
        CHECK(code_of(emu_test::send(f.port(), r)) == "SignatureDoesNotMatch");
    }
    SECTION("x-oss-expires must be 1..604800") {
        auto p = presign_request(base, f.v4, emu_test::now(), 60s).value();
        for (std::string bad : {"0", "604801", "abc"}) {
            auto pos = p.url.find("x-oss-expires=60");
            REQUIRE(pos != std::string::npos);
            auto url = p.url.substr(0, pos) + "x-oss-expires=" + bad + p.url.substr(pos + 16);
            auto e = error_of(emu_test::send_url(f.port(), "POST", url, p.headers));
            REQUIRE(e);
            CHECK(e->ec == "0002-00000232");
        }
        auto pos = p.url.find("&x-oss-expires=60");
        auto url = p.url.substr(0, pos) + p.url.substr(pos + 17);
        CHECK(error_of(emu_test::send_url(f.port(), "POST", url, p.headers))->ec == "0002-00000215");
    }
}

TEST_CASE("unknown keys, anonymous requests and malformed Authorization are refused", "[emulator][auth]") {
    fixture f;
    auto base = make_initiate_request(f.ep, "bucket", "k").value();
    for (sv v : {sv::v1, sv::v4}) {
        auto c = f.cfg(v);
        c.creds.access_key_id = "unknown-ak";
        auto r = base;
        sign_request(r, c, emu_test::now()).value();
        auto resp = emu_test::send(f.port(), r);
        CHECK(resp.status == 403);
        CHECK(code_of(resp) == "InvalidAccessKeyId");
        CHECK(code_of(send_presigned(f, base, c)) == "InvalidAccessKeyId");
    }
    auto anon = emu_test::send(f.port(), base);
    CHECK(anon.status == 403);
    auto e = error_of(anon);
    REQUIRE(e);
    CHECK(e->oss_code == "AccessDenied");
    CHECK(e->ec == "0003-00000001");
    auto r = base;
    r.headers.set("Date", format_http_date(emu_test::now()));
    r.headers.set("Authorization", "Bearer abc");
    CHECK(code_of(emu_test::send(f.port(), r)) == "InvalidArgument");
    r.headers.set("Authorization", "OSS test-ak");
    CHECK(code_of(emu_test::send(f.port(), r)) == "InvalidArgument");
    r.headers.erase("Date");
    r.headers.set("Authorization", "OSS test-ak:abc");
    CHECK(code_of(emu_test::send(f.port(), r)) == "AccessDenied");
    auto st = f.srv->stats();
    CHECK(st.auth_failures >= 7);
    CHECK(st.operations["InitiateMultipartUpload"].failed == st.operations["InitiateMultipartUpload"].requests);
}

TEST_CASE("presigned URLs with virtual-hosted addressing", "[emulator][auth]") {
    fixture f;
    auto ep = parse_endpoint("http://localhost:" + std::to_string(f.port()), addressing_style::virtual_hosted).value();
    for (sv v : {sv::v1, sv::v4}) {
        auto put = make_put_object_request(ep, "bucket", "vh/presigned key+1", {0, 5}).value();
        auto p = presign_request(put, f.cfg(v), emu_test::now(), 60s).value();
        CHECK(p.url.rfind("http://bucket.localhost:", 0) == 0);
        CHECK(emu_test::send_url(f.port(), "PUT", p.url, p.headers, "hello").status == 200);
        auto g = make_get_object_request(ep, "bucket", "vh/presigned key+1").value();
        auto gp = presign_request(g, f.cfg(v), emu_test::now(), 60s).value();
        auto resp = emu_test::send_url(f.port(), "GET", gp.url, gp.headers);
        CHECK(resp.status == 200);
        CHECK(resp.body == "hello");
    }
}
