// ossmp internals: the CRC-64/XZ kernels this CPU can run, and the one crc64_update uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <ossmp/crypto/detail/cpu.hpp>
#include <ossmp/crypto/detail/crc64_pclmul.hpp>
#include <ossmp/crypto/detail/crc64_slice8.hpp>
#include <ossmp/crypto/detail/crc64_vpclmul.hpp>
#include <ossmp/crypto/detail/crc64_vpclmul_avx2.hpp>
#include <ossmp/crypto/detail/kernel_list.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// A kernel continues the raw (inverted) CRC register over any bytes and returns it; all
// kernels compute the same function and differ only in speed.
using crc64_kernel_fn = std::uint64_t (*)(std::uint64_t reg, const unsigned char* p, std::size_t n) noexcept;
using crc64_kernel = kernel<crc64_kernel_fn>;

// The list behind crc64_kernels() and crc64_best_kernel(), built on first use.
inline const kernel_list<crc64_kernel_fn, 4>& crc64_kernel_list() noexcept {
    static const kernel_list<crc64_kernel_fn, 4> list = [] {
        kernel_list<crc64_kernel_fn, 4> l;
        l.add("slice8", &crc64_slice8);
#if defined(__x86_64__) || defined(__i386__)
        const cpu_features& f = cpu();
        if (f.pclmul) l.add("pclmul", &crc64_pclmul);
        if (f.pclmul && f.vpclmulqdq && f.avx2) l.add("vpclmul-avx2", &crc64_vpclmul_avx2);
        if (f.pclmul && f.vpclmulqdq && f.avx512) l.add("vpclmul-avx512", &crc64_vpclmul);
#endif
        return l;
    }();
    return list;
}

// Every kernel usable on this CPU, slowest first: "slice8" (portable, always present), then
// those of "pclmul", "vpclmul-avx2" and "vpclmul-avx512" the CPU and OS support. Detected
// once (thread-safe).
inline std::span<const crc64_kernel> crc64_kernels() noexcept { return crc64_kernel_list().all(); }

// The fastest usable kernel, chosen on first use (thread-safe) and fixed thereafter.
inline crc64_kernel_fn crc64_best_kernel() noexcept {
    static const crc64_kernel_fn best = crc64_kernel_list().best();
    return best;
}

// Below this many bytes the portable kernel wins: a fold ends with a table pass over its
// last 16 bytes (measured: 24 bytes take 12 ns by table, 14 ns folding; 32 take 16 and 12).
inline constexpr std::size_t crc64_fold_min_bytes = 32;

}  // namespace ossmp::inline v0::detail
