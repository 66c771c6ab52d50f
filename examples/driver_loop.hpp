// The upload loop from the README, as compiled code: what ossmp::run does, written against
// the machine's public API only, for callers who drive the machine from their own loop
// (an event loop, a job system). tests/readme_test.cpp checks the README shows this block.
#pragma once

#include <ossmp/ossmp.hpp>

#include <map>

namespace example {

// BEGIN README driver_loop
template <ossmp::Transport T, ossmp::BodySource S>
ossmp::result<ossmp::upload_outcome> drive(ossmp::upload_machine& m, T& net, S& source) {
    using namespace ossmp;
    struct exchange { http_request request; body_reader body; };
    std::map<request_id, exchange> live;          // requests in flight, owned here
    auto now = [] { return system_clock{}.now(); };
    auto deliver = [&](std::optional<completion> c) {
        if (!c) return;
        auto it = live.find(c->id);               // a stray or repeated id is refused by m
        auto crc = it == live.end() ? 0 : it->second.body.crc64();
        if (auto* r = std::get_if<http_response>(&c->outcome)) (void)m.on_response(c->id, *r, now(), crc);
        else (void)m.on_transport_error(c->id, std::get<transport_error>(c->outcome), now());
        if (it != live.end()) live.erase(it);
    };
    for (;;) {
        auto a = m.next(now());
        if (auto* s = std::get_if<send_request>(&a)) {
            auto& x = live.emplace(s->id, exchange{std::move(s->request), {}}).first->second;
            x.body = body_reader::for_request(x.request, source);
            net.start(s->id, x.request, x.body);
        } else if (auto* w = std::get_if<wait_until>(&a)) {
            if (live.empty()) system_clock{}.sleep_until(w->deadline);
            else deliver(net.wait(w->deadline));
        } else if (std::holds_alternative<await_io>(a)) {
            deliver(net.wait(time_point::max()));
        } else if (auto* d = std::get_if<digest_part>(&a)) {
            auto dg = digest_range(source, d->range, d->md5);
            if (dg) (void)m.on_part_digest(d->part_number, dg->first, dg->second, now());
            else (void)m.on_local_error(dg.error(), now());
        } else if (std::holds_alternative<check_source>(a)) {
            auto id = current_identity(source);   // file_source::identity(); nullopt from memory
            if (id) (void)m.on_source_checked(*id, now());
            else (void)m.on_local_error(id.error(), now());
        } else if (auto* cp = std::get_if<save_checkpoint>(&a)) {
            if (auto w = write_file_atomically("upload.ossmp-checkpoint", cp->text); !w)
                (void)m.on_local_error(w.error(), now());
        } else if (auto* f = std::get_if<finished>(&a)) {
            return f->outcome;
        } else if (auto* x = std::get_if<failed>(&a)) {
            return x->err;
        }   // release_body: nothing to free for files; read_source: streams only (see run.hpp)
    }
}
// END README driver_loop

}  // namespace example
