// The transition tables, and every (state, input) pair of the machine's public API: the
// tables are deterministic, terminal states are final, and in every reachable state each
// input either has its documented effect or is refused without changing anything.
#include <catch2/catch.hpp>

#include "machine_harness.hpp"

#include <functional>
#include <set>

using namespace ossmp;
using namespace ossmp_test;

namespace {

constexpr upload_state all_states[] = {upload_state::initiating, upload_state::listing,  upload_state::uploading,
                                       upload_state::completing, upload_state::checking, upload_state::deleting,
                                       upload_state::draining,   upload_state::aborting, upload_state::completed,
                                       upload_state::failed};
constexpr upload_event all_events[] = {
    upload_event::initiated, upload_event::listed,   upload_event::restart,       upload_event::parts_done,
    upload_event::completed, upload_event::ambiguous, upload_event::mismatch,     upload_event::deleted,
    upload_event::fail,      upload_event::cancel,   upload_event::drained_abort, upload_event::drained_keep,
    upload_event::aborted};
constexpr part_state all_part_states[] = {part_state::pending,   part_state::reading, part_state::digesting,
                                          part_state::in_flight, part_state::backoff, part_state::done};
constexpr part_event all_part_events[] = {part_event::read,     part_event::read_done, part_event::digest,
                                          part_event::digest_done, part_event::verified, part_event::resumed,
                                          part_event::dispatch, part_event::succeeded, part_event::retry,
                                          part_event::backoff_elapsed, part_event::abandoned};

std::set<upload_state> reachable_from(upload_state s) {
    std::set<upload_state> seen{s};
    std::vector<upload_state> todo{s};
    while (!todo.empty()) {
        auto x = todo.back();
        todo.pop_back();
        for (auto ev : all_events)
            if (auto to = next_state(x, ev); to && seen.insert(*to).second) todo.push_back(*to);
    }
    return seen;
}

}  // namespace

TEST_CASE("upload table: deterministic, final terminals, everything live", "[machine][table]") {
    for (auto s : all_states) {
        for (auto ev : all_events) {
            int rows = 0;
            for (const auto& t : upload_transitions) rows += t.from == s && t.event == ev;
            INFO(to_string(s) << " event " << int(ev));
            CHECK(rows <= 1);
            if (is_terminal(s)) CHECK_FALSE(next_state(s, ev));
        }
        // Every state can still end: a terminal state is reachable from it.
        auto r = reachable_from(s);
        CHECK((r.count(upload_state::failed) || r.count(upload_state::completed)));
    }
    auto from_start = reachable_from(upload_state::initiating);
    auto from_resume = reachable_from(upload_state::listing);
    for (auto s : all_states) CHECK((from_start.count(s) || from_resume.count(s)));
    // Complete is only reached when every part is done; completed only through
    // completing or checking; an abort never leads to completed.
    for (const auto& t : upload_transitions) {
        if (t.to == upload_state::completing) CHECK((t.from == upload_state::uploading && t.event == upload_event::parts_done));
        if (t.to == upload_state::completed)
            CHECK((t.from == upload_state::completing || t.from == upload_state::checking ||
                   t.from == upload_state::probing));
        if (t.to == upload_state::aborting) CHECK(t.from == upload_state::draining);
    }
    CHECK_FALSE(reachable_from(upload_state::aborting).count(upload_state::completed));
    CHECK_FALSE(reachable_from(upload_state::draining).count(upload_state::completed));
}

namespace {
constexpr upload_state every_state[] = {
    upload_state::initiating, upload_state::aborting_stale, upload_state::listing,  upload_state::probing,
    upload_state::uploading,  upload_state::completing,     upload_state::checking, upload_state::deleting,
    upload_state::draining,   upload_state::aborting,       upload_state::completed, upload_state::failed};
constexpr upload_event every_event[] = {
    upload_event::initiated, upload_event::stale_aborted, upload_event::listed,       upload_event::vanished,
    upload_event::restart,   upload_event::parts_done,    upload_event::completed,    upload_event::ambiguous,
    upload_event::mismatch,  upload_event::deleted,       upload_event::fail,         upload_event::cancel,
    upload_event::drained_abort, upload_event::drained_keep, upload_event::aborted};
}  // namespace

