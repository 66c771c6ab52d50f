// Invariant: whatever responses, transport errors, clock jumps, cancels and misuse the
// input chooses, the upload machine never crashes, and after every step:
//   * at most max_in_flight part requests are in flight;
//   * every part request names a part in 1..N that is not done and not already in flight;
//   * CompleteMultipartUpload is sent only when every part is done and, for a source of
//     known size, after the driver answered a check_source saying it did not change;
//   * once the driver says the source changed, Complete is never sent, and the upload
//     ends with errc::source_changed, keeping the upload (error::kept_upload_id);
//   * an upload that finished never sent AbortMultipartUpload (never both);
//   * a report the machine refuses (unknown id, duplicate, unasked read/digest/source
//     check) changes neither its state nor its progress;
//   * every checkpoint it asks to save parses back;
//   * failed is sticky: once failed, next() returns the same error forever.
//
// Input layout: the first byte picks the configuration (signature version, part count,
// max_in_flight, Content-MD5, complete-all, stream or sized source, checkpoints); every
// later byte drives one choice (which request to answer and with what, a clock jump...).
// Responses come from small alphabets of answers that matter to the machine.
#include <ossmp/ossmp.hpp>

#include "fuzz_response.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace ossmp;

struct input {
    const std::uint8_t* p;
    std::size_t n;
    std::uint8_t byte() {
        if (n == 0) return 0;
        --n;
        return *p++;
    }
    bool empty() const { return n == 0; }
};

constexpr std::uint64_t part_size = 100 * 1024;

// The source: a fixed pattern (made once), so CRCs are computable for any range.
const std::string& pattern() {
    static const std::string p = [] {
        std::string s(5 * part_size, '\0');
        for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>((i * 2654435761u) >> 13);
        return s;
    }();
    return p;
}
std::uint64_t crc_of(body_range r) {
    if (r.offset > pattern().size()) return 0;
    return crc64_of(std::string_view(pattern()).substr(static_cast<std::size_t>(r.offset),
                                                       static_cast<std::size_t>(r.length)));
}

struct sent {
    operation op;
    std::uint32_t part;
    std::optional<body_range> range;
};

http_response xml_error(int status, const char* code, const std::string& extra = {}) {
    http_response r;
    r.status = status;
    r.headers.set("x-oss-request-id", "F");
    r.body = std::string("<Error><Code>") + code + "</Code><Message>m</Message><RequestId>F</RequestId>" + extra +
             "</Error>";
    return r;
}

