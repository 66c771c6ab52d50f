// The control plane under /_emulator/: counters and fault injection at run time.
#include "server_impl.hpp"

namespace ossmp::inline v0::emulator {

using ossmp::detail::iequals;
using ossmp::detail::istarts_with;

void server::impl::control(request_ctx& c) {
    drain(c);
    auto json = [&](int status, std::string body) {
        c.res.status = status;
        c.res.set_content(body, "application/json");
    };
    // The control plane can break every client, so it answers only its token's holder, and
    // never a web page: a browser adds Origin to every cross-origin request it sends, and a
    // page cannot set the token header without a preflight we never answer.
    if (!cfg.control_plane) return json(404, "{\"error\":\"the control plane is switched off\"}");
    if (c.in.headers.contains("Origin"))
        return json(403, "{\"error\":\"control requests from a web page (with an Origin header) are refused\"}");
    auto token = c.in.headers.get(control_token_header);
    if (!token || !constant_time_equal(*token, cfg.control_token))
        return json(403, "{\"error\":\"control requests need the header X-Ossmp-Emulator-Token with the token "
                         "the emulator printed at start\"}");
    const auto& m = c.in.method;
    std::string_view what = std::string_view(c.raw_path).substr(control_prefix.size());
    if (what == "/counters" && m == "GET") {
        std::lock_guard lock(stats_mu);
        return json(200, stats.to_json());
    }
    if (what == "/counters/reset" && (m == "POST" || m == "PUT")) {
        std::lock_guard lock(stats_mu);
        stats = counters{};
        return json(200, "{}");
    }
    if (what == "/faults") {
        if (m == "GET") return json(200, to_json(faults.get()));
        if (m == "DELETE") {
            faults.set(fault_config{});
            return json(200, to_json(faults.get()));
        }
        if (m == "PUT" || m == "POST") {
            auto f = parse_fault_query(c.in.query);
            if (!f) return json(400, "{\"error\":" + json_string(f.error().message) + "}");
            faults.set(*f);
            return json(200, to_json(*f));
        }
    }
    json(404, "{\"error\":\"unknown control endpoint\"}");
}

}  // namespace ossmp::inline v0::emulator
