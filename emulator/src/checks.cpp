// Header and query checks several operations share.
#include "server_impl.hpp"

#include <algorithm>
#include <cstring>

#include <ossmp/crypto/base64.hpp>
#include <ossmp/dialect.hpp>

#include "oss_error.hpp"

namespace ossmp::inline v0::emulator {

using ossmp::detail::iequals;
using ossmp::detail::istarts_with;

result<bool> server::impl::url_encoding(const request_ctx& c) {
    auto* p = param(c, "encoding-type");
    if (!p) return false;
    if (p->value != "url")
        return invalid_argument("The encoding type must be url.", "encoding-type", p->value, "0005-00000001");
    return true;
}

result<std::optional<md5_digest>> server::impl::content_md5(const request_ctx& c) {
    auto v = c.in.headers.get("Content-MD5");
    if (!v) return std::optional<md5_digest>();
    auto raw = base64_decode(ossmp::detail::trim(*v));
    if (!raw || raw->size() != 16)
        return oss_error(400, "InvalidDigest", "The Content-MD5 you specified was invalid.", "0002-00000017");
    md5_digest d;
    std::memcpy(d.data(), raw->data(), 16);
    return std::optional<md5_digest>(d);
}

result<stored_headers> server::impl::object_headers(const request_ctx& c) {
    stored_headers out;
    for (auto name : kept_plain_headers)
        if (auto v = c.in.headers.get(name)) out.push_back({std::string(name), std::string(*v)});
    for (auto name : kept_oss_headers)
        if (auto v = c.in.headers.get(name)) out.push_back({std::string(name), std::string(*v)});
    for (const auto& h : c.in.headers)
        if (istarts_with(h.name, oss_dialect.meta_prefix)) out.push_back({ossmp::detail::lower(h.name), h.value});
    auto check = [&](std::string_view name, std::initializer_list<std::string_view> allowed) -> result<void> {
        auto v = c.in.headers.get(name);
        if (!v) return ok();
        for (auto a : allowed)
            if (*v == a) return ok();
        return invalid_argument("The value of " + std::string(name) + " is invalid.", std::string(name),
                                std::string(*v), "0005-00000002");
    };
    if (auto r = check("x-oss-storage-class", {"Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"}); !r)
        return r.error();
    if (auto r = check("x-oss-object-acl", {"private", "public-read", "public-read-write", "default"}); !r)
        return r.error();
    if (auto r = check("x-oss-server-side-encryption", {"AES256", "KMS", "SM4"}); !r) return r.error();
    if (auto tagging = c.in.headers.get("x-oss-tagging"); tagging && !tagging->empty()) {
        std::size_t tags = 1 + static_cast<std::size_t>(std::count(tagging->begin(), tagging->end(), '&'));
        if (tags > 10)
            return oss_error(400, "BadRequest", "Object tags cannot be greater than 10.", "0005-00000003");
    }
    return out;
}

}  // namespace ossmp::inline v0::emulator
