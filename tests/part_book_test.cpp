// The machine's per-part bookkeeping (upload/part_book.hpp): moves follow the part table,
// the counters, cursor and backoff queue follow the moves, and a move with no row is
// refused and changes nothing.
#include <catch2/catch.hpp>

#include <ossmp/upload/part_book.hpp>

#include <set>

using namespace ossmp;

namespace {

// Every state and event the part table names (the table mentions each of them).
std::set<part_state> table_states() {
    std::set<part_state> out;
    for (const auto& t : part_transitions) out.insert({t.from, t.to});
    return out;
}
std::set<part_event> table_events() {
    std::set<part_event> out;
    for (const auto& t : part_transitions) out.insert(t.event);
    return out;
}

const time_point t0 = from_unix_seconds(1732450000);

part_book three() {
    part_book b;
    b.assign({{0, 10}, {10, 10}, {20, 5}});
    return b;
}

// Walks part 1 of a fresh book into `s` by legal moves.
void walk_to(part_book& b, part_state s) {
    switch (s) {
    case part_state::pending: break;
    case part_state::reading: {
        part_book stream;
        b = std::move(stream);
        b.add();
        REQUIRE(b.move(1, part_event::read));
        break;
    }
    case part_state::digesting: REQUIRE(b.move(1, part_event::digest)); break;
    case part_state::in_flight: REQUIRE(b.move(1, part_event::dispatch)); break;
    case part_state::backoff:
        REQUIRE(b.move(1, part_event::dispatch));
        REQUIRE(b.move(1, part_event::retry, t0));
        break;
    case part_state::done: REQUIRE(b.move(1, part_event::resumed)); break;
    }
}

}  // namespace

TEST_CASE("part book: a move with no row is refused and changes nothing", "[machine][parts]") {
    auto states = table_states();
    auto events = table_events();
    CHECK(states.size() == 6);
    CHECK(events.size() == 11);
    for (auto s : states)
        for (auto ev : events) {
            auto b = three();
            walk_to(b, s);
            REQUIRE(b.at(1).state == s);
            auto flying = b.in_flight(), done = b.done();
            auto wake = b.next_wake();
            auto r = b.move(1, ev, t0);
            INFO(to_string(s) << " + " << to_string(ev));
            if (next_state(s, ev)) {
                CHECK(r);
                CHECK(b.at(1).state == *next_state(s, ev));
            } else {
                REQUIRE_FALSE(r);
                CHECK(r.error().code == errc::wrong_state);
                CHECK(r.error().message.find(std::string(to_string(ev))) != std::string::npos);
                CHECK(b.at(1).state == s);
                CHECK(b.in_flight() == flying);
                CHECK(b.done() == done);
                CHECK(b.next_wake() == wake);
            }
        }
    auto b = three();
    CHECK(b.move(0, part_event::dispatch).error().code == errc::wrong_state);
    CHECK(b.move(4, part_event::dispatch).error().code == errc::wrong_state);
}

TEST_CASE("part book: counters, cursor and backoff queue follow the parts", "[machine][parts]") {
    auto b = three();
    CHECK(b.size() == 3);
    CHECK(b.unfinished() == 3);
    CHECK(b.next_pending() == 1u);
    REQUIRE(b.move(1, part_event::dispatch));
    REQUIRE(b.move(2, part_event::dispatch));
    CHECK(b.in_flight() == 2);
    CHECK(b.next_pending() == 3u);
    REQUIRE(b.move(1, part_event::retry, t0 + duration(50)));
    REQUIRE(b.move(2, part_event::succeeded));
    CHECK(b.in_flight() == 0);
    CHECK(b.done() == 1);
    CHECK(b.next_wake() == t0 + duration(50));
    b.wake(t0 + duration(49));
    CHECK(b.at(1).state == part_state::backoff);
    b.wake(t0 + duration(50));
    CHECK(b.at(1).state == part_state::pending);
    CHECK_FALSE(b.next_wake());
    CHECK(b.next_pending() == 1u);  // the cursor moved back for it
    b.reset();
    CHECK(b.done() == 0);
    for (const auto& p : b) CHECK(p.state == part_state::pending);
    CHECK(b.at(3).range == body_range{20, 5});
}

TEST_CASE("part book: streams add parts and drop the slot that found the end", "[machine][parts]") {
    part_book b;
    CHECK(b.drop_reading_tail().error().code == errc::wrong_state);
    auto n = b.add();
    CHECK(n == 1u);
    CHECK(b.drop_reading_tail().error().code == errc::wrong_state);  // pending, not reading
    REQUIRE(b.move(1, part_event::read));
    REQUIRE(b.drop_reading_tail());
    CHECK(b.size() == 0);
}
