// The emulator's operations over loopback: every multipart operation and the object
// operations, with requests built by the library's builders, signed with sign_request (V1
// and V4), parsed with the library's response parsers, in path-style and virtual-hosted
// addressing, with awkward keys.
#include <catch2/catch.hpp>

#include <emulator_test_support.hpp>

#include <algorithm>
#include <set>

using namespace ossmp;
using emu_test::fixture;
using sv = signature_version;
using cp = std::vector<completed_part>;

namespace {

const std::vector<std::string> awkward_keys = {
    "plain.bin",
    "dir/sub dir/with space.txt",
    "plus+sign/100%25/per%cent~tilde",
    "\xe4\xb8\xad\xe6\x96\x87/\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87/\xf0\x9f\x98\x80.dat",  // 中文/ключ/😀.dat
    "a//double/slash/",
    "trailing space ",
    "semi;colon,comma=eq&amp?q#hash",
};

std::string md5_etag(std::string_view data) { return "\"" + hex_encode(md5::hash(data), hex_case::upper) + "\""; }

std::string multipart_etag(const std::vector<std::string>& parts) {
    md5 h;
    for (const auto& p : parts) {
        auto d = md5::hash(p);
        h.update(d.data(), d.size());
    }
    return "\"" + hex_encode(h.final(), hex_case::upper) + "-" + std::to_string(parts.size()) + "\"";
}

std::string initiate(const fixture& f, sv v, const std::string& bucket, const std::string& key,
                     const initiate_options& o = {}) {
    auto resp = f.run(make_initiate_request(f.ep, bucket, key, o).value(), v);
    auto r = parse_initiate_result(resp);
    INFO(resp.body);
    REQUIRE(r.has_value());
    CHECK(r->bucket == bucket);
    CHECK(r->key == key);
    CHECK(r->upload_id.size() == 32);
    return r->upload_id;
}

upload_part_result put_part(const fixture& f, sv v, const std::string& bucket, const std::string& key,
                            const std::string& id, std::uint32_t n, std::string_view data,
                            const upload_part_options& o = {}) {
    auto req = make_upload_part_request(f.ep, bucket, key, id, n, {0, data.size()}, o).value();
    auto resp = f.run(req, v, data);
    auto r = parse_upload_part_result(resp, n);
    INFO(resp.status << " " << resp.body);
    REQUIRE(r.has_value());
    return *r;
}

http_response get(const fixture& f, sv v, const std::string& bucket, const std::string& key,
                  std::optional<body_range> range = {}) {
    return f.run(make_get_object_request(f.ep, bucket, key, range).value(), v);
}

std::string code_of(const http_response& resp, operation op = operation::none) {
    auto e = parse_service_error(resp, op);
    return e ? e->oss_code : std::string();
}

}  // namespace

