// ossmp-vectors: the conformance runner. Checks every vector in the given files through the
// public API and prints one line per vector:
//   PASS <id>
//   FAIL <id>: <stage>: expected <value> got <value>
// then "N passed, N failed"; exits 1 on any failure (2 on unreadable input). Files follow
// the schema of shared/vectors/signatures.json ({"schema", "vectors"}), crc64.json
// ({"algorithm", "single", "combine"}), or crc32c.json / crc64nvme.json (the same shape with
// crc_hex and crc_base64, told apart by algorithm.name). Stages are checked earliest first, so a FAIL names
// the first stage that differs. This output format is a contract other checks parse.
#include <ossmp/ossmp.hpp>

#include "crc_zeros.hpp"
#include "json.hpp"

#include <cstdio>
#include <exception>
#include <optional>
#include <regex>
#include <string>
#include <vector>

using ossmp_test::json;

namespace {

int passed = 0, failed = 0;

// Newlines and tabs escaped, so every report stays on one line.
std::string one_line(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '\n') o += "\\n";
        else if (c == '\t') o += "\\t";
        else if (c == '\\') o += "\\\\";
        else o += c;
    }
    return o;
}

struct checker {
    std::string id;
    std::optional<std::string> failure;

    // Records the first mismatch only: later stages depend on earlier ones.
    void expect(const std::string& stage, const std::string& expected, const std::string& got) {
        if (failure || expected == got) return;
        failure = stage + ": expected " + one_line(expected) + " got " + one_line(got);
    }
    void fail(const std::string& stage, const std::string& what) {
        if (!failure) failure = stage + ": " + one_line(what);
    }
    void report() {
        if (failure) {
            std::printf("FAIL %s: %s\n", id.c_str(), failure->c_str());
            ++failed;
        } else {
            std::printf("PASS %s\n", id.c_str());
            ++passed;
        }
    }
};

std::string opt_str(const json& j, const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].str() : std::string();
}

// The request a vector describes, addressed virtual-hosted at oss-cn-hangzhou over http
// (the host the official SDK tests use for their signed URLs).
ossmp::result<ossmp::http_request> request_of(const json& in) {
    ossmp::http_request req;
    req.method = in["method"].str();
    req.bucket = opt_str(in, "bucket");
    req.key = opt_str(in, "key");
    req.scheme = "http";
    auto ep = ossmp::parse_endpoint("http://oss-cn-hangzhou.aliyuncs.com");
    if (!ep) return ep.error();
    auto loc = ossmp::resolve(*ep, req.bucket, req.key);
    if (!loc) return loc.error();
    req.host = loc->host;
    req.path = loc->path;
    for (const auto& q : in["query"].items()) req.query.push_back({q[0].str(), q[1].str()});
    for (const auto& h : in["headers"].items()) req.headers.add(h[0].str(), h[1].str());
    return req;
}

std::vector<std::string> strings_of(const json& in, const char* k) {
    std::vector<std::string> out;
    if (in.contains(k) && in[k].is_array())
        for (const auto& s : in[k].items()) out.push_back(s.str());
    return out;
}

ossmp::credentials creds_of(const json& in) {
    return {in["access_key_id"].str(), in["access_key_secret"].str(), opt_str(in, "security_token")};
}

void check_v1_header(checker& c, const json& in, const json& ex) {
    auto req = request_of(in);
    if (!req) return c.fail("request", req.error().what());
    auto now = ossmp::parse_http_date(in["date_used_in_string_to_sign"].str());
    auto s = ossmp::sign_v1(*req, creds_of(in), now ? *now : ossmp::time_point{},
                            ossmp::v1_options{strings_of(in, "extra_sub_resources")});
    if (!s) return c.fail("sign", s.error().what());
    c.expect("string_to_sign", ex["string_to_sign"].str(), s->string_to_sign);
    c.expect("signature", ex["signature"].str(), s->signature);
    if (ex.contains("authorization")) {
        c.expect("authorization", ex["authorization"].str(), s->authorization);
        c.expect("authorization header", ex["authorization"].str(), std::string(req->headers.get_or("Authorization")));
    }
}

