// Reading request bodies: draining, reset faults, and receiving a body into storage.
#include "server_impl.hpp"

#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/md5.hpp>

#include "oss_error.hpp"

namespace ossmp::inline v0::emulator {

using ossmp::detail::iequals;
using ossmp::detail::istarts_with;

void server::impl::drain(request_ctx& c) {
    if (c.body_read) return;
    read_body(c, [](const char*, std::size_t) { return true; });
}

void server::impl::reset_mid_body(request_ctx& c) {
    auto limit = faults.get().reset_after_bytes;
    std::uint64_t seen = 0;
    read_body(c, [&](const char*, std::size_t n) {
        seen += n;
        return seen < limit;
    });
    // finish() cuts the connection, after the counters are updated, so a client that sees
    // the reset also sees it counted.
    c.connection_cut = true;
    c.res.status = 500;  // never reaches the client: the connection is gone
}

result<std::optional<server::impl::received>> server::impl::receive(request_ctx& c) {
    // OSS's limit for one part or a PutObject body. A chunked body has no declared length, so
    // it is held to the limit while it arrives; either way the rest is not read (finish()
    // closes the connection).
    auto too_large = [] {
        return oss_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
                         "0017-00000221");
    };
    if (c.content_length > cfg.max_body_size) return too_large();
    auto w = st->new_writer(c.content_length);
    if (!w) {
        drain(c);
        return w.error();
    }
    md5 h;
    crc64 crc;
    error write_error;
    bool ok = true;
    // In fast_etag mode the body's MD5 is needed only to check a Content-MD5 header.
    bool hash_md5 = !cfg.fast_etag || !header(c, "Content-MD5").empty();
    std::uint64_t total = 0;
    if (current_stream && c.reader && !c.chunked && c.content_length > 0) {
        // A body of known length is read here, straight from the connection into storage,
        // instead of through httplib's 4 KiB buffer (one copy less; see raw_stream). httplib
        // never reads a body its content-reader handler did not ask for.
        c.body_read = true;
        std::uint64_t left = c.content_length;
        while (left > 0) {
            auto space = (*w)->buffer(static_cast<std::size_t>(std::min<std::uint64_t>(left, 1u << 20)));
            if (!space) {
                write_error = space.error();
                break;
            }
            ssize_t n = current_stream->read_into(space->data(), space->size());
            if (n <= 0) {
                ok = false;
                break;
            }
            auto got = static_cast<std::size_t>(n);
            if (hash_md5) h.update(space->data(), got);
            crc.update(space->data(), got);
            total += got;
            if (auto r = (*w)->commit(got); !r) {
                write_error = r.error();
                break;
            }
            c.bytes += got;
            left -= got;
        }
        if (write_error) {
            // Storage failed: the rest of the body still has to be consumed.
            std::vector<char> sink(64 * 1024);
            while (left > 0) {
                ssize_t n = current_stream->read_into(sink.data(), std::min<std::uint64_t>(left, sink.size()));
                if (n <= 0) break;
                left -= static_cast<std::uint64_t>(n);
                c.bytes += static_cast<std::uint64_t>(n);
            }
            return internal_error("storage failure: " + write_error.message);
        }
    } else {
        bool over = false;
        ok = read_body(c, [&](const char* data, std::size_t n) {
            if (total + n > cfg.max_body_size) {
                over = true;
                return false;
            }
            if (hash_md5) h.update(data, n);
            crc.update(data, n);
            total += n;
            if (auto r = (*w)->write(data, n); !r) {
                write_error = r.error();
                return false;
            }
            return true;
        });
        if (over) {
            c.res.set_header("Connection", "close");
            close_after_response = true;
            return too_large();
        }
    }
    if (write_error) {
        drain(c);
        return internal_error("storage failure: " + write_error.message);
    }
    if (!ok) return std::optional<received>();
    auto b = (*w)->finish();
    if (!b) return internal_error("storage failure: " + b.error().message);
    received r;
    r.data = std::move(*b);
    r.crc = crc.value();
    if (hash_md5 || !cfg.fast_etag) {
        r.md5 = h.final();
    } else {
        // Benchmark mode: a stand-in digest from what was computed anyway (see config).
        char id[16];
        for (int i = 0; i < 8; ++i) id[i] = static_cast<char>(r.crc >> (8 * i));
        for (int i = 0; i < 8; ++i) id[8 + i] = static_cast<char>(total >> (8 * i));
        r.md5 = md5::hash(id, sizeof id);
    }
    return std::optional<received>(std::move(r));
}

}  // namespace ossmp::inline v0::emulator