TEST_CASE("a whole multipart upload: initiate, parts, list, complete, read back", "[emulator][ops]") {
    fixture f;
    for (sv v : {sv::v1, sv::v4}) {
        for (const auto& key : awkward_keys) {
            DYNAMIC_SECTION("version " << int(v) << " key " << key) {
                std::vector<std::string> parts = {emu_test::pattern_bytes(min_part_size, 1),
                                                  emu_test::pattern_bytes(min_part_size + 17, 2),
                                                  emu_test::pattern_bytes(1234, 3)};
                initiate_options io;
                io.content_type = "text/x-emulator";
                io.metadata = {{"Color", "blue"}, {"note", "a b"}};
                io.storage_class = "IA";
                io.tags = {{"k1", "v1"}, {"k2", "v 2"}};
                auto id = initiate(f, v, "bucket", key, io);
                std::vector<completed_part> done;
                std::uint64_t crc = 0;
                for (std::uint32_t n = 1; n <= parts.size(); ++n) {
                    upload_part_options po;
                    po.content_md5 = base64_encode(md5::hash(parts[n - 1]));
                    auto r = put_part(f, v, "bucket", key, id, n, parts[n - 1], po);
                    CHECK(r.etag == md5_etag(parts[n - 1]));
                    REQUIRE(r.crc64.has_value());
                    CHECK(*r.crc64 == crc64_of(parts[n - 1]));
                    CHECK(r.content_md5 == po.content_md5);
                    crc = crc64_combine(crc, *r.crc64, parts[n - 1].size());
                    done.push_back({n, r.etag});
                }
                auto lp = parse_list_parts_result(f.run(make_list_parts_request(f.ep, "bucket", key, id).value(), v));
                REQUIRE(lp.has_value());
                CHECK(lp->key == key);
                CHECK(lp->storage_class == "IA");
                REQUIRE(lp->parts.size() == 3);
                for (std::size_t i = 0; i < 3; ++i) {
                    CHECK(lp->parts[i].part_number == i + 1);
                    CHECK(lp->parts[i].etag == done[i].etag);
                    CHECK(lp->parts[i].size == parts[i].size());
                    CHECK(lp->parts[i].crc64 == crc64_of(parts[i]));
                }
                auto cresp = f.run(make_complete_request(f.ep, "bucket", key, id, done).value(), v);
                auto cr = parse_complete_result(cresp);
                INFO(cresp.body);
                REQUIRE(cr.has_value());
                CHECK(cr->key == key);
                CHECK(cr->bucket == "bucket");
                CHECK(cr->etag == multipart_etag(parts));
                REQUIRE(cr->info.crc64.has_value());
                CHECK(*cr->info.crc64 == crc);

                auto g = get(f, v, "bucket", key);
                REQUIRE(g.status == 200);
                CHECK(g.body == parts[0] + parts[1] + parts[2]);
                CHECK(g.headers.get_or("ETag") == cr->etag);
                CHECK(g.headers.get_or("Content-Type") == "text/x-emulator");
                CHECK(g.headers.get_or("x-oss-meta-color") == "blue");
                CHECK(g.headers.get_or("x-oss-meta-note") == "a b");
                CHECK(g.headers.get_or("x-oss-storage-class") == "IA");
                CHECK(g.headers.get_or("x-oss-tagging-count") == "2");
                CHECK(g.headers.get_or("x-oss-object-type") == "Multipart");
                CHECK(g.headers.get_or("x-oss-hash-crc64ecma") == std::to_string(crc));

                // The upload is gone once completed.
                auto again = f.run(make_list_parts_request(f.ep, "bucket", key, id).value(), v);
                CHECK(again.status == 404);
                CHECK(code_of(again) == "NoSuchUpload");
                auto late = f.run(make_upload_part_request(f.ep, "bucket", key, id, 4, {0, 3}).value(), v, "abc");
                CHECK(late.status == 404);
                CHECK(code_of(late) == "NoSuchUpload");
                auto del = f.run(make_delete_object_request(f.ep, "bucket", key).value(), v);
                CHECK(del.status == 204);
            }
        }
    }
}

TEST_CASE("complete-all assembles every uploaded part; its body must be empty", "[emulator][ops]") {
    fixture f;
    auto id = initiate(f, sv::v4, "bucket", "all.bin");
    std::vector<std::string> parts = {emu_test::pattern_bytes(min_part_size, 7), "tail"};
    // Uploaded out of order: Complete still assembles by number.
    put_part(f, sv::v4, "bucket", "all.bin", id, 2, parts[1]);
    put_part(f, sv::v4, "bucket", "all.bin", id, 1, parts[0]);
    complete_options co;
    co.complete_all = true;
    auto req = make_complete_request(f.ep, "bucket", "all.bin", id, {}, co).value();
    SECTION("with a body it is refused") {
        req.body = "<CompleteMultipartUpload></CompleteMultipartUpload>";
        auto resp = f.run(req, sv::v4);
        CHECK(resp.status == 400);
        auto e = parse_service_error(resp, operation::complete_multipart_upload);
        REQUIRE(e);
        CHECK(e->oss_code == "InvalidArgument");
        CHECK(e->ec == "0042-00000216");
        CHECK(e->detail("ArgumentName") == "x-oss-complete-all");
    }
    SECTION("empty body completes") {
        auto cr = parse_complete_result(f.run(req, sv::v4));
        REQUIRE(cr.has_value());
        CHECK(cr->etag == multipart_etag(parts));
        CHECK(get(f, sv::v1, "bucket", "all.bin").body == parts[0] + parts[1]);
    }
}

