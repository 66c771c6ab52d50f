// ossmp-bench crypto groups: digests, HMAC, CRC-64 (XZ and NVME) and CRC-32C against
// OpenSSL (EVP) and ISA-L.
// Every group first checks that ours and the peer agree on the data it times.
#include "bench.hpp"

#include <ossmp/crypto/crc32c.hpp>
#include <ossmp/crypto/crc64.hpp>
#include <ossmp/crypto/crc64nvme.hpp>
#include <ossmp/crypto/hmac.hpp>
#include <ossmp/crypto/md5.hpp>
#include <ossmp/crypto/sha1.hpp>
#include <ossmp/crypto/sha256.hpp>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <isa-l/crc.h>
#include <isa-l/crc64.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

// Exported by libisal.so.2 but not declared in <isa-l/crc64.h>: the AVX-512 kernel its
// dispatcher picks here, so each of our kernels can be timed against its counterpart.
extern "C" std::uint64_t crc64_ecma_refl_by16_10(std::uint64_t, const unsigned char*, std::uint64_t);
// Likewise its CRC-32C kernels: crc32 instruction, crc32 + PCLMULQDQ, and AVX-512 VPCLMULQDQ.
extern "C" unsigned crc32_iscsi_00(unsigned char*, int, unsigned);
extern "C" unsigned crc32_iscsi_01(unsigned char*, int, unsigned);
extern "C" unsigned crc32_iscsi_by16_10(unsigned char*, int, unsigned);

namespace {

using ossmp_bench::keep;
using ossmp_bench::report;
using ossmp_bench::time_pair;

constexpr std::size_t big_size = std::size_t(256) << 20;
constexpr std::size_t small_size = std::size_t(1) << 20;

// 256 MiB of random bytes, 64-byte aligned so that no implementation gains or loses by
// the allocator's alignment (ISA-L's kernel does not align its loads; ours does).
struct byte_buffer {
    unsigned char* ptr;
    std::size_t len;
    const unsigned char* data() const { return ptr; }
    std::size_t size() const { return len; }
};
const byte_buffer& big_buffer() {
    static const byte_buffer b = [] {
        auto p = static_cast<unsigned char*>(std::aligned_alloc(64, big_size));
        if (!p) std::abort();
        std::mt19937_64 rng(20240601);
        for (std::size_t i = 0; i < big_size; i += 8) {
            std::uint64_t x = rng();
            std::memcpy(p + i, &x, 8);
        }
        return byte_buffer{p, big_size};
    }();
    return b;
}

[[noreturn]] void mismatch(const char* what) {
    std::fprintf(stderr, "ossmp-bench: %s: ours and the peer disagree; not timing\n", what);
    std::exit(1);
}

// ISA-L's AVX-512 kernel returns with dirty upper ZMM state, which would slow whatever
// SSE code runs next on this thread (ours, when rounds alternate); see perf-anchors.md.
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx"))) void vzeroupper() { _mm256_zeroupper(); }
void clean_upper_state() {
    if (ossmp::detail::cpu().avx) vzeroupper();
}
#else
void clean_upper_state() {}
#endif

std::uint64_t isal_crc64(std::uint64_t crc, const unsigned char* p, std::size_t n) {
    std::uint64_t r = crc64_ecma_refl(crc, p, n);
    clean_upper_state();
    return r;
}

double mb_per_s(double bytes, double seconds) { return seconds > 0 ? bytes / seconds / 1e6 : 0; }

// ---- digests -------------------------------------------------------------------------

template <class Hash>
void bench_digest(const char* name, const char* evp_name) {
    const auto& buf = big_buffer();
    EVP_MD* md = EVP_MD_fetch(nullptr, evp_name, nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!md || !ctx) mismatch("EVP_MD_fetch");
    unsigned char peer_digest[EVP_MAX_MD_SIZE];
    auto peer = [&] {
        unsigned len = 0;
        EVP_DigestInit_ex(ctx, md, nullptr);
        EVP_DigestUpdate(ctx, buf.data(), buf.size());
        EVP_DigestFinal_ex(ctx, peer_digest, &len);
        keep(peer_digest);
    };
    typename Hash::digest_type ours_digest{};
    auto ours = [&] {
        ours_digest = Hash::hash(buf.data(), buf.size());
        keep(ours_digest);
    };
    ours();
    peer();
    if (std::memcmp(ours_digest.data(), peer_digest, ours_digest.size()) != 0) mismatch(name);
    auto [t_ours, t_peer] = time_pair(ours, peer);
    report(std::string("crypto.") + name + ".256MiB", mb_per_s(double(buf.size()), t_ours),
           std::string("openssl EVP ") + evp_name, mb_per_s(double(buf.size()), t_peer), "MB/s");
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
}

void bench_md5() { bench_digest<ossmp::md5>("md5", "MD5"); }
void bench_sha1() { bench_digest<ossmp::sha1>("sha1", "SHA1"); }
void bench_sha256() { bench_digest<ossmp::sha256>("sha256", "SHA256"); }

// ---- HMAC-SHA256 ---------------------------------------------------------------------

void bench_hmac() {
    // A V4 string-to-sign is about this long; the key is a derived 32-byte signing key.
    std::string msg(306, '\0');
    for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<char>('a' + i % 26);
    unsigned char key[32];
    for (int i = 0; i < 32; ++i) key[i] = static_cast<unsigned char>(i * 7 + 1);
    const std::string_view key_sv(reinterpret_cast<const char*>(key), sizeof key);
    constexpr int ops = 200000;

    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* mctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    if (!mctx) mismatch("EVP_MAC_fetch");
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                           OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(mctx, key, sizeof key, params) != 1) mismatch("EVP_MAC_init");

