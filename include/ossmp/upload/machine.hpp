// ossmp: the upload machine, a sans-IO engine that drives one whole multipart upload.
//
// Theory of operation
// -------------------
// The machine never performs I/O, never reads a clock, never sleeps, never owns part bytes
// and never calls back into user code. A driver (ossmp::run, or the caller's own loop)
// pulls actions and pushes results:
//
//     for (;;) {
//         action a = m.next(now());             // what to do next; signs requests here
//         ... perform it, then report back:
//         m.on_response(id, response, now(), crc64_of_bytes_sent);
//         m.on_transport_error(id, error, now());
//         m.on_source_read(...) / m.on_part_digest(...) / m.on_local_error(...)
//     }
//
// States (states.hpp holds the one transition table): initiating -> uploading ->
// completing -> completed, with listing (resume reconciliation), checking (HeadObject
// after an unclear Complete), deleting (an object that failed its final CRC check),
// draining (failure or cancel: wait for requests in flight) and aborting
// (AbortMultipartUpload) on the side; failed is terminal and sticky. Each part has its own
// state (pending, reading, digesting, in_flight, backoff, done).
//
// Invariants, checked by the tests and the machine fuzzer after every step:
//   * at most max_in_flight part requests are in flight, and at most one other request;
//   * part numbers are 1..N, each part is in exactly one state, and a done part is never
//     sent again;
//   * Complete is sent only when every part is done; an upload is never both completed
//     and aborted;
//   * every request is signed by next() with the `now` it is handed out at (plus the clock
//     offset learnt from RequestTimeTooSkewed), so retries always carry a fresh date;
//   * a part is done only when OSS's CRC-64 equals the CRC-64 of the bytes the driver
//     sent, and the object is finished only when OSS's object CRC-64 equals the parts'
//     CRCs combined; otherwise the part is retried, or the object deleted.
//   * misuse (an unknown id, a second report for one id, a report the machine did not ask
//     for) returns an error and changes nothing.
//
// Cancel: cancel() stops handing out parts; requests in flight are awaited (draining),
// then, per policy, the upload is aborted (no orphaned parts) or kept for a resume from
// the checkpoint. Once Complete has been sent, cancel has no effect.
//
// Memory: the machine holds per-part bookkeeping (ETag, CRC-64, state), never part data;
// with a stream source the driver buffers at most max_in_flight parts, and the machine
// says when each buffer may be released.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ossmp/crypto/crc64.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/requests/abort.hpp>
#include <ossmp/requests/complete.hpp>
#include <ossmp/requests/delete_object.hpp>
#include <ossmp/requests/head_object.hpp>
#include <ossmp/requests/initiate.hpp>
#include <ossmp/requests/list_parts.hpp>
#include <ossmp/requests/upload_part.hpp>
#include <ossmp/requests/upload_part_copy.hpp>
#include <ossmp/responses/complete_result.hpp>
#include <ossmp/responses/copy_part_result.hpp>
#include <ossmp/responses/initiate_result.hpp>
#include <ossmp/responses/list_parts_result.hpp>
#include <ossmp/responses/response_info.hpp>
#include <ossmp/responses/retry_advice.hpp>
#include <ossmp/responses/service_error.hpp>
#include <ossmp/responses/upload_part_result.hpp>
#include <ossmp/result.hpp>
#include <ossmp/sign/signer.hpp>
#include <ossmp/transport_error.hpp>
#include <ossmp/upload/actions.hpp>
#include <ossmp/upload/checkpoint.hpp>
#include <ossmp/upload/config.hpp>
#include <ossmp/upload/plan.hpp>
#include <ossmp/upload/retry_policy.hpp>
#include <ossmp/upload/states.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Drives one multipart upload (or server-side copy); see the theory of operation above.
/// Not thread-safe: one thread drives a machine (transports may be concurrent).
class upload_machine {
public:
    /// A machine for a new upload. Everything that can be checked before sending is
    /// checked here (names, credentials, region, part plan, options); errors are 1xx-band.
    static result<upload_machine> create(upload_config cfg) {
        upload_machine m(std::move(cfg));
        if (auto r = m.prepare(); !r) return r.error();
        return m;
    }

    /// A machine resuming from a checkpoint. The checkpoint must describe the same
    /// endpoint, bucket, key and part size (errc::checkpoint_mismatch otherwise). If the
    /// source changed since (size, mtime or fingerprint), on_stale decides: fail with
    /// errc::source_changed, or restart (abort the old upload, start a new one). Otherwise
    /// the machine first lists the upload's parts (all pages) and re-sends only what is
    /// missing or does not match.
    static result<upload_machine> resume(upload_config cfg, const checkpoint& cp) {
        upload_machine m(std::move(cfg));
        if (auto r = m.check_resumable(); !r) return r.error();
        if (cp.bucket != m.cfg_.bucket || cp.key != m.cfg_.key || cp.endpoint != m.endpoint_text())
            return make_error(errc::checkpoint_mismatch,
                              "checkpoint is for " + cp.endpoint + " oss://" + cp.bucket + "/" + cp.key +
                                  ", not this upload");
        if (m.cfg_.part_size != 0 && m.cfg_.part_size != cp.part_size)
            return make_error(errc::checkpoint_mismatch, "checkpoint was made with part size " +
                                                             std::to_string(cp.part_size) + ", not " +
                                                             std::to_string(m.cfg_.part_size));
        m.cfg_.part_size = cp.part_size;
        if (auto r = m.prepare(); !r) return r.error();
        if (!same_source(cp.source, m.cfg_.source)) {
            if (m.cfg_.on_stale == stale_policy::fail)
                return make_error(errc::source_changed,
                                  "the source changed since the checkpoint was written (size, time or content); "
                                  "delete the checkpoint to upload it again");
            m.stale_upload_id_ = cp.upload_id;  // abort it, then start afresh
            return m;
        }
        for (const auto& p : cp.parts) {
            if (p.part_number > m.parts_.size() || p.size != m.parts_[p.part_number - 1].range.length)
                return make_error(errc::checkpoint_mismatch, "checkpoint part " + std::to_string(p.part_number) +
                                                                 " does not fit the source's part plan");
            m.confirmed_before_[p.part_number] = p;
        }
        m.upload_id_ = cp.upload_id;
        m.state_ = upload_state::listing;
        return m;
    }