TEST_CASE("Complete checks each listed part like OSS", "[emulator][ops]") {
    fixture f;
    auto id = initiate(f, sv::v1, "bucket", "checked.bin");
    auto big = emu_test::pattern_bytes(min_part_size, 1);
    auto p1 = put_part(f, sv::v1, "bucket", "checked.bin", id, 1, big);
    auto p2 = put_part(f, sv::v1, "bucket", "checked.bin", id, 2, "small");
    auto p3 = put_part(f, sv::v1, "bucket", "checked.bin", id, 3, "last");
    auto complete_raw = [&](std::string body) {
        auto req = make_complete_request(f.ep, "bucket", "checked.bin", id, cp{{1, p1.etag}}).value();
        req.body = std::move(body);
        req.headers.set("Content-MD5", base64_encode(md5::hash(req.body)));
        return f.run(req, sv::v1);
    };
    auto part_xml = [](std::uint32_t n, const std::string& etag) {
        return "<Part><PartNumber>" + std::to_string(n) + "</PartNumber><ETag>" + etag + "</ETag></Part>";
    };
    SECTION("a wrong ETag is InvalidPart") {
        auto r = complete_raw("<CompleteMultipartUpload>" + part_xml(1, "\"0123\"") + "</CompleteMultipartUpload>");
        CHECK(r.status == 400);
        CHECK(code_of(r) == "InvalidPart");
    }
    SECTION("a missing part is InvalidPart") {
        auto r = complete_raw("<CompleteMultipartUpload>" + part_xml(1, p1.etag) + part_xml(9, p3.etag) +
                              "</CompleteMultipartUpload>");
        CHECK(code_of(r) == "InvalidPart");
    }
    SECTION("descending or repeated numbers are InvalidPartOrder") {
        auto r = complete_raw("<CompleteMultipartUpload>" + part_xml(2, p2.etag) + part_xml(1, p1.etag) +
                              "</CompleteMultipartUpload>");
        CHECK(r.status == 400);
        CHECK(code_of(r) == "InvalidPartOrder");
        r = complete_raw("<CompleteMultipartUpload>" + part_xml(1, p1.etag) + part_xml(1, p1.etag) +
                         "</CompleteMultipartUpload>");
        CHECK(code_of(r) == "InvalidPartOrder");
    }
    SECTION("a non-last part under 100 KiB is EntityTooSmall") {
        auto r = complete_raw("<CompleteMultipartUpload>" + part_xml(1, p1.etag) + part_xml(2, p2.etag) +
                              part_xml(3, p3.etag) + "</CompleteMultipartUpload>");
        CHECK(r.status == 400);
        auto e = parse_service_error(r, operation::complete_multipart_upload);
        REQUIRE(e);
        CHECK(e->oss_code == "EntityTooSmall");
        CHECK(e->ec == "0042-00000213");
    }
    SECTION("parts may skip numbers; a small last part is fine") {
        auto r = complete_raw("<CompleteMultipartUpload>" + part_xml(1, p1.etag) + part_xml(3, p3.etag) +
                              "</CompleteMultipartUpload>");
        REQUIRE(r.status == 200);
        CHECK(get(f, sv::v1, "bucket", "checked.bin").body == big + "last");
    }
    SECTION("an empty or garbled body is MalformedXML") {
        CHECK(code_of(complete_raw("")) == "MalformedXML");
        CHECK(code_of(complete_raw("<CompleteMultipartUpload>")) == "MalformedXML");
        CHECK(code_of(complete_raw("<CompleteMultipartUpload></CompleteMultipartUpload>")) == "MalformedXML");
        CHECK(code_of(complete_raw("not xml at all")) == "MalformedXML");
    }
    SECTION("a wrong Content-MD5 is InvalidDigest") {
        auto req = make_complete_request(f.ep, "bucket", "checked.bin", id, cp{{1, p1.etag}}).value();
        req.headers.set("Content-MD5", base64_encode(md5::hash("something else")));
        auto r = f.run(req, sv::v1);
        CHECK(r.status == 400);
        CHECK(code_of(r) == "InvalidDigest");
    }
}

TEST_CASE("forbid-overwrite: FileAlreadyExists (409) on Complete, PutObject and Initiate", "[emulator][ops]") {
    fixture f;
    auto put = make_put_object_request(f.ep, "bucket", "exists.txt", {0, 5}).value();
    REQUIRE(f.run(put, sv::v4, "hello").status == 200);
    auto id = initiate(f, sv::v4, "bucket", "exists.txt");
    auto p = put_part(f, sv::v4, "bucket", "exists.txt", id, 1, "x");
    complete_options co;
    co.forbid_overwrite = true;
    auto r = f.run(make_complete_request(f.ep, "bucket", "exists.txt", id, cp{{1, p.etag}}, co).value(), sv::v4);
    CHECK(r.status == 409);
    CHECK(code_of(r) == "FileAlreadyExists");
    initiate_options io;
    io.forbid_overwrite = true;
    CHECK(code_of(f.run(make_initiate_request(f.ep, "bucket", "exists.txt", io).value(), sv::v4)) == "FileAlreadyExists");
    CHECK(code_of(f.run(make_put_object_request(f.ep, "bucket", "exists.txt", {0, 3}, io).value(), sv::v4, "new")) ==
          "FileAlreadyExists");
    CHECK(get(f, sv::v4, "bucket", "exists.txt").body == "hello");
    // Without the flag, Complete replaces the object.
    r = f.run(make_complete_request(f.ep, "bucket", "exists.txt", id, cp{{1, p.etag}}).value(), sv::v4);
    CHECK(r.status == 200);
    CHECK(get(f, sv::v4, "bucket", "exists.txt").body == "x");
}

