// The dialect seam: a second, toy service whose every name differs from OSS's (headers,
// signing scheme and key derivation, presigned-URL parameters, V1 sub-resources, service
// domain, and a checksum written in base64 instead of decimal). It is a constant expression
// built from the dialect struct alone; builders, parsers, signers and the upload machine
// run on it unchanged, and not one OSS name reaches the wire.
#include <catch2/catch.hpp>

#include <ossmp/ossmp.hpp>

#include <string>
#include <vector>

using namespace ossmp;

namespace {

constexpr std::string_view toy_sub_resources[] = {"partNumber", "uploadId", "uploads", "toy-token"};

// Several names to a line: the toy reads as a list of differences, not a copy of oss_dialect.
// clang-format off
constexpr dialect toy{
    .name = "toy", .header_prefix = "x-toy-", .meta_prefix = "x-toy-meta-", .date_header = "x-toy-date",
    .security_token_header = "x-toy-security-token", .content_sha256_header = "x-toy-content-sha256",
    .request_id_header = "x-toy-request-id", .ec_header = "x-toy-ec", .error_header = "x-toy-err",
    .version_id_header = "x-toy-version-id", .storage_class_header = "x-toy-storage-class",
    .object_acl_header = "x-toy-acl", .sse_header = "x-toy-sse", .sse_data_header = "x-toy-sse-data",
    .sse_key_id_header = "x-toy-sse-key-id", .tagging_header = "x-toy-tagging",
    // No forbid-overwrite, complete-all or callbacks in this service.
    .forbid_overwrite_header = "", .complete_all_header = "", .callback_header = "", .callback_var_header = "",
    .traffic_limit_header = "x-toy-traffic-limit", .copy_source_header = "x-toy-copy-source",
    .copy_source_range_header = "x-toy-copy-source-range", .copy_source_if_match_header = "x-toy-copy-if-match",
    .copy_source_if_none_match_header = "x-toy-copy-if-none-match",
    .copy_source_if_modified_since_header = "x-toy-copy-if-modified-since",
    .copy_source_if_unmodified_since_header = "x-toy-copy-if-unmodified-since",
    .copy_source_version_id_header = "x-toy-copy-source-version-id",
    .checksum = {checksum_kind::crc64_ecma, checksum_text::base64, "x-toy-checksum-crc64", "ChecksumCRC64"},
    .signing = {"TOY4-HMAC-SHA256", "TOY4", "toy4_request", "UNHASHED",
                "X-Toy-Algorithm", "X-Toy-Credential", "X-Toy-Date", "X-Toy-Expires", "X-Toy-AdditionalHeaders",
                "X-Toy-Signature", "X-Toy-Security-Token",
                "TOY ", "ToyAccessKeyId", "ToyExpires", "ToySignature", "toy-token", toy_sub_resources},
    .service_domain = "toy.example", .endpoint_label_prefix = "store-",
};
// clang-format on

// Compile time: the toy is a constant, and none of its names is OSS's.
constexpr bool differs(std::string_view a, std::string_view b) { return a.empty() || a != b; }
constexpr bool nothing_of_oss(const dialect& d) {
    const auto& o = oss_dialect;
    const auto& s = d.signing;
    const auto& os = o.signing;
    return differs(d.header_prefix, o.header_prefix) && differs(d.date_header, o.date_header) &&
           differs(d.security_token_header, o.security_token_header) &&
           differs(d.content_sha256_header, o.content_sha256_header) &&
           differs(d.request_id_header, o.request_id_header) && differs(d.checksum.header, o.checksum.header) &&
           differs(d.checksum.element, o.checksum.element) && d.checksum.text != o.checksum.text &&
           differs(s.v4_algorithm, os.v4_algorithm) && differs(s.v4_key_prefix, os.v4_key_prefix) &&
           differs(s.v4_terminator, os.v4_terminator) && differs(s.v4_unsigned_payload, os.v4_unsigned_payload) &&
           differs(s.v4_query_algorithm, os.v4_query_algorithm) && differs(s.v4_query_signature, os.v4_query_signature) &&
           differs(s.v1_scheme, os.v1_scheme) && differs(s.v1_query_access_key, os.v1_query_access_key) &&
           differs(s.v1_query_signature, os.v1_query_signature) && differs(d.service_domain, o.service_domain) &&
           s.v1_sub_resources.size() != os.v1_sub_resources.size();
}
static_assert(nothing_of_oss(toy));
static_assert(toy.signing.v1_sub_resources.size() == 4);
static_assert(oss_dialect.signing.v4_algorithm == v4_algorithm);  // the named constant is OSS's

std::string be64_base64(std::uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (56 - 8 * i));
    return base64_encode(b, 8);
}

