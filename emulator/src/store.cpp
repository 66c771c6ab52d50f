#include "store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/hex.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/crypto/sha256.hpp>
#include <ossmp/requests/common.hpp>
#include <ossmp/validate.hpp>

#include "oss_error.hpp"

namespace ossmp::inline v0::emulator::detail {

namespace {
// Part ETags in a Complete body are compared as OSS does: the quotes are optional (mobile
// SDKs send the bare hex) and the hex digits' case does not matter.
bool same_etag(std::string_view stored, std::string_view sent) {
    auto bare = [](std::string_view e) {
        if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
        return e;
    };
    return ossmp::detail::iequals(bare(stored), bare(sent));
}
}  // namespace

namespace fs = std::filesystem;

namespace {

constexpr std::string_view format_line = "ossmp-emulator-store 1\n";
constexpr std::size_t file_buffer_size = 1u << 20;

error io_error(std::string what, const std::string& path, int err) {
    return make_error(errc::io_error, what + " " + path + ": " + std::strerror(err));
}

// A storage failure as the client sees it: OSS answers such trouble with 500 InternalError.
error as_internal(const error& e) { return internal_error("storage failure: " + e.message); }

result<void> write_all(int fd, const char* p, std::size_t n, const std::string& path) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return io_error("cannot write", path, errno);
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return ok();
}

result<std::string> read_small_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open", path, errno);
    std::string out;
    char buf[16384];
    for (;;) {
        ssize_t r = ::read(fd, buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            return io_error("cannot read", path, err);
        }
        if (r == 0) break;
        out.append(buf, static_cast<std::size_t>(r));
        if (out.size() > (16u << 20)) {
            ::close(fd);
            return make_error(errc::io_error, "metadata file " + path + " is implausibly large");
        }
    }
    ::close(fd);
    return out;
}

result<void> make_dirs(const std::string& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) return make_error(errc::io_error, "cannot create directory " + path + ": " + ec.message());
    return ok();
}

std::string key_hash(std::string_view key) { return hex_encode(sha256::hash(key)); }

std::string time_text(time_point t) { return std::to_string(t.time_since_epoch().count()); }

bool parse_time(const std::string* s, time_point& out) {
    std::uint64_t ms = 0;
    if (!s || !parse_u64(*s, ms)) return false;
    out = time_point(std::chrono::milliseconds(static_cast<std::int64_t>(ms)));
    return true;
}

void put_headers(record& r, const stored_headers& h) {
    for (const auto& f : h) r.emplace_back("header", f.name + ":" + f.value);
}

bool get_headers(const record& r, stored_headers& out) {
    for (const auto& [n, v] : r) {
        if (n != "header") continue;
        auto colon = v.find(':');
        if (colon == std::string::npos || colon == 0) return false;
        out.push_back({v.substr(0, colon), v.substr(colon + 1)});
    }
    return true;
}

// The value of a stored header (case-insensitive name), or "".
std::string stored_value(const stored_headers& h, std::string_view name) {
    for (const auto& f : h)
        if (ossmp::detail::iequals(f.name, name)) return f.value;
    return {};
}

void set_stored(stored_headers& h, std::string_view name, std::string_view value) {
    for (auto& f : h)
        if (ossmp::detail::iequals(f.name, name)) {
            f.value.assign(value);
            return;
        }
    h.push_back({std::string(name), std::string(value)});
}

class memory_writer final : public blob_writer {
public:
    explicit memory_writer(std::uint64_t size_hint) {
        // 8 MiB chunks (four huge pages): reads rarely cross a chunk, and a body of unknown
        // size reserves little more than it uses. Small bodies get exactly their size.
        constexpr std::uint64_t max_chunk = 8u << 20, min_chunk = 64u << 10;
        std::uint64_t c = size_hint == 0 ? (1u << 20) : std::clamp(size_hint, min_chunk, max_chunk);
        chunk_ = static_cast<std::size_t>(c);
    }
    result<void> write(const char* data, std::size_t n) override {
        while (n > 0) {
            if (!cur_) cur_ = chunk::make(chunk_);
            std::size_t take = cur_->append(data, n);
            data += take;
            n -= take;
            size_ += take;
            if (cur_->size() == cur_->capacity()) done_.push_back(std::move(cur_));
        }
        return ok();
    }
    result<std::span<char>> buffer(std::size_t want) override {
        if (!cur_) cur_ = chunk::make(chunk_);
        return std::span<char>(cur_->tail(), std::min(want, cur_->capacity() - cur_->size()));
    }
    result<void> commit(std::size_t n) override {
        cur_->grow(n);
        size_ += n;
        if (cur_->size() == cur_->capacity()) done_.push_back(std::move(cur_));
        return ok();
    }
    result<std::shared_ptr<blob>> finish() override {
        if (cur_ && cur_->size() > 0) done_.push_back(std::move(cur_));
        auto b = std::make_shared<blob>();
        b->size = size_;
        b->chunks.assign(done_.begin(), done_.end());
        return b;
    }

private:
    std::vector<std::shared_ptr<chunk>> done_;
    std::shared_ptr<chunk> cur_;
    std::size_t chunk_;
    std::uint64_t size_ = 0;
};

