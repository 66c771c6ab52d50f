// Test support: a Transport that delivers requests to a fake_oss in-process, with seeded
// faults: connection resets and timeouts before or after the server acted, 5xx/429
// answers, 200 answers carrying <Error>, truncated and garbled bodies, dropped checksum
// headers, corrupted part bytes (a CRC mismatch), duplicated and reordered completions.
// Time is virtual: waiting for a deadline with nothing to deliver advances the clock.
#pragma once

#include "fake_oss.hpp"

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace ossmp_test {

/// Per-request fault probabilities.
struct fault_plan {
    double reset_before = 0;   ///< connection reset before the server saw the request
    double reset_after = 0;    ///< the server acted, the response was lost (reset)
    double timeout_after = 0;  ///< the server acted, the client timed out
    double status_500 = 0;     ///< 500 InternalError, nothing done
    double status_503 = 0;     ///< 503 SlowDown, nothing done
    double status_429 = 0;     ///< 429, nothing done
    double error_200 = 0;      ///< 200 with an <Error> body, nothing done
    double garble = 0;         ///< the server acted; the body is truncated or a header dropped
    double corrupt_part = 0;   ///< the server stored a part with a flipped byte
    double duplicate = 0;      ///< the completion is delivered twice
    bool reorder = true;       ///< completions come back in random order
};

class fault_transport {
public:
    fault_transport(fake_oss& oss, virtual_clock& clock, fault_plan plan, std::uint64_t seed)
        : oss_(oss), clock_(clock), plan_(plan), rng_(seed) {}

    /// Upload ids the server created whose Initiate response never reached the client.
    std::set<std::string> lost_initiates;
    /// Requests started, by operation.
    std::map<operation, int> started;
    int faults = 0;

    void start(request_id id, const http_request& req, body_reader& body) {
        ++started[req.op];
        if (roll(plan_.reset_before)) {
            // Read part of the body, then the connection drops.
            std::string sink(static_cast<std::size_t>(body.size() / 2), '\0');
            if (!sink.empty()) (void)body.read(std::span<char>(sink.data(), sink.size()));
            return push({id, transport_error{errc::transport_reset, "connection reset by peer"}});
        }
        std::string data;
        data.resize(static_cast<std::size_t>(body.size()));
        std::size_t got = 0;
        while (got < data.size()) {
            auto r = body.read(std::span<char>(data.data() + got, data.size() - got));
            if (!r || *r == 0) break;
            got += *r;
        }
        data.resize(got);
        for (auto [p, status, code] : {std::tuple{plan_.status_500, 500, "InternalError"},
                                       std::tuple{plan_.status_503, 503, "SlowDown"},
                                       std::tuple{plan_.status_429, 429, "TooManyRequests"}})
            if (roll(p)) return push({id, error_body(status, code)});
        if (roll(plan_.error_200)) return push({id, error_body(200, "InternalError")});
        bool corrupt = req.op == operation::upload_part && roll(plan_.corrupt_part);
        std::set<std::string> before;
        if (req.op == operation::initiate_multipart_upload)
            for (auto& [uid, u] : oss_.uploads) before.insert(uid);
        auto resp = oss_.handle(req, data, corrupt);
        if (roll(plan_.reset_after) || roll(plan_.timeout_after)) {
            if (req.op == operation::initiate_multipart_upload)
                for (auto& [uid, u] : oss_.uploads)
                    if (!before.count(uid)) lost_initiates.insert(uid);
            bool timeout = rng_() % 2;
            return push({id, transport_error{timeout ? errc::transport_timeout : errc::transport_reset,
                                             timeout ? "operation timed out" : "connection reset"}});
        }
        if (resp.status == 200 && roll(plan_.garble)) {
            ++faults;
            if (!resp.body.empty()) {
                resp.body.resize(resp.body.size() / 3);  // truncated mid-document
            } else {
                resp.headers.erase(rng_() % 2 ? "x-oss-hash-crc64ecma" : "ETag");
            }
            if (req.op == operation::initiate_multipart_upload)
                for (auto& [uid, u] : oss_.uploads)
                    if (!before.count(uid)) lost_initiates.insert(uid);
        }
        push({id, std::move(resp)});
    }

    std::optional<completion> wait(time_point deadline) {
        if (queue_.empty()) {
            if (deadline != time_point::max()) clock_.sleep_until(deadline);
            return std::nullopt;
        }
        std::size_t i = plan_.reorder ? rng_() % queue_.size() : 0;
        auto c = std::move(queue_[i]);
        queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
        clock_.advance(duration(1 + rng_() % 5));
        return c;
    }

    std::size_t queued() const { return queue_.size(); }

private:
    bool roll(double p) {
        if (p <= 0) return false;
        bool hit = std::uniform_real_distribution<double>(0, 1)(rng_) < p;
        faults += hit;
        return hit;
    }
    void push(completion c) {
        if (roll(plan_.duplicate)) queue_.push_back(c);
        queue_.push_back(std::move(c));
    }
    static http_response error_body(int status, const char* code) {
        http_response r;
        r.status = status;
        r.headers.set("x-oss-request-id", "FAULT");
        r.body = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>") + code +
                 "</Code><Message>injected fault</Message><RequestId>FAULT</RequestId><HostId>fake.oss</HostId></Error>";
        return r;
    }

    fake_oss& oss_;
    virtual_clock& clock_;
    fault_plan plan_;
    std::mt19937_64 rng_;
    std::vector<completion> queue_;
};

}  // namespace ossmp_test
