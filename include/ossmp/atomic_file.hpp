// ossmp: replacing a small file atomically (checkpoints): write a temporary file beside
// it, flush it to disk, rename it over the old one. A crash at any point leaves either the
// old file or the new one, never a torn one. POSIX only.
//
// Each call writes its own temporary file (mkstemp: `PATH.tmp-XXXXXX`, a unique name), so
// two writers of the same path (two processes, or two threads) never truncate or rename
// each other's half-written file: each rename installs one whole text, the last one wins.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Writes `text` to `path` atomically, through a uniquely named temporary file in the same
/// directory (removed again on any failure). The file is created with mode 0600.
/// Errors: errc::io_error naming the path and reason.
inline result<void> write_file_atomically(const std::string& path, std::string_view text) {
    std::string tmp = path + ".tmp-XXXXXX";
    int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
    if (fd < 0)
        return make_error(errc::io_error, "cannot create a temporary file beside " + path + ": " + std::strerror(errno));
    auto fail = [&](const char* what) {
        auto e = make_error(errc::io_error, std::string(what) + " " + tmp + ": " + std::strerror(errno));
        ::unlink(tmp.c_str());
        return e;
    };
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
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        auto e = make_error(errc::io_error, "cannot rename " + tmp + " over " + path + ": " + std::strerror(errno));
        ::unlink(tmp.c_str());
        return e;
    }
    return ok();
}

}  // namespace ossmp::inline v0
