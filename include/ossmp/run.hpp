// ossmp: the reference driver. run() connects an upload machine to a Transport and a body
// source and loops until the upload finishes or fails. It uses nothing but the machine's
// public API (README shows the same loop), so a caller with an event loop of their own can
// drive the machine exactly the same way.
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include <ossmp/atomic_file.hpp>
#include <ossmp/body_source.hpp>
#include <ossmp/crypto/base64.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/upload/machine.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// The wall clock, in the resolution the machine uses. Tests substitute a virtual clock.
struct system_clock {
    time_point now() const { return std::chrono::floor<duration>(std::chrono::system_clock::now()); }
    void sleep_until(time_point t) const {
        std::this_thread::sleep_until(std::chrono::system_clock::time_point(t.time_since_epoch()));
    }
};

/// Where run() reads the time and how it waits for retry delays.
template <class C>
concept Clock = requires(C& c, time_point t) {
    { c.now() } -> std::same_as<time_point>;
    c.sleep_until(t);
};

/// Options for run().
struct run_options {
    /// save_checkpoint actions write here, atomically ("" = checkpoints are not saved).
    std::string checkpoint_path;
    /// When set and true, the machine is cancelled (checked before every step). When the
    /// transport is a CancellableTransport, run() then also cancels the requests it has in
    /// flight (Initiate, ListParts, parts), so a slow or silent server does not hold the
    /// cancel up; once Complete has been sent nothing is cancelled (the machine ignores
    /// cancel from there on) and the cleanup the machine decides on (abort or keep) is
    /// sent normally. Pair it with max_wait so the flag is looked at while waiting.
    const std::atomic<bool>* cancel = nullptr;
    /// Called on the driving thread before every step with the machine's progress (for a
    /// progress display, say); returning true cancels the upload, as `cancel` does (an
    /// overall deadline is one use). Keep it short: the upload waits for it. It receives a
    /// copy of the figures, never the machine.
    std::function<bool(const progress&)> on_step;
    /// When set, no single wait (for the transport or a retry delay) lasts longer, so
    /// on_step and `cancel` are looked at this often even while a slow part is in flight.
    std::optional<duration> max_wait;
    /// When set, save_checkpoint actions hand their text here instead of writing
    /// checkpoint_path (to write it on another thread, say); an error fails the upload as a
    /// failed write does.
    std::function<result<void>(std::string text)> save_checkpoint;
};

namespace detail {
// States whose requests in flight the machine gives up when cancelled: the upload has not
// reached Complete, so ending those requests early loses nothing but their own progress.
constexpr bool abandons_on_cancel(upload_state s) noexcept {
    return s == upload_state::initiating || s == upload_state::listing || s == upload_state::uploading ||
           s == upload_state::draining;
}
}  // namespace detail

/// Reads `range` of `source` in 1 MiB chunks and returns its CRC-64 and, if asked, base64 MD5.
template <BodySource S>
result<std::pair<std::uint64_t, std::string>> digest_range(S& source, body_range range, bool with_md5) {
    std::vector<char> buf(static_cast<std::size_t>(std::min<std::uint64_t>(range.length, 1 << 20)));
    std::uint64_t crc = 0, done = 0;
    md5 h;
    while (done < range.length) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), range.length - done));
        auto r = source.read_at(range.offset + done, std::span<char>(buf.data(), want));
        if (!r) return r.error();
        if (*r == 0)
            return make_error(errc::source_short_read, "the source ended before offset " +
                                                           std::to_string(range.offset + range.length));
        crc = crc64_update(crc, buf.data(), *r);
        if (with_md5) h.update(buf.data(), *r);
        done += *r;
    }
    return std::pair{crc, with_md5 ? base64_encode(h.final()) : std::string()};
}

/// The source's identity now, for a check_source action: `source.identity()` when the
/// source has one (file_source), else nullopt (memory and streams cannot tell).
template <BodySource S>
result<std::optional<source_identity>> current_identity(S& source) {
    if constexpr (requires { { source.identity() } -> std::same_as<result<source_identity>>; }) {
        auto id = source.identity();
        if (!id) return id.error();
        return std::optional<source_identity>(std::move(*id));
    } else {
        return std::optional<source_identity>();
    }
}

