// ossmp: a body source over a file, read with pread so parts are read concurrently and in
// any order without a shared file position, and so memory never grows with file or part
// size. POSIX only.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/hex.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/result.hpp>
#include <ossmp/source_identity.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// A readable regular file. Move-only; closes the file when destroyed.
class file_source {
public:
    /// Opens `path` for reading. Errors: errc::io_error naming the path and the reason
    /// (missing, unreadable, a directory, a FIFO or device: not a regular file). Never
    /// blocks: the path is checked before it is opened, and opened non-blocking, so a FIFO
    /// with no writer is refused instead of hanging in open().
    static result<file_source> open(const std::string& path) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) return io_failure("cannot open", path);
        if (!S_ISREG(st.st_mode)) return not_regular(path, st.st_mode);
        // Non-blocking, in case the path was swapped for a FIFO since the stat.
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) return io_failure("cannot open", path);
        if (::fstat(fd, &st) != 0) {
            auto e = io_failure("cannot stat", path);
            ::close(fd);
            return e;
        }
        if (!S_ISREG(st.st_mode)) {
            ::close(fd);
            return not_regular(path, st.st_mode);
        }
        if (int fl = ::fcntl(fd, F_GETFL); fl >= 0) ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        file_source f;
        f.fd_ = fd;
        f.path_ = path;
        f.size_ = static_cast<std::uint64_t>(st.st_size);
        return f;
    }

    file_source(file_source&& o) noexcept
        : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)), size_(o.size_) {}
    file_source& operator=(file_source&& o) noexcept {
        if (this != &o) {
            close();
            fd_ = std::exchange(o.fd_, -1);
            path_ = std::move(o.path_);
            size_ = o.size_;
        }
        return *this;
    }
    ~file_source() { close(); }

    /// Reads up to out.size() bytes at `offset` (thread-safe: pread).
    result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) const {
        for (;;) {
            auto n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno != EINTR) return io_failure("cannot read", path_);
        }
    }

    /// Size when opened, in bytes.
    std::uint64_t size() const noexcept { return size_; }
    /// The path it was opened with.
    const std::string& path() const noexcept { return path_; }

    /// The file as it is now (a fresh fstat of the open file, not the figures from open()):
    /// size, modification and status-change times, inode, device, and a content
    /// fingerprint: the hex CRC-64 of three 64 KiB samples (start, middle, end) and the
    /// size. It reads at most 192 KiB, so it stays cheap; with the times it catches files
    /// that were replaced or rewritten, even with their mtime put back (the status-change
    /// time moves with every write). Call it before the upload (upload_config::source) and
    /// again before Complete (check_source) to catch a file changed in between.
    result<source_identity> identity() const {
        struct stat st {};
        if (::fstat(fd_, &st) != 0) return io_failure("cannot stat", path_);
        auto size = static_cast<std::uint64_t>(st.st_size);
        source_identity id;
        id.size = size;
        id.mtime_ns = ns_of(st.st_mtim);
        id.ctime_ns = ns_of(st.st_ctim);
        id.inode = static_cast<std::uint64_t>(st.st_ino);
        id.device = static_cast<std::uint64_t>(st.st_dev);
        constexpr std::uint64_t sample = 64 * 1024;
        std::string buf(sample, '\0');
        std::uint64_t crc = crc64_update(0, std::to_string(size));
        std::uint64_t starts[3] = {0, size > sample ? size / 2 - sample / 2 : 0, size > sample ? size - sample : 0};
        for (auto start : starts) {
            std::uint64_t want = std::min(sample, size - std::min(start, size));
            std::uint64_t got = 0;
            while (got < want) {
                auto r = read_at(start + got, std::span<char>(buf.data(), want - got));
                if (!r) return r.error();
                if (*r == 0) return make_error(errc::source_changed, path_ + " shrank while being read");
                crc = crc64_update(crc, buf.data(), *r);
                got += *r;
            }
        }
        id.fingerprint = "crc64s:" + hex_u64(crc);
        return id;
    }

    /// Tells the kernel the range will not be read again (posix_fadvise DONTNEED), so a
    /// huge upload does not evict the rest of the page cache.
    void release(body_range r) const noexcept {
#ifdef POSIX_FADV_DONTNEED
        ::posix_fadvise(fd_, static_cast<off_t>(r.offset), static_cast<off_t>(r.length), POSIX_FADV_DONTNEED);
#else
        (void)r;
#endif
    }

private:
    file_source() = default;
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    static std::int64_t ns_of(const timespec& t) noexcept {
        return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
    }
    static error not_regular(const std::string& path, mode_t mode) {
        std::string kind = S_ISDIR(mode)                   ? "a directory"
                           : S_ISFIFO(mode)                ? "a FIFO"
                           : S_ISSOCK(mode)                ? "a socket"
                           : S_ISCHR(mode) || S_ISBLK(mode) ? "a device"
                                                            : "a special file";
        return make_error(errc::io_error, path + " is not a regular file (it is " + kind + ")");
    }
    static error io_failure(const char* what, const std::string& path) {
        return make_error(errc::io_error, std::string(what) + " " + path + ": " + std::strerror(errno));
    }

    int fd_ = -1;
    std::string path_;
    std::uint64_t size_ = 0;
};

}  // namespace ossmp::inline v0
