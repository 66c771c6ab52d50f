// ossmp cp: a resumable multipart upload of a file (or of standard input) to OSS.
//
// A file upload saves a checkpoint after every confirmed part, so running the same command
// again resumes and re-sends only the parts OSS does not already hold. Before anything is
// sent, cp checks what it can: the source is a regular file (a FIFO is refused before
// open() could block), the checkpoint path holds a checkpoint of this upload or nothing
// (never anything else: ossmp does not overwrite a file it did not write), no other run
// holds it (a lock, whose holder is named), and checkpoints can be written there. When an
// upload stops short, the message says how to go on: rerun, --restart, or --upload-id.
// Standard input cannot be resumed; it is buffered part by part, within --max-memory.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint_file.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "json_out.hpp"
#include "progress_line.hpp"
#include "text_out.hpp"
#include "upload_loop.hpp"

namespace ossmp_cli {

namespace {

using pool_transport = ossmp::thread_pool_transport<ossmp::adapters::curl::client>;

// What the command line asks for.
struct cp_args {
    parsed_args flags;
    connection conn;
    std::string src;
    oss_url dst;
    ossmp::upload_config cfg;
    bool json = false;

    std::string dst_url() const { return "oss://" + dst.bucket + "/" + dst.key; }
    // The command that resumes this upload (shell-quoting is the user's business; names are
    // printed escaped like every other string).
    std::string command(const std::string& extra = {}) const {
        return "ossmp cp " + src + " " + dst_url() + extra;
    }
};

// Half the machine's memory: the default bound for standard input's part buffers.
std::uint64_t default_max_memory() {
    long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return 1ull << 30;
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) / 2;
}

ossmp::error without_operation(ossmp::error e) {
    e.op = ossmp::operation::none;  // nothing was sent yet: no request to name
    return e;
}

ossmp::result<cp_args> parse(const std::vector<std::string>& argv, bool& json) {
    flag_spec spec;
    add_connection_flags(spec);
    for (auto f : {"part-size", "parallel", "checkpoint", "meta", "storage-class", "acl", "content-type", "upload-id",
                   "max-memory", "retries", "retry-budget"})
        spec[f] = true;
    for (auto f : {"complete-all", "content-md5", "forbid-overwrite", "no-progress", "json", "restart",
                   "trust-resumed-parts"})
        spec[f] = false;
    auto a = parse_args(argv, spec);
    if (!a) return a.error();
    json = a->has("json");
    if (a->positional.size() != 2)
        return usage("cp needs a source and a destination: ossmp cp FILE|- oss://BUCKET/KEY (see ossmp cp --help)");
    cp_args c;
    c.json = json;
    c.src = a->positional[0];
    auto dst = parse_oss_url(a->positional[1]);
    if (!dst) return dst.error();
    if (dst->key.empty() || dst->key.back() == '/') {
        if (c.src == "-") return usage("uploading standard input needs a key: oss://BUCKET/KEY");
        dst->key += std::filesystem::path(c.src).filename().string();
    }
    auto target = target_of("oss://" + dst->bucket + "/" + dst->key, true);
    if (!target) return target.error();
    c.dst = *target;

    auto& cfg = c.cfg;
    cfg.bucket = c.dst.bucket;
    cfg.key = c.dst.key;
    if (auto ps = a->value("part-size")) {
        auto n = parse_size(*ps);
        if (!n) return n.error();
        if (auto r = ossmp::check_part_size(*n); !r) return without_operation(r.error());
        cfg.part_size = *n;
    }
    cfg.max_in_flight = 4;
    if (auto p = a->value("parallel")) {
        auto n = parse_number<std::uint32_t>(*p);
        if (!n || *n < 1 || *n > 64) return usage("--parallel must be 1..64 (got '" + *p + "')");
        cfg.max_in_flight = *n;
    }
    if (auto p = a->value("retries")) {
        auto n = parse_number<std::uint32_t>(*p);
        if (!n || *n < 1 || *n > 100) return usage("--retries must be 1..100 attempts per request (got '" + *p + "')");
        cfg.retry.max_attempts = *n;
    }
    if (auto p = a->value("retry-budget")) {
        auto n = parse_number<std::uint32_t>(*p);
        if (!n || *n < 1) return usage("--retry-budget must be a positive number of retries (got '" + *p + "')");
        cfg.retry.retry_budget = *n;
    }
    cfg.verify_resumed_parts = !a->has("trust-resumed-parts");
    cfg.complete.complete_all = a->has("complete-all");
    cfg.content_md5 = a->has("content-md5");
    cfg.initiate.forbid_overwrite = a->has("forbid-overwrite");
    cfg.initiate.storage_class = a->value("storage-class").value_or("");
    cfg.initiate.acl = a->value("acl").value_or("");
    cfg.initiate.content_type = a->value("content-type").value_or("");
    for (const auto& m : a->values("meta")) {
        auto eq = m.find('=');
        if (eq == std::string::npos || eq == 0) return usage("--meta needs NAME=VALUE (got '" + m + "')");
        cfg.initiate.metadata.push_back({m.substr(0, eq), m.substr(eq + 1)});
    }
    auto conn = resolve_connection(*a);
    if (!conn) return conn.error();
    c.conn = std::move(*conn);
    cfg.ep = c.conn.ep;
    cfg.signing = c.conn.signing;
    c.flags = std::move(*a);
    return c;
}

// --- files ----------------------------------------------------------------------------

// Aborts the upload a checkpoint describes (for --restart); NoSuchUpload means it is gone
// already, which is as good.
ossmp::result<void> abort_recorded_upload(const cp_args& c, const ossmp::checkpoint& cp) {
    auto req = ossmp::make_abort_request(c.conn.ep, cp.bucket, cp.key, cp.upload_id);
    if (!req) return req.error();
    auto resp = send_once(c.conn, std::move(*req));
    if (!resp) return resp.error();
    if (auto e = ossmp::parse_service_error(*resp, ossmp::operation::abort_multipart_upload);
        e && e->code != ossmp::errc::no_such_upload)
        return *e;
    return ossmp::ok();
}

// The machine for a file: a resume from the checkpoint, a resume by --upload-id, or a new
// upload. Every refusal says what differs and what to do.
ossmp::result<ossmp::upload_machine> machine_for_file(cp_args& c, const std::string& cp_path,
                                                      const std::optional<ossmp::checkpoint>& cp) {
    auto upload_id = c.flags.value("upload-id");
    if (!cp) {
        if (upload_id) {
            auto m = ossmp::upload_machine::resume_upload(c.cfg, *upload_id);
            if (!m) return without_operation(m.error());
            if (!c.json)
                std::fprintf(stderr, "ossmp: resuming upload %s (no checkpoint: each part OSS lists is checked by CRC-64)\n",
                             printable(*upload_id).c_str());
            return m;
        }
        auto m = ossmp::upload_machine::create(c.cfg);
        if (!m) return without_operation(m.error());
        return m;
    }
    std::string endpoint = c.cfg.ep.scheme + "://" + c.cfg.ep.authority();
    if (cp->bucket != c.cfg.bucket || cp->key != c.cfg.key || cp->endpoint != endpoint) {
        auto e = ossmp::make_error(ossmp::errc::checkpoint_mismatch,
                                   cp_path + " holds a paused upload to " + cp->endpoint + " oss://" + cp->bucket + "/" +
                                       cp->key + " (upload " + cp->upload_id + "), not to " + endpoint + " " +
                                       c.dst_url() + ": finish that one with `ossmp cp " + c.src + " oss://" +
                                       cp->bucket + "/" + cp->key + "`, or give this upload its own --checkpoint FILE");
        return e;
    }
    if (upload_id && *upload_id != cp->upload_id)
        return usage(cp_path + " records upload " + cp->upload_id + ", but --upload-id says " + *upload_id +
                     ": drop --upload-id to resume the recorded one, or pass --checkpoint FILE");
    if (c.flags.has("restart")) {
        if (auto r = abort_recorded_upload(c, *cp); !r) {
            auto e = r.error();
            e.message = "--restart could not abort the earlier upload " + cp->upload_id + ": " + e.message;
            return e;
        }
        std::error_code ec;
        std::filesystem::remove(cp_path, ec);  // it describes the aborted upload
        if (!c.json) std::fprintf(stderr, "ossmp: aborted the earlier upload %s; starting over\n", cp->upload_id.c_str());
        auto m = ossmp::upload_machine::create(c.cfg);
        if (!m) return without_operation(m.error());
        return m;
    }
    if (c.cfg.part_size != 0 && c.cfg.part_size != cp->part_size)
        return ossmp::make_error(
            ossmp::errc::checkpoint_mismatch,
            cp_path + " was written with --part-size " + std::to_string(cp->part_size) + " (upload " + cp->upload_id +
                "), but this run asks for --part-size " + std::to_string(c.cfg.part_size) +
                ": drop --part-size to resume with the recorded size, or add --restart to abort that upload and start "
                "over with the new size");
    auto m = ossmp::upload_machine::resume(c.cfg, *cp);
    if (!m) {
        auto e = without_operation(m.error());
        if (e.code == ossmp::errc::source_changed)
            e.message = c.src + " changed since " + cp_path +
                        " was written (size, modification time or content), so upload " + cp->upload_id +
                        " cannot be resumed: add --restart to abort it and upload the file as it is now";
        else if (e.code == ossmp::errc::checkpoint_mismatch)
            e.message = cp_path + " does not fit this upload (" + e.message + "): add --restart to abort upload " +
                        cp->upload_id + " and start over, or pass --checkpoint FILE";
        return e;
    }
    if (!c.json)
        std::fprintf(stderr, "ossmp: resuming upload %s from %s\n", printable(cp->upload_id).c_str(),
                     printable(cp_path).c_str());
    return m;
}

// True when the file at `path` is no longer what `was` describes.
bool source_differs(const std::string& path, const ossmp::source_identity& was) {
    auto f = ossmp::file_source::open(path);
    if (!f) return true;
    auto now = f->identity();
    return !now || now->size != was.size || now->mtime_ns != was.mtime_ns || now->fingerprint != was.fingerprint;
}

int report_success(const cp_args& c, const ossmp::upload_outcome& o, const ossmp::progress& stats, double seconds) {
    if (c.json) {
        std::printf("%s\n", json_object()
                                .boolean("ok", true)
                                .str("bucket", o.bucket)
                                .str("key", o.key)
                                .str("upload_id", o.upload_id)
                                .str("etag", o.etag)
                                .str("crc64", std::to_string(o.crc64))
                                .num("bytes", o.size)
                                .num("parts", o.part_count)
                                .real("seconds", seconds)
                                .num("retries", stats.retries)
                                .num("resumed_bytes", stats.bytes_resumed)
                                .done()
                                .c_str());
        return exit_ok;
    }
    double rate = seconds > 0 ? static_cast<double>(o.size - stats.bytes_resumed) / seconds : 0;
    std::string resumed =
        stats.bytes_resumed
            ? ", resumed: " + human_bytes(static_cast<double>(stats.bytes_resumed)) + " were already stored"
            : "";
    std::printf("uploaded %s to oss://%s/%s: %s in %u parts, %s/s, %u retries%s\n  ETag %s  CRC-64 %llu\n",
                c.src == "-" ? "standard input" : printable(c.src).c_str(), o.bucket.c_str(), printable(o.key).c_str(),
                human_bytes(static_cast<double>(o.size)).c_str(), o.part_count, human_bytes(rate).c_str(), stats.retries,
                resumed.c_str(), printable(o.etag).c_str(), static_cast<unsigned long long>(o.crc64));
    return exit_ok;
}

std::string parts_stored(const ossmp::progress& s) {
    return std::to_string(s.parts_done) + " of " + std::to_string(s.parts_total) + " parts stored";
}

// A file upload that stopped short: say what happened to the upload and how to go on.
int report_file_failure(const cp_args& c, const std::string& cp_path, const drive_result& d,
                        const ossmp::progress& stats) {
    auto e = d.outcome.error();
    const std::string& kept = e.kept_upload_id;
    int status = exit_status_for(e);
    std::string resume = "; run the same command again to resume (upload " + kept + ", checkpoint " + cp_path + ")";
    if (e.code == ossmp::errc::cancelled) {
        std::string what = kept.empty() ? "nothing was stored"
                                        : "upload paused with " + parts_stored(stats) +
                                              "; run the same command again to resume";
        if (d.deadline_passed) {
            e = c.conn.timed_out(what);
            e.kept_upload_id = kept;
            status = exit_network;
        } else {
            e.message = "interrupted: " + what;
        }
        return report_error(e, c.json, status);
    }
    if (kept.empty()) return report_error(e, c.json, status);
    if (d.checkpoint_error) {
        e.message += "; the checkpoint " + cp_path + " could not be saved (" + d.checkpoint_error->message +
                     "), so resume this upload by its id: " + c.command(" --upload-id " + kept) +
                     " (or abort it: ossmp abort " + c.dst_url() + " --upload-id " + kept + ")";
        return report_error(e, c.json, exit_local_io);
    }
    if (e.code == ossmp::errc::source_changed || e.code == ossmp::errc::source_short_read ||
        source_differs(c.src, c.cfg.source)) {
        e.message += "; " + c.src + " changed during the upload, so running the same command again would be "
                     "refused: add --restart to abort upload " + kept + " and upload the file as it is now";
        return report_error(e, c.json, exit_integrity);
    }
    e.message += resume;
    return report_error(e, c.json, status);
}

int upload_file(cp_args& c) {
    auto file = ossmp::file_source::open(c.src);
    if (!file) return report_error(file.error(), c.json);
    auto id = file->identity();
    if (!id) return report_error(id.error(), c.json);
    c.cfg.source = *id;
    c.cfg.checkpoints = true;
    c.cfg.on_failure = ossmp::end_policy::keep;  // a later run resumes it
    c.cfg.on_cancel = ossmp::end_policy::keep;
    c.cfg.on_stale = ossmp::stale_policy::fail;  // --restart is handled here, before the machine
    const std::string cp_path = c.flags.value("checkpoint").value_or(c.src + ".ossmp-checkpoint");
    struct stat src_st {}, cp_st {};
    if (::stat(c.src.c_str(), &src_st) == 0 && ::stat(cp_path.c_str(), &cp_st) == 0 && src_st.st_dev == cp_st.st_dev &&
        src_st.st_ino == cp_st.st_ino)
        return report_error(usage("--checkpoint names the source file itself; pass a path of its own"), c.json);
    // Read first, lock second: a path that holds something else gets no lock file beside it.
    if (auto pre = load_checkpoint(cp_path); !pre) return report_error(pre.error(), c.json);
    auto lock = checkpoint_lock::acquire(cp_path);
    if (!lock) return report_error(lock.error(), c.json);
    auto cp = load_checkpoint(cp_path);  // again, now that no other run can change it
    if (!cp) return report_error(cp.error(), c.json);
    auto m = machine_for_file(c, cp_path, *cp);
    if (!m) return report_error(m.error(), c.json);

    install_interrupt_handlers();
    progress_printer progress(!c.json && !c.flags.has("no-progress") && ::isatty(2));
    auto started = std::chrono::steady_clock::now();
    pool_transport net(c.cfg.max_in_flight, [&] { return ossmp::adapters::curl::client(c.conn.http); });
    auto d = drive(*m, net, *file, progress, {cp_path, c.conn.deadline, {}});
    progress.finish();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!d.outcome) return report_file_failure(c, cp_path, d, m->stats());
    std::error_code ec;
    std::filesystem::remove(cp_path, ec);
    return report_success(c, *d.outcome, m->stats(), seconds);
}

