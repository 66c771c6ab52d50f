// ossmp internals: the CRC-64 kernels this CPU can run, and the one each public CRC-64
// uses. Both CRC-64s the library knows, CRC-64/XZ (OSS's crc64ecma) and CRC-64/NVME (S3's
// crc64nvme), are the same reflected 64-bit engine (crc_slice8, crc_fold_*) instantiated
// with a different polynomial; the constants are computed at compile time, so each runs
// exactly the code a dedicated kernel would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <ossmp/crypto/detail/cpu.hpp>
#include <ossmp/crypto/detail/crc_fold_pclmul.hpp>
#include <ossmp/crypto/detail/crc_fold_vpclmul.hpp>
#include <ossmp/crypto/detail/crc_fold_vpclmul_avx2.hpp>
#include <ossmp/crypto/detail/crc_gf2.hpp>
#include <ossmp/crypto/detail/crc_slice8.hpp>
#include <ossmp/crypto/detail/kernel_list.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// ECMA-182 polynomial 0x42F0E1EBA9EA3693, reflected: CRC-64/XZ.
inline constexpr std::uint64_t crc64_poly = 0xC96C5795D7870F42ull;
// NVM Express polynomial 0xAD93D23594C93659, reflected: CRC-64/NVME.
inline constexpr std::uint64_t crc64nvme_poly = 0x9A6C9329AC4BC9B5ull;

// A kernel continues the raw (inverted) CRC register over any bytes and returns it; all
// kernels of one polynomial compute the same function and differ only in speed.
using crc64_kernel_fn = std::uint64_t (*)(std::uint64_t reg, const unsigned char* p, std::size_t n) noexcept;
using crc64_kernel = kernel<crc64_kernel_fn>;

// The portable CRC-64/XZ kernel: the reference the others are held to.
inline std::uint64_t crc64_slice8(std::uint64_t reg, const unsigned char* p, std::size_t n) noexcept {
    return crc_slice8<std::uint64_t, crc64_poly>(reg, p, n);
}

// The kernels of polynomial Poly usable on this CPU, slowest first, built on first use.
template <std::uint64_t Poly>
inline const kernel_list<crc64_kernel_fn, 4>& crc64_kernel_list() noexcept {
    static const kernel_list<crc64_kernel_fn, 4> list = [] {
        kernel_list<crc64_kernel_fn, 4> l;
        l.add("slice8", &crc_slice8<std::uint64_t, Poly>);
#if defined(__x86_64__) || defined(__i386__)
        const cpu_features& f = cpu();
        if (f.pclmul) l.add("pclmul", &crc_fold_pclmul<std::uint64_t, Poly>);
        if (f.pclmul && f.vpclmulqdq && f.avx2) l.add("vpclmul-avx2", &crc_fold_vpclmul_avx2<std::uint64_t, Poly>);
        if (f.pclmul && f.vpclmulqdq && f.avx512) l.add("vpclmul-avx512", &crc_fold_vpclmul<std::uint64_t, Poly>);
#endif
        return l;
    }();
    return list;
}

// Every CRC-64/XZ kernel usable on this CPU, slowest first: "slice8" (portable, always
// present), then those of "pclmul", "vpclmul-avx2" and "vpclmul-avx512" the CPU and OS
// support. Detected once (thread-safe).
inline std::span<const crc64_kernel> crc64_kernels() noexcept { return crc64_kernel_list<crc64_poly>().all(); }
// The same for CRC-64/NVME.
inline std::span<const crc64_kernel> crc64nvme_kernels() noexcept {
    return crc64_kernel_list<crc64nvme_poly>().all();
}

// The fastest usable kernel of polynomial Poly, chosen on first use (thread-safe) and fixed
// thereafter.
template <std::uint64_t Poly>
inline crc64_kernel_fn crc64_best_kernel_for() noexcept {
    static const crc64_kernel_fn best = crc64_kernel_list<Poly>().best();
    return best;
}
inline crc64_kernel_fn crc64_best_kernel() noexcept { return crc64_best_kernel_for<crc64_poly>(); }

// Below this many bytes the portable kernel wins: a fold ends with a table pass over its
// last 16 bytes (measured: 24 bytes take 12 ns by table, 14 ns folding; 32 take 16 and 12).
inline constexpr std::size_t crc64_fold_min_bytes = 32;

// Continues the finished CRC `crc` of polynomial Poly over `n` bytes: what the public
// crc64_update and crc64nvme_update do.
template <std::uint64_t Poly>
inline std::uint64_t crc64_update_for(std::uint64_t crc, const void* data, std::size_t n) noexcept {
    auto p = static_cast<const unsigned char*>(data);
    if (n < crc64_fold_min_bytes) return ~crc_slice8<std::uint64_t, Poly>(~crc, p, n);
    return ~crc64_best_kernel_for<Poly>()(~crc, p, n);
}

}  // namespace ossmp::inline v0::detail