TEST_CASE("upload table: every pair is a transition, an explicit ignore, or refused", "[machine][table]") {
    std::set<upload_state> entered{upload_state::initiating, upload_state::listing, upload_state::aborting_stale};
    for (const auto& t : upload_transitions) entered.insert(t.to);
    for (auto s : every_state) {
        INFO(to_string(s));
        CHECK(entered.count(s));  // no state is unreachable
        auto r = reachable_from(s);
        CHECK((r.count(upload_state::failed) || r.count(upload_state::completed)));
        for (auto ev : every_event) {
            INFO("event " << to_string(ev));
            bool moves = next_state(s, ev).has_value();
            bool ignored = is_ignored(s, ev);
            CHECK_FALSE((moves && ignored));  // never both
            auto a = apply_event(s, ev);
            if (moves) CHECK(a.value() == *next_state(s, ev));
            else if (ignored) CHECK(a.value() == s);
            else {
                REQUIRE_FALSE(a);
                CHECK(a.error().code == errc::wrong_state);
                CHECK(a.error().message == "upload event " + std::string(to_string(ev)) + " has no row in state " +
                                               std::string(to_string(s)));
            }
            if (is_terminal(s)) CHECK_FALSE((moves || ignored));
        }
        // A cancel and a failure can arrive in any live state: each has its row.
        if (!is_terminal(s)) {
            CHECK((next_state(s, upload_event::cancel) || is_ignored(s, upload_event::cancel)));
            CHECK((next_state(s, upload_event::fail) || is_ignored(s, upload_event::fail)));
        }
    }
    for (const auto& i : upload_ignores) CHECK_FALSE(i.why.empty());
    // The hidden phases are states of their own: a restart aborts its stale upload first,
    // a vanished resumed upload is probed apart from an unclear Complete.
    CHECK(next_state(upload_state::aborting_stale, upload_event::stale_aborted) == upload_state::initiating);
    CHECK(next_state(upload_state::listing, upload_event::vanished) == upload_state::probing);
    CHECK_FALSE(next_state(upload_state::checking, upload_event::restart));
    CHECK_FALSE(next_state(upload_state::probing, upload_event::mismatch));
}

TEST_CASE("part table: deterministic, done is final", "[machine][table]") {
    for (auto s : all_part_states)
        for (auto ev : all_part_events) {
            int rows = 0;
            for (const auto& t : part_transitions) rows += t.from == s && t.event == ev;
            CHECK(rows <= 1);
            if (s == part_state::done) CHECK_FALSE(next_state(s, ev));
        }
    // A part reaches done only by OSS confirming it or by a resume proving it.
    for (const auto& t : part_transitions)
        if (t.to == part_state::done)
            CHECK((t.event == part_event::succeeded || t.event == part_event::verified || t.event == part_event::resumed));
}

namespace {

constexpr std::uint64_t kib = 1024;

upload_config cfg_for(std::uint64_t size) {
    upload_config c;
    c.ep = parse_endpoint("http://127.0.0.1:9000").value();
    c.bucket = "bucket";
    c.key = "k";
    c.signing = {signature_version::v4, {"ak", "sk", ""}, {"cn-hangzhou", "oss", {}}, {}};
    c.source.size = size;
    c.part_size = 100 * kib;
    c.max_in_flight = 2;
    return c;
}

// Builds a harness and walks it into `target`; returns the id of a request already
// answered (for the duplicate-report input), or 0 if none exists yet.
request_id drive_to(harness& h, upload_state target) {
    request_id answered = 0;
    auto step_answer = [&](const send_request& s) {
        h.answer(s);
        answered = s.id;
    };
    if (target == upload_state::initiating) return 0;
    if (target == upload_state::listing) return 0;  // built with resume_upload
    auto init = h.expect<send_request>();
    if (target == upload_state::failed) {
        h.respond(init, 403, "AccessDenied");
        return init.id;
    }
    step_answer(init);
    auto p1 = h.expect<send_request>();
    auto p2 = h.expect<send_request>();
    if (target == upload_state::uploading) return answered;
    if (target == upload_state::draining || target == upload_state::aborting) {
        h.respond(p1, 403, "AccessDenied");
        answered = p1.id;
        if (target == upload_state::draining) return answered;
        step_answer(p2);
        h.see<release_body>();
        CHECK(h.expect<send_request>().request.op == operation::abort_multipart_upload);
        return answered;
    }
    step_answer(p1);
    step_answer(p2);
    h.see<release_body>();
    h.see<release_body>();
    auto c = h.expect<send_request>();
    if (target == upload_state::completing) return answered;
    if (target == upload_state::checking) {
        REQUIRE(h.m.on_transport_error(c.id, {errc::transport_timeout, "t"}, h.clock.now()));
        h.clock.sleep_until(h.expect<wait_until>().deadline);
        auto c2 = h.expect<send_request>();
        h.respond(c2, 404, "NoSuchUpload");
        return c2.id;
    }
    if (target == upload_state::deleting) {
        auto resp = h.oss.handle(c.request, c.request.body);
        resp.headers.set("x-oss-hash-crc64ecma", "1");
        REQUIRE(h.m.on_response(c.id, resp, h.clock.now()));
        return c.id;
    }
    step_answer(c);  // completed
    return answered;
}

}  // namespace

