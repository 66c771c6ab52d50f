// Test support: a machine plus a fake OSS, where the test decides what happens to each
// request (answer it, fail it, lose it) and checks each action the machine emits.
#pragma once

#include "fake_oss.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>

namespace ossmp_test {

// A small harness: the test decides what happens to each request.
struct harness {
    virtual_clock clock;
    fake_oss oss{clock};
    std::string data;
    upload_machine m;

    /// When set, next() answers check_source actions itself: the data is in memory and
    /// cannot change (as run() answers for memory sources). Clear it to see them.
    bool answer_source_checks = true;

    harness(upload_config cfg, std::string d) : data(std::move(d)), m(upload_machine::create(std::move(cfg)).value()) {}
    harness(upload_machine machine, std::string d) : data(std::move(d)), m(std::move(machine)) {}

    action next() {
        auto a = m.next(clock.now());
        if (answer_source_checks && std::holds_alternative<check_source>(a)) {
            REQUIRE(m.on_source_checked(std::nullopt, clock.now()));
            a = m.next(clock.now());
        }
        return a;
    }

    // Expects an action of kind A and drops it (for kinds the test only checks the kind of).
    template <class A>
    void see() {
        (void)expect<A>();
    }

    template <class A>
    A expect() {
        auto a = next();
        INFO("action index " << a.index());
        REQUIRE(std::holds_alternative<A>(a));
        return std::get<A>(a);
    }

    std::string body_of(const send_request& s) {
        if (!s.request.source) return s.request.body;
        return data.substr(static_cast<std::size_t>(s.request.source->offset),
                           static_cast<std::size_t>(s.request.source->length));
    }

    // Lets the fake server answer `s`, and reports that answer.
    http_response answer(const send_request& s) {
        auto body = body_of(s);
        auto resp = oss.handle(s.request, body);
        REQUIRE(m.on_response(s.id, resp, clock.now(), crc64_of(body)));
        return resp;
    }

    void respond(const send_request& s, int status, const std::string& code, const std::string& extra = {}) {
        http_response r;
        r.status = status;
        r.headers.set("x-oss-request-id", "T");
        r.body = "<Error><Code>" + code + "</Code><Message>m</Message><RequestId>T</RequestId>" + extra + "</Error>";
        REQUIRE(m.on_response(s.id, r, clock.now(), crc64_of(body_of(s))));
    }
};


}  // namespace ossmp_test
