// One request from arrival to its log line: the context, routing to an operation, the
// checks every request passes (names, bucket, authentication), faults, and the answers.
#include "server_impl.hpp"

#include <algorithm>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/dialect.hpp>
#include <ossmp/endpoint.hpp>
#include <ossmp/validate.hpp>

#include "oss_error.hpp"
#include "xml_writer.hpp"

namespace ossmp::inline v0::emulator {

using ossmp::detail::iequals;
using ossmp::detail::istarts_with;

void server::impl::send_error(request_ctx& c, const error& e) {
    if (e.oss_code == "SignatureDoesNotMatch") c.signature_failed = true;
    xml_writer x;
    x.open("Error");
    x.leaf("Code", e.oss_code.empty() ? std::string("InternalError") : e.oss_code);
    x.leaf("Message", e.message);
    x.leaf("RequestId", c.request_id);
    x.leaf("HostId", c.in.host);
    for (const auto& [k, v] : e.details) x.leaf(k, v);
    x.leaf("EC", e.ec);
    x.leaf("RecommendDoc", "https://api.aliyun.com/troubleshoot?q=" + e.ec);
    auto body = x.finish();
    c.res.status = e.http_status ? e.http_status : 500;
    c.res.set_header("x-oss-ec", e.ec);
    // HEAD answers carry no body, so OSS puts the error document in a header.
    if (c.head) c.res.set_header("x-oss-err", base64_encode(body));
    c.res.set_content(body, xml_type);
}

void server::impl::send_xml(request_ctx& c, int status, std::string body) {
    c.res.status = status;
    c.res.set_content(body, xml_type);
}

void server::impl::send_empty(request_ctx& c, int status) { c.res.status = status; }

void server::impl::handle(const httplib::Request& hreq, httplib::Response& res, const httplib::ContentReader* reader) {
    request_ctx c(hreq, res, reader);
    c.request_id = ids.request_id();
    c.head = hreq.method == "HEAD";
    c.in.method = hreq.method;
    res.set_header("x-oss-request-id", c.request_id);
    res.set_header("Date", format_http_date(now()));
    res.set_header("Server", "AliyunOSS");
    for (const auto& [name, value] : hreq.headers) {
        if (name == saved_header) {
            auto colon = value.find(':');
            c.in.headers.add(value.substr(0, colon), value.substr(colon + 1));
            continue;
        }
        c.in.headers.add(name, value);
    }
    c.in.host = std::string(header(c, "Host"));
    auto cl = c.in.headers.get("Content-Length");
    bool chunked = iequals(header(c, "Transfer-Encoding"), "chunked");
    c.chunked = chunked;
    if (cl) {
        if (!parse_u64(*cl, c.content_length)) c.content_length = 0;
    }
    // A request with neither Content-Length nor chunked coding has no body (RFC 9112).
    c.has_body = chunked || c.content_length > 0;

    try {
        dispatch(c);
    } catch (const std::exception&) {
        c.res = httplib::Response();
        c.res.set_header("x-oss-request-id", c.request_id);
        send_error(c, internal_error("We encountered an internal error. Please try again."));
    }
    finish(c);
}

void server::impl::finish(request_ctx& c) {
    int answered = c.res.status == -1 ? 200 : c.res.status;
    // A refused request's body is not read on: the answer goes out at once and the
    // connection closes (a client declaring 100 GB would otherwise be read to the end).
    // Small bodies are still drained so that the connection can be kept.
    if (!c.connection_cut && !c.body_read && answered >= 300 && (c.chunked || c.content_length > 64 * 1024)) {
        c.body_read = true;
        c.res.set_header("Connection", "close");
        close_after_response = true;
    }
    if (!c.connection_cut) drain(c);
    bool control_plane = c.op == "Control";
    if (!control_plane) {
        if (auto delay = faults.delay_ms(); delay > 0 && !c.connection_cut)
            std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
    int status = c.res.status == -1 ? 200 : c.res.status;
    {
        std::lock_guard lock(stats_mu);
        stats.bytes_received += c.bytes;
        if (!control_plane) {
            ++stats.requests;
            auto& oc = stats.operations[c.op];
            ++oc.requests;
            if (status < 300 && !c.connection_cut)
                ++oc.succeeded;
            else
                ++oc.failed;
            if (c.signature_failed) ++stats.signature_failures;
            else if (c.auth_failed) ++stats.auth_failures;
            if (c.faulted) ++stats.faults_injected;
            if (!c.upload_for_stats.empty()) {
                auto& pc = stats.parts[c.upload_for_stats][c.part_for_stats];
                ++pc.attempts;
                if (c.part_stored) ++pc.stored;
            }
        }
    }
    if (c.connection_cut) cut_connection();
    if (cfg.log) {
        auto q = c.hreq.target.find('?');
        std::string line = c.hreq.method + " " + c.hreq.target.substr(0, q) + " " + std::to_string(status) + " " + c.op +
                           " " + c.request_id;
        cfg.log(line);
    }
}

// ---- routing -------------------------------------------------------------------------

void server::impl::dispatch(request_ctx& c) {
    const auto& target = c.hreq.target;
    auto qpos = target.find('?');
    c.raw_path = target.substr(0, qpos);
    if (c.raw_path.empty() || c.raw_path.front() != '/')
        return send_error(c, oss_error(400, "InvalidURI", "Couldn't parse the specified URI.", "0000-00000400"));
    auto path = percent_decode(c.raw_path);
    if (!path)
        return send_error(c, oss_error(400, "InvalidURI", "Couldn't parse the specified URI.", "0000-00000400"));
    if (qpos != std::string::npos) {
        std::string_view rest = std::string_view(target).substr(qpos + 1);
        while (!rest.empty()) {
            auto amp = rest.find('&');
            auto item = rest.substr(0, amp);
            if (!item.empty()) {
                auto eq = item.find('=');
                auto name = percent_decode(item.substr(0, eq));
                auto value = eq == std::string_view::npos ? result<std::string>(std::string())
                                                          : percent_decode(item.substr(eq + 1));
                if (!name || !value)
                    return send_error(c, oss_error(400, "InvalidURI", "Couldn't parse the specified URI.", "0000-00000400"));
                c.in.query.push_back({std::move(*name), std::move(*value)});
            }
            if (amp == std::string_view::npos) break;
            rest.remove_prefix(amp + 1);
        }
    }

    // Virtual-hosted: the Host's first label names the bucket under a known domain.
    std::string host = ossmp::detail::lower(c.in.host);
    if (!host.empty() && host.front() != '[') {
        if (auto colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
    }
    if (auto dot = host.find('.'); dot != std::string::npos && dot > 0) {
        std::string domain = host.substr(dot + 1);
        bool known = std::any_of(cfg.virtual_host_domains.begin(), cfg.virtual_host_domains.end(),
                                 [&](const std::string& d) { return ossmp::detail::iequals(d, domain); });
        if (!known) {
            auto region = region_from_host(domain);
            known = region && *region == cfg.region;
        }
        if (known) {
            c.virtual_hosted = true;
            c.in.bucket = host.substr(0, dot);
            c.in.key = path->substr(1);
        }
    }
    if (!c.virtual_hosted) {
        if (c.raw_path == control_prefix || c.raw_path.rfind(std::string(control_prefix) + "/", 0) == 0) {
            c.op = "Control";
            return control(c);
        }
        std::string_view p = std::string_view(*path).substr(1);
        auto slash = p.find('/');
        c.in.bucket = std::string(p.substr(0, slash));
        if (slash != std::string_view::npos) c.in.key = std::string(p.substr(slash + 1));
    }

    const auto& m = c.in.method;
    bool has_key = !c.in.key.empty();
    bool uploads = param(c, "uploads") != nullptr;
    bool upload_id = param(c, "uploadId") != nullptr;
    using handler = void (impl::*)(request_ctx&);
    handler h = nullptr;
    if (c.in.bucket.empty()) {
        c.op = "ListBuckets";
    } else if (!has_key) {
        if (m == "PUT" && c.in.query.empty()) {
            c.op = "PutBucket";
            h = &impl::put_bucket;
        } else if (m == "GET" && uploads) {
            c.op = "ListMultipartUploads";
            h = &impl::list_uploads;
        } else {
            c.op = "Bucket" + m;
        }
    } else if (m == "POST" && uploads) {
        c.op = "InitiateMultipartUpload";
        h = &impl::initiate;
    } else if (m == "PUT" && upload_id && param(c, "partNumber")) {
        bool copy = c.in.headers.contains(oss_dialect.copy_source_header);
        c.op = copy ? "UploadPartCopy" : "UploadPart";
        h = copy ? &impl::upload_part_copy : &impl::upload_part;
    } else if (m == "POST" && upload_id) {
        c.op = "CompleteMultipartUpload";
        h = &impl::complete;
    } else if (m == "DELETE" && upload_id) {
        c.op = "AbortMultipartUpload";
        h = &impl::abort_upload;
    } else if (m == "GET" && upload_id) {
        c.op = "ListParts";
        h = &impl::list_parts;
    } else if (!uploads && !upload_id && !param(c, "partNumber")) {
        if (m == "PUT" && !c.in.headers.contains(oss_dialect.copy_source_header)) {
            c.op = "PutObject";
            h = &impl::put_object;
        } else if (m == "GET" || m == "HEAD") {
            c.op = m == "GET" ? "GetObject" : "HeadObject";
            h = &impl::get_object;
        } else if (m == "DELETE") {
            c.op = "DeleteObject";
            h = &impl::delete_object;
        }
    }
    if (c.op == "Unknown" && !h) c.op = "Object" + m;

    if (!c.in.bucket.empty()) {
        if (auto r = validate_bucket_name(c.in.bucket); !r)
            return send_error(c, oss_error(400, "InvalidBucketName", "The specified bucket is not valid.",
                                           "0015-00000001", {{"BucketName", c.in.bucket}}));
    }
    if (has_key) {
        if (auto r = validate_object_key(c.in.key); !r) {
            std::string ec = c.in.key.size() > max_object_key_size ? "0016-00000003"
                             : (c.in.key.front() == '/' || c.in.key.front() == '\\') ? "0016-00000005"
                                                                                       : "0016-00000002";
            return send_error(c, oss_error(400, "InvalidObjectName", "The specified object is not valid.", ec));
        }
    }
    if (!c.in.bucket.empty() && h != &impl::put_bucket && !st->has_bucket(c.in.bucket))
        return send_error(c, no_such_bucket(c.in.bucket));

    auto auth = authenticate(c.in, cfg.accounts, cfg.region, now(), cfg.max_clock_skew);
    if (!auth) {
        c.auth_failed = true;
        return send_error(c, auth.error());
    }
    if (!h)
        return send_error(c, oss_error(501, "NotImplemented",
                                       "The emulator does not implement this operation (" + c.op + ").",
                                       "0000-00000501"));
    (this->*h)(c);
}

bool server::impl::apply_fault(request_ctx& c, std::uint32_t part_number) {
    auto kind = faults.decide(c.op, c.in.key, part_number);
    if (kind == fault_kind::none) return false;
    c.faulted = true;
    switch (kind) {
    case fault_kind::reset:
        reset_mid_body(c);
        return true;
    case fault_kind::error: {
        drain(c);
        int status = faults.get().error_status;
        if (status == 503)
            send_error(c, oss_error(503, "SlowDown", "Please reduce your request rate.", "0000-00000503"));
        else
            send_error(c, internal_error("We encountered an internal error. Please try again."));
        return true;
    }
    case fault_kind::error200: {
        drain(c);
        send_error(c, internal_error("We encountered an internal error. Please try again."));
        c.res.status = 200;  // the body says it failed; the status does not
        return true;
    }
    case fault_kind::none: break;
    }
    return false;
}

}  // namespace ossmp::inline v0::emulator
