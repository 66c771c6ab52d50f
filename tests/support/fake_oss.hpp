// Test support: an in-process model of OSS's multipart API, for the upload machine's tests.
// It is a model of the service, not of ossmp: it reads requests the way OSS does (decoding
// the wire target, checking the date against its own clock and the signature), keeps
// uploads, parts and objects, and enforces OSS's rules at Complete (ascending part numbers,
// ETags must match, non-last parts >= 100 KiB). ETags are derived from a CRC rather than MD5
// to keep the thousand-scenario test fast; clients must treat ETags as opaque anyway.
#pragma once

#include <ossmp/ossmp.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ossmp_test {

using namespace ossmp;

/// A settable clock shared by a test's driver, transport and fake server.
struct virtual_clock {
    time_point t = from_unix_seconds(1732450000);
    time_point now() const { return t; }
    void sleep_until(time_point x) {
        if (x > t) t = x;
    }
    void advance(duration d) { t += d; }
};

class fake_oss {
public:
    struct stored_part {
        std::string data;  // empty when keep_data is off
        std::string etag;
        std::uint64_t crc = 0;
        std::uint64_t size = 0;
    };
    struct upload {
        std::string bucket, key;
        std::map<std::uint32_t, stored_part> parts;
    };
    struct object {
        std::string data;  // empty when keep_data is off
        std::string etag;
        std::uint64_t crc = 0;
        std::uint64_t size = 0;
    };

    explicit fake_oss(virtual_clock& clock, credentials creds = {"ak", "sk", ""}) : clock_(clock), creds_(creds) {}

    std::map<std::string, upload> uploads;                    // by upload id
    std::map<std::string, object> objects;                    // by "bucket/key"
    std::map<std::string, int> requests;                      // per operation name
    std::map<std::uint32_t, int> part_uploads;                // UploadPart count per part number
    duration skew{0};                                         // server clock - client clock
    std::uint64_t min_part_size = 102400;
    std::uint32_t list_page = 1000;                           // ListParts page cap
    bool check_signatures = true;
    std::string region = "cn-hangzhou";
    /// Off: parts and objects keep only their size and CRC-64 (for uploads of many parts
    /// whose bytes the test need not read back).
    bool keep_data = true;

    time_point server_now() const { return clock_.now() + skew; }

    /// Handles one request with body `body`; `corrupt` stores the part with a flipped byte.
    http_response handle(const http_request& req, std::string_view body, bool corrupt = false) {
        ++request_counter_;
        auto target = parse_target(req.target());
        if (!target) return error_response(400, "InvalidURI", "the request target cannot be decoded", "0016-00000001");
        const auto& bucket = target->bucket;
        const auto& key = target->key;
        const auto& query = target->query;  // named, not a structured binding: clang 14 cannot capture those
        auto has = [&](const char* n) { return find_param(query, n) != nullptr; };
        auto val = [&](const char* n) { return has(n) ? find_param(query, n)->value : std::string(); };

        if (auto skewed = check_date(req)) return *skewed;
        if (check_signatures)
            if (auto bad = check_signature(req)) return *bad;

        if (req.method == "POST" && has("uploads")) return initiate(bucket, key, has("encoding-type"));
        if (req.method == "PUT" && has("uploadId") && has("partNumber")) {
            ++requests["UploadPart"];
            return upload_part(val("uploadId"), val("partNumber"), req, body, corrupt);
        }
        if (req.method == "POST" && has("uploadId")) return complete(bucket, key, val("uploadId"), req, body);
        if (req.method == "DELETE" && has("uploadId")) return abort(val("uploadId"));
        if (req.method == "GET" && has("uploadId"))
            return list_parts(bucket, key, val("uploadId"), val("max-parts"), val("part-number-marker"));
        if (req.method == "HEAD") return head(bucket + "/" + key);
        if (req.method == "DELETE") {
            ++requests["DeleteObject"];
            objects.erase(bucket + "/" + key);
            return reply(204);
        }
        return error_response(400, "InvalidRequest", "unsupported request", "0000-00000000");
    }