    /// A machine resuming an upload known only by its id (no checkpoint): every part OSS
    /// lists with the planned size is verified by CRC-64 against the source before it is
    /// accepted; the rest is sent.
    static result<upload_machine> resume_upload(upload_config cfg, std::string upload_id) {
        upload_machine m(std::move(cfg));
        if (auto r = m.check_resumable(); !r) return r.error();
        if (auto r = detail::check_upload_id(upload_id, operation::list_parts); !r) return r.error();
        if (auto r = m.prepare(); !r) return r.error();
        m.upload_id_ = std::move(upload_id);
        m.state_ = upload_state::listing;
        return m;
    }

    /// The next action at time `now` (see actions.hpp for what each asks). Requests are
    /// signed here, with `now`. Once finished or failed, returns the same terminal
    /// action forever.
    [[nodiscard]] action next(time_point now) {
        if (!started_) {
            started_ = true;
            start_time_ = now;
        }
        if (now > start_time_) stats_.elapsed = std::chrono::duration_cast<duration>(now - start_time_);
        for (;;) {
            if (state_ == upload_state::completed) return finished{*outcome_};
            if (state_ == upload_state::failed) return failed{*error_};
            if (!releases_.empty()) {
                auto r = releases_.front();
                releases_.pop_front();
                return release_body{r};
            }
            if (checkpoint_due_) {
                checkpoint_due_ = false;
                if (cfg_.checkpoints && !upload_id_.empty()) return save_checkpoint{to_text(current_checkpoint())};
            }
            switch (state_) {
            case upload_state::initiating:
                if (cancel_requested_ && !single_.in_flight) {
                    error_ = cancelled_error("upload cancelled before it started");
                    apply(upload_event::cancel);
                    continue;
                }
                return single_step(now, stale_upload_id_.empty() ? kind::initiate : kind::abort_stale);
            case upload_state::listing:
                if (cancel_requested_ && !single_.in_flight) {
                    apply(upload_event::cancel);
                    error_ = cancelled_error("upload paused before any part was sent");
                    continue;
                }
                return single_step(now, kind::list_parts);
            case upload_state::uploading:
                if (auto a = upload_step(now)) return std::move(*a);
                continue;
            case upload_state::completing: return single_step(now, kind::complete);
            case upload_state::checking: return single_step(now, kind::head);
            case upload_state::deleting: return single_step(now, kind::remove);
            case upload_state::draining:
                if (!in_flight_.empty()) return await_io{};
                finish_draining();
                continue;
            case upload_state::aborting: return single_step(now, kind::abort);
            case upload_state::completed:
            case upload_state::failed: break;
            }
        }
    }

    /// Reports the HTTP response to request `id`. For UploadPart, `sent_crc64` must be the
    /// CRC-64 of the body bytes actually sent (body_reader::crc64()); it is compared with
    /// OSS's. Errors (nothing changes): errc::unknown_request for an id never handed out,
    /// errc::duplicate_response for an id already reported, errc::invalid_argument for an
    /// UploadPart response without sent_crc64. A failed request is not an error here: the
    /// machine retries it or fails the upload, as next() will tell.
    result<void> on_response(request_id id, const http_response& resp, time_point now,
                             std::optional<std::uint64_t> sent_crc64 = {}) {
        auto it = find_flight(id);
        if (it == in_flight_.end()) return unknown_or_duplicate(id);
        if (it->what == kind::part && !cfg_.copy && !sent_crc64)
            return make_error(errc::invalid_argument,
                              "an UploadPart response needs the CRC-64 of the bytes sent (body_reader::crc64())",
                              operation::upload_part, it->part_number);
        flight f = *it;
        in_flight_.erase(it);
        switch (f.what) {
        case kind::initiate: on_initiate(resp, now); break;
        case kind::abort_stale: on_abort_stale(&resp, {}, now); break;
        case kind::list_parts: on_list_parts(resp, now); break;
        case kind::part: on_part(f.part_number, &resp, {}, sent_crc64, now); break;
        case kind::complete: on_complete(&resp, {}, now); break;
        case kind::head: on_head(&resp, {}, now); break;
        case kind::remove: on_remove(&resp, {}, now); break;
        case kind::abort: on_abort(&resp, {}, now); break;
        }
        return ok();
    }

    /// Reports that request `id` got no usable response (see transport_error). Errors as
    /// for on_response; the failure itself is retried or ends the upload.
    result<void> on_transport_error(request_id id, const transport_error& te, time_point now) {
        auto it = find_flight(id);
        if (it == in_flight_.end()) return unknown_or_duplicate(id);
        flight f = *it;
        in_flight_.erase(it);
        // Transport codes pass through; so do local failures a transport met while reading
        // the body (the source failed or shrank), which no retry can fix.
        bool local = te.code == errc::io_error || te.code == errc::source_short_read || te.code == errc::source_changed;
        error e = make_error(band(te.code) == 400 || local ? te.code : errc::transport_other, te.message,
                             op_of(f.what), f.part_number);
        switch (f.what) {
        case kind::initiate: single_failure(std::move(e), now); break;
        case kind::abort_stale: on_abort_stale(nullptr, std::move(e), now); break;
        case kind::list_parts: single_failure(std::move(e), now); break;
        case kind::part: on_part(f.part_number, nullptr, std::move(e), {}, now); break;
        case kind::complete: on_complete(nullptr, std::move(e), now); break;
        case kind::head: on_head(nullptr, std::move(e), now); break;
        case kind::remove: on_remove(nullptr, std::move(e), now); break;
        case kind::abort: on_abort(nullptr, std::move(e), now); break;
        }
        return ok();
    }

