// Invariant: parse_credentials_document answers every input without crashing. A success
// has an id and a secret that pass validate_credentials, and its id, secret and token are
// strings the document holds (decoded JSON strings, not invented); written back as a flat
// document they parse to the same credentials and expiration. A failure has one of the
// parser's errc values and one of its fixed messages, so it quotes nothing from the
// document (which holds secrets).
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <ossmp/credentials/document.hpp>
#include <ossmp/json/reader.hpp>

#include "fuzz_json.hpp"
#include "fuzz_response.hpp"

namespace {
void collect(const ossmp::json::value& v, std::set<std::string>& out) {
    if (v.is_string()) out.emplace(v.as_string());
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v.is_object()) out.emplace(v.key(i));
        collect(v[i], out);
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view doc(reinterpret_cast<const char*>(data), size);
    auto r = ossmp::parse_credentials_document(doc);
    if (!r) {
        using ossmp::errc;
        const auto& e = r.error();
        FUZZ_CHECK(e.code == errc::json_syntax || e.code == errc::json_limit || e.code == errc::malformed_response ||
                   e.code == errc::missing_field || e.code == errc::invalid_field ||
                   e.code == errc::invalid_credentials);
        FUZZ_CHECK(fuzz_support::is_known_message(e.message));
        return 0;
    }
    const ossmp::credentials& c = *r;
    FUZZ_CHECK(ossmp::validate_credentials(c).has_value());
    auto tree = ossmp::json::parse(doc, ossmp::credentials_document_limits);
    FUZZ_CHECK(tree.has_value());
    std::set<std::string> strings;
    collect(*tree, strings);
    FUZZ_CHECK(strings.count(c.access_key_id) && strings.count(c.access_key_secret));
    if (c.has_token()) FUZZ_CHECK(strings.count(c.security_token));

    std::string flat = "{\"AccessKeyId\":" + fuzz_support::json_quote(c.access_key_id) +
                       ",\"AccessKeySecret\":" + fuzz_support::json_quote(c.access_key_secret);
    if (c.has_token()) flat += ",\"SecurityToken\":" + fuzz_support::json_quote(c.security_token);
    if (c.expiration) flat += ",\"Expiration\":\"" + ossmp::format_iso8601(*c.expiration) + "\"";
    flat += "}";
    if (flat.size() > ossmp::credentials_document_limits.max_document_size) return 0;
    auto again = ossmp::parse_credentials_document(flat);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->access_key_id == c.access_key_id && again->access_key_secret == c.access_key_secret &&
               again->security_token == c.security_token && again->expiration == c.expiration);
    return 0;
}