    /// Uploads still open for bucket/key.
    std::size_t open_uploads() const { return uploads.size(); }

private:
    struct target_parts {
        std::string bucket, key;
        query_params query;
    };

    // Path-style targets: "/bucket/key?query", decoded as OSS decodes them.
    static std::optional<target_parts> parse_target(const std::string& t) {
        auto q = t.find('?');
        auto path = percent_decode(std::string_view(t).substr(0, q));
        if (!path || path->size() < 2 || (*path)[0] != '/') return std::nullopt;
        target_parts out;
        auto slash = path->find('/', 1);
        out.bucket = path->substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
        if (slash != std::string::npos) out.key = path->substr(slash + 1);
        if (q != std::string::npos) {
            std::string_view qs = std::string_view(t).substr(q + 1);
            while (!qs.empty()) {
                auto amp = qs.find('&');
                auto item = qs.substr(0, amp);
                auto eq = item.find('=');
                auto n = percent_decode(item.substr(0, eq));
                auto v = percent_decode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
                if (!n || !v) return std::nullopt;
                out.query.push_back({*n, *v});
                qs = amp == std::string_view::npos ? std::string_view() : qs.substr(amp + 1);
            }
        }
        return out;
    }

    std::optional<http_response> check_date(const http_request& req) {
        std::optional<time_point> t;
        if (auto d = req.headers.get("x-oss-date")) {
            auto r = parse_iso8601(*d);
            if (r) t = *r;
        } else if (auto d2 = req.headers.get("Date")) {
            auto r = parse_http_date(*d2);
            if (r) t = *r;
        }
        if (!t) return error_response(403, "AccessDenied", "the request has no date", "0002-00000001");
        auto diff = *t - server_now();
        if (diff > std::chrono::minutes(15) || diff < -std::chrono::minutes(15)) {
            auto r = error_response(403, "RequestTimeTooSkewed",
                                    "The difference between the request time and the current time is too large.",
                                    "0002-00000504", "<ServerTime>" + format_iso8601(server_now()) + "</ServerTime>");
            return r;
        }
        return std::nullopt;
    }

    // Re-signs the request as received (at its own date) and compares Authorization.
    std::optional<http_response> check_signature(const http_request& req) {
        auto auth = req.headers.get("Authorization");
        if (!auth) return error_response(403, "AccessDenied", "anonymous access is forbidden", "0003-00000001");
        http_request copy = req;
        signing_config cfg;
        time_point when{};
        if (auth->substr(0, 4) == "OSS ") {
            cfg.version = signature_version::v1;
            when = parse_http_date(req.headers.get_or("Date")).value_or(time_point{});
        } else {
            cfg.version = signature_version::v4;
            cfg.v4.region = region;
            when = parse_iso8601(req.headers.get_or("x-oss-date")).value_or(time_point{});
        }
        cfg.creds = creds_;
        if (!sign_request(copy, cfg, when) || copy.headers.get("Authorization") != auth)
            return error_response(403, "SignatureDoesNotMatch", "The request signature we calculated does not match",
                                  "0002-00000040");
        return std::nullopt;
    }

    http_response initiate(const std::string& bucket, const std::string& key, bool url) {
        ++requests["InitiateMultipartUpload"];
        std::string id = "FAKE" + std::to_string(next_upload_++) + "UPLOAD";
        uploads[id] = upload{bucket, key, {}};
        auto r = reply(200);
        r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult>\n  <Bucket>" + bucket +
                 "</Bucket>\n  <Key>" + (url ? percent_encode(key) : xml::escape(key)) + "</Key>\n  <UploadId>" + id +
                 "</UploadId>\n" + (url ? "  <EncodingType>url</EncodingType>\n" : "") +
                 "</InitiateMultipartUploadResult>\n";
        return r;
    }

