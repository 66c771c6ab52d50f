// Bad input gets the OSS error OSS would give, and never changes what is stored: each case
// runs against a disk-backed emulator whose directory is fingerprinted before and after.
#include <catch2/catch.hpp>

#include <emulator_test_support.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace ossmp;
using emu_test::fixture;
using sv = signature_version;
namespace fs = std::filesystem;

namespace {

std::string code_of(const http_response& resp) {
    auto e = parse_service_error(resp, operation::none);
    return e ? e->oss_code : std::string();
}

// A fresh directory under the system temp dir, removed at scope exit.
struct temp_dir {
    fs::path path;
    temp_dir() {
        path = fs::temp_directory_path() / ("ossmp-emu-bad-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// Every file under `root` with its size and MD5: what "nothing changed" means.
std::map<std::string, std::string> fingerprint(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        auto rel = fs::relative(e.path(), root).string();
        if (e.is_directory()) {
            out[rel] = "dir";
            continue;
        }
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        out[rel] = std::to_string(ss.str().size()) + ":" + hex_encode(md5::hash(ss.str()));
    }
    return out;
}

}  // namespace

TEST_CASE("bad requests leave the stored data untouched", "[emulator][bad]") {
    temp_dir dir;
    auto cfg = emu_test::default_config();
    cfg.dir = (dir.path / "data").string();
    fixture f(cfg);
    // Something stored to protect: an object and an upload with two parts.
    auto obj = emu_test::pattern_bytes(200000, 3);
    REQUIRE(f.run(make_put_object_request(f.ep, "bucket", "keep/object", {0, obj.size()}).value(), sv::v4, obj).status == 200);
    auto init = parse_initiate_result(f.run(make_initiate_request(f.ep, "bucket", "keep/upload").value(), sv::v4));
    REQUIRE(init.has_value());
    const auto id = init->upload_id;
    auto p1data = emu_test::pattern_bytes(min_part_size, 5);
    auto p1 = parse_upload_part_result(
        f.run(make_upload_part_request(f.ep, "bucket", "keep/upload", id, 1, {0, p1data.size()}).value(), sv::v4, p1data), 1);
    REQUIRE(p1.has_value());
    auto p2 = parse_upload_part_result(
        f.run(make_upload_part_request(f.ep, "bucket", "keep/upload", id, 2, {0, 4}).value(), sv::v4, "tail"), 2);
    REQUIRE(p2.has_value());
    const auto before = fingerprint(dir.path);

    auto complete_with = [&](std::string body) {
        auto req = make_complete_request(f.ep, "bucket", "keep/upload", id, std::vector<completed_part>{{1, p1->etag}}).value();
        req.body = std::move(body);
        req.headers.erase("Content-MD5");
        return f.run(req, sv::v1);
    };
    auto part_xml = [](std::string n, const std::string& etag) {
        return "<Part><PartNumber>" + n + "</PartNumber><ETag>" + etag + "</ETag></Part>";
    };

    SECTION("malformed Complete bodies are MalformedXML") {
        for (std::string body : std::vector<std::string>{
                 std::string("\x00\x01\x02garbage", 10),
                 std::string("<CompleteMultipartUpload><Part>"),
                 std::string("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><CompleteMultipartUpload/>"),
                 std::string("<Other><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Other>"),
                 "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
                 "<CompleteMultipartUpload>" + part_xml("1", p1->etag) + "<Extra/></CompleteMultipartUpload>",
                 "<CompleteMultipartUpload>" + std::string(200, '<') + "</CompleteMultipartUpload>",
                 "<CompleteMultipartUpload>" + part_xml("1", p1->etag) + "</CompleteMultipartUpload><Again/>",
             }) {
            auto r = complete_with(body);
            INFO(r.body);
            CHECK(r.status == 400);
            CHECK(code_of(r) == "MalformedXML");
        }
    }
    SECTION("part numbers outside 1..10000 in Complete are InvalidPart; duplicates InvalidPartOrder") {
        for (std::string n : {"0", "10001", "99999999999999999999", "-1", "one"})
            CHECK(code_of(complete_with("<CompleteMultipartUpload>" + part_xml(n, p1->etag) + "</CompleteMultipartUpload>")) ==
                  "InvalidPart");
        CHECK(code_of(complete_with("<CompleteMultipartUpload>" + part_xml("1", p1->etag) + part_xml("1", p1->etag) +
                                    "</CompleteMultipartUpload>")) == "InvalidPartOrder");
    }
    SECTION("part numbers 0 and 10001 in UploadPart are InvalidArgument") {
        for (std::string n : {"0", "10001"}) {
            auto req = make_upload_part_request(f.ep, "bucket", "keep/upload", id, 1, {0, 1}).value();
            set_param(req.query, "partNumber", n);
            auto r = f.run(req, sv::v1, "x");
            CHECK(r.status == 400);
            CHECK(code_of(r) == "InvalidArgument");
        }
    }
    SECTION("oversized Complete bodies are refused (400), with Content-Length or chunked") {
        std::string big = "<CompleteMultipartUpload>" + std::string(3u << 20, ' ') + "</CompleteMultipartUpload>";
        auto r = complete_with(big);
        CHECK(r.status == 400);
        CHECK(code_of(r) == "InvalidArgument");
        // Chunked: the size is only known while reading.
        auto req = make_complete_request(f.ep, "bucket", "keep/upload", id, std::vector<completed_part>{{1, p1->etag}}).value();
        req.headers.erase("Content-MD5");
        sign_request(req, f.v4, emu_test::now()).value();
        std::string head = req.method + " " + req.target() + " HTTP/1.1\r\nHost: " + req.host + "\r\n";
        for (const auto& h : req.headers) head += h.name + ": " + h.value + "\r\n";
        head += "Transfer-Encoding: chunked\r\n\r\n";
        emu_test::connection c(f.port());
        REQUIRE(c.write_all(head));
        std::string chunk(1u << 20, ' ');
        char size_line[32];
        std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
        for (int i = 0; i < 3; ++i) REQUIRE(c.write_all(size_line + chunk + "\r\n"));
        REQUIRE(c.write_all("0\r\n\r\n"));
        auto cr = c.read_response();
        CHECK(cr.status == 400);
    }
    SECTION("keys with .., NUL, bad UTF-8 or a leading slash") {
        // ".." is an ordinary key on OSS; it must not reach outside the directory.
        for (std::string key : {"..", "../../../../../../tmp/ossmp-escape", "a/../../b", "..\\..\\win"}) {
            auto put = make_put_object_request(f.ep, "bucket", key, {0, 3}).value();
            REQUIRE(f.run(put, sv::v4, "dot").status == 200);
            CHECK(f.run(make_get_object_request(f.ep, "bucket", key).value(), sv::v4).body == "dot");
            REQUIRE(f.run(make_delete_object_request(f.ep, "bucket", key).value(), sv::v4).status == 204);
        }
        CHECK_FALSE(fs::exists("/tmp/ossmp-escape"));
        for (std::string path : std::vector<std::string>{"/bucket/a%00b", "/bucket/%FF%FE", "/bucket//leading", "/bucket/%5Cback",
                                 "/bucket/" + std::string(1024, 'k')}) {
            auto req = make_get_object_request(f.ep, "bucket", "placeholder").value();
            req.path = path;
            req.key = "x";  // what is signed does not matter: the name is refused first
            auto r = f.run(req, sv::v1);
            INFO(path.substr(0, 40));
            CHECK(r.status == 400);
            CHECK(code_of(r) == "InvalidObjectName");
        }
    }
    SECTION("wrong upload ids are NoSuchUpload, whatever they contain") {
        for (std::string bad : std::vector<std::string>{"0123456789ABCDEF0123456789ABCDEF", "../../../etc", std::string(5000, 'A'), "%2F..%2F", id + "x"}) {
            auto req = make_upload_part_request(f.ep, "bucket", "keep/upload", id, 1, {0, 1}).value();
            set_param(req.query, "uploadId", bad);
            auto r = f.run(req, sv::v4, "x");
            CHECK(r.status == 404);
            CHECK(code_of(r) == "NoSuchUpload");
            auto a = make_abort_request(f.ep, "bucket", "keep/upload", id).value();
            set_param(a.query, "uploadId", bad);
            CHECK(code_of(f.run(a, sv::v4)) == "NoSuchUpload");
        }
        // The right id under another key is not the same upload.
        CHECK(code_of(f.run(make_abort_request(f.ep, "bucket", "keep/other", id).value(), sv::v4)) == "NoSuchUpload");
    }
    SECTION("wrong buckets: InvalidBucketName or NoSuchBucket") {
        for (std::string path : {"/UPPER/k", "/ab/k", "/-dash/k", "/b_ucket/k", "/_emulatorx/k"}) {
            auto raw = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
            auto r = emu_test::send_raw(f.port(), raw);
            CHECK(r.status == 400);
            CHECK(code_of(r) == "InvalidBucketName");
        }
        auto r = f.run(make_initiate_request(f.ep, "other-bucket", "k").value(), sv::v4);
        CHECK(code_of(r) == "NoSuchBucket");
        CHECK(code_of(f.run(make_abort_request(f.ep, "other-bucket", "keep/upload", id).value(), sv::v4)) == "NoSuchBucket");
    }
    SECTION("malformed HTTP gets a 400 with a request id, and the server goes on") {
        for (std::string raw : {std::string("GARBAGE\r\n\r\n"), std::string("GET /bucket/%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
                                std::string("GET /bucket/k HTTP/1.1\r\nHost: x\r\nRange: bytes=zz\r\n\r\n"),
                                std::string("GET nopath HTTP/1.1\r\nHost: x\r\n\r\n")}) {
            auto r = emu_test::send_raw(f.port(), raw);
            INFO(raw);
            CHECK(r.status >= 400);
            CHECK(r.status < 500);
            CHECK(r.headers.contains("x-oss-request-id"));
        }
        CHECK(f.run(make_get_object_request(f.ep, "bucket", "keep/object").value(), sv::v4).body == obj);
    }
    SECTION("a body cut short stores nothing") {
        auto req = make_upload_part_request(f.ep, "bucket", "keep/upload", id, 1, {0, 500000}).value();
        sign_request(req, f.v4, emu_test::now()).value();
        {
            emu_test::connection c(f.port());
            REQUIRE(c.write_all(emu_test::request_head(req, 500000)));
            REQUIRE(c.write_all(std::string(100000, 'z')));
        }  // closed mid-body
        auto put = make_put_object_request(f.ep, "bucket", "keep/object", {0, 500000}).value();
        sign_request(put, f.v4, emu_test::now()).value();
        {
            emu_test::connection c(f.port());
            REQUIRE(c.write_all(emu_test::request_head(put, 500000)));
            REQUIRE(c.write_all(std::string(300000, 'z')));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the server notice
    }
    SECTION("a bad control request is 400 and changes nothing") {
        auto r = f.control("PUT", "/_emulator/faults?error_rate=2");
        CHECK(r.status == 400);
        r = f.control("PUT", "/_emulator/faults?bogus=1");
        CHECK(r.status == 400);
        CHECK_FALSE(f.srv->faults().active());
    }

    // Whatever happened, the stored data is byte for byte what it was, and still readable.
    CHECK(fingerprint(dir.path) == before);
    CHECK(f.run(make_get_object_request(f.ep, "bucket", "keep/object").value(), sv::v4).body == obj);
    auto lp = parse_list_parts_result(f.run(make_list_parts_request(f.ep, "bucket", "keep/upload", id).value(), sv::v4));
    REQUIRE(lp.has_value());
    REQUIRE(lp->parts.size() == 2);
    CHECK(lp->parts[0].etag == p1->etag);
}