TEST_CASE("UploadPart: Content-MD5 and part number checks", "[emulator][ops]") {
    fixture f;
    auto id = initiate(f, sv::v4, "bucket", "p.bin");
    SECTION("a Content-MD5 that does not match is InvalidDigest and stores nothing") {
        upload_part_options o;
        o.content_md5 = base64_encode(md5::hash("other"));
        auto r = f.run(make_upload_part_request(f.ep, "bucket", "p.bin", id, 1, {0, 4}, o).value(), sv::v4, "data");
        CHECK(r.status == 400);
        CHECK(code_of(r) == "InvalidDigest");
        auto lp = parse_list_parts_result(f.run(make_list_parts_request(f.ep, "bucket", "p.bin", id).value(), sv::v4));
        REQUIRE(lp.has_value());
        CHECK(lp->parts.empty());
    }
    SECTION("part numbers 0 and 10001 are InvalidArgument (EC 0017-00000220)") {
        for (std::string n : {"0", "10001", "-1", "abc", ""}) {
            auto req = make_upload_part_request(f.ep, "bucket", "p.bin", id, 1, {0, 1}).value();
            set_param(req.query, "partNumber", n);
            auto r = f.run(req, sv::v4, "x");
            CHECK(r.status == 400);
            auto e = parse_service_error(r, operation::upload_part);
            REQUIRE(e);
            CHECK(e->oss_code == "InvalidArgument");
            CHECK(e->ec == "0017-00000220");
        }
        CHECK(put_part(f, sv::v4, "bucket", "p.bin", id, 10000, "x").etag == md5_etag("x"));
    }
    SECTION("re-uploading a part replaces it") {
        put_part(f, sv::v4, "bucket", "p.bin", id, 1, "first");
        put_part(f, sv::v4, "bucket", "p.bin", id, 1, "second");
        auto lp = parse_list_parts_result(f.run(make_list_parts_request(f.ep, "bucket", "p.bin", id).value(), sv::v4));
        REQUIRE(lp->parts.size() == 1);
        CHECK(lp->parts[0].etag == md5_etag("second"));
    }
    SECTION("an unknown upload id, or one of another key, is NoSuchUpload") {
        auto r = f.run(make_upload_part_request(f.ep, "bucket", "p.bin", "0123456789ABCDEF0123456789ABCDEF", 1, {0, 1}).value(),
                       sv::v4, "x");
        CHECK(r.status == 404);
        CHECK(code_of(r) == "NoSuchUpload");
        r = f.run(make_upload_part_request(f.ep, "bucket", "other.bin", id, 1, {0, 1}).value(), sv::v4, "x");
        CHECK(code_of(r) == "NoSuchUpload");
    }
}

TEST_CASE("Abort frees the upload; later requests get NoSuchUpload", "[emulator][ops]") {
    fixture f;
    for (sv v : {sv::v1, sv::v4}) {
        auto id = initiate(f, v, "bucket", "ab.bin");
        put_part(f, v, "bucket", "ab.bin", id, 1, "x");
        auto r = f.run(make_abort_request(f.ep, "bucket", "ab.bin", id).value(), v);
        CHECK(r.status == 204);
        CHECK(r.body.empty());
        CHECK(code_of(f.run(make_abort_request(f.ep, "bucket", "ab.bin", id).value(), v)) == "NoSuchUpload");
        CHECK(code_of(f.run(make_complete_request(f.ep, "bucket", "ab.bin", id, cp{{1, md5_etag("x")}}).value(), v)) ==
              "NoSuchUpload");
        CHECK(code_of(f.run(make_list_parts_request(f.ep, "bucket", "ab.bin", id).value(), v)) == "NoSuchUpload");
    }
}

TEST_CASE("ListParts pages with max-parts and part-number-marker", "[emulator][ops]") {
    fixture f;
    auto id = initiate(f, sv::v4, "bucket", "pages.bin");
    for (std::uint32_t n : {1u, 2u, 3u, 5u, 8u, 13u, 21u}) put_part(f, sv::v4, "bucket", "pages.bin", id, n, "p" + std::to_string(n));
    std::vector<std::uint32_t> seen;
    list_parts_options o;
    o.max_parts = 3;
    int pages = 0;
    for (;;) {
        auto lp = parse_list_parts_result(f.run(make_list_parts_request(f.ep, "bucket", "pages.bin", id, o).value(), sv::v4));
        REQUIRE(lp.has_value());
        ++pages;
        CHECK(lp->max_parts == 3);
        CHECK(lp->part_number_marker == o.part_number_marker);
        for (const auto& p : lp->parts) seen.push_back(p.part_number);
        if (!lp->is_truncated) break;
        CHECK(lp->parts.size() == 3);
        CHECK(lp->next_part_number_marker == lp->parts.back().part_number);
        o.part_number_marker = lp->next_part_number_marker;
    }
    CHECK(pages == 3);
    CHECK(seen == std::vector<std::uint32_t>{1, 2, 3, 5, 8, 13, 21});
    for (std::string bad : {"0", "1001", "x"}) {
        auto req = make_list_parts_request(f.ep, "bucket", "pages.bin", id).value();
        set_param(req.query, "max-parts", bad);
        CHECK(code_of(f.run(req, sv::v4)) == "InvalidArgument");
    }
}

