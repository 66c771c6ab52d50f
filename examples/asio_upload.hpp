// The README's Asio example as compiled code: files uploaded concurrently on one thread,
// each by a coroutine driving its own upload machine over one shared client (one
// connection pool). tests/adapter_asio_test.cpp runs it against the emulator and checks
// that README.md shows the block between the markers line for line.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <ossmp/adapters/asio.hpp>
#include <ossmp/ossmp.hpp>

namespace example {

// BEGIN README asio_upload
namespace net = boost::asio;
namespace oa = ossmp::adapters::asio;
// One file, one coroutine; its part requests run concurrently on the client's executor.
inline net::awaitable<void> upload_file(oa::client& http, ossmp::upload_config cfg, std::string path, int& failed) {
    auto fail = [&](const auto& e) { ++failed, std::fprintf(stderr, "%s: %s\n", path.c_str(), e.what().c_str()); };
    auto file = ossmp::file_source::open(path);
    if (!file) co_return fail(file.error());
    cfg.key += path.substr(path.find_last_of('/') + 1);  // cfg.key holds the prefix
    cfg.source.size = file->size();
    auto m = ossmp::upload_machine::create(cfg);
    if (!m) co_return fail(m.error());
    auto r = co_await oa::upload(*m, http, *file);  // result<upload_outcome>, as ossmp::run gives
    if (!r) fail(r.error());
}
// Every file at once, all on this thread; returns how many failed.
inline int upload_files(const ossmp::upload_config& cfg, const std::vector<std::string>& paths, const oa::options& opts = {}) {
    net::io_context io;
    oa::client http(io.get_executor(), opts);  // one connection pool for every upload
    int failed = 0;
    for (const auto& p : paths) net::co_spawn(io, upload_file(http, cfg, p, failed), net::detached);
    io.run();
    return failed;
}
// END README asio_upload

}  // namespace example