    /// Streams: reports that `length` bytes were read for `part_number` after a
    /// read_source action (fewer than asked: the stream ended). errc::wrong_state when no
    /// read was asked for that part; errc::invalid_argument if `length` exceeds the ask.
    result<void> on_source_read(std::uint32_t part_number, std::uint64_t length, time_point now) {
        (void)now;
        if (!pending_read_ || pending_read_->part_number != part_number)
            return make_error(errc::wrong_state, "no read was asked for part " + std::to_string(part_number));
        if (length > pending_read_->max_length)
            return make_error(errc::invalid_argument, "read of " + std::to_string(length) + " bytes exceeds the " +
                                                          std::to_string(pending_read_->max_length) + " asked");
        pending_read_.reset();
        auto& p = parts_[part_number - 1];
        if (length == 0 && part_number > 1) {
            parts_.pop_back();  // the previous part was the last one (a reading slot: not counted)
            eof_ = true;
        } else {
            if (part_number > max_part_number) {
                move_part(part_number, part_event::read_done);
                fail(make_error(errc::too_many_parts,
                                "the stream needs more than 10000 parts of " + std::to_string(part_size_) +
                                    " bytes; use a larger part size"));
                return ok();
            }
            p.range = {stream_offset_, length};
            stream_offset_ += length;
            move_part(part_number, part_event::read_done);
            eof_ = length < part_size_;
        }
        if (eof_) {
            stats_.bytes_total = stream_offset_;
            stats_.parts_total = static_cast<std::uint32_t>(parts_.size());
        }
        return ok();
    }

    /// Reports the digests asked for by a digest_part action: the CRC-64 of the range and,
    /// if asked, its base64 MD5. errc::wrong_state when no digest was asked for the part.
    result<void> on_part_digest(std::uint32_t part_number, std::uint64_t crc64, std::string_view md5_base64,
                                time_point now) {
        (void)now;
        if (pending_digest_ != part_number || part_number == 0)
            return make_error(errc::wrong_state, "no digest was asked for part " + std::to_string(part_number));
        if (cfg_.content_md5 && md5_base64.empty())
            return make_error(errc::invalid_argument, "the digest must include the MD5 (Content-MD5 is enabled)");
        pending_digest_ = 0;
        auto& p = parts_[part_number - 1];
        p.md5.assign(md5_base64);
        if (p.verify) {
            p.verify = false;
            if (p.server_crc && *p.server_crc == crc64) {
                move_part(part_number, part_event::verified);
                mark_done(p, p.server_etag, crc64, true);
                return ok();
            }
        }
        move_part(part_number, part_event::digest_done);
        return ok();
    }

    /// Reports a local failure (the source could not be read, a checkpoint could not be
    /// saved). The upload fails with `e`, cleaning up per policy. errc::wrong_state once
    /// the machine is terminal.
    result<void> on_local_error(error e, time_point now) {
        (void)now;
        if (is_terminal(state_)) return make_error(errc::wrong_state, "the upload already ended");
        pending_read_.reset();
        if (pending_digest_) {
            move_part(pending_digest_, part_event::digest_done);
            pending_digest_ = 0;
        }
        fail(std::move(e));
        return ok();
    }

    /// Stops handing out parts. Requests in flight finish; then the upload is aborted or
    /// kept, per on_cancel, and next() returns failed{errc::cancelled}. No effect once
    /// Complete was sent or the machine is terminal.
    void cancel() noexcept { cancel_requested_ = true; }

    /// The current upload state.
    upload_state state() const noexcept { return state_; }
    /// Progress figures (see progress).
    progress stats() const noexcept {
        progress p = stats_;
        p.parts_in_flight = static_cast<std::uint32_t>(flying_);
        return p;
    }
    /// The OSS upload id ("" before Initiate answered).
    const std::string& upload_id() const noexcept { return upload_id_; }
    /// The state of part `n` (1-based), or nullopt when there is no such part (yet).
    std::optional<part_state> part(std::uint32_t n) const noexcept {
        if (n == 0 || n > parts_.size()) return std::nullopt;
        return parts_[n - 1].state;
    }
    /// Number of parts known so far (all of them once the size is known).
    std::uint32_t part_count() const noexcept { return static_cast<std::uint32_t>(parts_.size()); }
    /// Part requests allowed in flight at once.
    std::uint32_t max_in_flight() const noexcept { return max_in_flight_; }
    /// The configuration this machine runs with.
    const upload_config& config() const noexcept { return cfg_; }

    /// A checkpoint of what OSS has confirmed so far (for resume). Holds no secrets.
    checkpoint current_checkpoint() const {
        checkpoint c;
        c.endpoint = endpoint_text();
        c.bucket = cfg_.bucket;
        c.key = cfg_.key;
        c.upload_id = upload_id_;
        c.part_size = part_size_;
        c.source = cfg_.source;
        for (std::size_t i = 0; i < parts_.size(); ++i)
            if (parts_[i].state == part_state::done)
                c.parts.push_back({static_cast<std::uint32_t>(i + 1), parts_[i].range.length, parts_[i].crc64,
                                   parts_[i].etag});
        return c;
    }

private:
    enum class kind : std::uint8_t { initiate, abort_stale, list_parts, part, complete, head, remove, abort };

    struct flight {
        request_id id;
        kind what;
        std::uint32_t part_number;
    };

    struct part_slot {
        part_state state = part_state::pending;
        body_range range{};
        std::uint32_t failures = 0;
        bool sig_retry_used = false;
        time_point not_before{};
        std::string etag;
        std::uint64_t crc64 = 0;
        std::string md5;                       // base64 Content-MD5, when enabled
        bool verify = false;                   // resume: compare a digest with OSS's CRC
        std::optional<std::uint64_t> server_crc;
        std::string server_etag;
    };

    // Retry bookkeeping of the one non-part request the current state sends.
    struct single_request {
        std::uint32_t failures = 0;
        bool sig_retry_used = false;
        time_point not_before{};
        bool in_flight = false;
    };

    explicit upload_machine(upload_config cfg) : cfg_(std::move(cfg)), backoff_(cfg_.retry) {}

    // --- setup -----------------------------------------------------------------------

    result<void> check_resumable() const {
        if (cfg_.copy) return make_error(errc::unsupported, "a server-side copy cannot be resumed; start it again");
        if (!cfg_.source.size) return make_error(errc::unsupported, "a stream of unknown size cannot be resumed");
        return ok();
    }

