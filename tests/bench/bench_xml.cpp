// ossmp-bench "xml": ListParts with 10,000 parts, pretty-printed like the OSS docs
// (about 2.8 MB), parsed into typed parts by parse_list_parts_result, against pugixml
// load_buffer + extraction of the same fields (perf-anchors.md section 4). Both sides do
// the same work: number, entity-decoded ETag (a heap string each), size, CRC and
// LastModified parsed with the same parse_iso8601. Both outputs are compared field by
// field before anything is timed. Reported in docs/s and MB/s (higher is better).
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include <ossmp/responses/list_parts_result.hpp>

#include "bench.hpp"

namespace {

struct extracted_part {
    int number;
    std::string etag;
    std::uint64_t size;
    std::uint64_t crc;
    ossmp::time_point last_modified;
    bool operator==(const extracted_part&) const = default;
};

std::string make_list_parts_document(int parts) {
    std::string doc =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<ListPartsResult xmlns=\"http://doc.oss-cn-hangzhou.aliyuncs.com\">\n"
        "    <Bucket>multipart_upload</Bucket>\n"
        "    <Key>multipart.data</Key>\n"
        "    <UploadId>0004B999EF5A239BB9138C6227D69F95</UploadId>\n"
        "    <StorageClass>Standard</StorageClass>\n"
        "    <PartNumberMarker>0</PartNumberMarker>\n"
        "    <NextPartNumberMarker>" + std::to_string(parts) + "</NextPartNumberMarker>\n"
        "    <MaxParts>" + std::to_string(parts) + "</MaxParts>\n"
        "    <IsTruncated>false</IsTruncated>\n";
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    char hex[33];
    for (int i = 1; i <= parts; ++i) {
        for (int j = 0; j < 32; ++j) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            hex[j] = "0123456789ABCDEF"[x & 15];
        }
        hex[32] = 0;
        char buf[512];
        std::snprintf(buf, sizeof buf,
                      "    <Part>\n"
                      "        <PartNumber>%d</PartNumber>\n"
                      "        <LastModified>2012-02-23T07:%02d:%02d.000Z</LastModified>\n"
                      "        <ETag>&quot;%s&quot;</ETag>\n"
                      "        <HashCrc64ecma>%llu</HashCrc64ecma>\n"
                      "        <Size>%llu</Size>\n"
                      "    </Part>\n",
                      i, (i / 60) % 60, i % 60, hex, static_cast<unsigned long long>(x),
                      static_cast<unsigned long long>(6291456 + (x % 1000)));
        doc += buf;
    }
    doc += "</ListPartsResult>\n";
    return doc;
}

std::uint64_t to_u64(const char* s) {
    std::uint64_t v = 0;
    std::from_chars(s, s + std::char_traits<char>::length(s), v);
    return v;
}

std::vector<extracted_part> extract_pugixml(const std::string& doc) {
    pugi::xml_document d;
    pugi::xml_parse_result ok = d.load_buffer(doc.data(), doc.size());
    if (!ok) {
        std::fprintf(stderr, "pugixml: %s\n", ok.description());
        std::exit(1);
    }
    std::vector<extracted_part> out;
    for (pugi::xml_node p : d.child("ListPartsResult").children("Part")) {
        extracted_part e;
        e.number = static_cast<int>(to_u64(p.child_value("PartNumber")));
        e.etag = p.child_value("ETag");
        e.size = to_u64(p.child_value("Size"));
        e.crc = to_u64(p.child_value("HashCrc64ecma"));
        auto t = ossmp::parse_iso8601(p.child_value("LastModified"));
        e.last_modified = t ? *t : ossmp::time_point{};
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<extracted_part> as_extracted(const ossmp::list_parts_result& r) {
    std::vector<extracted_part> out;
    for (const auto& p : r.parts)
        out.push_back({static_cast<int>(p.part_number), p.etag, p.size, p.crc64.value_or(0), p.last_modified});
    return out;
}

void bench_list_parts() {
    const int parts = 10000;
    ossmp::http_response resp;
    resp.status = 200;
    resp.headers.add("x-oss-request-id", "534B371674E88A4D8906****");
    resp.body = make_list_parts_document(parts);
    const std::string& doc = resp.body;

    auto ours_once = ossmp::parse_list_parts_result(resp);
    if (!ours_once) {
        std::fprintf(stderr, "ossmp: %s\n", ours_once.error().what().c_str());
        std::exit(1);
    }
    auto peer_once = extract_pugixml(doc);
    if (ours_once->parts.size() != static_cast<std::size_t>(parts) || as_extracted(*ours_once) != peer_once) {
        std::fprintf(stderr, "bench xml: ossmp and pugixml extracted different values\n");
        std::exit(1);
    }

    const int docs_per_round = 20;
    auto [ours_s, peer_s] = ossmp_bench::time_pair(
        [&] {
            for (int i = 0; i < docs_per_round; ++i) {
                auto r = ossmp::parse_list_parts_result(resp);
                ossmp_bench::keep(r);
            }
        },
        [&] {
            for (int i = 0; i < docs_per_round; ++i) {
                auto r = extract_pugixml(doc);
                ossmp_bench::keep(r);
            }
        },
        11);
    const double ours_docs = docs_per_round / ours_s, peer_docs = docs_per_round / peer_s;
    const double mb = static_cast<double>(doc.size()) / 1e6;
    ossmp_bench::report("xml/list_parts_10000_pretty docs/s", ours_docs, "pugixml load_buffer+extract",
                        peer_docs, "docs/s");
    ossmp_bench::report("xml/list_parts_10000_pretty MB/s", ours_docs * mb, "pugixml load_buffer+extract",
                        peer_docs * mb, "MB/s");
}

}  // namespace

OSSMP_BENCH("xml", bench_list_parts);