TEST_CASE("ListMultipartUploads: prefix, delimiter, markers, paging, encoding-type", "[emulator][ops]") {
    fixture f;
    std::vector<std::string> keys = {"a/1", "a/2", "b", "c/x/y", "c/z", "d\x01" "ctl", "e f+g%"};
    std::map<std::string, std::vector<std::string>> ids;
    for (const auto& k : keys) ids[k].push_back(initiate(f, sv::v1, "bucket", k));
    ids["b"].push_back(initiate(f, sv::v1, "bucket", "b"));  // two uploads of one key

    SECTION("everything, in key then upload id order") {
        auto r = parse_list_uploads_result(f.run(make_list_uploads_request(f.ep, "bucket").value(), sv::v1));
        REQUIRE(r.has_value());
        CHECK(r->encoding_type == "url");
        REQUIRE(r->uploads.size() == 8);
        CHECK(r->uploads[2].key == "b");
        CHECK(r->uploads[3].key == "b");
        CHECK(r->uploads[2].upload_id < r->uploads[3].upload_id);
        CHECK(r->uploads[2].upload_id == ids["b"][0]);
        CHECK(r->uploads[6].key == "d\x01" "ctl");
        CHECK(r->uploads[7].key == "e f+g%");
        CHECK_FALSE(r->is_truncated);
    }
    SECTION("delimiter groups keys into common prefixes") {
        list_uploads_options o;
        o.delimiter = "/";
        auto r = parse_list_uploads_result(f.run(make_list_uploads_request(f.ep, "bucket", o).value(), sv::v4));
        REQUIRE(r.has_value());
        CHECK(r->common_prefixes == std::vector<std::string>{"a/", "c/"});
        std::vector<std::string> listed;
        for (const auto& u : r->uploads) listed.push_back(u.key);
        CHECK(listed == std::vector<std::string>{"b", "b", "d\x01" "ctl", "e f+g%"});
        o.prefix = "c/";
        r = parse_list_uploads_result(f.run(make_list_uploads_request(f.ep, "bucket", o).value(), sv::v4));
        CHECK(r->common_prefixes == std::vector<std::string>{"c/x/"});
        REQUIRE(r->uploads.size() == 1);
        CHECK(r->uploads[0].key == "c/z");
        CHECK(r->prefix == "c/");
        CHECK(r->delimiter == "/");
    }
    SECTION("paging with key and upload id markers visits everything once") {
        list_uploads_options o;
        o.max_uploads = 2;
        o.delimiter = "/";
        std::vector<std::string> seen;
        for (int guard = 0; guard < 20; ++guard) {
            auto r = parse_list_uploads_result(f.run(make_list_uploads_request(f.ep, "bucket", o).value(), sv::v4));
            REQUIRE(r.has_value());
            CHECK(r->uploads.size() + r->common_prefixes.size() <= 2);
            for (const auto& u : r->uploads) seen.push_back(u.key + "|" + u.upload_id);
            for (const auto& p : r->common_prefixes) seen.push_back(p);
            if (!r->is_truncated) break;
            o.key_marker = r->next_key_marker;
            o.upload_id_marker = r->next_upload_id_marker;
        }
        std::vector<std::string> expected = {"a/", "b|" + ids["b"][0], "b|" + ids["b"][1], "c/",
                                             "d\x01" "ctl|" + ids["d\x01" "ctl"][0], "e f+g%|" + ids["e f+g%"][0]};
        // Each page lists its uploads before its common prefixes; across pages nothing repeats.
        std::sort(seen.begin(), seen.end());
        std::sort(expected.begin(), expected.end());
        CHECK(seen == expected);
    }
    SECTION("without encoding-type keys are plain XML text") {
        list_uploads_options o;
        o.url_encoding = false;
        o.prefix = "e";
        auto resp = f.run(make_list_uploads_request(f.ep, "bucket", o).value(), sv::v1);
        CHECK(resp.body.find("<Key>e f+g%</Key>") != std::string::npos);
        CHECK(resp.body.find("EncodingType") == std::string::npos);
    }
    SECTION("encoding-type=url encodes key markers, prefix, delimiter and keys, not upload ids") {
        list_uploads_options o;
        o.prefix = "e f";
        o.delimiter = "+";
        o.key_marker = "d";
        auto resp = f.run(make_list_uploads_request(f.ep, "bucket", o).value(), sv::v1);
        CHECK(resp.body.find("<Prefix>e%20f</Prefix>") != std::string::npos);
        CHECK(resp.body.find("<Delimiter>%2B</Delimiter>") != std::string::npos);
        CHECK(resp.body.find("<KeyMarker>d</KeyMarker>") != std::string::npos);
        CHECK(resp.body.find("<Prefix>e%20f%2B</Prefix>") != std::string::npos);  // the common prefix
    }
}