void check_v1_query(checker& c, const json& in, const json& ex) {
    auto req = request_of(in);
    if (!req) return c.fail("request", req.error().what());
    auto p = ossmp::presign_v1(*req, creds_of(in), ossmp::from_unix_seconds(in["expires_unix"].i64()),
                               ossmp::v1_options{strings_of(in, "extra_sub_resources")});
    if (!p) return c.fail("presign", p.error().what());
    c.expect("string_to_sign", ex["string_to_sign"].str(), p->string_to_sign);
    c.expect("signature", ex["signature"].str(), p->signature);
    if (ex.contains("signature_urlencoded"))
        c.expect("signature_urlencoded", ex["signature_urlencoded"].str(), ossmp::percent_encode(p->signature));
    if (ex.contains("query_params_added"))
        for (const auto& [name, value] : ex["query_params_added"].members()) {
            auto* got = ossmp::find_param(p->added, name);
            c.expect("query_params_added." + name, value.str(), got ? got->value : std::string("<absent>"));
        }
    if (ex.contains("signed_url")) c.expect("signed_url", ex["signed_url"].str(), p->url);
}

ossmp::v4_options v4_options_of(const json& in) {
    return {in["region"].str(), in.contains("product") ? in["product"].str() : "oss",
            strings_of(in, "additional_headers")};
}

void check_v4_header(checker& c, const json& in, const json& ex) {
    auto req = request_of(in);
    if (!req) return c.fail("request", req.error().what());
    auto s = ossmp::sign_v4(*req, creds_of(in), ossmp::from_unix_seconds(in["sign_time_unix"].i64()),
                            v4_options_of(in));
    if (!s) return c.fail("sign", s.error().what());
    if (ex.contains("x_oss_date")) c.expect("x_oss_date", ex["x_oss_date"].str(), s->x_oss_date);
    if (ex.contains("scope")) c.expect("scope", ex["scope"].str(), s->scope);
    if (ex.contains("additional_headers_effective"))
        c.expect("additional_headers_effective", ex["additional_headers_effective"].str(), s->additional_headers);
    if (ex.contains("params_or_headers_added_by_signer"))
        for (const auto& [name, value] : ex["params_or_headers_added_by_signer"].members())
            c.expect("header " + name, value.str(), std::string(req->headers.get(name).value_or("<absent>")));
    if (ex.contains("canonical_request"))
        c.expect("canonical_request", ex["canonical_request"].str(), s->canonical_request);
    c.expect("string_to_sign", ex["string_to_sign"].str(), s->string_to_sign);
    c.expect("signature", ex["signature"].str(), s->signature);
    if (ex.contains("authorization")) c.expect("authorization", ex["authorization"].str(), s->authorization);
}

void check_v4_query(checker& c, const json& in, const json& ex) {
    auto req = request_of(in);
    if (!req) return c.fail("request", req.error().what());
    auto p = ossmp::presign_v4(*req, creds_of(in), ossmp::from_unix_seconds(in["sign_time_unix"].i64()),
                               ossmp::from_unix_seconds(in["expiration_unix"].i64()), v4_options_of(in));
    if (!p) return c.fail("presign", p.error().what());
    if (ex.contains("x_oss_date")) c.expect("x_oss_date", ex["x_oss_date"].str(), p->x_oss_date);
    if (ex.contains("scope")) c.expect("scope", ex["scope"].str(), p->scope);
    if (ex.contains("additional_headers_effective"))
        c.expect("additional_headers_effective", ex["additional_headers_effective"].str(), p->additional_headers);
    if (ex.contains("params_or_headers_added_by_signer"))
        for (const auto& [name, value] : ex["params_or_headers_added_by_signer"].members()) {
            auto* got = ossmp::find_param(p->added, name);
            c.expect("query " + name, value.str(), got ? got->value : std::string("<absent>"));
        }
    if (ex.contains("canonical_request"))
        c.expect("canonical_request", ex["canonical_request"].str(), p->canonical_request);
    c.expect("string_to_sign", ex["string_to_sign"].str(), p->string_to_sign);
    c.expect("signature", ex["signature"].str(), p->signature);
    if (ex.contains("signed_url")) c.expect("signed_url", ex["signed_url"].str(), p->url);
}

