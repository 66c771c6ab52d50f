#include <catch2/catch.hpp>

#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/hmac.hpp>

#include <string>

using namespace ossmp;

namespace {

struct mac_case {
    std::string key, data;
    const char* want;  // hex; RFC 4231 case 5 gives only the first 128 bits
};

std::string key25() {
    std::string k;
    for (int i = 1; i <= 25; ++i) k += static_cast<char>(i);
    return k;
}

// RFC 2202 section 3, HMAC-SHA-1 test cases 1-7.
const mac_case rfc2202[] = {
    {std::string(20, '\x0b'), "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"},
    {"Jefe", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
    {std::string(20, '\xaa'), std::string(50, '\xdd'), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
    {key25(), std::string(50, '\xcd'), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
    {std::string(20, '\x0c'), "Test With Truncation", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
    {std::string(80, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
     "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
    {std::string(80, '\xaa'), "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
     "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
};

// RFC 4231 section 4, HMAC-SHA-256 test cases 1-7 (6 and 7: 131-byte keys, hashed first).
const mac_case rfc4231[] = {
    {std::string(20, '\x0b'), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {"Jefe", "what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {std::string(20, '\xaa'), std::string(50, '\xdd'),
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    {key25(), std::string(50, '\xcd'), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
    {std::string(20, '\x0c'), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
    {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
    {std::string(131, '\xaa'),
     "This is a test using a larger than block-size key and a larger than block-size data. The key needs to "
     "be "
     "hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
};

template <class Mac>
void check_cases(const mac_case* begin, const mac_case* end) {
    int n = 1;
    for (auto c = begin; c != end; ++c, ++n) {
        INFO("test case " << n);
        const std::string want = c->want;
        CHECK(hex_encode(Mac::mac(c->key, c->data)).substr(0, want.size()) == want);
        // The same through a keyed object, message in two pieces.
        Mac m(c->key);
        m.update(std::string_view(c->data).substr(0, c->data.size() / 3));
        m.update(std::string_view(c->data).substr(c->data.size() / 3));
        CHECK(hex_encode(m.final()).substr(0, want.size()) == want);
    }
}

}  // namespace

TEST_CASE("hmac-sha1 matches RFC 2202", "[hmac]") {
    check_cases<hmac_sha1>(std::begin(rfc2202), std::end(rfc2202));
}

TEST_CASE("hmac-sha256 matches RFC 4231, long keys included", "[hmac]") {
    check_cases<hmac_sha256>(std::begin(rfc4231), std::end(rfc4231));
}

TEST_CASE("hmac keys at the block size are used as they are, longer ones hashed", "[hmac]") {
    // Values from Python's hmac module.
    CHECK(hex_encode(hmac_sha256::mac(std::string(64, 'k'), "msg")) ==
          "d62ad25bb128e96ab6ef43464aaf2bb91b5b85f013381e9ba6be747e8d0911b2");
    CHECK(hex_encode(hmac_sha256::mac(std::string(65, 'k'), "msg")) ==
          "c65585780e821bd312cfaa440c33cb28d6af6b323d4977ae83934834ce589e38");
    CHECK(hex_encode(hmac_sha256::mac("", "")) ==
          "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    // A key longer than the block is equivalent to its digest as the key.
    const std::string long_key(200, 'z');
    const auto kd = sha256::hash(long_key);
    const std::string_view kd_sv(reinterpret_cast<const char*>(kd.data()), kd.size());
    CHECK(hmac_sha256::mac(long_key, "data") == hmac_sha256::mac(kd_sv, "data"));
}

TEST_CASE("one hmac object authenticates message after message under its key", "[hmac]") {
    hmac_sha256 m(std::string(20, '\x0b'));
    for (int i = 0; i < 3; ++i) {
        m.update("Hi There");
        CHECK(hex_encode(m.final()) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        m.update("what do ya ");
        m.update("want for nothing?");
        CHECK(m.final() == hmac_sha256::mac(std::string(20, '\x0b'), "what do ya want for nothing?"));
    }
    // Copies are independent.
    hmac_sha1 a("Jefe");
    a.update("what do ya want ");
    hmac_sha1 b = a;
    a.update("for nothing?");
    b.update("for everything?");
    CHECK(hex_encode(a.final()) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    CHECK(b.final() == hmac_sha1::mac("Jefe", "what do ya want for everything?"));
}