    static std::string etag_of(std::uint64_t crc, std::uint64_t size) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "\"%016llX%08llX\"", static_cast<unsigned long long>(crc),
                      static_cast<unsigned long long>(size));
        return buf;
    }

    http_response upload_part(const std::string& id, const std::string& number, const http_request& req,
                              std::string_view body, bool corrupt) {
        auto u = uploads.find(id);
        if (u == uploads.end())
            return error_response(404, "NoSuchUpload", "The specified upload does not exist.", "0042-00000002");
        auto n = detail::parse_unsigned<std::uint32_t>(number);
        if (!n || *n < 1 || *n > 10000)
            return error_response(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.",
                                  "0017-00000220");
        if (auto md5 = req.headers.get("Content-MD5"); md5 && *md5 != base64_encode(md5::hash(body)))
            return error_response(400, "InvalidDigest", "The Content-MD5 you specified is not valid.", "0017-00000101");
        ++part_uploads[*n];
        stored_part p;
        p.data.assign(body);
        if (corrupt && !p.data.empty()) p.data[p.data.size() / 2] ^= 0x20;
        p.crc = crc64_of(p.data);
        p.size = p.data.size();
        p.etag = etag_of(p.crc, p.size);
        if (!keep_data) p.data = std::string();
        auto r = reply(200);
        r.headers.set("ETag", p.etag);
        r.headers.set("x-oss-hash-crc64ecma", std::to_string(p.crc));
        u->second.parts[*n] = std::move(p);
        return r;
    }

    http_response complete(const std::string& bucket, const std::string& key, const std::string& id,
                           const http_request& req, std::string_view body) {
        ++requests["CompleteMultipartUpload"];
        auto u = uploads.find(id);
        if (u == uploads.end())
            return error_response(404, "NoSuchUpload", "The specified upload does not exist.", "0042-00000002");
        std::vector<completed_part> list;
        bool all = req.headers.get("x-oss-complete-all") == "yes";
        if (all) {
            if (!body.empty())
                return error_response(400, "InvalidArgument", "complete-all needs an empty body", "0042-00000216");
            for (auto& [n, p] : u->second.parts) list.push_back({n, p.etag});
        } else {
            auto parsed = parse_complete_body(body);
            if (!parsed || parsed->empty())
                return error_response(400, "MalformedXML", "The XML you provided was not well-formed.", "0042-00000205");
            list = std::move(*parsed);
        }
        if (list.empty()) return error_response(400, "MalformedXML", "no parts", "0042-00000205");
        std::string data;
        std::uint64_t crc = 0, size = 0;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (i && list[i].part_number <= list[i - 1].part_number)
                return error_response(400, "InvalidPartOrder", "parts must be ascending", "0042-00000209");
            auto p = u->second.parts.find(list[i].part_number);
            if (p == u->second.parts.end() || p->second.etag != list[i].etag)
                return error_response(400, "InvalidPart", "One or more of the specified parts could not be found",
                                      "0042-00000208");
            if (i + 1 < list.size() && p->second.size < min_part_size)
                return error_response(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum",
                                      "0042-00000213");
            crc = crc64_combine(crc, p->second.crc, p->second.size);
            size += p->second.size;
            data += p->second.data;
        }
        std::string path = bucket + "/" + key;
        if (req.headers.get("x-oss-forbid-overwrite") == "true" && objects.count(path))
            return error_response(409, "FileAlreadyExists", "The object you specified already exists", "0042-00000214");
        object o{std::move(data), "\"" + std::to_string(crc) + "-" + std::to_string(list.size()) + "\"", crc, size};
        auto r = reply(200);
        r.headers.set("x-oss-hash-crc64ecma", std::to_string(crc));
        bool url = find_param(parse_target(req.target())->query, "encoding-type") != nullptr;
        r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult>\n" +
                 std::string(url ? "  <EncodingType>url</EncodingType>\n" : "") + "  <Location>http://" + bucket +
                 ".oss-cn-hangzhou.aliyuncs.com/" + percent_encode(key, encode_mode::path) + "</Location>\n  <Bucket>" +
                 bucket + "</Bucket>\n  <Key>" + (url ? percent_encode(key) : xml::escape(key)) + "</Key>\n  <ETag>" +
                 xml::escape(o.etag) + "</ETag>\n</CompleteMultipartUploadResult>\n";
        objects[path] = std::move(o);
        uploads.erase(u);
        return r;
    }

    http_response abort(const std::string& id) {
        ++requests["AbortMultipartUpload"];
        if (!uploads.erase(id))
            return error_response(404, "NoSuchUpload", "The specified upload does not exist.", "0042-00000002");
        return reply(204);
    }

    http_response list_parts(const std::string& bucket, const std::string& key, const std::string& id,
                             const std::string& max_text, const std::string& marker_text) {
        ++requests["ListParts"];
        auto u = uploads.find(id);
        if (u == uploads.end())
            return error_response(404, "NoSuchUpload", "The specified upload does not exist.", "0042-00000002");
        std::uint32_t max = std::min(list_page, detail::parse_unsigned<std::uint32_t>(max_text).value_or(1000));
        std::uint32_t marker = detail::parse_unsigned<std::uint32_t>(marker_text).value_or(0);
        std::string parts;
        std::uint32_t count = 0, last = marker;
        bool truncated = false;
        for (auto it = u->second.parts.upper_bound(marker); it != u->second.parts.end(); ++it) {
            if (count == max) {
                truncated = true;
                break;
            }
            parts += "  <Part>\n    <PartNumber>" + std::to_string(it->first) +
                     "</PartNumber>\n    <LastModified>2024-11-24T10:00:00.000Z</LastModified>\n    <ETag>" +
                     xml::escape(it->second.etag) + "</ETag>\n    <HashCrc64ecma>" + std::to_string(it->second.crc) +
                     "</HashCrc64ecma>\n    <Size>" + std::to_string(it->second.size) + "</Size>\n  </Part>\n";
            ++count;
            last = it->first;
        }
        auto r = reply(200);
        r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListPartsResult>\n  <EncodingType>url</EncodingType>\n"
                 "  <Bucket>" + bucket + "</Bucket>\n  <Key>" + percent_encode(key) + "</Key>\n  <UploadId>" + id +
                 "</UploadId>\n  <PartNumberMarker>" + std::to_string(marker) + "</PartNumberMarker>\n"
                 "  <NextPartNumberMarker>" + std::to_string(last) + "</NextPartNumberMarker>\n  <MaxParts>" +
                 std::to_string(max) + "</MaxParts>\n  <IsTruncated>" + (truncated ? "true" : "false") +
                 "</IsTruncated>\n" + parts + "</ListPartsResult>\n";
        return r;
    }

    http_response head(const std::string& path) {
        ++requests["HeadObject"];
        auto o = objects.find(path);
        if (o == objects.end()) {
            auto r = reply(404);
            r.headers.set("x-oss-ec", "0026-00000001");
            return r;
        }
        auto r = reply(200);
        r.headers.set("Content-Length", std::to_string(o->second.size));
        r.headers.set("ETag", o->second.etag);
        r.headers.set("x-oss-hash-crc64ecma", std::to_string(o->second.crc));
        return r;
    }

    http_response reply(int status) {
        http_response r;
        r.status = status;
        r.headers.set("x-oss-request-id", "FAKE" + std::to_string(request_counter_));
        return r;
    }

    http_response error_response(int status, const std::string& code, const std::string& message,
                                 const std::string& ec, const std::string& extra = {}) {
        auto r = reply(status);
        r.headers.set("x-oss-ec", ec);
        r.headers.set("Content-Type", "application/xml");
        r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>" + code + "</Code>\n  <Message>" +
                 message + "</Message>\n  <RequestId>FAKE" + std::to_string(request_counter_) +
                 "</RequestId>\n  <HostId>fake.oss</HostId>\n" + extra + "  <EC>" + ec + "</EC>\n</Error>\n";
        return r;
    }

    virtual_clock& clock_;
    credentials creds_;
    std::uint64_t next_upload_ = 1;
    std::uint64_t request_counter_ = 0;
};

}  // namespace ossmp_test
