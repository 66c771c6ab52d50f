// ossmp cp: a resumable multipart upload of a file (or of standard input) to OSS.
//
// The loop below is the library's driver loop (README) plus what a terminal tool adds:
// a progress line, Ctrl-C turning into a clean pause, and a checkpoint file saved after
// every confirmed part, so running the same command again resumes and re-sends only the
// parts OSS does not already hold.
#include "commands.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "progress_line.hpp"
#include "upload_loop.hpp"

namespace ossmp_cli {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

int cmd_cp(const std::vector<std::string>& argv) {
    flag_spec spec;
    add_connection_flags(spec);
    for (auto f : {"part-size", "parallel", "checkpoint", "meta", "storage-class", "acl", "content-type"}) spec[f] = true;
    for (auto f : {"complete-all", "content-md5", "forbid-overwrite", "no-progress", "json", "restart"}) spec[f] = false;
    auto a = parse_args(argv, spec);
    bool json = a && a->has("json");
    if (!a) return report_error(a.error(), json);
    if (a->positional.size() != 2)
        return report_error(usage("cp needs a source and a destination: ossmp cp FILE|- oss://BUCKET/KEY"), json);
    const std::string src = a->positional[0];
    auto dst = parse_oss_url(a->positional[1]);
    if (!dst) return report_error(dst.error(), json);
    if (dst->key.empty() || dst->key.back() == '/') {
        if (src == "-") return report_error(usage("uploading standard input needs a key: oss://BUCKET/KEY"), json);
        dst->key += std::filesystem::path(src).filename().string();
    }
    if (auto r = target_of("oss://" + dst->bucket + "/" + dst->key, true); !r) return report_error(r.error(), json);

    ossmp::upload_config cfg;
    cfg.bucket = dst->bucket;
    cfg.key = dst->key;
    if (auto ps = a->value("part-size")) {
        auto n = parse_size(*ps);
        if (!n) return report_error(n.error(), json);
        cfg.part_size = *n;
    }
    cfg.max_in_flight = 4;
    if (auto p = a->value("parallel")) {
        auto n = ossmp::detail::parse_unsigned<std::uint32_t>(*p);
        if (!n || *n < 1 || *n > 64) return report_error(usage("--parallel must be 1..64 (got '" + *p + "')"), json);
        cfg.max_in_flight = *n;
    }
    cfg.complete.complete_all = a->has("complete-all");
    cfg.content_md5 = a->has("content-md5");
    cfg.initiate.forbid_overwrite = a->has("forbid-overwrite");
    cfg.initiate.storage_class = a->value("storage-class").value_or("");
    cfg.initiate.acl = a->value("acl").value_or("");
    cfg.initiate.content_type = a->value("content-type").value_or("");
    for (const auto& m : a->values("meta")) {
        auto eq = m.find('=');
        if (eq == std::string::npos || eq == 0) return report_error(usage("--meta needs NAME=VALUE (got '" + m + "')"), json);
        cfg.initiate.metadata.push_back({m.substr(0, eq), m.substr(eq + 1)});
    }
    auto conn = resolve_connection(*a);
    if (!conn) return report_error(conn.error(), json);
    cfg.ep = conn->ep;
    cfg.signing = conn->signing;

    bool from_stdin = src == "-";
    std::optional<ossmp::file_source> file;
    std::string cp_path;
    if (!from_stdin) {
        auto f = ossmp::file_source::open(src);
        if (!f) return report_error(f.error(), json);
        auto id = f->identity();
        if (!id) return report_error(id.error(), json);
        cfg.source = *id;
        file.emplace(std::move(*f));
        cp_path = a->value("checkpoint").value_or(src + ".ossmp-checkpoint");
        cfg.checkpoints = true;
        cfg.on_failure = ossmp::end_policy::keep;  // a later run resumes it
        cfg.on_cancel = ossmp::end_policy::keep;
        cfg.on_stale = a->has("restart") ? ossmp::stale_policy::restart : ossmp::stale_policy::fail;
    } else if (a->has("checkpoint")) {
        return report_error(usage("standard input cannot be resumed, so --checkpoint does not apply"), json);
    }

    std::optional<ossmp::upload_machine> machine;
    std::error_code ec;
    if (!cp_path.empty() && std::filesystem::exists(cp_path, ec)) {
        auto cp = ossmp::parse_checkpoint(read_file(cp_path));
        if (!cp) {
            auto e = cp.error();
            e.message = cp_path + ": " + e.message + "; delete it to start the upload over";
            return report_error(e, json);
        }
        auto m = ossmp::upload_machine::resume(cfg, *cp);
        if (!m) {
            auto e = m.error();
            if (e.code == ossmp::errc::checkpoint_mismatch)
                e.message = cp_path + " belongs to another upload (" + e.message +
                            "); pass --checkpoint FILE or delete it";
            if (e.code == ossmp::errc::source_changed)
                e.message += " (or pass --restart to abort the old upload and upload the new content)";
            return report_error(e, json);
        }
        machine.emplace(std::move(*m));
        if (!json) std::fprintf(stderr, "ossmp: resuming upload %s from %s\n", cp->upload_id.c_str(), cp_path.c_str());
    } else {
        auto m = ossmp::upload_machine::create(cfg);
        if (!m) return report_error(m.error(), json);
        machine.emplace(std::move(*m));
    }

    install_interrupt_handlers();
    progress_printer progress(!json && !a->has("no-progress") && ::isatty(2));
    auto started = std::chrono::steady_clock::now();
    ossmp::thread_pool_transport<ossmp::adapters::curl::client> net(
        cfg.max_in_flight, [&] { return ossmp::adapters::curl::client(conn->http); });
    ossmp::result<ossmp::upload_outcome> r = ossmp::make_error(ossmp::errc::wrong_state, "not run");
    std::optional<ossmp::stream_source> in;
    if (from_stdin) {
        in.emplace(ossmp::stream_source::fd_reader(0));
        r = drive(*machine, net, *in, cp_path, progress);
    } else {
        r = drive(*machine, net, *file, cp_path, progress);
    }
    progress.finish();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto stats = machine->stats();
    if (!r) {
        auto e = r.error();
        if (e.code == ossmp::errc::cancelled && !cp_path.empty())
            e.message = "interrupted: upload paused with " + std::to_string(stats.parts_done) + " of " +
                        std::to_string(stats.parts_total) + " parts stored; run the same command again to resume";
        else if (!cp_path.empty() && std::filesystem::exists(cp_path, ec) && e.message.find("kept for resume") != std::string::npos)
            e.message += "; run the same command again to resume from " + cp_path;
        return report_error(e, json);
    }
    if (!cp_path.empty()) std::filesystem::remove(cp_path, ec);
    const auto& o = *r;
    if (json) {
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
    } else {
        double rate = seconds > 0 ? static_cast<double>(o.size - stats.bytes_resumed) / seconds : 0;
        std::printf("uploaded %s to oss://%s/%s: %s in %u parts, %s/s, %u retries%s\n  ETag %s  CRC-64 %llu\n",
                    from_stdin ? "standard input" : src.c_str(), o.bucket.c_str(), o.key.c_str(),
                    human_bytes(static_cast<double>(o.size)).c_str(), o.part_count, human_bytes(rate).c_str(),
                    stats.retries,
                    stats.bytes_resumed
                        ? (", resumed: " + human_bytes(static_cast<double>(stats.bytes_resumed)) + " were already stored").c_str()
                        : "",
                    o.etag.c_str(), static_cast<unsigned long long>(o.crc64));
    }
    return exit_ok;
}

}  // namespace ossmp_cli