void run_signatures(const json& doc) {
    for (const auto& v : doc["vectors"].items()) {
        checker c{v["id"].str(), {}};
        try {
            const auto& type = v["type"].str();
            if (type == "v1-header") check_v1_header(c, v["inputs"], v["expected"]);
            else if (type == "v1-query") check_v1_query(c, v["inputs"], v["expected"]);
            else if (type == "v4-header") check_v4_header(c, v["inputs"], v["expected"]);
            else if (type == "v4-query") check_v4_query(c, v["inputs"], v["expected"]);
            else c.fail("type", "unknown vector type '" + type + "'");
        } catch (const std::exception& e) {
            c.fail("vector", std::string("malformed vector: ") + e.what());
        }
        c.report();
    }
}

std::uint64_t hex64(const std::string& s) { return std::stoull(s, nullptr, 16); }

std::string hexstr(std::uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%016llx", static_cast<unsigned long long>(v));
    return b;
}

// "empty input" or "N bytes of 0xXX".
std::optional<std::string> crc_input(const json& e) {
    if (e.contains("input_ascii") && e["input_ascii"].is_string()) return e["input_ascii"].str();
    auto d = opt_str(e, "input_description");
    if (d == "empty input") return std::string();
    std::smatch m;
    static const std::regex re(R"(^(\d+) bytes of 0x([0-9a-fA-F]{2})$)");
    if (std::regex_match(d, m, re)) return std::string(std::stoull(m[1]), static_cast<char>(std::stoi(m[2], nullptr, 16)));
    return std::nullopt;
}

void run_crc64(const json& doc) {
    int n = 0;
    for (const auto& e : doc["single"].items()) {
        checker c{"crc64-single-" + std::to_string(++n), {}};
        auto in = crc_input(e);
        if (!in) {
            c.fail("input", "cannot build input from '" + opt_str(e, "input_description") + "'");
        } else {
            auto crc = ossmp::crc64_of(*in);
            c.expect("crc64_hex", hexstr(hex64(e["crc64_hex"].str())), hexstr(crc));
            if (e.contains("crc64_decimal")) c.expect("crc64_decimal", e["crc64_decimal"].str(), std::to_string(crc));
            if (e.contains("length")) c.expect("length", e["length"].number_text(), std::to_string(in->size()));
        }
        c.report();
    }
    n = 0;
    for (const auto& e : doc["combine"].items()) {
        checker c{"crc64-combine-" + std::to_string(++n), {}};
        if (e.contains("crc1_hex")) {
            c.expect("combine", hexstr(hex64(e["expected_hex"].str())),
                     hexstr(ossmp::crc64_combine(hex64(e["crc1_hex"].str()), hex64(e["crc2_hex"].str()),
                                                 e["len2"].u64())));
        } else if (e.contains("init_hex")) {
            c.expect("update_from_init", hexstr(hex64(e["expected_hex"].str())),
                     hexstr(ossmp::crc64_update(hex64(e["init_hex"].str()), e["data_ascii"].str())));
        } else if (e.contains("parts_lengths")) {
            std::uint64_t fold = 0, total = 0;
            std::size_t i = 0;
            for (const auto& len : e["parts_lengths"].items()) {
                std::string part(len.u64(), '\0');
                auto crc = ossmp::crc64_of(part);
                c.expect("part_crc[" + std::to_string(i) + "]", hexstr(hex64(e["part_crcs_hex"][i].str())), hexstr(crc));
                fold = ossmp::crc64_combine(fold, crc, part.size());
                total += part.size();
                ++i;
            }
            c.expect("whole", hexstr(hex64(e["expected_whole_hex"].str())), hexstr(ossmp::crc64_of(std::string(total, '\0'))));
            c.expect("fold", hexstr(hex64(e["expected_fold_hex"].str())), hexstr(fold));
        } else {
            c.fail("vector", "unknown combine entry shape");
        }
        c.report();
    }
}