class file_writer final : public blob_writer {
public:
    file_writer(std::string path, int fd, std::uint64_t size_hint) : path_(std::move(path)), fd_(fd) {
        cap_ = size_hint != 0 && size_hint < file_buffer_size ? static_cast<std::size_t>(size_hint) : file_buffer_size;
        buf_ = std::make_unique<char[]>(cap_);
    }
    ~file_writer() override {
        if (fd_ >= 0) ::close(fd_);
        if (!handed_over_) ::unlink(path_.c_str());
    }
    result<void> write(const char* data, std::size_t n) override {
        size_ += n;
        // Large writes straight through; small pieces (httplib hands over 4 KiB at a time)
        // are gathered so the file sees 1 MiB writes.
        if (fill_ == 0 && n >= cap_) return write_all(fd_, data, n, path_);
        while (n > 0) {
            std::size_t take = std::min(n, cap_ - fill_);
            std::memcpy(buf_.get() + fill_, data, take);
            fill_ += take;
            data += take;
            n -= take;
            if (fill_ == cap_) {
                if (auto r = flush(); !r) return r;
            }
        }
        return ok();
    }
    result<std::span<char>> buffer(std::size_t want) override {
        if (fill_ == cap_)
            if (auto r = flush(); !r) return r.error();
        return std::span<char>(buf_.get() + fill_, std::min(want, cap_ - fill_));
    }
    result<void> commit(std::size_t n) override {
        fill_ += n;
        size_ += n;
        if (fill_ == cap_) return flush();
        return ok();
    }
    result<std::shared_ptr<blob>> finish() override {
        if (auto r = flush(); !r) return r.error();
        if (::close(fd_) != 0) {
            fd_ = -1;
            return io_error("cannot close", path_, errno);
        }
        fd_ = -1;
        auto b = std::make_shared<blob>();
        b->size = size_;
        b->path = path_;
        b->temporary = true;
        handed_over_ = true;
        return b;
    }

private:
    result<void> flush() {
        if (fill_ == 0) return ok();
        auto r = write_all(fd_, buf_.get(), fill_, path_);
        fill_ = 0;
        return r;
    }
    std::string path_;
    int fd_;
    std::unique_ptr<char[]> buf_;
    std::size_t cap_ = 0, fill_ = 0;
    std::uint64_t size_ = 0;
    bool handed_over_ = false;
};

result<void> copy_file_into(int out, const std::string& from, std::uint64_t size, const std::string& out_path) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return io_error("cannot open", from, errno);
    std::uint64_t done = 0;
    bool fallback = false;
    while (done < size && !fallback) {
        ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<std::size_t>(std::min<std::uint64_t>(size - done, 1u << 30)), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) {
                fallback = true;
                break;
            }
            int err = errno;
            ::close(in);
            return io_error("cannot copy", from, err);
        }
        if (n == 0) break;
        done += static_cast<std::uint64_t>(n);
    }
    if (fallback) {
        auto buf = std::make_unique<char[]>(file_buffer_size);
        while (done < size) {
            ssize_t n = ::pread(in, buf.get(), file_buffer_size, static_cast<off_t>(done));
            if (n < 0) {
                if (errno == EINTR) continue;
                int err = errno;
                ::close(in);
                return io_error("cannot read", from, err);
            }
            if (n == 0) break;
            if (auto r = write_all(out, buf.get(), static_cast<std::size_t>(n), out_path); !r) {
                ::close(in);
                return r;
            }
            done += static_cast<std::uint64_t>(n);
        }
    }
    ::close(in);
    if (done != size) return make_error(errc::io_error, "part file " + from + " is shorter than recorded");
    return ok();
}

}  // namespace

namespace {
constexpr std::size_t pooled_chunk_size = 8u << 20;
constexpr std::size_t pool_limit = 128;  // 1 GiB of pooled chunks at most

struct chunk_pool {
    std::mutex mu;
    std::vector<char*> free;
    ~chunk_pool() {
        for (char* p : free) delete[] p;
    }
};
chunk_pool& pool() {
    static chunk_pool* p = new chunk_pool();  // never destroyed: chunks may outlive statics
    return *p;
}
}  // namespace