bool mentions_oss(const http_request& r) {
    auto has = [](std::string_view s) {
        return s.find("oss") != std::string_view::npos || s.find("OSS") != std::string_view::npos ||
               s.find("aliyun") != std::string_view::npos;
    };
    if (has(r.target())) return true;
    for (const auto& h : r.headers)
        if (has(h.name) || (h.name != "Authorization" && has(h.value))) return true;
    return false;
}

}  // namespace

TEST_CASE("toy dialect: the signers write the dialect's names", "[dialect]") {
    auto ep = parse_endpoint("http://127.0.0.1:9000").value();
    auto now = from_unix_seconds(1732450000);
    credentials creds{"ak", "sk", "tok"};
    auto req = make_upload_part_request(ep, "bucket", "k", "U1", 3, {0, 10}, {}, toy).value();
    auto v4 = sign_v4(req, creds, now, {"cn-hangzhou", "oss", {}}, nullptr, toy).value();
    CHECK(v4.scope == "20241124/cn-hangzhou/oss/toy4_request");
    CHECK(v4.string_to_sign.rfind("TOY4-HMAC-SHA256\n", 0) == 0);
    CHECK(v4.authorization.rfind("TOY4-HMAC-SHA256 Credential=ak/20241124/cn-hangzhou/oss/toy4_request", 0) == 0);
    CHECK(req.headers.get("x-toy-content-sha256") == "UNHASHED");
    CHECK(req.headers.get("x-toy-security-token") == "tok");
    CHECK(req.headers.get("x-toy-date") == v4.x_oss_date);
    CHECK_FALSE(mentions_oss(req));
    // The key chain starts from the dialect's prefix and ends in its terminator.
    auto key = derive_v4_signing_key("sk", "20241124", "cn-hangzhou", "oss", toy);
    CHECK(v4.signature == v4_signature(key, v4.string_to_sign));
    CHECK(key != derive_v4_signing_key("sk", "20241124", "cn-hangzhou", "oss"));
    v4_key_cache cache;
    CHECK(cache.get("sk", "20241124", "cn-hangzhou", "oss", toy) == key);
    CHECK(cache.get("sk", "20241124", "cn-hangzhou", "oss") != key);  // another dialect, another key
    CHECK(cache.derivations() == 2);

    auto v1req = make_upload_part_request(ep, "bucket", "k", "U1", 3, {0, 10}, {}, toy).value();
    auto v1 = sign_v1(v1req, creds, now, {}, toy).value();
    CHECK(v1.authorization.rfind("TOY ak:", 0) == 0);
    CHECK(v1.canonical_resource == "/bucket/k?partNumber=3&uploadId=U1");
    CHECK(v1.string_to_sign.find("x-toy-security-token:tok\n") != std::string::npos);

    auto get = make_get_object_request(ep, "bucket", "k").value();
    auto p1 = presign_v1(get, creds, now + std::chrono::hours(1), {}, toy).value();
    for (const char* n : {"ToyAccessKeyId=ak", "ToyExpires=", "ToySignature=", "toy-token=tok"})
        CHECK(p1.url.find(n) != std::string::npos);
    CHECK(p1.canonical_resource == "/bucket/k?toy-token=tok");
    auto p4 = presign_v4(get, creds, now, now + std::chrono::hours(1), {"cn-hangzhou", "oss", {}}, nullptr, toy).value();
    for (const char* n : {"X-Toy-Algorithm=TOY4-HMAC-SHA256", "X-Toy-Credential=", "X-Toy-Date=", "X-Toy-Expires=3600",
                          "X-Toy-Signature=", "X-Toy-Security-Token=tok"})
        CHECK(p4.url.find(n) != std::string::npos);
    CHECK(p4.url.find("oss-") == std::string::npos);

    CHECK(region_from_host("bucket.store-eu-1.toy.example", toy) == "eu-1");
    CHECK_FALSE(region_from_host("bucket.oss-cn-hangzhou.aliyuncs.com", toy));
    CHECK(region_from_host("bucket.oss-cn-hangzhou.aliyuncs.com") == "cn-hangzhou");
}

TEST_CASE("toy dialect: the parsers read the dialect's names and checksum text", "[dialect]") {
    http_response part;
    part.status = 200;
    part.headers.set("ETag", "\"E\"");
    part.headers.set("x-toy-request-id", "R1");
    part.headers.set("x-toy-checksum-crc64", be64_base64(0x0123456789abcdefull));
    auto r = parse_upload_part_result(part, 1, toy).value();
    CHECK(r.crc64 == 0x0123456789abcdefull);
    CHECK(r.info.request_id == "R1");
    CHECK_FALSE(parse_upload_part_result(part, 1).value().crc64);  // OSS's parser sees no checksum
    part.headers.set("x-toy-checksum-crc64", "12345");               // decimal is not this dialect's
    CHECK(parse_upload_part_result(part, 1, toy).error().code == errc::invalid_field);

    http_response list;
    list.status = 200;
    list.body = "<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>U</UploadId><IsTruncated>false</IsTruncated>"
                "<Part><PartNumber>1</PartNumber><ETag>\"E\"</ETag><Size>5</Size>"
                "<LastModified>2024-01-01T00:00:00.000Z</LastModified><ChecksumCRC64>" +
                be64_base64(42) + "</ChecksumCRC64></Part></ListPartsResult>";
    auto l = parse_list_parts_result(list, toy).value();
    REQUIRE(l.parts.size() == 1);
    CHECK(l.parts[0].crc64 == 42u);
}