    result<void> prepare() {
        const auto op = operation::initiate_multipart_upload;
        if (cfg_.key.empty()) return make_error(errc::invalid_object_key, "an upload needs an object key", op);
        if (auto r = resolve(cfg_.ep, cfg_.bucket, cfg_.key); !r) return with_op(r.error(), op);
        if (cfg_.bucket.empty()) return make_error(errc::invalid_bucket_name, "an upload needs a bucket", op);
        if (cfg_.signing.version == signature_version::v4) {
            if (auto r = detail::check_v4_inputs(cfg_.signing.creds, {cfg_.signing.region, cfg_.signing.product, {}}); !r)
                return with_op(r.error(), op);
        } else if (auto r = validate_credentials(cfg_.signing.creds); !r) {
            return with_op(r.error(), op);
        }
        if (cfg_.max_in_flight == 0) return make_error(errc::invalid_argument, "max_in_flight must be at least 1", op);
        if (cfg_.retry.max_attempts == 0) return make_error(errc::invalid_argument, "retry.max_attempts must be at least 1", op);
        if (auto r = detail::check_traffic_limit(cfg_.traffic_limit, op); !r) return r.error();
        if (cfg_.complete.complete_all && cfg_.dialect.complete_all_header.empty())
            return make_error(errc::unsupported, "this service cannot complete all parts implicitly", op);
        if (cfg_.copy) {
            if (cfg_.content_md5) return make_error(errc::invalid_argument, "Content-MD5 does not apply to a copy", op);
            if (auto r = validate_bucket_name(cfg_.copy->source.bucket); !r) return with_op(r.error(), op);
            if (auto r = validate_object_key(cfg_.copy->source.key); !r) return with_op(r.error(), op);
            cfg_.source.size = cfg_.copy->size;
        }
        if (cfg_.checkpoints && (!cfg_.source.size || cfg_.copy))
            return make_error(errc::unsupported, "checkpoints need a byte source of known size", op);
        // Build the requests once now, so option errors surface before anything is sent.
        if (auto r = make_initiate_request(cfg_.ep, cfg_.bucket, cfg_.key, initiate_options_(), cfg_.dialect); !r)
            return r.error();
        max_in_flight_ = cfg_.initiate.sequential ? 1 : cfg_.max_in_flight;
        if (cfg_.source.size) {
            auto plan = plan_upload(*cfg_.source.size, cfg_.part_size);
            if (!plan) return with_op(plan.error(), op);
            part_size_ = plan->part_size;
            parts_.resize(plan->part_count);
            for (std::uint32_t n = 1; n <= plan->part_count; ++n) parts_[n - 1].range = plan->part(n);
            stats_.bytes_total = plan->size;
            stats_.parts_total = plan->part_count;
            eof_ = true;
        } else {
            if (cfg_.part_size) {
                if (auto r = check_part_size(cfg_.part_size); !r) return with_op(r.error(), op);
            }
            part_size_ = cfg_.part_size ? cfg_.part_size : default_part_size;
            streaming_ = true;
        }
        return ok();
    }

    initiate_options initiate_options_() const {
        initiate_options o = cfg_.initiate;
        if (cfg_.complete.forbid_overwrite) o.forbid_overwrite = true;
        return o;
    }

    static bool same_source(const source_identity& a, const source_identity& b) {
        if (a.size != b.size || a.mtime_ns != b.mtime_ns) return false;
        return a.fingerprint.empty() || b.fingerprint.empty() || a.fingerprint == b.fingerprint;
    }

    std::string endpoint_text() const { return cfg_.ep.scheme + "://" + cfg_.ep.authority(); }

    static error with_op(error e, operation op) {
        if (e.op == operation::none) e.op = op;
        return e;
    }

    static operation op_of(kind k) noexcept {
        switch (k) {
        case kind::initiate: return operation::initiate_multipart_upload;
        case kind::abort_stale: return operation::abort_multipart_upload;
        case kind::list_parts: return operation::list_parts;
        case kind::part: return operation::upload_part;
        case kind::complete: return operation::complete_multipart_upload;
        case kind::head: return operation::head_object;
        case kind::remove: return operation::delete_object;
        case kind::abort: return operation::abort_multipart_upload;
        }
        return operation::none;
    }

    // --- request bookkeeping -----------------------------------------------------------

    std::vector<flight>::iterator find_flight(request_id id) {
        return std::find_if(in_flight_.begin(), in_flight_.end(), [&](const flight& f) { return f.id == id; });
    }

    static result<void> unknown_or_duplicate_error(bool issued, request_id id) {
        if (issued)
            return make_error(errc::duplicate_response, "request " + std::to_string(id) + " was already reported");
        return make_error(errc::unknown_request, "request " + std::to_string(id) + " was never handed out");
    }
    result<void> unknown_or_duplicate(request_id id) const { return unknown_or_duplicate_error(id != 0 && id < next_id_, id); }

    // Builds and signs a request at `now` (plus the learnt clock offset). A failure here
    // ends the upload; the caller then returns to next(), which reports it.
    std::optional<http_request> prepare_request(kind what, std::uint32_t part_number, time_point now) {
        auto req = build(what, part_number);
        if (!req) {
            fail(with_op(std::move(req).error(), op_of(what)));
            return std::nullopt;
        }
        if (auto r = sign_request(*req, cfg_.signing, now + clock_offset_, &key_cache_, cfg_.dialect); !r) {
            fail(with_op(r.error(), op_of(what)));
            return std::nullopt;
        }
        return std::move(*req);
    }

    send_request hand_out(kind what, std::uint32_t part_number, http_request req) {
        request_id id = next_id_++;
        in_flight_.push_back({id, what, part_number});
        return send_request{id, std::move(req)};
    }

