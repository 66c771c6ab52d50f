// ossmp internals: the CRC-32C kernels this CPU can run, and the ones crc32c_update uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <ossmp/crypto/detail/cpu.hpp>
#include <ossmp/crypto/detail/crc32c_sse42.hpp>
#include <ossmp/crypto/detail/crc_fold_pclmul.hpp>
#include <ossmp/crypto/detail/crc_fold_vpclmul.hpp>
#include <ossmp/crypto/detail/crc_fold_vpclmul_avx2.hpp>
#include <ossmp/crypto/detail/crc_slice8.hpp>
#include <ossmp/crypto/detail/kernel_list.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// A kernel continues the raw (inverted) CRC register over any bytes and returns it; all
// kernels compute the same function and differ only in speed.
using crc32c_kernel_fn = std::uint32_t (*)(std::uint32_t reg, const unsigned char* p, std::size_t n) noexcept;
using crc32c_kernel = kernel<crc32c_kernel_fn>;

// The portable kernel: the reference the others are held to.
inline std::uint32_t crc32c_slice8(std::uint32_t reg, const unsigned char* p, std::size_t n) noexcept {
    return crc_slice8<std::uint32_t, crc32c_poly>(reg, p, n);
}

// The list behind crc32c_kernels() and crc32c_best_kernel(), built on first use.
inline const kernel_list<crc32c_kernel_fn, 5>& crc32c_kernel_list() noexcept {
    static const kernel_list<crc32c_kernel_fn, 5> list = [] {
        kernel_list<crc32c_kernel_fn, 5> l;
        l.add("slice8", &crc32c_slice8);
#if defined(__x86_64__) || defined(__i386__)
        const cpu_features& f = cpu();
        // One 128-bit fold chain is slower than three crc32 streams: pclmul comes first.
        if (f.pclmul) l.add("pclmul", &crc_fold_pclmul<std::uint32_t, crc32c_poly>);
#if defined(__x86_64__)
        if (f.sse42) l.add("sse42", &crc32c_sse42);
#endif
        if (f.pclmul && f.vpclmulqdq && f.avx2)
            l.add("vpclmul-avx2", &crc_fold_vpclmul_avx2<std::uint32_t, crc32c_poly>);
        if (f.pclmul && f.vpclmulqdq && f.avx512)
            l.add("vpclmul-avx512", &crc_fold_vpclmul<std::uint32_t, crc32c_poly>);
#endif
        return l;
    }();
    return list;
}

// Every kernel usable on this CPU, slowest first: "slice8" (portable, always present), then
// those of "pclmul", "sse42", "vpclmul-avx2" and "vpclmul-avx512" the CPU and OS support.
// Detected once (thread-safe).
inline std::span<const crc32c_kernel> crc32c_kernels() noexcept { return crc32c_kernel_list().all(); }

// The fastest usable kernel for long inputs, chosen on first use (thread-safe).
inline crc32c_kernel_fn crc32c_best_kernel() noexcept {
    static const crc32c_kernel_fn best = crc32c_kernel_list().best();
    return best;
}

// The kernel for inputs under crc32c_fold_min_bytes: "sse42" where the CPU has it (a fold
// costs a setup and a final table pass that short inputs do not amortise), else the best.
inline crc32c_kernel_fn crc32c_short_kernel() noexcept {
    static const crc32c_kernel_fn k = [] {
        for (auto& kernel : crc32c_kernel_list().all())
            if (kernel.name == std::string_view("sse42")) return kernel.fn;
        return crc32c_kernel_list().best();
    }();
    return k;
}

// Below this many bytes crc32c_update takes crc32c_short_kernel() (measured with VPCLMULQDQ
// and AVX-512: 384 bytes take 24 ns either way, 512 take 38 ns by crc32, 21 ns folding).
inline constexpr std::size_t crc32c_fold_min_bytes = 384;

}  // namespace ossmp::inline v0::detail
