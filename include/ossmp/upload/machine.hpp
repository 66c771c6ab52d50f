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
//         m.on_source_read(...) / m.on_part_digest(...) / m.on_source_checked(...)
//         m.on_local_error(...)
//     }
//
// States (states.hpp holds the transition table; every pair the machine meets has a row,
// a transition or an explicit ignore, and a pair without one is refused):
//
//     create:  initiating -> uploading -> completing -> completed
//     resume:  listing -> uploading ...         (the parts OSS holds are reconciled)
//              listing -> probing -> completed   (the upload is gone, every part was
//                                                 confirmed: was it completed before?)
//              aborting_stale -> initiating ...  (the source changed: start afresh)
//     trouble: completing -> checking (Complete's outcome unclear: HeadObject decides),
//              completing/checking -> deleting (the object failed its final CRC check),
//              -> draining (failure or cancel: requests in flight are awaited)
//              -> aborting (AbortMultipartUpload) -> failed, which is terminal and sticky.
//
// Each part has its own state (pending, reading, digesting, in_flight, backoff, done),
// kept by part_book. The rooms around the machine hold the rules it applies: resume.hpp
// decides what a resume keeps, sends or re-checks; verify.hpp what makes an upload
// finished; retry_rules.hpp what is retried, re-signed, best effort or fatal, with the
// budget and the shared slow-down of retry_policy.hpp; plan.hpp how a source is cut.
//
// Invariants, checked by the tests and the machine fuzzer after every step:
//   * at most max_in_flight part requests are in flight, and at most one other request;
//   * part numbers are 1..N, each part is in exactly one state, and a done part is never
//     sent again;
//   * Complete is sent only when every part is done and the driver found the source
//     unchanged since the upload started (a check_source action; a source that changed is
//     never completed: errc::source_changed, the upload kept for a deliberate resume);
//     an upload is never both completed and aborted;
//   * every request is signed by next() with the `now` it is handed out at (plus the clock
//     offset learnt from RequestTimeTooSkewed), so retries always carry a fresh date;
//   * a part is done only when OSS's CRC-64 equals the CRC-64 of the bytes the driver
//     sent, or, on resume, when the driver's CRC-64 of the source range equals what OSS
//     holds (no part is kept on the checkpoint's word unless verify_resumed_parts is off);
//     the object is finished only when OSS's object CRC-64 equals the parts' CRCs
//     combined; otherwise the part is retried, or the object deleted;
//   * misuse (an unknown id, a second report for one id, a report the machine did not ask
//     for) returns an error and changes nothing.
//
// Retries: each request has its own attempts (retry_policy::max_attempts) and the whole
// upload a budget (retry_budget); a throttling answer (SlowDown, 503, 429) uses only the
// budget and pushes back every request of the upload together.
//
// Cancel: cancel() stops handing out parts; requests in flight are awaited (draining),
// then, per policy, the upload is aborted (no orphaned parts) or kept for a resume from
// the checkpoint. Once every part is confirmed, cancel has no effect.
//
// Memory: the machine holds per-part bookkeeping (ETag, CRC-64, state), never part data;
// with a stream source the driver buffers at most max_in_flight parts (whose size grows
// with a long stream, plan.hpp), and the machine says when each buffer may be released.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
#include <ossmp/responses/service_error.hpp>
#include <ossmp/responses/upload_part_result.hpp>
#include <ossmp/result.hpp>
#include <ossmp/sign/signer.hpp>
#include <ossmp/source_identity.hpp>
#include <ossmp/transport_error.hpp>
#include <ossmp/upload/actions.hpp>
#include <ossmp/upload/checkpoint.hpp>
#include <ossmp/upload/config.hpp>
#include <ossmp/upload/part_book.hpp>
#include <ossmp/upload/plan.hpp>
#include <ossmp/upload/resume.hpp>
#include <ossmp/upload/retry_rules.hpp>
#include <ossmp/upload/states.hpp>
#include <ossmp/upload/verify.hpp>
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
    /// the machine first lists the upload's parts (all pages), re-checks each part it would
    /// keep against the source (digest_part; see resume.hpp) and sends the rest.
    static result<upload_machine> resume(upload_config cfg, const checkpoint& cp) {
        upload_machine m(std::move(cfg));
        if (auto r = m.check_resumable(); !r) return r.error();
        if (auto r = check_checkpoint_target(cp, m.endpoint_text(), m.cfg_.bucket, m.cfg_.key, m.cfg_.part_size); !r)
            return r.error();
        m.cfg_.part_size = cp.part_size;
        if (auto r = m.prepare(); !r) return r.error();
        if (!same_content_identity(cp.source, m.cfg_.source)) {
            if (m.cfg_.on_stale == stale_policy::fail)
                return make_error(errc::source_changed,
                                  "the source changed since the checkpoint was written (size, time or content); "
                                  "delete the checkpoint to upload it again");
            m.stale_upload_id_ = cp.upload_id;  // abort it, then start afresh
            m.state_ = upload_state::aborting_stale;
            return m;
        }
        auto confirmed = confirmed_parts(cp, m.plan_ranges());
        if (!confirmed) return confirmed.error();
        m.confirmed_ = std::move(*confirmed);
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
        if (!start_time_) start_time_ = now;
        if (now > *start_time_) stats_.elapsed = std::chrono::duration_cast<duration>(now - *start_time_);
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
            if (cancel_requested_ && !single_.in_flight) take_cancel();
            if (auto a = step(now)) return std::move(*a);
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
        if (f.what == kind::part) return on_part(f.part_number, &resp, {}, sent_crc64, now);
        return on_single(f.what, &resp, {}, now);
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
        if (f.what == kind::part) return on_part(f.part_number, nullptr, std::move(e), {}, now);
        return on_single(f.what, nullptr, std::move(e), now);
    }

    /// Streams: reports that `length` bytes were read for `part_number` after a
    /// read_source action (fewer than asked: the stream ended). errc::wrong_state when no
    /// read was asked for that part; errc::invalid_argument if `length` exceeds the ask.
    result<void> on_source_read(std::uint32_t part_number, std::uint64_t length, time_point now) {
        (void)now;
        if (!stream_.asked || stream_.asked->part_number != part_number)
            return make_error(errc::wrong_state, "no read was asked for part " + std::to_string(part_number));
        auto ask = *stream_.asked;
        if (length > ask.max_length)
            return make_error(errc::invalid_argument, "read of " + std::to_string(length) + " bytes exceeds the " +
                                                          std::to_string(ask.max_length) + " asked");
        stream_.asked.reset();
        if (length == 0 && part_number > 1) {
            // The previous part was the last one (a reading slot is not counted).
            if (auto r = parts_.drop_reading_tail(); !r) return r;
            stream_.ended = true;
        } else {
            if (auto r = parts_.move(part_number, part_event::read_done); !r) return r;
            if (part_number > max_part_number) return fail(stream_too_long());
            parts_.at(part_number).range = {stream_.offset, length};
            stream_.offset += length;
            stream_.ended = length < ask.max_length;
        }
        if (stream_.ended) {
            stats_.bytes_total = stream_.offset;
            stats_.parts_total = parts_.size();
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
        auto& p = parts_.at(part_number);
        p.md5.assign(md5_base64);
        auto check = std::exchange(p.check, std::nullopt);
        if (check && check->crc64 == crc64) {
            if (auto r = parts_.move(part_number, part_event::verified); !r) return r;
            mark_done(p, std::move(check->etag), crc64, true);
            return ok();
        }
        if (auto r = parts_.move(part_number, part_event::digest_done); !r) return r;
        // A part a vanished upload confirmed is not what the source holds now, so the object
        // that upload may have become is not this source either.
        if (check && state_ == upload_state::probing) return stale(*stale_error_);
        return ok();
    }

    /// Reports the source's identity now, after a check_source action; nullopt when the
    /// source cannot tell (memory, a stream). If it differs from upload_config::source in
    /// any field both know, the upload fails with errc::source_changed and is kept (with
    /// error::kept_upload_id) so a resume can re-send what changed. errc::wrong_state when
    /// no check was asked.
    result<void> on_source_checked(const std::optional<source_identity>& now_identity, time_point now) {
        (void)now;
        if (state_ != upload_state::completing || source_ != source_check::unchecked)
            return make_error(errc::wrong_state, "no source check was asked");
        source_ = source_check::unchanged;
        if (now_identity)
            if (auto r = verify_source_unchanged(cfg_.source, *now_identity); !r) return fail(r.error());
        return ok();
    }

    /// Reports a local failure (the source could not be read, a checkpoint could not be
    /// saved). The upload fails with `e`, cleaning up per policy. errc::wrong_state once
    /// the machine is terminal.
    result<void> on_local_error(error e, time_point now) {
        (void)now;
        if (is_terminal(state_)) return make_error(errc::wrong_state, "the upload already ended");
        stream_.asked.reset();
        if (pending_digest_) {
            if (auto r = parts_.move(pending_digest_, part_event::digest_done); !r) return r;
            pending_digest_ = 0;
        }
        return fail(std::move(e));
    }

    /// Stops handing out parts. Requests in flight finish; then the upload is aborted or
    /// kept, per on_cancel, and next() returns failed{errc::cancelled}. No effect once
    /// every part is confirmed, or once the machine is terminal.
    void cancel() noexcept { cancel_requested_ = true; }

    /// The current upload state.
    upload_state state() const noexcept { return state_; }
    /// Progress figures (see progress).
    progress stats() const noexcept {
        progress p = stats_;
        p.parts_in_flight = static_cast<std::uint32_t>(parts_.in_flight());
        return p;
    }
    /// The OSS upload id ("" before Initiate answered).
    const std::string& upload_id() const noexcept { return upload_id_; }
    /// The state of part `n` (1-based), or nullopt when there is no such part (yet).
    std::optional<part_state> part(std::uint32_t n) const noexcept {
        if (n == 0 || n > parts_.size()) return std::nullopt;
        return parts_.at(n).state;
    }
    /// Number of parts known so far (all of them once the size is known).
    std::uint32_t part_count() const noexcept { return parts_.size(); }
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
        c.part_size = stream_.base;
        c.source = persistent_identity(cfg_.source);
        std::uint32_t n = 0;
        for (const auto& p : parts_) {
            ++n;
            if (p.state == part_state::done) c.parts.push_back({n, p.range.length, p.crc64, p.etag});
        }
        return c;
    }

