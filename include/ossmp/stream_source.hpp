// ossmp: a body source over a stream of unknown size (a pipe, stdin, a socket). The
// upload machine asks for each part to be read (read_source) and says when its bytes are
// no longer needed (release_body), so at most max_in_flight parts are buffered at once.
// Buffers hold the bytes read, not the part size: memory stays below max_in_flight × part
// size, and a stream shorter than one part costs about its own length.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <unistd.h>

#include <ossmp/http_request.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Buffers parts of a sequential stream. `fill` and `release` are called by the driver;
/// `read_at` may be called concurrently by transport threads.
class stream_source {
public:
    /// Reads sequentially with `read` (returns bytes read, 0 at the end, or an error).
    explicit stream_source(std::function<result<std::size_t>(std::span<char>)> read) : read_(std::move(read)) {}

    /// A sequential reader over a file descriptor (not owned), e.g. 0 for standard input.
    static std::function<result<std::size_t>(std::span<char>)> fd_reader(int fd) {
        return [fd](std::span<char> out) -> result<std::size_t> {
            for (;;) {
                auto n = ::read(fd, out.data(), out.size());
                if (n >= 0) return static_cast<std::size_t>(n);
                if (errno != EINTR)
                    return make_error(errc::io_error, std::string("cannot read the input stream: ") + std::strerror(errno));
            }
        };
    }
    /// A source reading from a file descriptor (not owned), e.g. 0 for standard input.
    /// (stream_source holds a mutex, so it is neither copied nor moved: construct it in
    /// place, e.g. `std::optional<stream_source> s; s.emplace(stream_source::fd_reader(0));`.)
    static stream_source from_fd(int fd) { return stream_source(fd_reader(fd)); }

    /// Reads up to `max_length` bytes (the stream's bytes from `offset`) into the buffer of
    /// part `part_number`; returns how many (fewer at the end of the stream). The buffer
    /// grows with the bytes that arrive (doubling from 64 KiB), so a short stream costs
    /// little memory whatever the part size: memory follows the data, never `max_length`.
    result<std::size_t> fill(std::uint32_t part_number, std::uint64_t offset, std::uint64_t max_length) {
        (void)part_number;
        constexpr std::size_t first_chunk = 64u << 10;
        std::vector<char> buf;
        {
            std::lock_guard lock(mutex_);
            if (!spare_.empty()) {
                buf = std::move(spare_.back());
                spare_.pop_back();
            }
        }
        const auto max = static_cast<std::size_t>(max_length);
        // A reused buffer keeps its capacity; resize within it costs no allocation.
        buf.resize(std::min(max, std::max(buf.capacity(), first_chunk)));
        std::size_t got = 0;
        while (got < max) {
            if (got == buf.size()) buf.resize(std::min(max, std::max(first_chunk, buf.size() * 2)));
            auto r = read_(std::span<char>(buf.data() + got, buf.size() - got));
            if (!r) return r;
            if (*r == 0) break;
            got += *r;
        }
        buf.resize(got);
        std::lock_guard lock(mutex_);
        if (got) buffers_[offset] = std::move(buf);
        return got;
    }

    /// Copies buffered bytes at `offset` (within one filled part).
    result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) {
        std::lock_guard lock(mutex_);
        auto it = buffers_.upper_bound(offset);
        if (it == buffers_.begin()) return not_buffered(offset);
        --it;
        std::uint64_t within = offset - it->first;
        if (within > it->second.size()) return not_buffered(offset);
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), it->second.size() - within));
        std::copy_n(it->second.data() + within, n, out.data());
        return n;
    }

    /// Frees the buffer of a part the machine no longer needs (kept for reuse).
    void release(body_range r) {
        std::lock_guard lock(mutex_);
        auto it = buffers_.find(r.offset);
        if (it == buffers_.end()) return;
        if (spare_.size() < 2) spare_.push_back(std::move(it->second));
        buffers_.erase(it);
    }

    /// Bytes held in part buffers right now (tests check the memory bound with it).
    std::uint64_t buffered_bytes() {
        std::lock_guard lock(mutex_);
        std::uint64_t n = 0;
        for (auto& [o, b] : buffers_) n += b.size();
        return n;
    }

private:
    static error not_buffered(std::uint64_t offset) {
        return make_error(errc::io_error, "stream offset " + std::to_string(offset) + " is not buffered");
    }

    std::function<result<std::size_t>(std::span<char>)> read_;
    std::mutex mutex_;
    std::map<std::uint64_t, std::vector<char>> buffers_;
    std::vector<std::vector<char>> spare_;
};

}  // namespace ossmp::inline v0