std::shared_ptr<chunk> chunk::make(std::size_t capacity) {
    std::shared_ptr<chunk> c(new chunk());
    if (capacity == pooled_chunk_size) {
        auto& p = pool();
        std::lock_guard lock(p.mu);
        if (!p.free.empty()) {
            c->data_ = p.free.back();
            p.free.pop_back();
        }
    }
    if (!c->data_) c->data_ = new char[capacity];
    c->capacity_ = capacity;
    return c;
}

chunk::~chunk() {
    if (capacity_ == pooled_chunk_size) {
        auto& p = pool();
        std::lock_guard lock(p.mu);
        if (p.free.size() < pool_limit) {
            p.free.push_back(data_);
            return;
        }
    }
    delete[] data_;
}

std::size_t chunk::append(const char* p, std::size_t n) noexcept {
    std::size_t take = std::min(n, capacity_ - size_);
    std::memcpy(data_ + size_, p, take);
    size_ += take;
    return take;
}

blob::~blob() {
    if (temporary && !path.empty()) ::unlink(path.c_str());
}

std::string etag_of(const md5_digest& md5) { return "\"" + hex_encode(md5, hex_case::upper) + "\""; }

// ---- blob_reader ----

result<std::shared_ptr<blob_reader>> blob_reader::open(std::shared_ptr<const blob> b) {
    std::shared_ptr<blob_reader> r(new blob_reader());
    if (!b->path.empty()) {
        r->fd_ = ::open(b->path.c_str(), O_RDONLY | O_CLOEXEC);
        if (r->fd_ < 0) return as_internal(io_error("cannot open", b->path, errno));
    }
    r->blob_ = std::move(b);
    return r;
}

blob_reader::~blob_reader() {
    if (fd_ >= 0) ::close(fd_);
}

bool blob_reader::read_file(std::uint64_t offset, std::uint64_t length,
                            const std::function<bool(const char*, std::size_t)>& sink) {
    std::size_t cap = static_cast<std::size_t>(std::min<std::uint64_t>(length, file_buffer_size));
    auto buf = std::make_unique<char[]>(cap);
    while (length > 0) {
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length, cap));
        ssize_t n = ::pread(fd_, buf.get(), want, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        if (!sink(buf.get(), static_cast<std::size_t>(n))) return false;
        offset += static_cast<std::uint64_t>(n);
        length -= static_cast<std::uint64_t>(n);
    }
    return true;
}

// ---- store ----

struct store::upload_state {
    std::mutex mu;  // serializes part commits, Complete and Abort of this upload
    std::string bucket, key, upload_id;
    time_point initiated;
    stored_headers meta;
    std::map<std::uint32_t, part_record> parts;  // guarded by mu
    bool done = false;                           // completed or aborted; guarded by mu
};

struct store::bucket_state {
    std::string name;
    time_point created;
    // Both maps are guarded by store::mu_.
    std::map<std::string, std::shared_ptr<const object_record>> objects;
    std::map<std::string, std::shared_ptr<upload_state>> uploads;  // by upload id
};

store::store(std::string dir, id_source& ids) : dir_(std::move(dir)), ids_(ids) {}
store::~store() = default;

result<std::unique_ptr<store>> store::open(const std::string& dir, id_source& ids) {
    std::unique_ptr<store> s(new store(dir, ids));
    if (!dir.empty())
        if (auto r = s->load(); !r) return r.error();
    return s;
}

std::string store::bucket_dir(const std::string& bucket) const { return dir_ + "/buckets/" + bucket; }

std::string store::object_meta_path(const std::string& bucket, const std::string& key) const {
    return bucket_dir(bucket) + "/objects/" + key_hash(key) + ".meta";
}

std::string store::upload_dir(const std::string& bucket, const std::string& upload_id) const {
    return bucket_dir(bucket) + "/uploads/" + upload_id;
}

void store::discard_file(const std::string& path) const {
    if (!path.empty()) ::unlink(path.c_str());
}

result<void> store::write_record_file(const std::string& path, const record& r) {
    std::string tmp = dir_ + "/tmp/" + ids_.file_id() + ".rec";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("cannot create", tmp, errno);
    auto text = write_record(r);
    auto w = write_all(fd, text.data(), text.size(), tmp);
    if (::close(fd) != 0 && w) w = io_error("cannot close", tmp, errno);
    if (w && ::rename(tmp.c_str(), path.c_str()) != 0) w = io_error("cannot rename into", path, errno);
    if (!w) ::unlink(tmp.c_str());
    return w;
}