// --- standard input -------------------------------------------------------------------

int upload_stdin(cp_args& c) {
    for (auto f : {"checkpoint", "restart", "upload-id"})
        if (c.flags.has(f))
            return report_error(usage(std::string("standard input cannot be resumed, so --") + f + " does not apply"),
                                c.json);
    // Up to --parallel parts are held in memory at once, each at most a part long.
    std::uint64_t part_size = c.cfg.part_size ? c.cfg.part_size : ossmp::default_part_size;
    std::uint64_t max_memory = default_max_memory();
    if (auto v = c.flags.value("max-memory")) {
        auto n = parse_size(*v);
        if (!n) return report_error(n.error(), c.json);
        max_memory = *n;
    }
    std::uint64_t bound = part_size * c.cfg.max_in_flight;
    if (bound > max_memory)
        return report_error(usage("standard input is buffered in memory, up to --parallel " +
                                  std::to_string(c.cfg.max_in_flight) + " parts of " +
                                  human_bytes(static_cast<double>(part_size)) + " = " +
                                  human_bytes(static_cast<double>(bound)) + ", more than --max-memory " +
                                  human_bytes(static_cast<double>(max_memory)) +
                                  ": lower --part-size or --parallel, or raise --max-memory"),
                            c.json);
    auto m = ossmp::upload_machine::create(c.cfg);  // aborts on failure and cancel: nothing to resume
    if (!m) return report_error(without_operation(m.error()), c.json);

    install_interrupt_handlers();
    progress_printer progress(!c.json && !c.flags.has("no-progress") && ::isatty(2));
    auto started = std::chrono::steady_clock::now();
    pool_transport net(c.cfg.max_in_flight, [&] { return ossmp::adapters::curl::client(c.conn.http); });
    std::optional<ossmp::stream_source> in;
    in.emplace(ossmp::stream_source::fd_reader(0));
    auto d = drive(*m, net, *in, progress, {"", c.conn.deadline, {}});
    progress.finish();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto stats = m->stats();
    if (d.outcome) return report_success(c, *d.outcome, stats, seconds);
    auto e = d.outcome.error();
    int status = exit_status_for(e);
    std::string fate = e.kept_upload_id.empty()
                           ? "the upload was aborted and nothing was stored"
                           : "upload " + e.kept_upload_id + " could not be aborted: ossmp abort " + c.dst_url() +
                                 " --upload-id " + e.kept_upload_id;
    if (e.code == ossmp::errc::too_many_parts) {
        e.message = "standard input is larger than 10000 parts of " + human_bytes(static_cast<double>(part_size)) +
                    " (" + std::to_string(part_size) + " bytes): " + std::to_string(stats.bytes_sent) +
                    " bytes were read and sent, the rest was not read; " + fate +
                    ". Run it again with a larger --part-size (up to 5GiB)";
        status = exit_too_large;
    } else if (e.code == ossmp::errc::cancelled && d.deadline_passed) {
        e = c.conn.timed_out("standard input cannot be resumed; " + fate);
        status = exit_network;
    } else if (e.code == ossmp::errc::cancelled) {
        e.message = "interrupted: standard input cannot be resumed; " + fate;
    }
    return report_error(e, c.json, status);
}

