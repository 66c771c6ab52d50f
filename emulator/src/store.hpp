// ossmp emulator internals: buckets, objects and multipart uploads, in memory or on disk.
//
// Every mutation is ordered so that a crash or a failed request never leaves stored data
// half-written: bodies are written to a temporary file (or buffer) first and only become
// visible when their metadata record is atomically replaced (write temp file, rename).
// File names are generated ids or hashes, never derived from object keys, so no key can
// reach outside the directory; bucket names are validated before they become directories.
//
// Disk layout under `dir`:
//   format                                       "ossmp-emulator-store 1"
//   tmp/                                         bodies and records being written; emptied at open
//   buckets/<bucket>/bucket                      record: created
//   buckets/<bucket>/objects/<sha256(key)>.meta  record of one object, names its data file
//   buckets/<bucket>/objects/<id>.data           object bytes
//   buckets/<bucket>/uploads/<upload id>/upload  record: key, initiated, metadata headers
//   buckets/<bucket>/uploads/<upload id>/part-<n>.meta, <id>.data   one uploaded part
// On open every record is read back; data files no record names are left-overs of an
// interrupted write and are deleted, as is an upload directory without its `upload` record
// (removing that record is the first step of completing or aborting an upload).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ossmp/headers.hpp>
#include <ossmp/result.hpp>
#include <ossmp/time.hpp>
#include <ossmp/xml/complete_body.hpp>

#include "util.hpp"

namespace ossmp::inline v0::emulator::detail {

// A piece of an in-memory body. Full-size chunks (8 MiB) come from a process-wide pool that
// keeps up to 1 GiB of freed chunks: fresh memory costs a page fault per 4 KiB, about as
// much CPU as receiving the bytes, so a server that keeps replacing objects reuses memory.
// (Transparent huge pages were tried: on this project's VMs first-touching them was slower.)
class chunk {
public:
    static std::shared_ptr<chunk> make(std::size_t capacity);
    ~chunk();
    chunk(const chunk&) = delete;
    chunk& operator=(const chunk&) = delete;
    const char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return capacity_; }
    // Appends at most capacity() - size() bytes; returns how many.
    std::size_t append(const char* p, std::size_t n) noexcept;
    // The unused space, and declaring `n` bytes of it used.
    char* tail() noexcept { return data_ + size_; }
    void grow(std::size_t n) noexcept { size_ += n; }

private:
    chunk() = default;
    char* data_ = nullptr;
    std::size_t size_ = 0, capacity_ = 0;
};

// Immutable stored bytes: a list of shared in-memory chunks, or one file.
// A blob still `temporary` deletes its file when dropped, so a body whose request failed
// after it was written cannot be left behind.
struct blob {
    std::uint64_t size = 0;
    std::vector<std::shared_ptr<const chunk>> chunks;        // memory mode
    std::string path;                                        // disk mode: the data file
    bool temporary = false;                                  // path is under tmp/, not committed
    blob() = default;
    blob(const blob&) = delete;
    blob& operator=(const blob&) = delete;
    ~blob();
};

// Reads a blob; for files it holds an open descriptor, so reading goes on even if the file
// is replaced or deleted meanwhile.
class blob_reader {
public:
    static result<std::shared_ptr<blob_reader>> open(std::shared_ptr<const blob> b);
    ~blob_reader();
    blob_reader(const blob_reader&) = delete;
    blob_reader& operator=(const blob_reader&) = delete;
    // Calls `sink(data, n)` for the `length` bytes at `offset`, in order; returns false when
    // the sink refuses or a read fails.
    template <class Sink>
    bool read(std::uint64_t offset, std::uint64_t length, Sink&& sink);

private:
    blob_reader() = default;
    bool read_file(std::uint64_t offset, std::uint64_t length, const std::function<bool(const char*, std::size_t)>& sink);
    std::shared_ptr<const blob> blob_;
    int fd_ = -1;
};

// Receives a body as it arrives. Nothing is visible until the store commits the finished
// blob; destroying an unfinished writer discards what it wrote.
class blob_writer {
public:
    virtual ~blob_writer() = default;
    virtual result<void> write(const char* data, std::size_t n) = 0;
    // Zero-copy writing: space for at most `want` (> 0) bytes, at least one, that the caller
    // fills (e.g. recv() straight into it) and then declares with commit().
    virtual result<std::span<char>> buffer(std::size_t want) = 0;
    virtual result<void> commit(std::size_t n) = 0;
    // Ends the body; the blob is in temporary storage until a store call commits it.
    virtual result<std::shared_ptr<blob>> finish() = 0;
};

using md5_digest = std::array<std::uint8_t, 16>;

// Headers kept with an object (Content-Type, x-oss-meta-*, storage class, ACL, tagging...),
// in the form they are returned on GetObject/HeadObject.
using stored_headers = std::vector<header>;

struct object_record {
    std::string key;
    std::uint64_t size = 0;
    std::string etag;  // quoted
    std::uint64_t crc64 = 0;
    time_point last_modified;
    std::string type;  // "Normal" or "Multipart"
    stored_headers meta;
    std::shared_ptr<const blob> data;
};

struct part_record {
    std::uint32_t number = 0;
    std::uint64_t size = 0;
    std::string etag;  // quoted upper-case hex MD5
    md5_digest md5{};
    std::uint64_t crc64 = 0;
    time_point last_modified;
    std::shared_ptr<const blob> data;
};

