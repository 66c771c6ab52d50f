// Invariant: the ECS metadata and credentials URI response parsers answer every response
// without crashing. Byte 0: bits 0-1 pick the parser (metadata token, RAM role name, role
// credentials, credentials URI), bits 2-3 the status (200, 200, 404, 500); the rest is the
// body. Success only for 200: a token is 1..4096 printable ASCII bytes without spaces; a
// role name builds a credentials request whose path is the role path plus that name;
// role credentials carry a token and an expiration. A failure has a known errc, the
// status in http_status when it was not 200, and one of the parsers' fixed messages: no
// byte of the body reaches it.
#include <cstdint>
#include <string>
#include <string_view>

#include <ossmp/credentials/ecs_role_provider.hpp>
#include <ossmp/credentials/uri_provider.hpp>

#include "fuzz_json.hpp"
#include "fuzz_response.hpp"

namespace {
template <class T>
void check_failure(const ossmp::result<T>& r, int status) {
    using ossmp::errc;
    const auto& e = r.error();
    FUZZ_CHECK(e.code == errc::service_error || e.code == errc::json_syntax || e.code == errc::json_limit ||
               e.code == errc::malformed_response || e.code == errc::missing_field || e.code == errc::invalid_field ||
               e.code == errc::invalid_credentials);
    if (e.code == errc::service_error) FUZZ_CHECK(e.http_status == status && status != 200);
    FUZZ_CHECK(fuzz_support::is_known_message(e.message));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static constexpr int statuses[4] = {200, 200, 404, 500};
    ossmp::http_response resp;
    resp.status = statuses[(data[0] >> 2) & 3];
    resp.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] & 3) {
    case 0: {
        auto t = ossmp::parse_ecs_metadata_token_response(resp);
        if (!t) return check_failure(t, resp.status), 0;
        FUZZ_CHECK(resp.status == 200);
        FUZZ_CHECK(!t->empty() && t->size() <= 4096);
        for (char c : *t) FUZZ_CHECK(c > ' ' && c < 0x7F);
        ossmp::ecs_metadata_options opt;
        auto req = ossmp::make_ecs_role_name_request(opt, *t);
        FUZZ_CHECK(req.has_value() && req->headers.get_or(ossmp::ecs_metadata_token_header) == *t);
        break;
    }
    case 1: {
        auto role = ossmp::parse_ecs_role_name_response(resp);
        if (!role) return check_failure(role, resp.status), 0;
        FUZZ_CHECK(resp.status == 200);
        auto req = ossmp::make_ecs_role_credentials_request(ossmp::ecs_metadata_options{}, *role);
        FUZZ_CHECK(req.has_value());
        FUZZ_CHECK(req->path == std::string(ossmp::ecs_role_credentials_path) + *role);
        FUZZ_CHECK(req->target() == req->path);  // nothing in the name needed encoding
        break;
    }
    case 2: {
        auto c = ossmp::parse_ecs_role_credentials_response(resp);
        if (!c) return check_failure(c, resp.status), 0;
        FUZZ_CHECK(resp.status == 200 && c->has_token() && c->expiration.has_value());
        FUZZ_CHECK(ossmp::validate_credentials(*c).has_value());
        break;
    }
    default: {
        auto c = ossmp::parse_credentials_uri_response(resp);
        if (!c) return check_failure(c, resp.status), 0;
        FUZZ_CHECK(resp.status == 200 && ossmp::validate_credentials(*c).has_value());
        break;
    }
    }
    return 0;
}