TEST_CASE("toy dialect: the upload machine runs on it unchanged", "[dialect][machine]") {
    std::string data(250 * 1024, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 997);
    for (auto version : {signature_version::v4, signature_version::v1}) {
        INFO((version == signature_version::v4 ? "V4" : "V1"));
        upload_config cfg;
        cfg.ep = parse_endpoint("http://127.0.0.1:9000").value();
        cfg.bucket = "bucket";
        cfg.key = "toy/object";
        cfg.signing = {version, {"ak", "sk", ""}, {"cn-hangzhou", "oss", {}}, {}};
        cfg.dialect = toy;
        cfg.source.size = data.size();
        cfg.part_size = 100 * 1024;
        cfg.max_in_flight = 2;
        cfg.initiate.storage_class = "Standard";
        cfg.traffic_limit = 819200;
        auto m = upload_machine::create(cfg).value();
        auto now = from_unix_seconds(1732450000);
        std::vector<send_request> flying;
        std::vector<std::string> seen;
        bool corrupted_once = false;
        std::optional<upload_outcome> outcome;
        auto answer = [&](const send_request& s) {
            const auto& req = s.request;
            INFO(req.method << " " << req.target());
            CHECK_FALSE(mentions_oss(req));
            auto auth = req.headers.get_or("Authorization");
            CHECK(auth.rfind(version == signature_version::v4 ? "TOY4-HMAC-SHA256 " : "TOY ", 0) == 0);
            seen.push_back(std::string(to_string(req.op)));
            http_response r;
            r.status = 200;
            r.headers.set("x-toy-request-id", "T");
            if (req.op == operation::initiate_multipart_upload) {
                CHECK(req.headers.get("x-toy-storage-class") == "Standard");
                r.body = "<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>toy/object</Key>"
                         "<UploadId>U1</UploadId></InitiateMultipartUploadResult>";
                REQUIRE(m.on_response(s.id, r, now));
            } else if (req.op == operation::upload_part) {
                CHECK(req.headers.get("x-toy-traffic-limit") == "819200");
                auto crc = crc64_of(std::string_view(data).substr(req.source->offset, req.source->length));
                // The first answer carries another CRC: a mismatch the machine must catch.
                auto told = corrupted_once ? crc : crc + 1;
                corrupted_once = true;
                r.headers.set("ETag", "\"E" + std::to_string(req.part_number) + "\"");
                r.headers.set("x-toy-checksum-crc64", be64_base64(told));
                REQUIRE(m.on_response(s.id, r, now, crc));
            } else {
                REQUIRE(req.op == operation::complete_multipart_upload);
                r.headers.set("x-toy-checksum-crc64", be64_base64(crc64_of(data)));
                r.body = "<CompleteMultipartUploadResult><Bucket>bucket</Bucket><Key>toy/object</Key>"
                         "<ETag>\"X\"</ETag></CompleteMultipartUploadResult>";
                REQUIRE(m.on_response(s.id, r, now));
            }
        };
        for (int step = 0; step < 200 && !outcome; ++step) {
            auto a = m.next(now);
            if (auto* s = std::get_if<send_request>(&a)) {
                flying.push_back(std::move(*s));
            } else if (std::holds_alternative<check_source>(a)) {
                REQUIRE(m.on_source_checked(std::nullopt, now));
            } else if (auto* w = std::get_if<wait_until>(&a)) {
                now = std::max(now, w->deadline);
            } else if (auto* f = std::get_if<finished>(&a)) {
                outcome = f->outcome;
            } else if (auto* x = std::get_if<failed>(&a)) {
                FAIL(x->err.what());
            } else if (!std::holds_alternative<release_body>(a)) {
                REQUIRE_FALSE(flying.empty());
                for (auto& s : flying) answer(s);
                flying.clear();
            }
        }
        REQUIRE(outcome);
        CHECK(outcome->crc64 == crc64_of(data));
        CHECK(m.stats().retries == 1);  // the part whose CRC did not match was sent again
        CHECK(seen.size() == 1 + 4 + 1);
    }
}