// Moves a temporary blob's file to its final place (a no-op in memory).
result<void> store::place(blob& b, const std::string& final_path) {
    if (b.path.empty()) return ok();
    if (::rename(b.path.c_str(), final_path.c_str()) != 0) return io_error("cannot rename into", final_path, errno);
    b.path = final_path;
    b.temporary = false;
    return ok();
}

result<void> store::load() {
    if (auto r = make_dirs(dir_ + "/buckets"); !r) return r;
    // Whatever is in tmp/ was being written when the last run stopped.
    std::error_code ec;
    fs::remove_all(dir_ + "/tmp", ec);
    if (auto r = make_dirs(dir_ + "/tmp"); !r) return r;
    std::string format_path = dir_ + "/format";
    if (fs::exists(format_path, ec)) {
        auto text = read_small_file(format_path);
        if (!text) return text.error();
        if (*text != format_line)
            return make_error(errc::io_error, dir_ + " holds data of another format (" + format_path + ")");
    } else {
        int fd = ::open(format_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) return io_error("cannot create", format_path, errno);
        auto w = write_all(fd, format_line.data(), format_line.size(), format_path);
        ::close(fd);
        if (!w) return w;
    }
    for (const auto& entry : fs::directory_iterator(dir_ + "/buckets", ec)) {
        auto name = entry.path().filename().string();
        if (!entry.is_directory(ec) || !validate_bucket_name(name)) continue;
        if (auto r = load_bucket(name); !r) return r;
    }
    if (ec) return make_error(errc::io_error, "cannot list " + dir_ + "/buckets: " + ec.message());
    return ok();
}

result<void> store::load_bucket(const std::string& name) {
    auto b = std::make_shared<bucket_state>();
    b->name = name;
    b->created = time_point{};
    std::string bdir = bucket_dir(name);
    if (auto text = read_small_file(bdir + "/bucket"); text) {
        if (auto rec = read_record(*text); rec) parse_time(record_get(*rec, "created"), b->created);
    }
    if (auto r = make_dirs(bdir + "/objects"); !r) return r;
    if (auto r = make_dirs(bdir + "/uploads"); !r) return r;

    std::error_code ec;
    std::vector<std::string> referenced;
    for (const auto& entry : fs::directory_iterator(bdir + "/objects", ec)) {
        auto fname = entry.path().filename().string();
        if (fname.size() != 64 + 5 || fname.substr(64) != ".meta") continue;
        auto text = read_small_file(entry.path().string());
        if (!text) continue;
        auto rec = read_record(*text);
        if (!rec) continue;
        auto o = std::make_shared<object_record>();
        const std::string *key = record_get(*rec, "key"), *size = record_get(*rec, "size"),
                          *etag = record_get(*rec, "etag"), *crc = record_get(*rec, "crc64"),
                          *type = record_get(*rec, "type"), *data = record_get(*rec, "data");
        if (!key || !etag || !type || !data || key_hash(*key) != fname.substr(0, 64)) continue;
        if (!size || !parse_u64(*size, o->size) || !crc || !parse_u64(*crc, o->crc64)) continue;
        if (!parse_time(record_get(*rec, "mtime"), o->last_modified) || !get_headers(*rec, o->meta)) continue;
        if (!is_hex_name(std::string_view(*data).substr(0, 32), 32, false) || data->size() != 37 ||
            data->substr(32) != ".data")
            continue;
        std::string data_path = bdir + "/objects/" + *data;
        struct stat st;
        if (::stat(data_path.c_str(), &st) != 0 || std::uint64_t(st.st_size) != o->size) continue;
        o->key = *key;
        o->etag = *etag;
        o->type = *type;
        auto bl = std::make_shared<blob>();
        bl->size = o->size;
        bl->path = data_path;
        o->data = std::move(bl);
        referenced.push_back(*data);
        b->objects[o->key] = std::move(o);
    }
    std::sort(referenced.begin(), referenced.end());
    for (const auto& entry : fs::directory_iterator(bdir + "/objects", ec)) {
        auto fname = entry.path().filename().string();
        if (fname.size() > 5 && fname.substr(fname.size() - 5) == ".data" &&
            !std::binary_search(referenced.begin(), referenced.end(), fname))
            discard_file(entry.path().string());
    }

    for (const auto& entry : fs::directory_iterator(bdir + "/uploads", ec)) {
        auto id = entry.path().filename().string();
        std::string udir = entry.path().string();
        if (!is_hex_name(id, 32, true)) continue;
        auto text = read_small_file(udir + "/upload");
        auto rec = text ? read_record(*text) : result<record>(text.error());
        auto u = std::make_shared<upload_state>();
        const std::string* key = rec ? record_get(*rec, "key") : nullptr;
        if (!rec || !key || !parse_time(record_get(*rec, "initiated"), u->initiated) || !get_headers(*rec, u->meta)) {
            // No (valid) upload record: the upload was completed or aborted mid-cleanup.
            std::error_code ec2;
            fs::remove_all(udir, ec2);
            continue;
        }
        u->bucket = name;
        u->key = *key;
        u->upload_id = id;
        std::vector<std::string> part_data;
        for (const auto& pe : fs::directory_iterator(udir, ec)) {
            auto fname = pe.path().filename().string();
            if (fname.rfind("part-", 0) != 0 || fname.size() < 11 || fname.substr(fname.size() - 5) != ".meta") continue;
            auto ptext = read_small_file(pe.path().string());
            if (!ptext) continue;
            auto prec = read_record(*ptext);
            if (!prec) continue;
            part_record p;
            std::uint64_t number = 0;
            const std::string *num = record_get(*prec, "number"), *psize = record_get(*prec, "size"),
                              *md5hex = record_get(*prec, "md5"), *pcrc = record_get(*prec, "crc64"),
                              *pdata = record_get(*prec, "data");
            if (!num || !parse_u64(*num, number) || number < 1 || number > max_part_number) continue;
            if (fname != "part-" + std::to_string(number) + ".meta") continue;
            if (!psize || !parse_u64(*psize, p.size) || !pcrc || !parse_u64(*pcrc, p.crc64)) continue;
            if (!md5hex || !pdata || !parse_time(record_get(*prec, "mtime"), p.last_modified)) continue;
            auto raw = hex_decode(*md5hex);
            if (!raw || raw->size() != 16) continue;
            std::memcpy(p.md5.data(), raw->data(), 16);
            if (!is_hex_name(std::string_view(*pdata).substr(0, 32), 32, false) || pdata->size() != 37 ||
                pdata->substr(32) != ".data")
                continue;
            std::string data_path = udir + "/" + *pdata;
            struct stat st;
            if (::stat(data_path.c_str(), &st) != 0 || std::uint64_t(st.st_size) != p.size) continue;
            p.number = static_cast<std::uint32_t>(number);
            p.etag = etag_of(p.md5);
            auto bl = std::make_shared<blob>();
            bl->size = p.size;
            bl->path = data_path;
            p.data = std::move(bl);
            part_data.push_back(*pdata);
            u->parts[p.number] = std::move(p);
        }
        std::sort(part_data.begin(), part_data.end());
        for (const auto& pe : fs::directory_iterator(udir, ec)) {
            auto fname = pe.path().filename().string();
            if (fname.size() > 5 && fname.substr(fname.size() - 5) == ".data" &&
                !std::binary_search(part_data.begin(), part_data.end(), fname))
                discard_file(pe.path().string());
        }
        b->uploads[id] = std::move(u);
    }
    std::unique_lock lock(mu_);
    buckets_[name] = std::move(b);
    return ok();
}