TEST_CASE("PutObject, GetObject with ranges, HeadObject, DeleteObject", "[emulator][ops]") {
    fixture f;
    auto data = emu_test::pattern_bytes(1000, 9);
    initiate_options io;
    io.content_type = "application/x-test";
    io.cache_control = "no-cache";
    io.content_disposition = "attachment; filename=\"a.bin\"";
    io.metadata = {{"Owner", "me"}};
    auto put = f.run(make_put_object_request(f.ep, "bucket", "obj.bin", {0, data.size()}, io,
                                             base64_encode(md5::hash(data)))
                         .value(),
                     sv::v1, data);
    REQUIRE(put.status == 200);
    CHECK(put.headers.get_or("ETag") == md5_etag(data));
    CHECK(put.headers.get_or("x-oss-hash-crc64ecma") == std::to_string(crc64_of(data)));

    auto g = get(f, sv::v4, "bucket", "obj.bin");
    CHECK(g.status == 200);
    CHECK(g.body == data);
    CHECK(g.headers.get_or("Content-Type") == "application/x-test");
    CHECK(g.headers.get_or("Cache-Control") == "no-cache");
    CHECK(g.headers.get_or("Content-Disposition") == "attachment; filename=\"a.bin\"");
    CHECK(g.headers.get_or("x-oss-meta-owner") == "me");
    CHECK(g.headers.get_or("x-oss-object-type") == "Normal");
    CHECK(g.headers.get_or("x-oss-storage-class") == "Standard");
    CHECK(!g.headers.get_or("Last-Modified").empty());

    auto r = get(f, sv::v4, "bucket", "obj.bin", body_range{100, 50});
    CHECK(r.status == 206);
    CHECK(r.body == data.substr(100, 50));
    CHECK(r.headers.get_or("Content-Range") == "bytes 100-149/1000");
    CHECK_FALSE(r.headers.contains("x-oss-hash-crc64ecma"));

    auto ranged = [&](std::string range, bool standard = false) {
        auto req = make_get_object_request(f.ep, "bucket", "obj.bin").value();
        req.headers.set("Range", range);
        if (standard) req.headers.set("x-oss-range-behavior", "standard");
        return f.run(req, sv::v1);
    };
    CHECK(ranged("bytes=990-").body == data.substr(990));
    CHECK(ranged("bytes=-10").body == data.substr(990));
    CHECK(ranged("bytes=-10").status == 206);
    // OSS ignores a range it considers invalid and returns the whole object.
    CHECK(ranged("bytes=500-2000").status == 200);
    CHECK(ranged("bytes=500-2000").body == data);
    CHECK(ranged("bytes=1000-").status == 200);
    CHECK(ranged("bytes=0-1,5-6").status == 200);
    // ... unless asked for standard behaviour.
    CHECK(ranged("bytes=500-2000", true).status == 206);
    CHECK(ranged("bytes=500-2000", true).body == data.substr(500));
    CHECK(ranged("bytes=1000-", true).status == 416);

    auto h = f.run(make_head_object_request(f.ep, "bucket", "obj.bin").value(), sv::v4);
    CHECK(h.status == 200);
    CHECK(h.body.empty());
    CHECK(h.headers.get_or("Content-Length") == "1000");
    CHECK(h.headers.get_or("ETag") == md5_etag(data));
    CHECK(h.headers.get_or("x-oss-hash-crc64ecma") == std::to_string(crc64_of(data)));

    CHECK(f.run(make_delete_object_request(f.ep, "bucket", "obj.bin").value(), sv::v1).status == 204);
    CHECK(f.run(make_delete_object_request(f.ep, "bucket", "obj.bin").value(), sv::v1).status == 204);
    auto gone = get(f, sv::v1, "bucket", "obj.bin");
    CHECK(gone.status == 404);
    auto e = parse_service_error(gone, operation::get_object);
    REQUIRE(e);
    CHECK(e->oss_code == "NoSuchKey");
    CHECK(e->ec == "0026-00000001");
    auto hgone = f.run(make_head_object_request(f.ep, "bucket", "obj.bin").value(), sv::v4);
    CHECK(hgone.status == 404);
    CHECK(hgone.body.empty());
    auto he = parse_service_error(hgone, operation::head_object);  // from the x-oss-err header
    REQUIRE(he);
    CHECK(he->oss_code == "NoSuchKey");

    // An empty object.
    REQUIRE(f.run(make_put_object_request(f.ep, "bucket", "empty", {0, 0}).value(), sv::v4).status == 200);
    auto ge = get(f, sv::v4, "bucket", "empty");
    CHECK(ge.status == 200);
    CHECK(ge.body.empty());
    CHECK(ge.headers.get_or("ETag") == "\"D41D8CD98F00B204E9800998ECF8427E\"");
}