    result<http_request> build(kind what, std::uint32_t part_number) {
        const auto& c = cfg_;
        switch (what) {
        case kind::initiate: return make_initiate_request(c.ep, c.bucket, c.key, initiate_options_(), c.dialect);
        case kind::abort_stale: return make_abort_request(c.ep, c.bucket, c.key, stale_upload_id_);
        case kind::list_parts: {
            list_parts_options o;
            o.part_number_marker = list_marker_;
            return make_list_parts_request(c.ep, c.bucket, c.key, upload_id_, o);
        }
        case kind::part: {
            const auto& p = parts_[part_number - 1];
            if (c.copy) {
                copy_source src = c.copy->source;
                src.range = p.range.length ? std::optional<body_range>(p.range) : std::nullopt;
                return make_upload_part_copy_request(c.ep, c.bucket, c.key, upload_id_, part_number, src,
                                                     c.traffic_limit, c.dialect);
            }
            // Names, path and options were validated when the prototype was built; each
            // part only changes its number, range and digest.
            if (!part_proto_ || part_proto_upload_id_ != upload_id_) {
                upload_part_options o;
                o.traffic_limit = c.traffic_limit;
                auto proto = make_upload_part_request(c.ep, c.bucket, c.key, upload_id_, 1, {0, 0}, o, c.dialect);
                if (!proto) return proto;
                part_proto_ = std::move(*proto);
                part_proto_upload_id_ = upload_id_;
            }
            http_request req = *part_proto_;
            req.part_number = part_number;
            req.query[0].value = std::to_string(part_number);  // "partNumber" comes first
            req.source = p.range;
            if (!p.md5.empty()) req.headers.set("Content-MD5", p.md5);
            return req;
        }
        case kind::complete: {
            std::vector<completed_part> list;
            if (!c.complete.complete_all || stray_parts_) {
                list.reserve(parts_.size());
                for (std::size_t i = 0; i < parts_.size(); ++i)
                    list.push_back({static_cast<std::uint32_t>(i + 1), parts_[i].etag});
            }
            complete_options o = c.complete;
            // Stray parts on OSS (a resumed upload) would be swept in by complete-all.
            if (stray_parts_) o.complete_all = false;
            return make_complete_request(c.ep, c.bucket, c.key, upload_id_, list, o, c.dialect);
        }
        case kind::head: return make_head_object_request(c.ep, c.bucket, c.key);
        case kind::remove: return make_delete_object_request(c.ep, c.bucket, c.key);
        case kind::abort: return make_abort_request(c.ep, c.bucket, c.key, upload_id_);
        }
        return make_error(errc::invalid_argument, "unknown request kind");
    }

    // The step of every state that sends one request at a time.
    action single_step(time_point now, kind what) {
        if (single_.in_flight) return await_io{};
        if (now < single_.not_before) return wait_until{single_.not_before};
        auto req = prepare_request(what, 0, now);
        if (!req) return next(now);
        single_.in_flight = true;
        return hand_out(what, 0, std::move(*req));
    }

    void reset_single() noexcept { single_ = {}; }

    // --- the uploading state -----------------------------------------------------------

    std::optional<action> upload_step(time_point now) {
        if (cancel_requested_) {
            error_ = cancelled_error("upload cancelled");
            apply(upload_event::cancel);
            return std::nullopt;
        }
        if (pending_read_) return *pending_read_;
        if (pending_digest_) {
            const auto& p = parts_[pending_digest_ - 1];
            return digest_part{pending_digest_, p.range, cfg_.content_md5};
        }
        while (!retry_queue_.empty() && retry_queue_.begin()->first <= now)
            move_part(retry_queue_.begin()->second, part_event::backoff_elapsed);
        std::size_t unfinished = parts_.size() - done_count_;
        if (eof_ && unfinished == 0) {
            apply(upload_event::parts_done);
            return std::nullopt;
        }
        if (flying_ < max_in_flight_) {
            // Parts go out lowest number first; the cursor only moves back when a part
            // becomes pending again, so finding the next one is amortized O(1).
            while (cursor_ < parts_.size() && parts_[cursor_].state != part_state::pending) ++cursor_;
            if (cursor_ < parts_.size()) {
                auto n = static_cast<std::uint32_t>(cursor_ + 1);
                auto& p = parts_[cursor_];
                if (p.verify || (cfg_.content_md5 && p.md5.empty())) {
                    move_part(n, part_event::digest);
                    pending_digest_ = n;
                    return digest_part{n, p.range, cfg_.content_md5};
                }
                auto req = prepare_request(kind::part, n, now);
                if (!req) return std::nullopt;
                move_part(n, part_event::dispatch);
                stats_.bytes_sent += p.range.length;
                return hand_out(kind::part, n, std::move(*req));
            }
            // Streams read ahead while fewer than max_in_flight parts are buffered.
            if (!eof_ && unfinished < max_in_flight_) {
                auto n = static_cast<std::uint32_t>(parts_.size() + 1);
                parts_.emplace_back();
                move_part(n, part_event::read);
                pending_read_ = read_source{n, stream_offset_, part_size_};
                return *pending_read_;
            }
            if (!retry_queue_.empty()) return wait_until{retry_queue_.begin()->first};
        }
        if (flying_ > 0) return await_io{};
        if (!retry_queue_.empty()) return wait_until{retry_queue_.begin()->first};
        fail(make_error(errc::wrong_state, "internal: no part can make progress"));
        return std::nullopt;
    }

    // Every part state change goes through here, so the counters, the pending cursor and
    // the backoff queue always agree with the parts (checked by the table in states.hpp).
    void move_part(std::uint32_t n, part_event ev, time_point not_before = {}) {
        auto& p = parts_[n - 1];
        auto to = next_state(p.state, ev);
        if (!to) return;  // unreachable: callers only send legal events
        switch (p.state) {
        case part_state::in_flight: --flying_; break;
        case part_state::backoff: retry_queue_.erase({p.not_before, n}); break;
        case part_state::done: --done_count_; break;
        default: break;
        }
        p.state = *to;
        switch (p.state) {
        case part_state::in_flight: ++flying_; break;
        case part_state::backoff:
            p.not_before = not_before;
            retry_queue_.insert({not_before, n});
            break;
        case part_state::done: ++done_count_; break;
        case part_state::pending: cursor_ = std::min<std::size_t>(cursor_, n - 1); break;
        default: break;
        }
    }

