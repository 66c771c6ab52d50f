// Bucket operations: PutBucket.
#include "server_impl.hpp"

namespace ossmp::inline v0::emulator {

using ossmp::detail::iequals;
using ossmp::detail::istarts_with;

void server::impl::put_bucket(request_ctx& c) {
    drain(c);
    if (auto r = st->create_bucket(c.in.bucket, now(), true); !r) return send_error(c, r.error());
    c.res.set_header("Location", "/" + c.in.bucket);
    send_empty(c, 200);
}

}  // namespace ossmp::inline v0::emulator