TEST_CASE("PutBucket and NoSuchBucket", "[emulator][ops]") {
    fixture f;
    CHECK(code_of(f.run(make_initiate_request(f.ep, "new-bucket", "k").value(), sv::v4)) == "NoSuchBucket");
    CHECK(f.run(make_initiate_request(f.ep, "new-bucket", "k").value(), sv::v4).status == 404);
    CHECK(f.run(make_create_bucket_request(f.ep, "new-bucket").value(), sv::v4).status == 200);
    CHECK(code_of(f.run(make_create_bucket_request(f.ep, "new-bucket").value(), sv::v1)) == "BucketAlreadyExists");
    initiate(f, sv::v4, "new-bucket", "k");
    CHECK(code_of(f.run(make_list_uploads_request(f.ep, "nope-bucket").value(), sv::v1)) == "NoSuchBucket");
}

TEST_CASE("UploadPartCopy copies a range of an object into a part", "[emulator][ops]") {
    fixture f;
    auto src = emu_test::pattern_bytes(300000, 4);
    REQUIRE(f.run(make_put_object_request(f.ep, "bucket", "src/obj", {0, src.size()}).value(), sv::v4, src).status == 200);
    auto id = initiate(f, sv::v4, "bucket", "copy.bin");
    copy_source cs;
    cs.bucket = "bucket";
    cs.key = "src/obj";
    cs.range = body_range{0, 200000};
    auto resp = f.run(make_upload_part_copy_request(f.ep, "bucket", "copy.bin", id, 1, cs).value(), sv::v4);
    auto r1 = parse_copy_part_result(resp, 1);
    INFO(resp.body);
    REQUIRE(r1.has_value());
    CHECK(r1->etag == md5_etag(src.substr(0, 200000)));
    cs.range = body_range{200000, 100000};
    auto r2 = parse_copy_part_result(f.run(make_upload_part_copy_request(f.ep, "bucket", "copy.bin", id, 2, cs).value(), sv::v1), 2);
    REQUIRE(r2.has_value());
    cs.if_match = "\"nope\"";
    auto pre = f.run(make_upload_part_copy_request(f.ep, "bucket", "copy.bin", id, 3, cs).value(), sv::v4);
    CHECK(pre.status == 412);
    auto cr = f.run(make_complete_request(f.ep, "bucket", "copy.bin", id, cp{{1, r1->etag}, {2, r2->etag}}).value(), sv::v4);
    REQUIRE(cr.status == 200);
    CHECK(get(f, sv::v4, "bucket", "copy.bin").body == src);
    cs.key = "missing";
    cs.if_match.clear();
    CHECK(code_of(f.run(make_upload_part_copy_request(f.ep, "bucket", "c2", initiate(f, sv::v4, "bucket", "c2"), 1, cs).value(), sv::v4)) ==
          "NoSuchKey");
}