    // Back to a fresh plan (restart): every part pending, nothing counted.
    void reset_parts() {
        for (auto& p : parts_) {
            auto range = p.range;
            p = part_slot{};
            p.range = range;
        }
        flying_ = 0;
        done_count_ = 0;
        cursor_ = 0;
        retry_queue_.clear();
    }

    void mark_done(part_slot& p, std::string etag, std::uint64_t crc, bool resumed) {
        p.etag = std::move(etag);
        p.crc64 = crc;
        stats_.parts_done++;
        stats_.bytes_confirmed += p.range.length;
        if (resumed) stats_.bytes_resumed += p.range.length;
        checkpoint_due_ = true;
        if (!cfg_.copy) releases_.push_back(p.range);
    }

    void on_part(std::uint32_t n, const http_response* resp, std::optional<error> terr,
                 std::optional<std::uint64_t> sent_crc, time_point now) {
        auto& p = parts_[n - 1];
        std::optional<error> problem = std::move(terr);
        std::string etag;
        if (!problem && cfg_.copy) {
            auto r = parse_copy_part_result(*resp, n, cfg_.dialect);
            if (r) etag = std::move(r->etag);
            else problem = std::move(r).error();
        } else if (!problem) {
            auto r = parse_upload_part_result(*resp, n, cfg_.dialect);
            if (!r) {
                problem = std::move(r).error();
            } else if (!r->crc64 && !cfg_.dialect.crc64_header.empty()) {
                problem = make_error(errc::missing_field,
                                     std::string(cfg_.dialect.crc64_header) + " is missing; the part cannot be verified",
                                     operation::upload_part, n);
                problem->http_status = resp->status;
                problem->request_id = r->info.request_id;
            } else if (r->crc64 && *r->crc64 != *sent_crc) {
                problem = make_error(errc::crc_mismatch,
                                     "CRC-64 of the bytes sent is " + std::to_string(*sent_crc) + ", OSS computed " +
                                         std::to_string(*r->crc64),
                                     operation::upload_part, n);
                problem->http_status = resp->status;
                problem->request_id = r->info.request_id;
            } else {
                etag = std::move(r->etag);
            }
        }
        if (!problem) {
            move_part(n, part_event::succeeded);
            mark_done(p, std::move(etag), sent_crc.value_or(0), false);
            return;
        }
        if (state_ != upload_state::uploading) {
            // Draining: the upload is ending; this attempt's failure changes nothing.
            move_part(n, part_event::abandoned);
            return;
        }
        auto d = decide(p.failures, p.sig_retry_used, std::move(*problem), now);
        if (d.retry) {
            move_part(n, part_event::retry, d.at);
        } else {
            move_part(n, part_event::abandoned);
            fail(std::move(d.final_error));
        }
    }

    // --- retries -----------------------------------------------------------------------

    struct decision {
        bool retry = false;
        time_point at{};
        error final_error;
    };

    decision decide(std::uint32_t& failures, bool& sig_retry_used, error e, time_point now) {
        auto advice = classify(e);
        // A signature mismatch may come from a clock or token that changed while the
        // request waited; one fresh signature is worth a try, a second mismatch is not.
        if (e.oss_code == "SignatureDoesNotMatch" && !sig_retry_used) {
            sig_retry_used = true;
            advice.cls = retry_class::resign_and_retry;
        }
        if (advice.cls == retry_class::fatal) return {false, {}, std::move(e)};
        ++failures;
        if (failures >= cfg_.retry.max_attempts) {
            error x = e;
            x.code = errc::retries_exhausted;
            x.message = "gave up after " + std::to_string(failures) + " attempts; last error: " + e.what();
            return {false, {}, std::move(x)};
        }
        ++stats_.retries;
        if (advice.cls == retry_class::resign_and_retry) {
            if (advice.server_time)
                clock_offset_ = std::chrono::duration_cast<duration>(*advice.server_time - now);
            return {true, now, {}};
        }
        return {true, now + backoff_.delay(failures), {}};
    }

    // A failed single request: retry it later, or fail the upload.
    void single_failure(error e, time_point now) {
        single_.in_flight = false;
        auto d = decide(single_.failures, single_.sig_retry_used, std::move(e), now);
        if (d.retry) single_.not_before = d.at;
        else fail(std::move(d.final_error));
    }

    // --- responses of single requests ----------------------------------------------------

    void on_initiate(const http_response& resp, time_point now) {
        auto r = parse_initiate_result(resp, cfg_.dialect);
        if (!r) return single_failure(std::move(r).error(), now);
        if (r->upload_id.empty()) {
            auto e = make_error(errc::missing_field, "InitiateMultipartUpload returned an empty UploadId",
                                operation::initiate_multipart_upload);
            return single_failure(std::move(e), now);
        }
        reset_single();
        upload_id_ = std::move(r->upload_id);
        checkpoint_due_ = true;
        apply(upload_event::initiated);
    }

    void on_abort_stale(const http_response* resp, std::optional<error> terr, time_point now) {
        // Best effort: the stale upload may already be gone; a new one starts either way.
        if (terr && !single_exhausted()) return single_failure(std::move(*terr), now);
        if (resp) {
            auto e = parse_service_error(*resp, operation::abort_multipart_upload, 0, cfg_.dialect);
            if (e && e->code != errc::no_such_upload && classify(*e).cls != retry_class::fatal && !single_exhausted())
                return single_failure(std::move(*e), now);
        }
        reset_single();
        stale_upload_id_.clear();
    }
    bool single_exhausted() const noexcept { return single_.failures + 1 >= cfg_.retry.max_attempts; }

