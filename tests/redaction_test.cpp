// Keeping secrets out of errors (ossmp/redaction.hpp): which <Error> children are dropped,
// how the token is cut out of signing echoes, and scrubbing known secrets.
#include <catch2/catch.hpp>

#include <string>

#include <ossmp/redaction.hpp>

using namespace ossmp;

TEST_CASE("redaction: element names that carry secrets") {
    for (const char* name : {"SecurityToken", "AccessKeySecret", "SignatureProvided", "Signature", "securitytoken",
                             "X-Oss-Security-Token", "Authorization", "Password", "ClientSecret"})
        CHECK(is_secret_field_name(name));
    for (const char* name : {"StringToSign", "StringToSignBytes", "CanonicalRequest", "OSSAccessKeyId", "AccessKeyId",
                             "HostId", "RequestId", "ServerTime", "ArgumentName", "RecommendDoc", "UploadId"})
        CHECK_FALSE(is_secret_field_name(name));
}

TEST_CASE("redaction: the token is cut out of header lines and query parameters") {
    CHECK(redact_signing_text("GET\n\n\nDate\nx-oss-security-token:CAIS123\nx-oss-date:1\n/b/k") ==
          "GET\n\n\nDate\nx-oss-security-token:[redacted]\nx-oss-date:1\n/b/k");
    CHECK(redact_signing_text("X-OSS-Security-Token: CAIS 123\r\nnext") == "X-OSS-Security-Token: [redacted]\r\nnext");
    CHECK(redact_signing_text("/b/k?security-token=CAIS%2B1&uploadId=7") == "/b/k?security-token=[redacted]&uploadId=7");
    CHECK(redact_signing_text("/b/k?x-oss-security-token=CAIS") == "/b/k?x-oss-security-token=[redacted]");
    CHECK(redact_signing_text("a=1&security-token=t1&security-token=t2") ==
          "a=1&security-token=[redacted]&security-token=[redacted]");
    // Nothing to redact: the text is unchanged (no value, or no separator).
    for (const char* same : {"", "PUT\n/b/k", "security-token", "security-token:", "security-tokens are nice",
                             "The security token you provided has expired."})
        CHECK(redact_signing_text(same) == same);
}

TEST_CASE("redaction: StringToSignBytes is decoded, redacted and encoded again") {
    auto hex = [](std::string_view s) {
        std::string out;
        for (unsigned char c : s) {
            out += "0123456789ABCDEF"[c >> 4];
            out += "0123456789ABCDEF"[c & 15];
            out += ' ';
        }
        return out;
    };
    CHECK(redact_hex_bytes(hex("PUT\nx-oss-security-token:CAISabc\n/b")) == hex("PUT\nx-oss-security-token:[redacted]\n/b"));
    CHECK(redact_hex_bytes("50 55 54 0a") == "50 55 54 0a");  // nothing to redact: kept as sent
    CHECK(redact_hex_bytes("50555454") == std::nullopt);      // not one byte per group
    CHECK(redact_hex_bytes("50 5G") == std::nullopt);
    CHECK(redact_hex_bytes("5") == std::nullopt);
    CHECK(redact_detail("StringToSignBytes", "zz") == std::nullopt);
    CHECK(redact_detail("SecurityToken", "CAIS") == std::nullopt);
    CHECK(redact_detail("ServerTime", "2023-11-22T05:42:34.000Z") == "2023-11-22T05:42:34.000Z");
}

TEST_CASE("redaction: scrub_secrets removes the credentials in use from every field") {
    credentials c{"STS.id", "secret-0123456789", "token-abcdefghijkl", std::nullopt};
    error e = make_error(errc::service_error, "echo secret-0123456789 and token-abcdefghijkl twice: token-abcdefghijkl");
    e.oss_code = "X-token-abcdefghijkl";
    e.request_id = "secret-0123456789";
    e.host_id = "h";
    e.ec = "ec";
    e.details = {{"Echo", "a token-abcdefghijkl b"}, {"token-abcdefghijkl", "v"}};
    scrub_secrets(e, c);
    CHECK(e.message == "echo [redacted] and [redacted] twice: [redacted]");
    CHECK(e.oss_code == "X-[redacted]");
    CHECK(e.request_id == "[redacted]");
    CHECK(e.details[0].second == "a [redacted] b");
    CHECK(e.details[1].first == "[redacted]");
    CHECK(e.what().find("secret-0123456789") == std::string::npos);
    // Values too short to be real secrets are not searched for (they would hit words).
    error w = make_error(errc::service_error, "the task failed");
    scrub_secrets(w, credentials{"ak", "sk", "ta"});
    CHECK(w.message == "the task failed");
}