    unsigned char peer_out[EVP_MAX_MD_SIZE];
    ossmp::hmac_sha256::digest_type ours_out{};
    auto peer_reused_once = [&] {
        std::size_t len = 0;
        EVP_MAC_init(mctx, nullptr, 0, nullptr);
        EVP_MAC_update(mctx, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
        EVP_MAC_final(mctx, peer_out, &len, sizeof peer_out);
    };
    ossmp::hmac_sha256 reused(key_sv);
    auto ours_reused_once = [&] {
        reused.update(msg);
        ours_out = reused.final();
    };
    auto peer_oneshot_once = [&] {
        unsigned len = 0;
        HMAC(EVP_sha256(), key, sizeof key, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
             peer_out, &len);
    };
    auto ours_oneshot_once = [&] { ours_out = ossmp::hmac_sha256::mac(key_sv, msg); };

    peer_reused_once();
    ours_reused_once();
    if (std::memcmp(ours_out.data(), peer_out, ours_out.size()) != 0) mismatch("hmac-sha256 (reused)");
    peer_oneshot_once();
    ours_oneshot_once();
    if (std::memcmp(ours_out.data(), peer_out, ours_out.size()) != 0) mismatch("hmac-sha256 (one-shot)");

    auto loop = [&](auto& once) {
        return [&] {
            for (int i = 0; i < ops; ++i) once();
            keep(ours_out);
            keep(peer_out);
        };
    };
    auto [r_ours, r_peer] = time_pair(loop(ours_reused_once), loop(peer_reused_once));
    report("crypto.hmac_sha256.306B.reused", ops / r_ours, "openssl EVP_MAC_CTX reused", ops / r_peer,
           "ops/s");
    auto [o_ours, o_peer] = time_pair(loop(ours_oneshot_once), loop(peer_oneshot_once));
    report("crypto.hmac_sha256.306B.oneshot", ops / o_ours, "openssl HMAC() one-shot", ops / o_peer, "ops/s");
    EVP_MAC_CTX_free(mctx);
    EVP_MAC_free(mac);
}

// ---- CRC-64 and CRC-32C ---------------------------------------------------------------

// `reps` passes over the same `len` bytes at `p`: `ours_fn` against `peer_fn`, each
// continuing a finished CRC: Reg fn(Reg previous, const unsigned char* p, std::size_t n).
// They must agree, unless the peer only does the same work (`same_crc` false).
template <class Reg, class Ours, class Peer>
void bench_crc_cached(const std::string& bench, const unsigned char* p, std::size_t len, int reps, Ours ours_fn,
                      Peer peer_fn, const std::string& peer_name, bool same_crc = true) {
    Reg c_ours = 0, c_peer = 0;
    auto ours = [&] {
        Reg c = 0;
        for (int i = 0; i < reps; ++i) c = ours_fn(c, p, len);
        c_ours = c;
        keep(c_ours);
    };
    auto peer = [&] {
        Reg c = 0;
        for (int i = 0; i < reps; ++i) c = peer_fn(c, p, len);
        clean_upper_state();
        c_peer = c;
        keep(c_peer);
    };
    ours();
    peer();
    if (same_crc && c_ours != c_peer) mismatch(bench.c_str());
    auto [t_ours, t_peer] = time_pair(ours, peer);
    report(bench, mb_per_s(double(reps) * len, t_ours), peer_name, mb_per_s(double(reps) * len, t_peer), "MB/s");
}

// One pass over the 256 MiB buffer: from DRAM, as a large part is checksummed.
template <class Reg, class Ours, class Peer>
void bench_crc_big(const std::string& bench, Ours ours_fn, Peer peer_fn, const std::string& peer_name) {
    const auto& buf = big_buffer();
    bench_crc_cached<Reg>(bench, buf.data(), buf.size(), 1, ours_fn, peer_fn, peer_name);
}

// One of our kernels (on the raw register) as a function of finished CRCs.
template <class Reg, class Fn>
auto finished(Fn kernel) {
    return [kernel](Reg c, const unsigned char* p, std::size_t n) { return Reg(~kernel(Reg(~c), p, n)); };
}

using crc64_fn = std::uint64_t (*)(std::uint64_t, const unsigned char*, std::uint64_t);

// An ISA-L CRC-64 (which takes and returns finished values) as such a function.
auto isal64(crc64_fn fn) {
    return [fn](std::uint64_t c, const unsigned char* p, std::size_t n) { return fn(c, p, n); };
}

void bench_crc64() {
    auto api = [](std::uint64_t c, const unsigned char* q, std::size_t n) { return ossmp::crc64_update(c, q, n); };
    bench_crc_big<std::uint64_t>("crypto.crc64.256MiB", api, isal64(crc64_ecma_refl), "isa-l crc64_ecma_refl");

    // The same 1 MiB again and again: L2-resident, so this measures the kernels, not DRAM.
    // Repetitions make each timed run last 10-20 ms, long enough to ride out scheduler noise.
    const unsigned char* p = big_buffer().data();
    bench_crc_cached<std::uint64_t>("crypto.crc64.1MiB", p, small_size, 2048, api, isal64(crc64_ecma_refl),
                                    "isa-l crc64_ecma_refl");
    // Misaligned by one byte: ours aligns its loads first, ISA-L loads unaligned.
    bench_crc_cached<std::uint64_t>("crypto.crc64.1MiB.offset1", p + 1, small_size, 2048, api,
                                    isal64(crc64_ecma_refl), "isa-l crc64_ecma_refl");
    // Each of our kernels against ISA-L's kernel of the same instruction set.
    for (auto k : ossmp::detail::crc64_kernels()) {
        const std::string name = k.name;
        const auto ours = finished<std::uint64_t>(k.fn);
        if (name == "pclmul")
            bench_crc_cached<std::uint64_t>("crypto.crc64.kernel.pclmul.1MiB", p, small_size, 512, ours,
                                            isal64(crc64_ecma_refl_by8), "isa-l crc64_ecma_refl_by8");
        else if (name == "vpclmul-avx2")  // ISA-L has no AVX2 kernel: it would run by8
            bench_crc_cached<std::uint64_t>("crypto.crc64.kernel.vpclmul-avx2.1MiB", p, small_size, 1024, ours,
                                            isal64(crc64_ecma_refl_by8), "isa-l crc64_ecma_refl_by8");
        else if (name == "vpclmul-avx512")
            bench_crc_cached<std::uint64_t>("crypto.crc64.kernel.vpclmul-avx512.1MiB", p, small_size, 2048, ours,
                                            isal64(crc64_ecma_refl_by16_10), "isa-l crc64_ecma_refl_by16_10");
        else if (name == "slice8")
            bench_crc_cached<std::uint64_t>("crypto.crc64.kernel.slice8.1MiB", p, small_size, 16, ours,
                                            isal64(crc64_ecma_refl_base), "isa-l crc64_ecma_refl_base");
    }
}

// CRC-64/NVME is the CRC-64/XZ engine with another polynomial. ISA-L 2.30 has no NVME
// (Rocksoft) CRC, so the peer is its CRC-64/ECMA doing the same amount of work: the ratio
// shows the second polynomial runs as fast as the first.
void bench_crc64nvme() {
    const unsigned char* p = big_buffer().data();
    auto api = [](std::uint64_t c, const unsigned char* q, std::size_t n) { return ossmp::crc64nvme_update(c, q, n); };
    if (api(0, p, small_size) == ossmp::crc64_of(p, small_size)) mismatch("crc64nvme (same as CRC-64/XZ)");
    bench_crc_cached<std::uint64_t>("crypto.crc64nvme.1MiB", p, small_size, 2048, api, isal64(crc64_ecma_refl),
                                    "isa-l crc64_ecma_refl (same work; ISA-L has no CRC-64/NVME)", false);
}

// ISA-L's CRC-32C functions take and return the raw register: inverted on both sides they
// continue a finished CRC like ours.
using crc32_fn = unsigned (*)(unsigned char*, int, unsigned);
auto isal32(crc32_fn fn) {
    return [fn](std::uint32_t c, const unsigned char* p, std::size_t n) {
        return std::uint32_t(~fn(const_cast<unsigned char*>(p), static_cast<int>(n), ~c));
    };
}

void bench_crc32c() {
    auto api = [](std::uint32_t c, const unsigned char* q, std::size_t n) { return ossmp::crc32c_update(c, q, n); };
    // ISA-L takes an int length: the 256 MiB buffer fits.
    bench_crc_big<std::uint32_t>("crypto.crc32c.256MiB", api, isal32(crc32_iscsi), "isa-l crc32_iscsi");

    const unsigned char* p = big_buffer().data();
    bench_crc_cached<std::uint32_t>("crypto.crc32c.1MiB", p, small_size, 2048, api, isal32(crc32_iscsi),
                                    "isa-l crc32_iscsi");
    bench_crc_cached<std::uint32_t>("crypto.crc32c.1MiB.offset1", p + 1, small_size, 2048, api,
                                    isal32(crc32_iscsi), "isa-l crc32_iscsi");
    // Short inputs, where a part's checksum is dominated by setup: the SSE4.2 path below
    // the folding threshold, the folding kernels above it.
    bench_crc_cached<std::uint32_t>("crypto.crc32c.64B", p, 64, 1 << 22, api, isal32(crc32_iscsi),
                                    "isa-l crc32_iscsi");
    bench_crc_cached<std::uint32_t>("crypto.crc32c.4KiB", p, 4096, 1 << 18, api, isal32(crc32_iscsi),
                                    "isa-l crc32_iscsi");
    for (auto k : ossmp::detail::crc32c_kernels()) {
        const std::string name = k.name;
        const auto ours = finished<std::uint32_t>(k.fn);
        if (name == "sse42")
            bench_crc_cached<std::uint32_t>("crypto.crc32c.kernel.sse42.1MiB", p, small_size, 1024, ours,
                                            isal32(crc32_iscsi_00), "isa-l crc32_iscsi_00 (crc32 instruction)");
        else if (name == "pclmul")
            bench_crc_cached<std::uint32_t>("crypto.crc32c.kernel.pclmul.1MiB", p, small_size, 1024, ours,
                                            isal32(crc32_iscsi_01), "isa-l crc32_iscsi_01 (crc32 + pclmul)");
        else if (name == "vpclmul-avx2")  // ISA-L has no AVX2 kernel
            bench_crc_cached<std::uint32_t>("crypto.crc32c.kernel.vpclmul-avx2.1MiB", p, small_size, 1024, ours,
                                            isal32(crc32_iscsi_01), "isa-l crc32_iscsi_01 (crc32 + pclmul)");
        else if (name == "vpclmul-avx512")
            bench_crc_cached<std::uint32_t>("crypto.crc32c.kernel.vpclmul-avx512.1MiB", p, small_size, 2048, ours,
                                            isal32(crc32_iscsi_by16_10), "isa-l crc32_iscsi_by16_10");
        else if (name == "slice8")
            bench_crc_cached<std::uint32_t>("crypto.crc32c.kernel.slice8.1MiB", p, small_size, 16, ours,
                                            isal32(crc32_iscsi_base), "isa-l crc32_iscsi_base");
    }
}

// crc(a || b) from crc(a) when crc(b) is already known (each part's CRC is computed as it
// is uploaded) is one crc64_combine. ISA-L has no combine, so its way is to run the CRC on
// over b's bytes: the peer here is that, for a 5 MiB part.
void bench_crc64_combine() {
    const auto& buf = big_buffer();
    constexpr std::size_t part = std::size_t(5) << 20;
    const unsigned char* a = buf.data();
    const unsigned char* b = buf.data() + part;
    const std::uint64_t crc_a = ossmp::crc64_of(a, part), crc_b = ossmp::crc64_of(b, part);
    constexpr int ops_ours = 200000, ops_peer = 200;
    std::uint64_t r_ours = 0, r_peer = 0;
    auto ours = [&] {
        std::uint64_t x = 0;
        for (int i = 0; i < ops_ours; ++i) x ^= ossmp::crc64_combine(crc_a ^ (x & 1), crc_b, part);
        r_ours = x;
        keep(r_ours);
    };
    auto peer = [&] {
        std::uint64_t x = 0;
        for (int i = 0; i < ops_peer; ++i) x ^= crc64_ecma_refl(crc_a ^ (x & 1), b, part);
        clean_upper_state();
        r_peer = x;
        keep(r_peer);
    };
    if (ossmp::crc64_combine(crc_a, crc_b, part) != isal_crc64(crc_a, b, part)) mismatch("crc64_combine");
    auto [t_ours, t_peer] = time_pair(ours, peer);
    report("crypto.crc64_combine.5MiB", ops_ours / t_ours, "isa-l crc64_ecma_refl over the 5 MiB part",
           ops_peer / t_peer, "ops/s");
}

}  // namespace

OSSMP_BENCH("crypto.md5", bench_md5);
OSSMP_BENCH("crypto.sha1", bench_sha1);
OSSMP_BENCH("crypto.sha256", bench_sha256);
OSSMP_BENCH("crypto.hmac", bench_hmac);
OSSMP_BENCH("crypto.crc64", bench_crc64);
OSSMP_BENCH("crypto.crc64nvme", bench_crc64nvme);
OSSMP_BENCH("crypto.crc32c", bench_crc32c);
OSSMP_BENCH("crypto.crc64_combine", bench_crc64_combine);