    void on_list_parts(const http_response& resp, time_point now) {
        auto r = parse_list_parts_result(resp, cfg_.dialect);
        if (!r) {
            auto e = std::move(r).error();
            if (e.code == errc::no_such_upload) {
                single_.in_flight = false;
                // A checkpoint confirming every part means Complete may have been sent
                // before the interruption: the object may already be there.
                if (!confirmed_before_.empty() && confirmed_before_.size() == parts_.size()) {
                    for (auto& [n, c] : confirmed_before_) {
                        move_part(n, part_event::resumed);
                        mark_done(parts_[n - 1], c.etag, c.crc64, true);
                    }
                    resume_check_ = true;
                    stale_error_ = std::move(e);
                    reset_single();
                    return apply(upload_event::ambiguous);
                }
                return stale(std::move(e));
            }
            return single_failure(std::move(e), now);
        }
        for (auto& p : r->parts)
            if (p.part_number >= 1 && p.part_number <= max_part_number) listed_[p.part_number] = std::move(p);
        if (r->is_truncated) {
            if (r->next_part_number_marker <= list_marker_) {
                auto e = make_error(errc::malformed_response,
                                    "ListParts is truncated but its next marker does not advance", operation::list_parts);
                return single_failure(std::move(e), now);
            }
            list_marker_ = r->next_part_number_marker;
            reset_single();
            return;
        }
        reset_single();
        if (cancel_requested_) {
            error_ = cancelled_error("upload paused before any part was sent");
            apply(upload_event::cancel);
            return;
        }
        reconcile();
        apply(upload_event::listed);
    }

    // Decides, part by part, what a resumed upload must still send.
    void reconcile() {
        for (std::size_t i = 0; i < parts_.size(); ++i) {
            auto n = static_cast<std::uint32_t>(i + 1);
            auto& p = parts_[i];
            auto l = listed_.find(n);
            if (l == listed_.end() || l->second.size != p.range.length) continue;  // missing or wrong: send
            auto c = confirmed_before_.find(n);
            bool crc_agrees = !l->second.crc64 || (c != confirmed_before_.end() && *l->second.crc64 == c->second.crc64);
            if (c != confirmed_before_.end() && c->second.etag == l->second.etag && crc_agrees) {
                move_part(n, part_event::resumed);
                mark_done(p, l->second.etag, c->second.crc64, true);
            } else if (l->second.crc64) {
                // OSS has a part we never saw confirmed: accept it if its bytes are ours.
                p.verify = true;
                p.server_crc = l->second.crc64;
                p.server_etag = l->second.etag;
            }
        }
        for (const auto& [n, l] : listed_)
            if (n > parts_.size() || parts_[n - 1].state != part_state::done || parts_[n - 1].etag != l.etag)
                stray_parts_ = true;
        listed_.clear();
        confirmed_before_.clear();
        checkpoint_due_ = true;
    }

    // The resumed upload is unusable (gone, or its object is not ours): restart or fail.
    void stale(error e) {
        resume_check_ = false;
        if (cfg_.on_stale == stale_policy::restart) return restart();
        e.message = "upload " + upload_id_ + " no longer exists (it was completed or aborted); "
                    "delete the checkpoint to start over. " + e.message;
        fail(std::move(e));
    }

    void restart() {
        upload_id_.clear();
        reset_parts();
        stray_parts_ = false;
        stats_.parts_done = 0;
        stats_.bytes_confirmed = stats_.bytes_resumed = 0;
        listed_.clear();
        confirmed_before_.clear();
        list_marker_ = 0;
        reset_single();
        apply(upload_event::restart);
    }

    std::uint64_t combined_crc() const {
        std::uint64_t crc = 0;
        for (const auto& p : parts_) crc = crc64_combine(crc, p.crc64, p.range.length);
        return crc;
    }
    std::optional<std::uint64_t> expected_object_crc() const {
        if (cfg_.copy) return cfg_.copy->crc64;
        return combined_crc();
    }

    void on_complete(const http_response* resp, std::optional<error> terr, time_point now) {
        if (terr) {
            complete_ambiguous_ = true;  // the request may have reached OSS
            return single_failure(std::move(*terr), now);
        }
        auto cb = cfg_.complete.callback.empty() ? complete_callback::none : complete_callback::requested;
        auto r = parse_complete_result(*resp, cb, cfg_.dialect);
        if (!r) {
            auto e = std::move(r).error();
            if (e.code == errc::no_such_upload && complete_ambiguous_) {
                reset_single();
                return apply(upload_event::ambiguous);
            }
            if (e.code == errc::callback_failed) {
                upload_consumed_ = true;  // the object is stored; nothing to abort
                single_.in_flight = false;
                return fail(std::move(e));
            }
            // A retryable failure (5xx, a garbled 200, ...) may hide a Complete that worked.
            if (classify(e).cls != retry_class::fatal) complete_ambiguous_ = true;
            return single_failure(std::move(e), now);
        }
        reset_single();
        upload_consumed_ = true;
        outcome_ = upload_outcome{cfg_.bucket, cfg_.key, upload_id_, r->etag, r->location, r->version_id,
                                  r->callback_body, stats_.bytes_total.value_or(0),
                                  static_cast<std::uint32_t>(parts_.size()), 0};
        if (!r->crc64) return apply(upload_event::ambiguous);  // verify with HeadObject instead
        settle(*r->crc64);
    }

    // Compares the stored object's CRC-64 with the source's and ends accordingly.
    void settle(std::uint64_t stored_crc) {
        auto want = expected_object_crc();
        outcome_->crc64 = stored_crc;
        if (!want || *want == stored_crc) return apply(upload_event::completed);
        error_ = make_error(errc::crc_mismatch,
                            "the stored object's CRC-64 " + std::to_string(stored_crc) +
                                " differs from the source's " + std::to_string(*want),
                            operation::complete_multipart_upload);
        if (cfg_.delete_on_mismatch) return apply(upload_event::mismatch);
        error_->message += "; the object was left in place (delete_on_mismatch is off)";
        fail(*error_);
    }