struct upload_summary {
    std::string key;
    std::string upload_id;
    time_point initiated;
    std::string storage_class;
};

struct upload_snapshot {
    std::string key;
    std::string upload_id;
    std::string storage_class;
    std::vector<part_record> parts;  // ascending by number
};

// How to complete an upload.
struct complete_request {
    bool all = false;                    // x-oss-complete-all: yes
    std::vector<completed_part> parts;   // the listed parts (when !all), as sent
    bool forbid_overwrite = false;
    std::string acl;                     // x-oss-object-acl override, "" = keep
};

class store {
public:
    // Opens `dir` (created when missing) and loads it; an empty `dir` keeps everything in
    // memory. Errors: errc::io_error.
    static result<std::unique_ptr<store>> open(const std::string& dir, id_source& ids);
    ~store();

    bool on_disk() const noexcept { return !dir_.empty(); }

    // Buckets. create_bucket fails with 409 BucketAlreadyExists when it exists and
    // `must_be_new`, else succeeds.
    result<void> create_bucket(const std::string& name, time_point now, bool must_be_new);
    bool has_bucket(const std::string& name) const;

    // A writer for a body of about `size_hint` bytes (0 = unknown).
    result<std::unique_ptr<blob_writer>> new_writer(std::uint64_t size_hint);

    // Objects.
    result<std::shared_ptr<const object_record>> get_object(const std::string& bucket, const std::string& key) const;
    bool object_exists(const std::string& bucket, const std::string& key) const;
    // Stores a finished blob as the object (409 FileAlreadyExists with `forbid_overwrite`).
    result<std::shared_ptr<const object_record>> put_object(const std::string& bucket, const std::string& key,
                                                            std::shared_ptr<blob> data, const md5_digest& md5,
                                                            std::uint64_t crc64, stored_headers meta,
                                                            bool forbid_overwrite, time_point now);
    // Removes the object; succeeds whether or not it existed.
    result<void> delete_object(const std::string& bucket, const std::string& key);

    // Uploads.
    result<std::string> initiate(const std::string& bucket, const std::string& key, stored_headers meta,
                                 time_point now);
    // Checks that the upload exists for this key (404 NoSuchUpload otherwise).
    result<void> check_upload(const std::string& bucket, const std::string& key, const std::string& upload_id) const;
    result<part_record> commit_part(const std::string& bucket, const std::string& key,
                                    const std::string& upload_id, std::uint32_t number, std::shared_ptr<blob> data,
                                    const md5_digest& md5, std::uint64_t crc64, time_point now);
    result<upload_snapshot> snapshot(const std::string& bucket, const std::string& key,
                                     const std::string& upload_id) const;
    result<std::shared_ptr<const object_record>> complete(const std::string& bucket, const std::string& key,
                                                          const std::string& upload_id, const complete_request& how,
                                                          time_point now);
    result<void> abort(const std::string& bucket, const std::string& key, const std::string& upload_id);
    // Every unfinished upload of the bucket, sorted by key, then upload id (= initiation).
    result<std::vector<upload_summary>> list_uploads(const std::string& bucket) const;

    // For tests and diagnostics: how many objects and uploads the bucket holds.
    std::size_t object_count(const std::string& bucket) const;

private:
    struct upload_state;
    struct bucket_state;
    explicit store(std::string dir, id_source& ids);
    result<void> load();
    result<void> load_bucket(const std::string& name);
    std::shared_ptr<bucket_state> find_bucket(const std::string& name) const;
    std::shared_ptr<upload_state> find_upload(const bucket_state& b, const std::string& key,
                                              const std::string& upload_id) const;
    result<std::shared_ptr<blob>> assemble(const std::vector<const part_record*>& parts);
    result<void> place(blob& b, const std::string& final_path);
    result<void> write_record_file(const std::string& path, const record& r);
    std::string bucket_dir(const std::string& bucket) const;
    std::string object_meta_path(const std::string& bucket, const std::string& key) const;
    std::string upload_dir(const std::string& bucket, const std::string& upload_id) const;
    void discard_file(const std::string& path) const;

    std::string dir_;
    id_source& ids_;
    mutable std::shared_mutex mu_;  // guards the maps below, never held during I/O of bodies
    std::map<std::string, std::shared_ptr<bucket_state>> buckets_;
};

// The quoted upper-case hex ETag of a body with this MD5.
std::string etag_of(const md5_digest& md5);

template <class Sink>
bool blob_reader::read(std::uint64_t offset, std::uint64_t length, Sink&& sink) {
    if (length == 0) return true;
    if (!blob_->path.empty())
        return read_file(offset, length, [&](const char* d, std::size_t n) { return sink(d, n); });
    std::uint64_t pos = 0;
    for (const auto& c : blob_->chunks) {
        std::uint64_t begin = pos, end = pos + c->size();
        pos = end;
        if (end <= offset) continue;
        if (begin >= offset + length) break;
        std::uint64_t from = offset > begin ? offset - begin : 0;
        std::uint64_t to = (offset + length < end ? offset + length : end) - begin;
        if (!sink(c->data() + from, static_cast<std::size_t>(to - from))) return false;
    }
    return true;
}

}  // namespace ossmp::inline v0::emulator::detail