std::shared_ptr<store::bucket_state> store::find_bucket(const std::string& name) const {
    std::shared_lock lock(mu_);
    auto it = buckets_.find(name);
    return it == buckets_.end() ? nullptr : it->second;
}

bool store::has_bucket(const std::string& name) const { return find_bucket(name) != nullptr; }

result<void> store::create_bucket(const std::string& name, time_point now, bool must_be_new) {
    if (auto r = validate_bucket_name(name); !r) return r;
    std::unique_lock lock(mu_);
    if (buckets_.count(name)) {
        if (must_be_new)
            return oss_error(409, "BucketAlreadyExists", "The requested bucket name is not available.",
                             "0015-00000104", {{"BucketName", name}});
        return ok();
    }
    if (on_disk()) {
        std::string bdir = bucket_dir(name);
        for (auto sub : {"/objects", "/uploads"})
            if (auto r = make_dirs(bdir + sub); !r) return as_internal(r.error());
        if (auto r = write_record_file(bdir + "/bucket", {{"name", name}, {"created", time_text(now)}}); !r)
            return as_internal(r.error());
    }
    auto b = std::make_shared<bucket_state>();
    b->name = name;
    b->created = now;
    buckets_[name] = std::move(b);
    return ok();
}

result<std::unique_ptr<blob_writer>> store::new_writer(std::uint64_t size_hint) {
    if (!on_disk()) return std::unique_ptr<blob_writer>(std::make_unique<memory_writer>(size_hint));
    std::string path = dir_ + "/tmp/" + ids_.file_id() + ".part";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return as_internal(io_error("cannot create", path, errno));
    return std::unique_ptr<blob_writer>(std::make_unique<file_writer>(std::move(path), fd, size_hint));
}