private:
    enum class kind : std::uint8_t { initiate, abort_stale, list_parts, part, complete, head, remove, abort };

    struct flight {
        request_id id;
        kind what;
        std::uint32_t part_number;
    };

    // Retry bookkeeping of the one non-part request the current state sends.
    struct single_request {
        attempts tries;
        time_point not_before{};
        bool in_flight = false;
    };

    // Where the source is read from: the part size (a stream's first parts), and, for a
    // stream, how far it was read, the read asked for, and whether it ended.
    struct source_cursor {
        std::uint64_t base = 0;
        std::uint64_t offset = 0;
        std::optional<read_source> asked;
        bool ended = true;
    };

    // Whether, before Complete, the driver must be asked if the source changed.
    enum class source_check : std::uint8_t { not_applicable, unchecked, unchanged };

    explicit upload_machine(upload_config cfg) : cfg_(std::move(cfg)), retry_(cfg_.retry) {}

    // --- setup -----------------------------------------------------------------------

    result<void> check_resumable() const {
        if (cfg_.copy) return make_error(errc::unsupported, "a server-side copy cannot be resumed; start it again");
        if (!cfg_.source.size) return make_error(errc::unsupported, "a stream of unknown size cannot be resumed");
        return ok();
    }

    result<void> check_options() const {
        const auto op = operation::initiate_multipart_upload;
        if (cfg_.key.empty()) return make_error(errc::invalid_object_key, "an upload needs an object key", op);
        if (auto r = resolve(cfg_.ep, cfg_.bucket, cfg_.key); !r) return with_op(r.error(), op);
        if (cfg_.bucket.empty()) return make_error(errc::invalid_bucket_name, "an upload needs a bucket", op);
        if (cfg_.signing.version == signature_version::v4) {
            if (auto r = detail::check_v4_inputs(cfg_.signing.creds, cfg_.signing.v4); !r) return with_op(r.error(), op);
        } else if (auto r = validate_credentials(cfg_.signing.creds); !r) {
            return with_op(r.error(), op);
        }
        if (cfg_.max_in_flight == 0) return make_error(errc::invalid_argument, "max_in_flight must be at least 1", op);
        if (cfg_.retry.max_attempts == 0) return make_error(errc::invalid_argument, "retry.max_attempts must be at least 1", op);
        if (auto r = detail::check_traffic_limit(cfg_.traffic_limit, op); !r) return r.error();
        if (cfg_.complete.complete_all && cfg_.dialect.complete_all_header.empty())
            return make_error(errc::unsupported, "this service cannot complete all parts implicitly", op);
        if (cfg_.copy && cfg_.content_md5) return make_error(errc::invalid_argument, "Content-MD5 does not apply to a copy", op);
        if (cfg_.copy) {
            if (auto r = validate_bucket_name(cfg_.copy->source.bucket); !r) return with_op(r.error(), op);
            if (auto r = validate_object_key(cfg_.copy->source.key); !r) return with_op(r.error(), op);
        }
        return ok();
    }

    result<void> prepare() {
        const auto op = operation::initiate_multipart_upload;
        if (auto r = check_options(); !r) return r;
        if (cfg_.copy) cfg_.source.size = cfg_.copy->size;
        if (cfg_.checkpoints && (!cfg_.source.size || cfg_.copy))
            return make_error(errc::unsupported, "checkpoints need a byte source of known size", op);
        // Build the requests once now, so option errors surface before anything is sent.
        if (auto r = make_initiate_request(cfg_.ep, cfg_.bucket, cfg_.key, initiate_options_(), cfg_.dialect); !r)
            return r.error();
        max_in_flight_ = cfg_.initiate.sequential ? 1 : cfg_.max_in_flight;
        if (!cfg_.source.size) {
            auto base = plan_stream(cfg_.stream_size_hint, cfg_.part_size);
            if (!base) return with_op(base.error(), op);
            stream_ = {*base, 0, std::nullopt, false};
            return ok();
        }
        auto plan = plan_upload(*cfg_.source.size, cfg_.part_size);
        if (!plan) return with_op(plan.error(), op);
        stream_.base = plan->part_size;
        std::vector<body_range> ranges(plan->part_count);
        for (std::uint32_t n = 1; n <= plan->part_count; ++n) ranges[n - 1] = plan->part(n);
        parts_.assign(std::move(ranges));
        stats_.bytes_total = plan->size;
        stats_.parts_total = plan->part_count;
        if (!cfg_.copy) source_ = source_check::unchecked;
        return ok();
    }

    initiate_options initiate_options_() const {
        initiate_options o = cfg_.initiate;
        if (cfg_.complete.forbid_overwrite) o.forbid_overwrite = true;
        return o;
    }

    std::vector<body_range> plan_ranges() const {
        std::vector<body_range> out;
        out.reserve(parts_.size());
        for (const auto& p : parts_) out.push_back(p.range);
        return out;
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

    // --- requests ------------------------------------------------------------------------

    std::vector<flight>::iterator find_flight(request_id id) {
        return std::find_if(in_flight_.begin(), in_flight_.end(), [&](const flight& f) { return f.id == id; });
    }

    result<void> unknown_or_duplicate(request_id id) const {
        if (id != 0 && id < next_id_)
            return make_error(errc::duplicate_response, "request " + std::to_string(id) + " was already reported");
        return make_error(errc::unknown_request, "request " + std::to_string(id) + " was never handed out");
    }

    // Builds and signs a request at `now` (plus the learnt clock offset). A failure here
    // ends the upload; the caller then returns to next(), which reports it.
    std::optional<http_request> prepare_request(kind what, std::uint32_t part_number, time_point now) {
        auto req = build(what, part_number);
        if (req) {
            auto r = sign_request(*req, cfg_.signing, now + clock_offset_, &key_cache_, cfg_.dialect);
            if (r) return std::move(*req);
            req = r.error();
        }
        must(fail(with_op(std::move(req).error(), op_of(what))));
        return std::nullopt;
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
            o.part_number_marker = listing_.marker();
            return make_list_parts_request(c.ep, c.bucket, c.key, upload_id_, o);
        }
        case kind::part: return build_part(part_number);
        case kind::complete: {
            std::vector<completed_part> list;
            if (!c.complete.complete_all || stray_parts_) {
                list.reserve(parts_.size());
                std::uint32_t n = 0;
                for (const auto& p : parts_) list.push_back({++n, p.etag});
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

    result<http_request> build_part(std::uint32_t n) {
        const auto& c = cfg_;
        const auto& p = parts_.at(n);
        if (c.copy) {
            copy_source src = c.copy->source;
            src.range = p.range.length ? std::optional<body_range>(p.range) : std::nullopt;
            return make_upload_part_copy_request(c.ep, c.bucket, c.key, upload_id_, n, src, c.traffic_limit, c.dialect);
        }
        // Names, path and options are validated once per upload id; each part only adds its
        // number, range and digest.
        if (!part_template_ || part_template_->upload_id() != upload_id_) {
            auto t = upload_part_template::make(c.ep, c.bucket, c.key, upload_id_, c.traffic_limit, c.dialect);
            if (!t) return t.error();
            part_template_ = std::move(*t);
        }
        return part_template_->request(n, p.range, p.md5);
    }

    // --- stepping ------------------------------------------------------------------------

    // What the current state does next; nullopt when it changed state (look again).
    std::optional<action> step(time_point now) {
        switch (state_) {
        case upload_state::initiating: return single_step(now, kind::initiate);
        case upload_state::aborting_stale: return single_step(now, kind::abort_stale);
        case upload_state::listing: return single_step(now, kind::list_parts);
        case upload_state::uploading: return upload_step(now);
        case upload_state::completing:
            if (source_ == source_check::unchecked) return check_source{cfg_.source};
            return single_step(now, kind::complete);
        case upload_state::checking: return single_step(now, kind::head);
        case upload_state::probing: return probe_step(now);
        case upload_state::deleting: return single_step(now, kind::remove);
        case upload_state::draining:
            if (!in_flight_.empty()) return await_io{};
            finish_draining();
            return std::nullopt;
        case upload_state::aborting: return single_step(now, kind::abort);
        case upload_state::completed:
        case upload_state::failed: break;
        }
        return std::nullopt;
    }

    // The step of every state that sends one request at a time.
    std::optional<action> single_step(time_point now, kind what) {
        if (single_.in_flight) return await_io{};
        auto not_before = std::max(single_.not_before, retry_.not_before());
        if (now < not_before) return wait_until{not_before};
        auto req = prepare_request(what, 0, now);
        if (!req) return std::nullopt;
        single_.in_flight = true;
        return hand_out(what, 0, std::move(*req));
    }

    void reset_single() noexcept { single_ = {}; }

    // A cancel the caller asked for takes effect where the table gives it a transition.
    void take_cancel() {
        if (!next_state(state_, upload_event::cancel)) return;  // an ignore row
        const char* why = state_ == upload_state::uploading ? "upload cancelled"
                          : state_ == upload_state::listing ? "upload paused before any part was sent"
                                                            : "upload cancelled before it started";
        error_ = make_error(errc::cancelled, why);
        must(apply(upload_event::cancel));
    }

    digest_part ask_digest(std::uint32_t n) {
        pending_digest_ = n;
        return digest_part{n, parts_.at(n).range, cfg_.content_md5};
    }

    std::optional<action> upload_step(time_point now) {
        if (stream_.asked) return *stream_.asked;
        if (pending_digest_) return ask_digest(pending_digest_);
        parts_.wake(now);
        if (stream_.ended && parts_.unfinished() == 0) {
            must(apply(upload_event::parts_done));
            return std::nullopt;
        }
        if (parts_.in_flight() < max_in_flight_) {
            if (auto n = parts_.next_pending()) {
                auto& p = parts_.at(*n);
                if (p.check || (cfg_.content_md5 && p.md5.empty())) {
                    must(parts_.move(*n, part_event::digest));
                    return ask_digest(*n);
                }
                if (now < retry_.not_before()) return wait_until{retry_.not_before()};
                auto req = prepare_request(kind::part, *n, now);
                if (!req) return std::nullopt;
                must(parts_.move(*n, part_event::dispatch));
                stats_.bytes_sent += p.range.length;
                return hand_out(kind::part, *n, std::move(*req));
            }
            // Streams read ahead while fewer than max_in_flight parts are buffered.
            if (!stream_.ended && parts_.unfinished() < max_in_flight_) return ask_read();
            if (auto w = parts_.next_wake()) return wait_until{*w};
        }
        if (parts_.in_flight() > 0) return await_io{};
        if (auto w = parts_.next_wake()) return wait_until{*w};
        must(fail(make_error(errc::wrong_state, "internal: no part can make progress")));
        return std::nullopt;
    }

    // Streams: the next part's bytes. Past the 10,000th part one byte tells whether the
    // stream goes on (an error) or ended, without buffering a part that cannot be sent.
    read_source ask_read() {
        auto n = parts_.add();
        must(parts_.move(n, part_event::read));
        std::uint64_t want = n > max_part_number ? 1 : stream_part_size(stream_.base, n);
        stream_.asked = read_source{n, stream_.offset, want};
        return *stream_.asked;
    }

    error stream_too_long() const {
        return make_error(errc::too_many_parts,
                          "the stream is longer than 10000 parts growing from " + std::to_string(stream_.base) +
                              " bytes can hold (" + std::to_string(stream_capacity(stream_.base)) +
                              " bytes); use a larger part size, or give its size as stream_size_hint",
                          operation::upload_part);
    }

    // A vanished resumed upload: re-check every part against the source, then HeadObject.
    std::optional<action> probe_step(time_point now) {
        if (pending_digest_) return ask_digest(pending_digest_);
        if (auto n = parts_.next_pending()) {
            must(parts_.move(*n, part_event::digest));
            return ask_digest(*n);
        }
        return single_step(now, kind::head);
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

    // --- answers -------------------------------------------------------------------------

    result<void> on_part(std::uint32_t n, const http_response* resp, std::optional<error> terr,
                         std::optional<std::uint64_t> sent_crc, time_point now) {
        auto& p = parts_.at(n);
        std::optional<error> problem = std::move(terr);
        std::string etag;
        if (!problem) {
            auto r = read_part_answer(*resp, n, sent_crc);
            if (r) etag = std::move(*r);
            else problem = std::move(r).error();
        }
        if (!problem) {
            if (auto r = parts_.move(n, part_event::succeeded); !r) return r;
            retry_.succeeded();
            mark_done(p, std::move(etag), sent_crc.value_or(0), false);
            return ok();
        }
        // Draining: the upload is ending; this attempt's failure changes nothing.
        if (state_ != upload_state::uploading) return parts_.move(n, part_event::abandoned);
        auto d = decide(kind::part, p.tries, std::move(*problem), now);
        if (d.next == retry_decision::next_step::again) return parts_.move(n, part_event::retry, d.at);
        if (auto r = parts_.move(n, part_event::abandoned); !r) return r;
        return fail(std::move(d.final_error));
    }

    // The ETag of a part OSS confirmed, or why the part must be sent again (or cannot be).
    result<std::string> read_part_answer(const http_response& resp, std::uint32_t n,
                                         std::optional<std::uint64_t> sent_crc) const {
        if (cfg_.copy) {
            auto r = parse_copy_part_result(resp, n, cfg_.dialect);
            if (!r) return r.error();
            return std::move(r->etag);
        }
        auto r = parse_upload_part_result(resp, n, cfg_.dialect);
        if (!r) return r.error();
        error e;
        if (!r->crc64 && cfg_.dialect.checksum.kind != checksum_kind::none) {
            e = make_error(errc::missing_field,
                           std::string(cfg_.dialect.checksum.header) + " is missing; the part cannot be verified",
                           operation::upload_part, n);
        } else if (r->crc64 && *r->crc64 != *sent_crc) {
            e = make_error(errc::crc_mismatch,
                           "CRC-64 of the bytes sent is " + std::to_string(*sent_crc) + ", OSS computed " +
                               std::to_string(*r->crc64),
                           operation::upload_part, n);
        } else {
            return std::move(r->etag);
        }
        e.http_status = resp.status;
        e.request_id = r->info.request_id;
        return e;
    }

    result<void> on_single(kind what, const http_response* resp, std::optional<error> terr, time_point now) {
        switch (what) {
        case kind::initiate: return on_initiate(resp, std::move(terr), now);
        case kind::abort_stale: return on_abort_stale(resp, std::move(terr), now);
        case kind::list_parts: return on_list_parts(resp, std::move(terr), now);
        case kind::complete: return on_complete(resp, std::move(terr), now);
        case kind::head: return on_head(resp, std::move(terr), now);
        case kind::remove: return on_remove(resp, std::move(terr), now);
        case kind::abort: return on_abort(resp, std::move(terr), now);
        case kind::part: break;
        }
        return make_error(errc::wrong_state, "internal: a part answer reached the single-request path");
    }

    // The rule (retry_rules.hpp) applied to a failed request; the counters follow it.
    retry_decision decide(kind what, attempts& a, error e, time_point now) {
        auto d = retry_.decide(op_of(what), a, std::move(e), now, parts_.size());
        if (d.next == retry_decision::next_step::again) {
            ++stats_.retries;
            if (d.clock_offset) clock_offset_ = *d.clock_offset;
        }
        return d;
    }

    // A failed single request, decided by the rule: `again` reschedules it; the caller
    // acts on the rest (fail, or, for best-effort requests, give_up and done).
    retry_decision single_failure(kind what, error e, time_point now) {
        single_.in_flight = false;
        auto d = decide(what, single_.tries, std::move(e), now);
        if (d.next == retry_decision::next_step::again) single_.not_before = d.at;
        return d;
    }

    // A request whose failure ends the upload when it is not retried.
    result<void> retry_or_fail(kind what, error e, time_point now) {
        auto d = single_failure(what, std::move(e), now);
        if (d.next == retry_decision::next_step::fail) return fail(std::move(d.final_error));
        return ok();
    }

    // The request succeeded: its bookkeeping is cleared and the slow-down eases.
    void single_done() {
        reset_single();
        retry_.succeeded();
    }

    result<void> on_initiate(const http_response* resp, std::optional<error> terr, time_point now) {
        if (terr) return retry_or_fail(kind::initiate, std::move(*terr), now);
        auto r = parse_initiate_result(*resp, cfg_.dialect);
        if (!r) return retry_or_fail(kind::initiate, std::move(r).error(), now);
        if (r->upload_id.empty())
            return retry_or_fail(kind::initiate,
                                 make_error(errc::missing_field, "InitiateMultipartUpload returned an empty UploadId",
                                            operation::initiate_multipart_upload),
                                 now);
        single_done();
        upload_id_ = std::move(r->upload_id);
        checkpoint_due_ = true;
        return apply(upload_event::initiated);
    }

    // How a best-effort cleanup request (the Abort of a stale or failed upload, the
    // DeleteObject of a mismatched object) ended: it succeeded (or its goal was already
    // met), it is being retried, or the rule gave up on it (with `why`).
    enum class cleanup : std::uint8_t { succeeded, retrying, gave_up };
    cleanup cleanup_answer(kind what, const http_response* resp, std::optional<error> terr, time_point now,
                           error& why) {
        if (!terr) terr = parse_service_error(*resp, op_of(what), 0, cfg_.dialect);
        if (terr) {
            auto d = single_failure(what, std::move(*terr), now);
            if (d.next == retry_decision::next_step::again) return cleanup::retrying;
            if (d.next != retry_decision::next_step::done) {
                why = std::move(d.final_error);
                reset_single();
                return cleanup::gave_up;
            }
        }
        single_done();
        return cleanup::succeeded;
    }

    // The stale upload may already be gone; a new one starts either way.
    result<void> on_abort_stale(const http_response* resp, std::optional<error> terr, time_point now) {
        error why;
        if (cleanup_answer(kind::abort_stale, resp, std::move(terr), now, why) == cleanup::retrying) return ok();
        stale_upload_id_.clear();
        return apply(upload_event::stale_aborted);
    }

    result<void> on_list_parts(const http_response* resp, std::optional<error> terr, time_point now) {
        if (terr) return retry_or_fail(kind::list_parts, std::move(*terr), now);
        auto r = parse_list_parts_result(*resp, cfg_.dialect);
        if (!r) {
            auto e = std::move(r).error();
            if (e.code != errc::no_such_upload) return retry_or_fail(kind::list_parts, std::move(e), now);
            reset_single();
            // A checkpoint confirming every part means Complete may have been sent before
            // the interruption: the object may already be there.
            if (may_have_completed(confirmed_, parts_.size())) return vanish(std::move(e));
            return stale(std::move(e));
        }
        auto more = listing_.add_page(std::move(*r));
        if (!more) return retry_or_fail(kind::list_parts, std::move(more).error(), now);
        single_done();
        if (*more) return ok();
        if (cancel_requested_) {
            error_ = make_error(errc::cancelled, "upload paused before any part was sent");
            return apply(upload_event::cancel);
        }
        reconcile_resume();
        return apply(upload_event::listed);
    }

    // Applies the resume plan (resume.hpp): parts to re-check carry what OSS holds.
    void reconcile_resume() {
        auto plan = reconcile(plan_ranges(), confirmed_, listing_.parts(), cfg_.verify_resumed_parts);
        for (std::uint32_t n = 1; n <= parts_.size(); ++n) {
            auto& d = plan.parts[n - 1];
            if (d.step == resume_step::check) {
                parts_.at(n).check = part_check{d.crc64, std::move(d.etag)};
            } else if (d.step == resume_step::keep) {
                must(parts_.move(n, part_event::resumed));
                mark_done(parts_.at(n), std::move(d.etag), d.crc64, true);
            }
        }
        stray_parts_ = plan.stray_parts;
        listing_ = {};
        confirmed_.clear();
        checkpoint_due_ = true;
    }

    // The resumed upload is gone after every part was confirmed: probe for its object.
    result<void> vanish(error e) {
        for (auto& [n, c] : confirmed_) {
            if (cfg_.verify_resumed_parts) {
                parts_.at(n).check = part_check{c.crc64, c.etag};
            } else {
                if (auto r = parts_.move(n, part_event::resumed); !r) return r;
                mark_done(parts_.at(n), c.etag, c.crc64, true);
            }
        }
        confirmed_.clear();
        stale_error_ = std::move(e);
        return apply(upload_event::vanished);
    }

    // The resumed upload is unusable (gone, or its object is not ours): restart or fail.
    result<void> stale(error e) {
        if (cfg_.on_stale == stale_policy::restart) return restart();
        e.message = "upload " + upload_id_ + " no longer exists (it was completed or aborted); "
                    "delete the checkpoint to start over. " + e.message;
        return fail(std::move(e));
    }

    result<void> restart() {
        upload_id_.clear();
        parts_.reset();
        stray_parts_ = false;
        stats_.parts_done = 0;
        stats_.bytes_confirmed = stats_.bytes_resumed = 0;
        listing_ = {};
        confirmed_.clear();
        stale_error_.reset();
        reset_single();
        return apply(upload_event::restart);
    }

    std::optional<std::uint64_t> expected_object_crc() const {
        if (cfg_.copy) return cfg_.copy->crc64;
        return combined_crc();
    }
    std::uint64_t combined_crc() const {
        std::uint64_t crc = 0;
        for (const auto& p : parts_) crc = fold_part_crc(crc, p.crc64, p.range.length);
        return crc;
    }

    result<void> on_complete(const http_response* resp, std::optional<error> terr, time_point now) {
        constexpr auto op = operation::complete_multipart_upload;
        if (terr) {
            complete_ambiguous_ = true;  // the request may have reached OSS
            return retry_or_fail(kind::complete, std::move(*terr), now);
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
            // A failure the rule retries (5xx, a garbled 200, ...) may hide a Complete that worked.
            auto v = verdict_for(op, e);
            if (v != verdict::fatal && v != verdict::resign_once) complete_ambiguous_ = true;
            return retry_or_fail(kind::complete, std::move(e), now);
        }
        single_done();
        upload_consumed_ = true;
        outcome_ = upload_outcome{cfg_.bucket, cfg_.key, upload_id_, r->etag, r->location, r->version_id,
                                  r->callback_body, stats_.bytes_total.value_or(0), parts_.size(), 0};
        if (!r->crc64) return apply(upload_event::ambiguous);  // verify with HeadObject instead
        return settle(*r->crc64);
    }

    // Compares the stored object's CRC-64 with the source's and ends accordingly.
    result<void> settle(std::uint64_t stored_crc) {
        outcome_->crc64 = stored_crc;
        auto v = verify_object_crc(expected_object_crc(), stored_crc);
        if (v) return apply(upload_event::completed);
        error_ = std::move(v).error();
        if (cfg_.delete_on_mismatch) return apply(upload_event::mismatch);
        error_->message += "; the object was left in place (delete_on_mismatch is off)";
        return apply(upload_event::fail);
    }

    // HeadObject, for an unclear Complete (checking) or a vanished resumed upload (probing).
    result<void> on_head(const http_response* resp, std::optional<error> terr, time_point now) {
        if (terr) return retry_or_fail(kind::head, std::move(*terr), now);
        if (auto e = parse_service_error(*resp, operation::head_object, 0, cfg_.dialect)) {
            if (resp->status != 404) return retry_or_fail(kind::head, std::move(*e), now);
            reset_single();
            if (state_ == upload_state::probing) return stale(*stale_error_);
            e->message = "CompleteMultipartUpload's outcome was unclear and the object does not exist";
            return fail(std::move(*e));
        }
        single_done();
        auto o = read_stored_object(*resp, cfg_.dialect);
        if (!o) return fail(std::move(o).error());
        if (!outcome_)
            outcome_ = upload_outcome{cfg_.bucket, cfg_.key, upload_id_, o->etag, {}, o->version_id, {},
                                      o->size, parts_.size(), 0};
        if (state_ == upload_state::probing && !is_resumed_object(*o, stats_.bytes_total.value_or(0), combined_crc())) {
            // Someone else's object: leave it alone; our upload is simply gone.
            outcome_.reset();
            return stale(*stale_error_);
        }
        if (auto v = verify_object_size(stats_.bytes_total, o->size); !v) {
            error_ = std::move(v).error();
            return apply(cfg_.delete_on_mismatch ? upload_event::mismatch : upload_event::fail);
        }
        return settle(o->crc64);
    }

    // The mismatched object is deleted if it can be; the upload failed anyway.
    result<void> on_remove(const http_response* resp, std::optional<error> terr, time_point now) {
        error why;
        switch (cleanup_answer(kind::remove, resp, std::move(terr), now, why)) {
        case cleanup::retrying: return ok();
        case cleanup::gave_up:
            error_->message += "; deleting the mismatched object failed too: " + why.what();
            return apply(upload_event::fail);
        case cleanup::succeeded: break;
        }
        error_->message += "; the object was deleted";
        return apply(upload_event::deleted);
    }

    // The upload failed or was cancelled; its parts are freed if they can be.
    result<void> on_abort(const http_response* resp, std::optional<error> terr, time_point now) {
        error why;
        switch (cleanup_answer(kind::abort, resp, std::move(terr), now, why)) {
        case cleanup::retrying: return ok();
        case cleanup::gave_up:
            error_->message += "; AbortMultipartUpload failed too (" + why.what() + "), so parts of upload " +
                               upload_id_ + " may remain";
            return apply(upload_event::fail);
        case cleanup::succeeded: break;
        }
        if (error_->code == errc::cancelled)
            error_->message = "upload cancelled; upload " + upload_id_ + " was aborted and no parts remain";
        else
            error_->message += " (upload " + upload_id_ + " was aborted)";
        return apply(upload_event::aborted);
    }

    // --- failure and the end of the line --------------------------------------------------

    // Records the first fatal error and moves to where cleanup happens.
    result<void> fail(error e) {
        if (!error_) error_ = std::move(e);
        return apply(upload_event::fail);
    }

    // Nothing is in flight any more: abort the upload, or keep it for a resume. A source
    // that changed is always kept: a resume re-checks every part and sends only what
    // changed, which a deliberate restart wants.
    void finish_draining() {
        bool cancelled = error_->code == errc::cancelled;
        auto policy = cancelled ? cfg_.on_cancel : cfg_.on_failure;
        if (error_->code == errc::source_changed) policy = end_policy::keep;
        bool gone = upload_id_.empty() || upload_consumed_ || error_->code == errc::no_such_upload;
        if (!gone && policy == end_policy::abort) {
            reset_single();
            must(apply(upload_event::drained_abort));
            return;
        }
        if (!gone) {
            if (cancelled) error_->message = "upload paused; run it again with the checkpoint to resume";
            error_->message += " (upload " + upload_id_ + " was kept for resume)";
            error_->kept_upload_id = upload_id_;
            checkpoint_due_ = true;
        }
        must(apply(upload_event::drained_keep));
    }

    // A move next() itself makes. A missing row there is a bug in the machine, not misuse
    // by the caller: the upload ends at once, loudly, rather than asking the same forever.
    void must(result<void> r) {
        if (r) return;
        error_ = make_error(errc::wrong_state, "internal: " + r.error().message);
        state_ = upload_state::failed;
    }

    // Moves the upload by the table; a pair with no row is refused and changes nothing.
    result<void> apply(upload_event ev) {
        auto to = apply_event(state_, ev);
        if (!to) return to.error();
        state_ = *to;
        if (state_ == upload_state::failed && !error_) error_ = make_error(errc::wrong_state, "upload failed");
        return ok();
    }

    // --- data ------------------------------------------------------------------------------

    upload_config cfg_;
    retry_governor retry_;
    v4_key_cache key_cache_;
    duration clock_offset_{0};                        // server clock - ours, from RequestTimeTooSkewed
    upload_state state_ = upload_state::initiating;
    std::uint32_t max_in_flight_ = 1;
    part_book parts_;
    source_cursor stream_;
    source_check source_ = source_check::not_applicable;
    std::optional<upload_part_template> part_template_;
    std::vector<flight> in_flight_;
    request_id next_id_ = 1;
    single_request single_;
    std::uint32_t pending_digest_ = 0;                // the part a digest_part action asks about
    std::deque<body_range> releases_;
    std::string upload_id_;
    std::string stale_upload_id_;                     // aborting_stale: the upload being replaced
    std::map<std::uint32_t, checkpoint_part> confirmed_;  // resume: the checkpoint's parts
    part_listing listing_;                            // resume: ListParts pages so far
    std::optional<error> stale_error_;                // probing: the NoSuchUpload that started it
    bool stray_parts_ = false;                        // OSS holds parts beyond the plan
    bool checkpoint_due_ = false;
    bool cancel_requested_ = false;
    bool complete_ambiguous_ = false;                 // a Complete may have reached OSS
    bool upload_consumed_ = false;                    // Complete succeeded (or a callback failed after it)
    std::optional<error> error_;
    std::optional<upload_outcome> outcome_;
    progress stats_;
    std::optional<time_point> start_time_;
};

}  // namespace ossmp::inline v0