TEST_CASE("every public input in every state", "[machine][table]") {
    for (auto target : all_states) {
        DYNAMIC_SECTION(to_string(target)) {
            std::string data(150 * kib, 'd');
            auto make = [&]() -> harness {
                if (target == upload_state::listing)
                    return harness(upload_machine::resume_upload(cfg_for(data.size()), "U1").value(), data);
                return harness(cfg_for(data.size()), data);
            };
            harness h = make();
            auto answered = drive_to(h, target);
            REQUIRE(h.m.state() == target);
            auto before_stats = h.m.stats();
            auto same = [&] {
                CHECK(h.m.state() == target);
                auto now_stats = h.m.stats();
                CHECK(now_stats.parts_done == before_stats.parts_done);
                CHECK(now_stats.parts_in_flight == before_stats.parts_in_flight);
                CHECK(now_stats.bytes_confirmed == before_stats.bytes_confirmed);
            };
            http_response resp;
            resp.status = 200;
            // A report for an id never handed out.
            CHECK(h.m.on_response(987654, resp, h.clock.now(), 0).error().code == errc::unknown_request);
            CHECK(h.m.on_transport_error(987654, {errc::transport_reset, "x"}, h.clock.now()).error().code ==
                  errc::unknown_request);
            same();
            // A second report for an id already reported.
            if (answered) {
                CHECK(h.m.on_response(answered, resp, h.clock.now(), 0).error().code == errc::duplicate_response);
                same();
            }
            // Reports nobody asked for.
            CHECK(h.m.on_source_read(1, 1, h.clock.now()).error().code == errc::wrong_state);
            CHECK(h.m.on_part_digest(1, 0, "", h.clock.now()).error().code == errc::wrong_state);
            same();
            // A local error ends any live upload; a terminal one refuses it.
            bool terminal = is_terminal(target);
            auto le = h.m.on_local_error(make_error(errc::io_error, "disk"), h.clock.now());
            if (terminal) {
                CHECK(le.error().code == errc::wrong_state);
                same();
            } else {
                CHECK(le);
                CHECK(h.m.state() != upload_state::completed);
            }
            // Cancel never completes an upload and never revives a terminal one.
            h.m.cancel();
            if (terminal) CHECK(h.m.state() == target);
            for (int i = 0; i < 50 && !is_terminal(h.m.state()); ++i) {
                auto a = h.next();
                if (auto* s = std::get_if<send_request>(&a)) h.answer(*s);
                else if (auto* w = std::get_if<wait_until>(&a)) h.clock.sleep_until(w->deadline);
                else if (std::holds_alternative<await_io>(a)) break;
            }
            if (target != upload_state::completed) CHECK(h.m.state() != upload_state::completed);
            // failed is sticky: the same error forever.
            if (h.m.state() == upload_state::failed) {
                auto a = h.expect<failed>();
                auto b = h.expect<failed>();
                CHECK(a.err.what() == b.err.what());
            }
        }
    }
}