result<std::shared_ptr<const object_record>> store::get_object(const std::string& bucket,
                                                               const std::string& key) const {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    std::shared_lock lock(mu_);
    auto it = b->objects.find(key);
    if (it == b->objects.end()) return no_such_key(key);
    return it->second;
}

bool store::object_exists(const std::string& bucket, const std::string& key) const {
    auto b = find_bucket(bucket);
    if (!b) return false;
    std::shared_lock lock(mu_);
    return b->objects.count(key) != 0;
}

std::size_t store::object_count(const std::string& bucket) const {
    auto b = find_bucket(bucket);
    if (!b) return 0;
    std::shared_lock lock(mu_);
    return b->objects.size();
}

namespace {
record object_record_fields(const object_record& o, const std::string& data_name) {
    record r{{"key", o.key},
             {"size", std::to_string(o.size)},
             {"etag", o.etag},
             {"crc64", std::to_string(o.crc64)},
             {"mtime", time_text(o.last_modified)},
             {"type", o.type},
             {"data", data_name}};
    put_headers(r, o.meta);
    return r;
}

std::string file_name(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace

result<std::shared_ptr<const object_record>> store::put_object(const std::string& bucket, const std::string& key,
                                                               std::shared_ptr<blob> data, const md5_digest& md5,
                                                               std::uint64_t crc64, stored_headers meta,
                                                               bool forbid_overwrite, time_point now) {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    auto o = std::make_shared<object_record>();
    o->key = key;
    o->size = data->size;
    o->etag = etag_of(md5);
    o->crc64 = crc64;
    o->last_modified = now;
    o->type = "Normal";
    o->meta = std::move(meta);
    if (on_disk())
        if (auto r = place(*data, bucket_dir(bucket) + "/objects/" + ids_.file_id() + ".data"); !r)
            return as_internal(r.error());
    std::shared_ptr<const object_record> old;
    {
        std::unique_lock lock(mu_);
        auto it = b->objects.find(key);
        if (it != b->objects.end() && forbid_overwrite) {
            lock.unlock();
            discard_file(data->path);
            return oss_error(409, "FileAlreadyExists", "The object you specified already exists and can not be overwritten.",
                             "0026-00000201", {{"Key", key}});
        }
        if (on_disk())
            if (auto r = write_record_file(object_meta_path(bucket, key), object_record_fields(*o, file_name(data->path))); !r) {
                lock.unlock();
                discard_file(data->path);
                return as_internal(r.error());
            }
        o->data = std::move(data);
        if (it != b->objects.end()) {
            old = std::move(it->second);
            it->second = o;
        } else {
            b->objects.emplace(key, o);
        }
    }
    if (old && old->data) discard_file(old->data->path);
    return std::shared_ptr<const object_record>(o);
}

result<void> store::delete_object(const std::string& bucket, const std::string& key) {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    std::shared_ptr<const object_record> old;
    {
        std::unique_lock lock(mu_);
        auto it = b->objects.find(key);
        if (it == b->objects.end()) return ok();
        if (on_disk() && ::unlink(object_meta_path(bucket, key).c_str()) != 0 && errno != ENOENT)
            return as_internal(io_error("cannot remove", object_meta_path(bucket, key), errno));
        old = std::move(it->second);
        b->objects.erase(it);
    }
    if (old->data) discard_file(old->data->path);
    return ok();
}

result<std::string> store::initiate(const std::string& bucket, const std::string& key, stored_headers meta,
                                    time_point now) {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    auto u = std::make_shared<upload_state>();
    u->bucket = bucket;
    u->key = key;
    u->upload_id = ids_.upload_id();
    u->initiated = now;
    u->meta = std::move(meta);
    if (on_disk()) {
        std::string udir = upload_dir(bucket, u->upload_id);
        if (auto r = make_dirs(udir); !r) return as_internal(r.error());
        record rec{{"key", key}, {"initiated", time_text(now)}};
        put_headers(rec, u->meta);
        if (auto r = write_record_file(udir + "/upload", rec); !r) {
            std::error_code ec;
            fs::remove_all(udir, ec);
            return as_internal(r.error());
        }
    }
    std::unique_lock lock(mu_);
    b->uploads[u->upload_id] = u;
    return u->upload_id;
}

std::shared_ptr<store::upload_state> store::find_upload(const bucket_state& b, const std::string& key,
                                                        const std::string& upload_id) const {
    std::shared_lock lock(mu_);
    auto it = b.uploads.find(upload_id);
    if (it == b.uploads.end() || it->second->key != key) return nullptr;
    return it->second;
}

result<void> store::check_upload(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id) const {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    if (!find_upload(*b, key, upload_id)) return no_such_upload(upload_id);
    return ok();
}

result<part_record> store::commit_part(const std::string& bucket, const std::string& key,
                                       const std::string& upload_id, std::uint32_t number,
                                       std::shared_ptr<blob> data, const md5_digest& md5, std::uint64_t crc64,
                                       time_point now) {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    auto u = find_upload(*b, key, upload_id);
    if (!u) return no_such_upload(upload_id);
    part_record p;
    p.number = number;
    p.size = data->size;
    p.md5 = md5;
    p.etag = etag_of(md5);
    p.crc64 = crc64;
    p.last_modified = now;
    std::shared_ptr<const blob> old;
    {
        std::lock_guard lock(u->mu);
        if (u->done) return no_such_upload(upload_id);
        if (on_disk()) {
            std::string udir = upload_dir(bucket, upload_id);
            if (auto r = place(*data, udir + "/" + ids_.file_id() + ".data"); !r) return as_internal(r.error());
            record rec{{"number", std::to_string(number)},
                       {"size", std::to_string(p.size)},
                       {"md5", hex_encode(md5)},
                       {"crc64", std::to_string(crc64)},
                       {"mtime", time_text(now)},
                       {"data", file_name(data->path)}};
            if (auto r = write_record_file(udir + "/part-" + std::to_string(number) + ".meta", rec); !r) {
                discard_file(data->path);
                return as_internal(r.error());
            }
        }
        p.data = std::move(data);
        auto& slot = u->parts[number];
        old = std::move(slot.data);
        slot = p;
    }
    if (old) discard_file(old->path);
    return p;
}

result<upload_snapshot> store::snapshot(const std::string& bucket, const std::string& key,
                                        const std::string& upload_id) const {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    auto u = find_upload(*b, key, upload_id);
    if (!u) return no_such_upload(upload_id);
    upload_snapshot s;
    s.key = u->key;
    s.upload_id = u->upload_id;
    s.storage_class = stored_value(u->meta, "x-oss-storage-class");
    std::lock_guard lock(u->mu);
    if (u->done) return no_such_upload(upload_id);
    s.parts.reserve(u->parts.size());
    for (const auto& [n, p] : u->parts) s.parts.push_back(p);
    return s;
}

result<std::shared_ptr<blob>> store::assemble(const std::vector<const part_record*>& parts) {
    auto out = std::make_shared<blob>();
    for (auto* p : parts) out->size += p->size;
    if (!on_disk()) {
        for (auto* p : parts)
            out->chunks.insert(out->chunks.end(), p->data->chunks.begin(), p->data->chunks.end());
        return out;
    }
    std::string path = dir_ + "/tmp/" + ids_.file_id() + ".obj";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("cannot create", path, errno);
    out->path = path;
    out->temporary = true;  // removed on any failure below
    for (auto* p : parts) {
        if (auto r = copy_file_into(fd, p->data->path, p->size, path); !r) {
            ::close(fd);
            return r.error();
        }
    }
    if (::close(fd) != 0) return io_error("cannot close", path, errno);
    return out;
}

result<std::shared_ptr<const object_record>> store::complete(const std::string& bucket, const std::string& key,
                                                             const std::string& upload_id,
                                                             const complete_request& how, time_point now) {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    auto u = find_upload(*b, key, upload_id);
    if (!u) return no_such_upload(upload_id);
    std::lock_guard ulock(u->mu);
    if (u->done) return no_such_upload(upload_id);

    std::vector<const part_record*> chosen;
    if (how.all) {
        for (const auto& [n, p] : u->parts) chosen.push_back(&p);
        if (chosen.empty())
            return oss_error(400, "InvalidPart", "The upload has no part to complete.", "0042-00000207");
    } else {
        for (std::size_t i = 1; i < how.parts.size(); ++i)
            if (how.parts[i].part_number <= how.parts[i - 1].part_number)
                return oss_error(400, "InvalidPartOrder",
                                 "The list of parts was not in ascending order. Parts must be ordered by part number.",
                                 "0042-00000209", {{"PartNumber", std::to_string(how.parts[i].part_number)}});
        for (const auto& want : how.parts) {
            auto it = u->parts.find(want.part_number);
            if (it == u->parts.end() || !same_etag(it->second.etag, want.etag))
                return oss_error(400, "InvalidPart",
                                 "One or more of the specified parts could not be found or the specified entity tag "
                                 "might not have matched the part's entity tag.",
                                 "0042-00000207",
                                 {{"PartNumber", std::to_string(want.part_number)}, {"ETag", want.etag}});
            chosen.push_back(&it->second);
        }
    }
    for (std::size_t i = 0; i + 1 < chosen.size(); ++i)
        if (chosen[i]->size < min_part_size)
            return oss_error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.",
                             "0042-00000213",
                             {{"PartNumber", std::to_string(chosen[i]->number)},
                              {"ProposedSize", std::to_string(chosen[i]->size)},
                              {"MinSizeAllowed", std::to_string(min_part_size)}});
    if (how.forbid_overwrite && object_exists(bucket, key))
        return oss_error(409, "FileAlreadyExists", "The object you specified already exists and can not be overwritten.",
                         "0042-00000214", {{"Key", key}});

    md5 etag_hash;
    std::uint64_t crc = 0;
    for (auto* p : chosen) {
        etag_hash.update(p->md5.data(), p->md5.size());
        crc = crc64_combine(crc, p->crc64, p->size);
    }
    auto data = assemble(chosen);
    if (!data) return as_internal(data.error());

    auto o = std::make_shared<object_record>();
    o->key = key;
    o->size = (*data)->size;
    o->etag = "\"" + hex_encode(etag_hash.final(), hex_case::upper) + "-" + std::to_string(chosen.size()) + "\"";
    o->crc64 = crc;
    o->last_modified = now;
    o->type = "Multipart";
    o->meta = u->meta;
    if (!how.acl.empty()) set_stored(o->meta, "x-oss-object-acl", how.acl);
    if (on_disk())
        if (auto r = place(**data, bucket_dir(bucket) + "/objects/" + ids_.file_id() + ".data"); !r)
            return as_internal(r.error());

    std::shared_ptr<const object_record> old;
    {
        std::unique_lock lock(mu_);
        auto it = b->objects.find(key);
        if (it != b->objects.end() && how.forbid_overwrite) {
            lock.unlock();
            discard_file((*data)->path);
            return oss_error(409, "FileAlreadyExists",
                             "The object you specified already exists and can not be overwritten.", "0042-00000214",
                             {{"Key", key}});
        }
        if (on_disk()) {
            if (auto r = write_record_file(object_meta_path(bucket, key), object_record_fields(*o, file_name((*data)->path))); !r) {
                lock.unlock();
                discard_file((*data)->path);
                return as_internal(r.error());
            }
            // The object is committed; dropping the upload record first means a crash from
            // here on leaves a directory the next open removes, never a second live upload.
            ::unlink((upload_dir(bucket, upload_id) + "/upload").c_str());
        }
        o->data = std::move(*data);
        if (it != b->objects.end()) {
            old = std::move(it->second);
            it->second = o;
        } else {
            b->objects.emplace(key, o);
        }
        b->uploads.erase(upload_id);
        u->done = true;
    }
    if (old && old->data) discard_file(old->data->path);
    u->parts.clear();
    if (on_disk()) {
        std::error_code ec;
        fs::remove_all(upload_dir(bucket, upload_id), ec);
    }
    return std::shared_ptr<const object_record>(o);
}

result<void> store::abort(const std::string& bucket, const std::string& key, const std::string& upload_id) {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    auto u = find_upload(*b, key, upload_id);
    if (!u) return no_such_upload(upload_id);
    std::lock_guard ulock(u->mu);
    if (u->done) return no_such_upload(upload_id);
    if (on_disk()) {
        std::string rec = upload_dir(bucket, upload_id) + "/upload";
        if (::unlink(rec.c_str()) != 0 && errno != ENOENT)
            return as_internal(io_error("cannot remove", rec, errno));
    }
    {
        std::unique_lock lock(mu_);
        b->uploads.erase(upload_id);
    }
    u->done = true;
    u->parts.clear();
    if (on_disk()) {
        std::error_code ec;
        fs::remove_all(upload_dir(bucket, upload_id), ec);
    }
    return ok();
}

result<std::vector<upload_summary>> store::list_uploads(const std::string& bucket) const {
    auto b = find_bucket(bucket);
    if (!b) return no_such_bucket(bucket);
    std::vector<upload_summary> out;
    {
        std::shared_lock lock(mu_);
        out.reserve(b->uploads.size());
        for (const auto& [id, u] : b->uploads)
            out.push_back({u->key, u->upload_id, u->initiated, stored_value(u->meta, "x-oss-storage-class")});
    }
    std::sort(out.begin(), out.end(), [](const upload_summary& x, const upload_summary& y) {
        return x.key != y.key ? x.key < y.key : x.upload_id < y.upload_id;
    });
    return out;
}

}  // namespace ossmp::inline v0::emulator::detail
