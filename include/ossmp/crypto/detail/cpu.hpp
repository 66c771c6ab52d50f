// ossmp internals: the x86 instruction-set extensions the crypto kernels may use, detected
// once at run time so the library needs no -march flag.
#pragma once

#include <cstdint>

#include <ossmp/version.hpp>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace ossmp::inline v0::detail {

// What this CPU and OS let the kernels use. A flag is true only when both the instructions
// exist and the OS saves the registers they touch across context switches (XCR0).
struct cpu_features {
    bool sse41 = false;
    bool sse42 = false;       // SSE4.2, whose crc32 instruction is CRC-32C
    bool pclmul = false;
    bool sha = false;
    bool avx = false;         // CPU has AVX and the OS saves YMM state
    bool avx2 = false;        // AVX2, and avx holds
    bool avx512 = false;      // AVX-512 F, BW and VL, and the OS saves opmask and ZMM state
    bool vpclmulqdq = false;  // VPCLMULQDQ (on YMM; on ZMM too when avx512 holds), and avx holds
    bool xinuse = false;      // XGETBV with ECX = 1 reports which state components are in use
};

#if defined(__x86_64__) || defined(__i386__)
// XGETBV: reads extended control register `index` (0: XCR0, the state components the OS
// saves; 1: XINUSE, those currently not in their initial state). Inline assembly because
// the _xgetbv intrinsic needs target("xsave"); opcode bytes so any assembler takes it.
inline std::uint64_t xgetbv(std::uint32_t index) noexcept {
    std::uint32_t lo, hi;
    __asm__ __volatile__(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(index));
    return (std::uint64_t(hi) << 32) | lo;
}

inline cpu_features detect_cpu_features() noexcept {
    cpu_features f;
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return f;
    const unsigned max_leaf = a;
    if (max_leaf < 1) return f;
    __cpuid_count(1, 0, a, b, c, d);
    f.sse41 = (c >> 19) & 1;
    f.sse42 = (c >> 20) & 1;
    f.pclmul = ((c >> 1) & 1) && f.sse41;
    const bool osxsave = (c >> 27) & 1;
    const bool cpu_avx = (c >> 28) & 1;
    std::uint64_t xcr0 = osxsave ? xgetbv(0) : 0;
    // XCR0 bits: 1 SSE, 2 AVX (upper YMM), 5 opmask, 6 upper ZMM0-15, 7 ZMM16-31.
    const bool os_ymm = (xcr0 & 0x6) == 0x6;
    const bool os_zmm = (xcr0 & 0xe6) == 0xe6;
    f.avx = cpu_avx && os_ymm;
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        f.sha = ((b >> 29) & 1) && f.sse41;
        f.avx2 = ((b >> 5) & 1) && f.avx;
        const bool avx512 = ((b >> 16) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1);  // F, BW, VL
        f.avx512 = avx512 && f.avx && os_zmm;
        f.vpclmulqdq = ((c >> 10) & 1) && f.avx;
    }
    if (max_leaf >= 0xd && osxsave) {
        __cpuid_count(0xd, 1, a, b, c, d);
        f.xinuse = (a >> 2) & 1;
    }
    return f;
}
#else
inline cpu_features detect_cpu_features() noexcept { return {}; }
#endif

// The features of the CPU we run on, detected on first use (thread-safe).
inline const cpu_features& cpu() noexcept {
    static const cpu_features f = detect_cpu_features();
    return f;
}

}  // namespace ossmp::inline v0::detail
