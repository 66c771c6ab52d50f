// ossmp CLI: the checkpoint file of `cp`: reading it with messages that say what is wrong
// (and never advise deleting a file ossmp may not have written), and the lock that keeps
// two runs off one checkpoint.
//
// The lock is a file beside the checkpoint, `CHECKPOINT.lock`, held with flock() for the
// whole run and holding "pid N on host H since T" so a second run can say who has it.
// Creating it also proves, before anything is sent, that checkpoints can be saved there.
// The holder removes it when done, while still holding the lock; a run that locked a file
// just removed (its inode no longer at the path) retries on the new one.
#pragma once

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ossmp/ossmp.hpp>

#include "text_out.hpp"

namespace ossmp_cli {

/// Reads the checkpoint at `path`: nullopt when there is none. Errors (nothing is changed):
/// errc::io_error when it cannot be read (a directory, a FIFO, no permission...),
/// errc::checkpoint_invalid when it is not a checkpoint at all (the source file, say).
inline ossmp::result<std::optional<ossmp::checkpoint>> load_checkpoint(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::optional<ossmp::checkpoint>();  // nothing there
        return ossmp::make_error(ossmp::errc::io_error, "cannot read the checkpoint " + path + ": " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return ossmp::make_error(ossmp::errc::io_error,
                                 "the checkpoint path " + path + " is a directory; pass --checkpoint FILE to save it elsewhere");
    constexpr off_t largest = 16 << 20;  // 10,000 parts take about 1 MB
    if (!S_ISREG(st.st_mode) || st.st_size > largest)
        return ossmp::make_error(ossmp::errc::checkpoint_invalid,
                                 path + " is not an ossmp checkpoint (" +
                                     (S_ISREG(st.st_mode) ? "far too large" : "not a regular file") +
                                     "), so ossmp leaves it alone; pass --checkpoint with a path of its own");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return ossmp::make_error(ossmp::errc::io_error, "cannot read the checkpoint " + path + ": " + std::strerror(errno));
    std::string text;
    char buf[65536];
    for (;;) {
        auto n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            auto e = ossmp::make_error(ossmp::errc::io_error, "cannot read the checkpoint " + path + ": " + std::strerror(errno));
            ::close(fd);
            return e;
        }
        if (n == 0 || text.size() > static_cast<std::size_t>(largest)) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    auto cp = ossmp::parse_checkpoint(text);
    if (!cp)
        return ossmp::make_error(ossmp::errc::checkpoint_invalid,
                                 path + " is not an ossmp checkpoint (" + cp.error().message +
                                     "), so ossmp leaves it alone; pass --checkpoint with a path of its own");
    return std::optional<ossmp::checkpoint>(std::move(*cp));
}

/// The lock on one checkpoint path, held until destroyed (see above). Move-only.
class checkpoint_lock {
public:
    /// Takes the lock. Errors: errc::io_error when another run holds it (naming its pid and
    /// host) or when the lock file cannot be created or written (then no checkpoint could be
    /// saved there either).
    static ossmp::result<checkpoint_lock> acquire(const std::string& checkpoint_path) {
        std::string path = checkpoint_path + ".lock";
        for (int attempt = 0; attempt < 5; ++attempt) {
            int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
            if (fd < 0) return cannot_save(checkpoint_path, "cannot create " + path);
            if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
                int err = errno;
                std::string holder = read_holder(fd);
                ::close(fd);
                if (err != EWOULDBLOCK) {
                    errno = err;
                    return cannot_save(checkpoint_path, "cannot lock " + path);
                }
                return ossmp::make_error(ossmp::errc::io_error,
                                         "the checkpoint " + checkpoint_path + " is in use by another ossmp run (" +
                                             (holder.empty() ? std::string("holder unknown") : holder) +
                                             "); wait for it to finish, or give this run its own --checkpoint FILE");
            }
            struct stat held {}, now {};
            if (::fstat(fd, &held) != 0 || ::stat(path.c_str(), &now) != 0 || held.st_ino != now.st_ino ||
                held.st_dev != now.st_dev) {
                ::close(fd);  // its holder removed it as we locked it: lock the new one
                continue;
            }
            checkpoint_lock lock(std::move(path), fd);
            if (auto r = lock.write_holder(); !r) return cannot_save(checkpoint_path, r.error().message);
            return lock;
        }
        return ossmp::make_error(ossmp::errc::io_error, "cannot lock " + path + ": it keeps being replaced");
    }

    checkpoint_lock(checkpoint_lock&& o) noexcept : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)) {}
    checkpoint_lock& operator=(checkpoint_lock&&) = delete;
    ~checkpoint_lock() {
        if (fd_ < 0) return;
        ::unlink(path_.c_str());  // still locked: a waiting run re-checks the inode
        ::close(fd_);
    }

private:
    checkpoint_lock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

    static ossmp::error cannot_save(const std::string& checkpoint_path, const std::string& what) {
        return ossmp::make_error(ossmp::errc::io_error,
                                 "cannot save checkpoints at " + checkpoint_path + ": " + what + ": " +
                                     std::strerror(errno) + "; pass --checkpoint FILE in a writable directory");
    }

    static std::string read_holder(int fd) {
        char buf[256];
        auto n = ::pread(fd, buf, sizeof buf - 1, 0);
        if (n <= 0) return {};
        std::string s(buf, static_cast<std::size_t>(n));
        if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
        return printable(s);
    }

    ossmp::result<void> write_holder() {
        char host[256] = "unknown";
        ::gethostname(host, sizeof host - 1);
        host[sizeof host - 1] = '\0';
        std::string line = "pid " + std::to_string(::getpid()) + " on host " + host + ", since " +
                           ossmp::format_iso8601(ossmp::system_clock{}.now()) + "\n";
        if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size()))
            return ossmp::make_error(ossmp::errc::io_error, "cannot write " + path_);
        return ossmp::ok();
    }

    std::string path_;
    int fd_ = -1;
};

}  // namespace ossmp_cli