/// Drives `m` to the end over `transport`, reading bodies from `source`. Returns the
/// outcome, or the error the upload failed with. Completions a transport repeats, or
/// reports for ids it was never given, are rejected by the machine and skipped.
template <class T, BodySource S, class C = system_clock>
result<upload_outcome> run(upload_machine& m, T& transport, S& source, const run_options& opts = {}, C clock = {}) {
    static_assert(detail::check_transport<T>());
    static_assert(Clock<C>, "a Clock needs `ossmp::time_point now()` and `void sleep_until(ossmp::time_point)`");
    // Each request and its body reader live here until the transport reports the request:
    // the reader may point into the request's in-memory body. std::map nodes never move.
    struct exchange {
        http_request request;
        body_reader body;
    };
    std::map<request_id, exchange> bodies;
    auto deliver = [&](std::optional<completion> c) -> result<void> {
        if (!c) return ok();
        auto it = bodies.find(c->id);
        std::uint64_t crc = it != bodies.end() ? it->second.body.crc64() : 0;
        if (it != bodies.end()) bodies.erase(it);
        auto r = std::holds_alternative<http_response>(c->outcome)
                     ? m.on_response(c->id, std::get<http_response>(c->outcome), clock.now(), crc)
                     : m.on_transport_error(c->id, std::get<transport_error>(c->outcome), clock.now());
        // A duplicated or stray completion is rejected by the machine without effect;
        // carrying on is the robust answer to a transport that repeats itself.
        if (!r && (r.error().code == errc::duplicate_response || r.error().code == errc::unknown_request)) return ok();
        return r;
    };
    auto capped = [&](time_point deadline) {
        return opts.max_wait ? std::min(deadline, clock.now() + *opts.max_wait) : deadline;
    };
    // Cancelling the transport reaches only the requests in flight now, so it is done once,
    // in a state whose requests the machine abandons on cancel (never Complete or cleanup).
    bool cancel_asked = false, transport_cancelled = false;
    for (;;) {
        if (opts.cancel && opts.cancel->load()) cancel_asked = true;
        if (opts.on_step && opts.on_step(m.stats())) cancel_asked = true;
        if (cancel_asked) m.cancel();
        auto a = m.next(clock.now());
        if constexpr (CancellableTransport<T>) {
            if (cancel_asked && !transport_cancelled && !bodies.empty() && detail::abandons_on_cancel(m.state())) {
                transport.cancel();
                transport_cancelled = true;
            }
        }
        result<void> r = ok();
        if (auto* s = std::get_if<send_request>(&a)) {
            auto& x = bodies.emplace(s->id, exchange{std::move(s->request), {}}).first->second;
            x.body = body_reader::for_request(x.request, source);
            transport.start(s->id, x.request, x.body);
        } else if (auto* w = std::get_if<wait_until>(&a)) {
            if (bodies.empty()) clock.sleep_until(capped(w->deadline));
            else r = deliver(transport.wait(capped(w->deadline)));
        } else if (std::holds_alternative<await_io>(a)) {
            r = deliver(transport.wait(capped(time_point::max())));
        } else if (auto* rs = std::get_if<read_source>(&a)) {
            if constexpr (requires { source.fill(rs->part_number, rs->offset, rs->max_length); }) {
                auto got = source.fill(rs->part_number, rs->offset, rs->max_length);
                r = got ? m.on_source_read(rs->part_number, *got, clock.now())
                        : m.on_local_error(got.error(), clock.now());
            } else {
                r = m.on_local_error(make_error(errc::unsupported, "this body source cannot be read as a stream"),
                                     clock.now());
            }
        } else if (auto* d = std::get_if<digest_part>(&a)) {
            auto dg = digest_range(source, d->range, d->md5);
            r = dg ? m.on_part_digest(d->part_number, dg->first, dg->second, clock.now())
                   : m.on_local_error(dg.error(), clock.now());
        } else if (std::holds_alternative<check_source>(a)) {
            auto id = current_identity(source);
            r = id ? m.on_source_checked(*id, clock.now()) : m.on_local_error(id.error(), clock.now());
        } else if (auto* rel = std::get_if<release_body>(&a)) {
            if constexpr (requires { source.release(rel->range); }) source.release(rel->range);
        } else if (auto* cp = std::get_if<save_checkpoint>(&a)) {
            auto w = opts.save_checkpoint            ? opts.save_checkpoint(std::move(cp->text))
                     : !opts.checkpoint_path.empty() ? write_file_atomically(opts.checkpoint_path, cp->text)
                                                     : ok();
            if (!w) r = m.on_local_error(w.error(), clock.now());
        } else if (auto* f = std::get_if<finished>(&a)) {
            return f->outcome;
        } else if (auto* x = std::get_if<failed>(&a)) {
            return x->err;
        }
        if (!r) return r.error();
    }
}

}  // namespace ossmp::inline v0