TEST_CASE("virtual-hosted addressing: bucket.localhost and OSS endpoint hosts", "[emulator][ops]") {
    fixture f;
    for (std::string host : {"localhost", "oss-cn-hangzhou.aliyuncs.com"}) {
        auto ep = parse_endpoint("http://" + host + ":" + std::to_string(f.port()), addressing_style::virtual_hosted).value();
        for (sv v : {sv::v1, sv::v4}) {
            auto req = make_initiate_request(ep, "bucket", "vh/key with space").value();
            CHECK(req.host == "bucket." + host + ":" + std::to_string(f.port()));
            CHECK(req.path == "/vh/key%20with%20space");
            sign_request(req, f.cfg(v), emu_test::now()).value();
            auto r = parse_initiate_result(emu_test::send(f.port(), req));
            REQUIRE(r.has_value());
            auto data = std::string("virtual");
            auto preq = make_upload_part_request(ep, "bucket", "vh/key with space", r->upload_id, 1, {0, data.size()}).value();
            sign_request(preq, f.cfg(v), emu_test::now()).value();
            auto p = parse_upload_part_result(emu_test::send(f.port(), preq, data), 1);
            REQUIRE(p.has_value());
            auto creq = make_complete_request(ep, "bucket", "vh/key with space", r->upload_id, cp{{1, p->etag}}).value();
            sign_request(creq, f.cfg(v), emu_test::now()).value();
            auto cr = parse_complete_result(emu_test::send(f.port(), creq));
            REQUIRE(cr.has_value());
            CHECK(cr->location == "http://bucket." + host + ":" + std::to_string(f.port()) + "/vh/key with space");
            CHECK(get(f, v, "bucket", "vh/key with space").body == data);
        }
    }
    // An unknown domain falls back to path style: "/some-key" names a bucket that does not exist.
    auto other = parse_endpoint("http://example.test:" + std::to_string(f.port()), addressing_style::virtual_hosted).value();
    auto req = make_head_object_request(other, "bucket", "some-key").value();
    sign_request(req, f.v4, emu_test::now()).value();
    CHECK(emu_test::send(f.port(), req).status == 404);
}

TEST_CASE("every response has a unique request id; errors carry x-oss-ec and <EC>", "[emulator][ops]") {
    fixture f;
    std::set<std::string> ids;
    for (int i = 0; i < 50; ++i) {
        auto r = i % 2 ? get(f, sv::v4, "bucket", "missing") : f.run(make_list_uploads_request(f.ep, "bucket").value(), sv::v1);
        auto id = std::string(r.headers.get_or("x-oss-request-id"));
        CHECK(id.size() == 24);
        ids.insert(id);
        if (r.status >= 400) {
            CHECK(r.headers.get_or("x-oss-ec") == "0026-00000001");
            CHECK(r.body.find("<EC>0026-00000001</EC>") != std::string::npos);
            CHECK(r.body.find("<RequestId>" + id + "</RequestId>") != std::string::npos);
        }
    }
    CHECK(ids.size() == 50);
}

TEST_CASE("a callback is answered 203 CallbackFailed after completing; no outbound call", "[emulator][ops]") {
    fixture f;
    auto id = initiate(f, sv::v4, "bucket", "cb.bin");
    auto p = put_part(f, sv::v4, "bucket", "cb.bin", id, 1, "cb");
    complete_options co;
    co.callback = R"({"callbackUrl":"http://192.0.2.1/cb","callbackBody":"bucket=${bucket}"})";
    auto r = f.run(make_complete_request(f.ep, "bucket", "cb.bin", id, cp{{1, p.etag}}, co).value(), sv::v4);
    CHECK(r.status == 203);
    CHECK(code_of(r) == "CallbackFailed");
    CHECK(get(f, sv::v4, "bucket", "cb.bin").body == "cb");
}

TEST_CASE("fast_etag (benchmark mode): CRC-derived ETags, Content-MD5 still checked", "[emulator][ops]") {
    auto cfg = emu_test::default_config();
    cfg.fast_etag = true;
    fixture f(cfg);
    auto id = initiate(f, sv::v4, "bucket", "fast.bin");
    std::string a(150 * 1024, 'a'), b = "tail";
    auto pa = put_part(f, sv::v4, "bucket", "fast.bin", id, 1, a);
    auto pb = put_part(f, sv::v4, "bucket", "fast.bin", id, 2, b);
    CHECK(pa.etag != md5_etag(a));  // not OSS's MD5 ETag: that is the point of the mode
    CHECK(pa.etag.size() == 34);
    CHECK(pa.crc64 == crc64_of(a));
    upload_part_options o;
    o.content_md5 = base64_encode(md5::hash("other"));
    auto bad = f.run(make_upload_part_request(f.ep, "bucket", "fast.bin", id, 3, {0, 4}, o).value(), sv::v4, "data");
    CHECK(code_of(bad) == "InvalidDigest");
    o.content_md5 = base64_encode(md5::hash("data"));
    auto good = f.run(make_upload_part_request(f.ep, "bucket", "fast.bin", id, 3, {0, 4}, o).value(), sv::v4, "data");
    CHECK(good.status == 200);
    cp parts = {{1, pa.etag}, {2, pb.etag}};
    auto done = parse_complete_result(f.run(make_complete_request(f.ep, "bucket", "fast.bin", id, parts).value(), sv::v4));
    REQUIRE(done.has_value());
    CHECK(done->crc64 == crc64_combine(crc64_of(a), crc64_of(b), b.size()));
    CHECK(get(f, sv::v4, "bucket", "fast.bin").body == a + b);
}
