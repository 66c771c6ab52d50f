// Test support: drives an upload machine like ossmp::run, but one action at a time, so a
// test can stop ("crash") after any number of steps, watch every action, and check the
// machine's invariants between steps.
#pragma once

#include <ossmp/ossmp.hpp>
#include <ossmp/run.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace ossmp_test {

using namespace ossmp;

/// A clock handle that shares one virtual_clock (run() takes clocks by value).
struct clock_ref {
    virtual_clock* c;
    time_point now() const { return c->now(); }
    void sleep_until(time_point t) const { c->sleep_until(t); }
};

template <class T, class S>
class stepper {
public:
    stepper(upload_machine& m, T& transport, S& source, virtual_clock& clock)
        : m_(m), t_(transport), s_(source), clock_(clock) {}

    std::optional<std::string> last_checkpoint;  ///< text of the last save_checkpoint
    std::optional<upload_outcome> outcome;
    std::optional<error> failure;
    std::function<void(const action&)> on_action;  ///< sees every action before it runs
    int steps = 0;

    /// Runs at most `max_steps` actions; true when the machine reached a terminal action.
    bool drive(int max_steps) {
        for (int i = 0; i < max_steps; ++i) {
            auto a = m_.next(clock_.now());
            ++steps;
            if (on_action) on_action(a);
            if (auto* s = std::get_if<send_request>(&a)) {
                auto& x = bodies_.emplace(s->id, exchange{std::move(s->request), {}}).first->second;
                x.body = body_reader::for_request(x.request, s_);
                t_.start(s->id, x.request, x.body);
            } else if (auto* w = std::get_if<wait_until>(&a)) {
                if (bodies_.empty()) clock_.sleep_until(w->deadline);
                else deliver(t_.wait(w->deadline));
            } else if (std::holds_alternative<await_io>(a)) {
                deliver(t_.wait(time_point::max()));
            } else if (auto* rs = std::get_if<read_source>(&a)) {
                if constexpr (requires { s_.fill(rs->part_number, rs->offset, rs->max_length); }) {
                    auto got = s_.fill(rs->part_number, rs->offset, rs->max_length);
                    if (got) (void)m_.on_source_read(rs->part_number, *got, clock_.now());
                    else (void)m_.on_local_error(got.error(), clock_.now());
                }
            } else if (auto* d = std::get_if<digest_part>(&a)) {
                auto dg = digest_range(s_, d->range, d->md5);
                if (dg) (void)m_.on_part_digest(d->part_number, dg->first, dg->second, clock_.now());
                else (void)m_.on_local_error(dg.error(), clock_.now());
            } else if (std::holds_alternative<check_source>(a)) {
                auto id = current_identity(s_);
                if (id) (void)m_.on_source_checked(*id, clock_.now());
                else (void)m_.on_local_error(id.error(), clock_.now());
            } else if (auto* rel = std::get_if<release_body>(&a)) {
                if constexpr (requires { s_.release(rel->range); }) s_.release(rel->range);
            } else if (auto* cp = std::get_if<save_checkpoint>(&a)) {
                last_checkpoint = cp->text;
            } else if (auto* f = std::get_if<finished>(&a)) {
                outcome = f->outcome;
                return true;
            } else if (auto* x = std::get_if<failed>(&a)) {
                failure = x->err;
                return true;
            }
        }
        return false;
    }

private:
    void deliver(std::optional<completion> c) {
        if (!c) return;
        auto it = bodies_.find(c->id);
        std::uint64_t crc = it != bodies_.end() ? it->second.body.crc64() : 0;
        if (it != bodies_.end()) bodies_.erase(it);
        if (auto* r = std::get_if<http_response>(&c->outcome)) (void)m_.on_response(c->id, *r, clock_.now(), crc);
        else (void)m_.on_transport_error(c->id, std::get<transport_error>(c->outcome), clock_.now());
    }

    upload_machine& m_;
    T& t_;
    S& s_;
    virtual_clock& clock_;
    struct exchange {
        http_request request;
        body_reader body;
    };
    std::map<request_id, exchange> bodies_;
};

}  // namespace ossmp_test
