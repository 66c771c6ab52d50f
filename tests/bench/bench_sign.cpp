// Signing throughput: a whole V4 (and V1) header signature of an UploadPart request, ours vs
// the same signature computed with OpenSSL's SHA-256/HMAC over our canonical strings (so
// the comparison is of the crypto and the plumbing around it, the string building being
// shared). Target: a V4 header signature in under 2 microseconds.
#include "bench.hpp"

#include <ossmp/ossmp.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

namespace {

using namespace ossmp;

http_request part_request() {
    auto ep = parse_endpoint("https://oss-cn-hangzhou.aliyuncs.com").value();
    return make_upload_part_request(ep, "examplebucket", "videos/2026/holiday clip+1.mp4",
                                    "0004B9894A22E5B1888A1E29F8236E2D", 42, {42ull << 23, 8 << 20})
        .value();
}

std::string openssl_hex_hmac(const unsigned char* key, int key_len, std::string_view msg) {
    unsigned char out[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key, key_len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
    return hex_encode(out, len);
}

// The peer: our canonical request and scope strings, OpenSSL for SHA-256 and HMAC, the
// signing key derived once per day as a careful client would.
std::string peer_sign_v4(http_request& req, time_point now) {
    static unsigned char key[32];
    static bool have_key = false;
    auto date = format_iso8601_basic(now);
    req.headers.set("x-oss-date", date);
    req.headers.set("Date", format_http_date(now));
    req.headers.set("x-oss-content-sha256", "UNSIGNED-PAYLOAD");
    if (!have_key) {
        std::string k0 = "aliyun_v4sk";
        unsigned int len = 0;
        unsigned char a[32], b[32], c[32];
        HMAC(EVP_sha256(), k0.data(), int(k0.size()), reinterpret_cast<const unsigned char*>(date.data()), 8, a, &len);
        HMAC(EVP_sha256(), a, 32, reinterpret_cast<const unsigned char*>("cn-hangzhou"), 11, b, &len);
        HMAC(EVP_sha256(), b, 32, reinterpret_cast<const unsigned char*>("oss"), 3, c, &len);
        HMAC(EVP_sha256(), c, 32, reinterpret_cast<const unsigned char*>("aliyun_v4_request"), 17, key, &len);
        have_key = true;
    }
    auto canonical = v4_canonical_request(req, {}, v4_unsigned_payload);
    unsigned char digest[32];
    unsigned int dlen = 0;
    EVP_Digest(canonical.data(), canonical.size(), digest, &dlen, EVP_sha256(), nullptr);
    std::string sts = "OSS4-HMAC-SHA256\n" + date + "\n" + v4_scope(std::string_view(date).substr(0, 8), "cn-hangzhou", "oss") +
                      "\n" + hex_encode(digest, dlen);
    auto sig = openssl_hex_hmac(key, 32, sts);
    req.headers.set("Authorization", "OSS4-HMAC-SHA256 Credential=ak/" + v4_scope(std::string_view(date).substr(0, 8),
                                                                                   "cn-hangzhou", "oss") +
                                         ",Signature=" + sig);
    return sig;
}

void bench_sign() {
    const credentials creds{"ak", "sk", ""};
    const v4_options opts{"cn-hangzhou", "oss", {}};
    auto t0 = from_unix_seconds(1732450000);
    // The two implementations must agree before they are timed.
    {
        auto a = part_request(), b = part_request();
        auto ours = sign_v4(a, creds, t0, opts).value();
        auto theirs = peer_sign_v4(b, t0);
        if (ours.signature != theirs) {
            std::fprintf(stderr, "bench sign: signatures differ\n");
            std::exit(1);
        }
    }
    constexpr int n = 200000;
    auto req_ours = part_request(), req_peer = part_request();
    v4_key_cache cache;
    auto [ours, peer] = ossmp_bench::time_pair(
        [&] {
            for (int i = 0; i < n; ++i) {
                auto s = sign_v4(req_ours, creds, t0 + std::chrono::seconds(i % 3600), opts, &cache);
                ossmp_bench::keep(s);
            }
        },
        [&] {
            for (int i = 0; i < n; ++i) {
                auto s = peer_sign_v4(req_peer, t0 + std::chrono::seconds(i % 3600));
                ossmp_bench::keep(s);
            }
        });
    ossmp_bench::report("sign_v4_header_ops", n / ours, "OpenSSL SHA-256/HMAC over the same canonical request",
                        n / peer, "ops/s");
    std::printf("# sign_v4_header: %.3f us per signature (target < 2 us)\n", ours / n * 1e6);

    auto r1 = part_request(), r2 = part_request();
    auto [v1_ours, v1_peer] = ossmp_bench::time_pair(
        [&] {
            for (int i = 0; i < n; ++i) {
                auto s = sign_v1(r1, creds, t0 + std::chrono::seconds(i % 3600));
                ossmp_bench::keep(s);
            }
        },
        [&] {
            for (int i = 0; i < n; ++i) {
                r2.headers.set("Date", format_http_date(t0 + std::chrono::seconds(i % 3600)));
                auto sts = v1_string_to_sign(r2.method, r2.headers, r2.headers.get_or("Date"),
                                             v1_canonical_resource(r2.bucket, r2.key, r2.query));
                unsigned char out[20];
                unsigned int len = 0;
                HMAC(EVP_sha1(), "sk", 2, reinterpret_cast<const unsigned char*>(sts.data()), sts.size(), out, &len);
                auto sig = base64_encode(out, len);
                r2.headers.set("Authorization", "OSS ak:" + sig);
                ossmp_bench::keep(sig);
            }
        });
    ossmp_bench::report("sign_v1_header_ops", n / v1_ours, "OpenSSL HMAC-SHA1 over the same string to sign",
                        n / v1_peer, "ops/s");
}

OSSMP_BENCH("sign", bench_sign);

}  // namespace
