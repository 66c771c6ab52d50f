// ossmp: replacing a small file atomically (checkpoints): write a temporary file beside
// it, flush it to disk, rename it over the old one. A crash at any point leaves either the
// old file or the new one, never a torn one. POSIX only.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Writes `text` to `path` atomically. Errors: errc::io_error naming the path and reason.
inline result<void> write_file_atomically(const std::string& path, std::string_view text) {
    std::string tmp = path + ".tmp";
    auto fail = [&](const char* what) {
        auto e = make_error(errc::io_error, std::string(what) + " " + tmp + ": " + std::strerror(errno));
        ::unlink(tmp.c_str());
        return e;
    };
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail("cannot create");
    std::size_t done = 0;
    while (done < text.size()) {
        auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            return fail("cannot write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        return fail("cannot flush");
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot rename over the destination");
    return ok();
}

}  // namespace ossmp::inline v0