// One answer from the alphabet for request `s`; `choice` selects which.
http_response answer(const sent& s, std::uint8_t choice, std::uint64_t whole_crc, std::uint32_t parts,
                     time_point now) {
    switch (choice % 12) {
    case 0: return xml_error(500, "InternalError");
    case 1: return xml_error(503, "SlowDown");
    case 2: return xml_error(403, "RequestTimeTooSkewed", "<ServerTime>" + format_iso8601(now + std::chrono::hours(1)) + "</ServerTime>");
    case 3: return xml_error(404, "NoSuchUpload");
    case 4: return xml_error(403, "SignatureDoesNotMatch");
    case 5: return xml_error(200, "InternalError");
    case 6: {
        http_response r;
        r.status = 200;
        r.body = "<Init";  // truncated
        return r;
    }
    default: break;
    }
    http_response r;
    r.status = 200;
    r.headers.set("x-oss-request-id", "F");
    bool good_crc = choice % 12 != 11;
    switch (s.op) {
    case operation::initiate_multipart_upload:
        r.body = "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>U" +
                 std::to_string(choice) + "</UploadId></InitiateMultipartUploadResult>";
        break;
    case operation::upload_part:
        r.headers.set("ETag", "\"E" + std::to_string(s.part) + "\"");
        r.headers.set("x-oss-hash-crc64ecma", std::to_string(s.range ? crc_of(*s.range) + !good_crc : 0));
        break;
    case operation::complete_multipart_upload:
        r.headers.set("x-oss-hash-crc64ecma", std::to_string(whole_crc + !good_crc));
        r.body = "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>\"X-" + std::to_string(parts) +
                 "\"</ETag></CompleteMultipartUploadResult>";
        break;
    case operation::list_parts: {
        r.body = "<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>U</UploadId><IsTruncated>false</IsTruncated>";
        for (std::uint32_t n = 1; n <= parts; ++n)
            if ((choice >> (n % 8)) & 1)
                r.body += "<Part><PartNumber>" + std::to_string(n) + "</PartNumber><ETag>\"E" + std::to_string(n) +
                          "\"</ETag><Size>" + std::to_string(part_size) + "</Size><HashCrc64ecma>" +
                          std::to_string(crc_of({(n - 1) * part_size, part_size})) +
                          "</HashCrc64ecma><LastModified>2024-01-01T00:00:00.000Z</LastModified></Part>";
        r.body += "</ListPartsResult>";
        break;
    }
    case operation::head_object:
        r.headers.set("Content-Length", std::to_string(std::uint64_t(parts) * part_size));
        r.headers.set("x-oss-hash-crc64ecma", std::to_string(whole_crc + !good_crc));
        r.headers.set("ETag", "\"H\"");
        break;
    case operation::abort_multipart_upload:
    case operation::delete_object: r.status = 204; break;
    default: break;
    }
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    input in{data, size};
    std::uint8_t conf = in.byte();
    std::uint32_t parts = 1 + conf % 5;
    bool stream = (conf >> 3) & 1;
    upload_config cfg;
    cfg.ep = parse_endpoint("http://127.0.0.1:9000").value();
    cfg.bucket = "bucket";
    cfg.key = "k";
    cfg.signing = {(conf >> 4) & 1 ? signature_version::v1 : signature_version::v4, {"ak", "sk", ""}, {"cn-hangzhou", "oss", {}}, {}};
    std::uint64_t total = parts * part_size;
    if (!stream) cfg.source = {total, 1, "f"};
    cfg.part_size = part_size;
    cfg.max_in_flight = 1 + ((conf >> 5) & 3);
    cfg.content_md5 = (conf >> 7) & 1;
    cfg.complete.complete_all = ((conf >> 6) & 1) && !cfg.content_md5;
    cfg.checkpoints = !stream && ((conf >> 1) & 1);
    cfg.retry.max_attempts = 3;
    auto made = upload_machine::create(cfg);
    FUZZ_CHECK(made.has_value());
    auto& m = *made;
    std::uint64_t whole_crc = crc_of({0, total});

    time_point now = from_unix_seconds(1732450000);
    std::map<request_id, sent> flying;
    std::set<request_id> answered;
    bool sent_abort = false;
    bool source_unchanged = false;  // the driver answered a check_source: no change
    bool source_changed = false;    // ... or: it changed
    std::optional<std::string> failure;
    for (int step = 0; step < 400; ++step) {
        auto a = m.next(now);
        FUZZ_CHECK(m.stats().parts_in_flight <= m.max_in_flight());
        if (failure) {  // sticky
            FUZZ_CHECK(std::holds_alternative<failed>(a));
            FUZZ_CHECK(std::get<failed>(a).err.what() == *failure);
            break;
        }
        if (auto* s = std::get_if<send_request>(&a)) {
            const auto& req = s->request;
            if (req.op == operation::upload_part) {
                FUZZ_CHECK(req.part_number >= 1 && req.part_number <= m.part_count());
                FUZZ_CHECK(m.part(req.part_number) == part_state::in_flight);
                for (auto& [id, f] : flying) FUZZ_CHECK(!(f.op == operation::upload_part && f.part == req.part_number));
            }
            if (req.op == operation::complete_multipart_upload) {
                for (std::uint32_t n = 1; n <= m.part_count(); ++n) FUZZ_CHECK(m.part(n) == part_state::done);
                FUZZ_CHECK(!source_changed);
                FUZZ_CHECK(stream || source_unchanged);
            }
            if (req.op == operation::abort_multipart_upload) sent_abort = true;
            flying[s->id] = {req.op, req.part_number, req.source};
            continue;
        }
        if (auto* f = std::get_if<finished>(&a)) {
            FUZZ_CHECK(!sent_abort || m.state() == upload_state::completed);
            FUZZ_CHECK(f->outcome.part_count == m.part_count());
            break;
        }
        if (auto* x = std::get_if<failed>(&a)) {
            failure = x->err.what();
            FUZZ_CHECK(x->err.code != errc::ok);
            if (source_changed) {
                FUZZ_CHECK(x->err.code == errc::source_changed);
                FUZZ_CHECK(!sent_abort);
                FUZZ_CHECK(x->err.kept_upload_id == m.upload_id());
            }
            continue;  // one more next() proves stickiness
        }
        if (auto* cs = std::get_if<check_source>(&a)) {
            FUZZ_CHECK(!stream);
            for (std::uint32_t n = 1; n <= m.part_count(); ++n) FUZZ_CHECK(m.part(n) == part_state::done);
            std::optional<source_identity> now_id;
            switch (in.byte() % 4) {
            case 0: break;  // a source that cannot tell
            case 1: now_id = cs->expected; break;
            case 2:
                now_id = cs->expected;
                now_id->mtime_ns += 1;  // rewritten in place
                break;
            default:
                now_id = cs->expected;
                *now_id->size += 1;  // appended to
                break;
            }
            bool changed = now_id && *now_id != cs->expected;
            FUZZ_CHECK(m.on_source_checked(now_id, now).has_value());
            FUZZ_CHECK(!m.on_source_checked(now_id, now).has_value());  // asked once, answered once
            (changed ? source_changed : source_unchanged) = true;
            continue;
        }
        if (auto* rs = std::get_if<read_source>(&a)) {
            std::uint64_t left = total - std::min(total, rs->offset);
            std::uint64_t len = std::min<std::uint64_t>(rs->max_length, left);
            if (in.byte() % 8 == 0) len = len / 2;  // a short read ends the stream early
            FUZZ_CHECK(m.on_source_read(rs->part_number, len, now).has_value());
            continue;
        }
        if (auto* d = std::get_if<digest_part>(&a)) {
            auto crc = crc_of(d->range) + (in.byte() % 16 == 0);
            FUZZ_CHECK(m.on_part_digest(d->part_number, crc, d->md5 ? "MD5=" : "", now).has_value());
            continue;
        }
        if (auto* cp = std::get_if<save_checkpoint>(&a)) {
            FUZZ_CHECK(parse_checkpoint(cp->text).has_value());
            continue;
        }
        if (std::holds_alternative<release_body>(a)) continue;
        if (auto* w = std::get_if<wait_until>(&a)) {
            if (flying.empty() || in.byte() % 2 == 0) {
                FUZZ_CHECK(w->deadline >= now);
                now = w->deadline;
                continue;
            }
        }
        if (in.empty()) break;
        // Await IO: the input decides what arrives.
        std::uint8_t what = in.byte();
        auto before_state = m.state();
        auto before = m.stats();
        auto unchanged = [&] {
            FUZZ_CHECK(m.state() == before_state);
            FUZZ_CHECK(m.stats().parts_done == before.parts_done);
            FUZZ_CHECK(m.stats().parts_in_flight == before.parts_in_flight);
        };
        switch (what % 8) {
        case 0:  // misuse: an id never handed out, or one already answered
            if (!answered.empty() && (what & 8)) {
                FUZZ_CHECK(m.on_response(*answered.begin(), http_response{}, now, 0).error().code ==
                           errc::duplicate_response);
            } else {
                FUZZ_CHECK(m.on_response(1u << 30, http_response{}, now, 0).error().code == errc::unknown_request);
            }
            FUZZ_CHECK(!m.on_source_read(9999, 1, now).has_value());
            FUZZ_CHECK(m.on_source_checked(std::nullopt, now).error().code == errc::wrong_state);
            unchanged();
            continue;
        case 1: now += std::chrono::seconds(in.byte()); continue;  // the clock jumps
        case 2:
            if (what & 8) m.cancel();
            continue;
        default: break;
        }
        if (flying.empty()) continue;
        auto it = flying.begin();
        std::advance(it, in.byte() % flying.size());
        auto id = it->first;
        auto s = it->second;
        flying.erase(it);
        answered.insert(id);
        if (what % 8 == 3) {
            errc kinds[] = {errc::transport_reset, errc::transport_timeout, errc::transport_connect,
                            errc::transport_tls};
            FUZZ_CHECK(m.on_transport_error(id, {kinds[in.byte() % 4], "x"}, now).has_value());
        } else {
            auto resp = answer(s, in.byte(), whole_crc, parts, now);
            std::optional<std::uint64_t> crc;
            if (s.range) crc = crc_of(*s.range);
            FUZZ_CHECK(m.on_response(id, resp, now, crc).has_value());
        }
    }
    return 0;
}
