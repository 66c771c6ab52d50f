// ossmp-bench: the CPU time of client threads, for the adapter benchmarks
// (bench_adapters.cpp, bench_adapters_asio.cpp): each thread's own time (RUSAGE_THREAD),
// summed over the threads a client uses, and a curl client that adds its worker's time.
#pragma once

#include <sys/resource.h>

#include <atomic>

#include <ossmp/adapters/curl.hpp>

namespace ossmp_bench {

inline double thread_cpu() {
    rusage u{};
    ::getrusage(RUSAGE_THREAD, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
inline double process_cpu() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of client threads, summed across threads (one benchmark at a time).
inline std::atomic<double> client_cpu{0};
inline void add_cpu(double s) {
    double cur = client_cpu.load();
    while (!client_cpu.compare_exchange_weak(cur, cur + s)) {
    }
}

// A curl client that adds each request's CPU time (its worker thread's) to client_cpu.
struct timed_curl_client {
    ossmp::adapters::curl::client c{ossmp::adapters::curl::options{}};
    ossmp::exchange_result perform(const ossmp::http_request& req, ossmp::body_reader& body) {
        double t0 = thread_cpu();
        auto r = c.perform(req, body);
        add_cpu(thread_cpu() - t0);
        return r;
    }
};

}  // namespace ossmp_bench