int run(const std::vector<std::string>& argv) {
    bool json = false;
    auto c = parse(argv, json);
    if (!c) return report_error(c.error(), json);
    return c->src == "-" ? upload_stdin(*c) : upload_file(*c);
}

}  // namespace

extern const command cp_command = {
    "cp", "cp FILE|- oss://BUCKET/KEY [--part-size SIZE] [--parallel N] [--checkpoint FILE] [--restart] ...",
    "usage: ossmp cp FILE oss://BUCKET/KEY [options]   upload a file (resumable)\n"
    "       ossmp cp - oss://BUCKET/KEY [options]      upload standard input (size unknown)\n"
    "\n"
    "A key ending in / takes the file's name. A file upload saves a checkpoint after every\n"
    "confirmed part (FILE.ossmp-checkpoint, or --checkpoint) and removes it on success: after\n"
    "Ctrl-C, kill -9, a network failure or --timeout, run the same command again and only the\n"
    "missing parts are sent. One run at a time may use a checkpoint (a lock names its holder).\n"
    "\n"
    "  --part-size SIZE      part size, 100KiB..5GiB (default 8MiB, grown to fit 10,000 parts)\n"
    "  --parallel N          parts in flight at once, 1..64 (default 4)\n"
    "  --checkpoint FILE     where the checkpoint is saved (default FILE.ossmp-checkpoint)\n"
    "  --restart             abort the upload the checkpoint records and start over (after the\n"
    "                        file changed, or to use another --part-size)\n"
    "  --upload-id ID        resume that upload without a checkpoint: each part OSS lists is\n"
    "                        checked by CRC-64 against the file before it is kept\n"
    "  --trust-resumed-parts on resume, keep parts the checkpoint or OSS lists without re-reading\n"
    "                        them (faster; a file edited in place with its mtime put back then\n"
    "                        yields an object that is not the file)\n"
    "  --retries N           attempts per request, 1..100 (default 5; SlowDown does not count)\n"
    "  --retry-budget N      retries the whole upload may spend (default 100 + one per part)\n"
    "  --max-memory SIZE     cp -: refuse when --part-size x --parallel (the most standard\n"
    "                        input buffers at once) exceeds this (default: half the RAM)\n"
    "  --complete-all        complete with x-oss-complete-all instead of a part list\n"
    "  --content-md5         send Content-MD5 with every part\n"
    "  --meta NAME=VALUE     user metadata (repeatable)\n"
    "  --storage-class C, --acl A, --content-type T, --forbid-overwrite\n"
    "  --no-progress         no progress line (it is only drawn on a terminal anyway)\n"
    "  --json                print one JSON object: bucket, key, upload_id, etag, crc64, bytes,\n"
    "                        parts, seconds, retries, resumed_bytes (or the error)\n",
    true, run};

}  // namespace ossmp_cli