    void on_head(const http_response* resp, std::optional<error> terr, time_point now) {
        if (terr) return single_failure(std::move(*terr), now);
        if (auto e = parse_service_error(*resp, operation::head_object, 0, cfg_.dialect)) {
            if (resp->status == 404 && resume_check_) {
                single_.in_flight = false;
                return stale(std::move(*stale_error_));
            }
            if (resp->status == 404) {
                single_.in_flight = false;
                e->message = "CompleteMultipartUpload's outcome was unclear and the object does not exist";
                return fail(std::move(*e));
            }
            return single_failure(std::move(*e), now);
        }
        reset_single();
        auto info = read_response_info(*resp, cfg_.dialect);
        auto size = detail::parse_unsigned<std::uint64_t>(resp->headers.get_or("Content-Length"));
        if (!info || !info->crc64 || !size) {
            return fail(make_error(errc::missing_field,
                                   "HeadObject did not report the CRC-64 and size needed to verify the object",
                                   operation::head_object));
        }
        if (!outcome_)
            outcome_ = upload_outcome{cfg_.bucket, cfg_.key, upload_id_, info->etag, {}, info->version_id, {},
                                      *size, static_cast<std::uint32_t>(parts_.size()), 0};
        if (resume_check_ && (*size != stats_.bytes_total.value_or(0) || *info->crc64 != combined_crc())) {
            // Someone else's object: leave it alone; our upload is simply gone.
            outcome_.reset();
            return stale(std::move(*stale_error_));
        }
        if (stats_.bytes_total && *size != *stats_.bytes_total) {
            error_ = make_error(errc::digest_mismatch,
                                "the stored object has " + std::to_string(*size) + " bytes, the source " +
                                    std::to_string(*stats_.bytes_total),
                                operation::head_object);
            if (cfg_.delete_on_mismatch) return apply(upload_event::mismatch);
            return fail(*error_);
        }
        settle(*info->crc64);
    }

    void on_remove(const http_response* resp, std::optional<error> terr, time_point now) {
        if (terr) return single_failure(std::move(*terr), now);
        if (auto e = parse_service_error(*resp, operation::delete_object, 0, cfg_.dialect)) {
            if (classify(*e).cls != retry_class::fatal && !single_exhausted()) return single_failure(std::move(*e), now);
            single_.in_flight = false;
            error_->message += "; deleting the mismatched object failed too: " + e->what();
            return apply(upload_event::fail);
        }
        reset_single();
        error_->message += "; the object was deleted";
        apply(upload_event::deleted);
    }

    void on_abort(const http_response* resp, std::optional<error> terr, time_point now) {
        std::optional<error> e = std::move(terr);
        if (!e) e = parse_service_error(*resp, operation::abort_multipart_upload, 0, cfg_.dialect);
        if (e && e->code != errc::no_such_upload) {
            if (classify(*e).cls != retry_class::fatal && !single_exhausted()) return single_failure(std::move(*e), now);
            single_.in_flight = false;
            error_->message += "; AbortMultipartUpload failed too (" + e->what() + "), so parts of upload " +
                               upload_id_ + " may remain";
            return apply(upload_event::fail);
        }
        reset_single();
        if (error_->code == errc::cancelled)
            error_->message = "upload cancelled; upload " + upload_id_ + " was aborted and no parts remain";
        else
            error_->message += " (upload " + upload_id_ + " was aborted)";
        apply(upload_event::aborted);
    }

    // --- failure and the end of the line --------------------------------------------------

    static error cancelled_error(std::string message) { return make_error(errc::cancelled, std::move(message)); }

    // Records the first fatal error and moves to where cleanup happens.
    void fail(error e) {
        if (!error_) error_ = std::move(e);
        apply(upload_event::fail);
    }

    void finish_draining() {
        bool cancelled = error_->code == errc::cancelled;
        auto policy = cancelled ? cfg_.on_cancel : cfg_.on_failure;
        bool gone = upload_id_.empty() || upload_consumed_ || error_->code == errc::no_such_upload;
        if (!gone && policy == end_policy::abort) {
            reset_single();
            return apply(upload_event::drained_abort);
        }
        if (!gone) {
            if (cancelled) error_->message = "upload paused; run it again with the checkpoint to resume";
            error_->message += " (upload " + upload_id_ + " was kept for resume)";
            error_->kept_upload_id = upload_id_;
            checkpoint_due_ = true;
        }
        apply(upload_event::drained_keep);
    }

    void apply(upload_event ev) {
        auto to = next_state(state_, ev);
        if (!to) return;  // an event with no effect here (e.g. a second failure while draining)
        state_ = *to;
        if (state_ == upload_state::failed && !error_) error_ = make_error(errc::wrong_state, "upload failed");
    }

    // --- data ------------------------------------------------------------------------------

    upload_config cfg_;
    backoff backoff_;
    v4_key_cache key_cache_;
    upload_state state_ = upload_state::initiating;
    std::uint32_t max_in_flight_ = 1;
    std::uint64_t part_size_ = 0;
    std::vector<part_slot> parts_;
    std::size_t flying_ = 0;       // parts in flight
    std::size_t done_count_ = 0;   // parts done
    std::size_t cursor_ = 0;       // no pending part below this index
    std::set<std::pair<time_point, std::uint32_t>> retry_queue_;  // (retry time, part) of parts in backoff
    std::optional<http_request> part_proto_;                  // UploadPart request of part 1, reused
    std::string part_proto_upload_id_;
    std::vector<flight> in_flight_;
    request_id next_id_ = 1;
    single_request single_;
    std::string upload_id_;
    std::string stale_upload_id_;
    std::uint32_t list_marker_ = 0;
    std::map<std::uint32_t, part_info> listed_;
    std::map<std::uint32_t, checkpoint_part> confirmed_before_;
    bool stray_parts_ = false;
    bool streaming_ = false;
    bool eof_ = false;
    std::uint64_t stream_offset_ = 0;
    std::optional<read_source> pending_read_;
    std::uint32_t pending_digest_ = 0;
    std::deque<body_range> releases_;
    bool checkpoint_due_ = false;
    bool cancel_requested_ = false;
    bool complete_ambiguous_ = false;
    bool resume_check_ = false;           // checking whether a vanished resumed upload completed
    std::optional<error> stale_error_;    // the NoSuchUpload that started that check
    bool upload_consumed_ = false;  // Complete succeeded (or a callback failed after it)
    duration clock_offset_{0};
    std::optional<error> error_;
    std::optional<upload_outcome> outcome_;
    progress stats_;
    bool started_ = false;
    time_point start_time_{};
};

}  // namespace ossmp::inline v0