// The S3 CRCs' files (crc32c.json, crc64nvme.json): `single` entries give crc_hex and its
// wire form crc_base64; `combine` entries crc1/crc2/len2 or zeros_length (the CRC of that
// many zero bytes, reached by combining, never by allocating them).
template <class Reg>
struct s3_crc {
    const char* id;
    Reg (*of)(const void*, std::size_t) noexcept;
    Reg (*combine)(Reg, Reg, std::uint64_t) noexcept;
    std::string (*base64)(Reg);
};

template <class Reg>
void run_s3_crc(const json& doc, const s3_crc<Reg>& crc) {
    auto hex = [](const json& v) { return static_cast<Reg>(std::stoull(v.str(), nullptr, 16)); };
    auto show = [](Reg v) { return hexstr(v); };
    int n = 0;
    for (const auto& e : doc["single"].items()) {
        checker c{std::string(crc.id) + "-single-" + std::to_string(++n), {}};
        std::optional<std::string> in;
        if (e.contains("input_hex")) {
            in.emplace();
            const std::string& h = e["input_hex"].str();
            for (std::size_t i = 0; i + 1 < h.size(); i += 2)
                in->push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
        } else {
            in = crc_input(e);
        }
        if (!in) {
            c.fail("input", "cannot build input from '" + opt_str(e, "input_description") + "'");
        } else {
            const Reg got = crc.of(in->data(), in->size());
            c.expect("length", e["length"].number_text(), std::to_string(in->size()));
            c.expect("crc_hex", show(hex(e["crc_hex"])), show(got));
            c.expect("crc_base64", e["crc_base64"].str(), crc.base64(got));
        }
        c.report();
    }
    n = 0;
    for (const auto& e : doc["combine"].items()) {
        checker c{std::string(crc.id) + "-combine-" + std::to_string(++n), {}};
        if (e.contains("zeros_length")) {
            const Reg total = ossmp_test::crc_of_zeros<Reg>(e["zeros_length"].u64(), crc.of, crc.combine);
            c.expect("zeros", show(hex(e["expected_hex"])), show(total));
        } else if (e.contains("crc1_hex")) {
            c.expect("combine", show(hex(e["expected_hex"])),
                     show(crc.combine(hex(e["crc1_hex"]), hex(e["crc2_hex"]), e["len2"].u64())));
        } else {
            c.fail("vector", "unknown combine entry shape");
        }
        c.report();
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: ossmp-vectors FILE.json...\n");
        return 2;
    }
    for (int i = 1; i < argc; ++i) {
        json doc;
        try {
            doc = json::parse_file(argv[i]);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "ossmp-vectors: %s: %s\n", argv[i], e.what());
            return 2;
        }
        const std::string algorithm =
            doc.contains("algorithm") && doc["algorithm"].contains("name") ? doc["algorithm"]["name"].str() : "";
        if (doc.contains("vectors")) run_signatures(doc);
        else if (algorithm.rfind("CRC-32C", 0) == 0)
            run_s3_crc<std::uint32_t>(doc, {"crc32c", &ossmp::crc32c_of, &ossmp::crc32c_combine, &ossmp::crc32c_base64});
        else if (algorithm.rfind("CRC-64/NVME", 0) == 0)
            run_s3_crc<std::uint64_t>(
                doc, {"crc64nvme", &ossmp::crc64nvme_of, &ossmp::crc64nvme_combine, &ossmp::crc64nvme_base64});
        else if (doc.contains("single")) run_crc64(doc);
        else {
            std::fprintf(stderr, "ossmp-vectors: %s: neither a signature nor a CRC-64 vector file\n", argv[i]);
            return 2;
        }
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
