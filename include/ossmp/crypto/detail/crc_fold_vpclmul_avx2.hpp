// ossmp internals: the CRC folding kernel, for any reflected 32- or 64-bit CRC
// (template arguments Reg, Poly), for x86 CPUs with VPCLMULQDQ and AVX2 but no
// AVX-512 (AMD Zen 3, Intel client cores from Alder Lake): sixteen 16-byte lanes in eight YMM
// registers folded 256 bytes forward per step, then into one register, 32 bytes at a time,
// then into one 16-byte lane for the PCLMULQDQ kernel's finish. Compiled with a target
// attribute (no -march needed); callers check cpu().vpclmulqdq and cpu().avx2.
//
// Like the AVX-512 kernel it returns with clean upper vector state (VZEROUPPER), so later
// legacy-SSE code on the thread pays no merge penalty.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ossmp/crypto/detail/crc_gf2.hpp>
#include <ossmp/crypto/detail/crc_fold_pclmul.hpp>
#include <ossmp/crypto/detail/crc_slice8.hpp>
#include <ossmp/version.hpp>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ossmp::inline v0::detail {

#if defined(__x86_64__) || defined(__i386__)

#define OSSMP_CRC_VPCLMUL_AVX2_TARGET __attribute__((target("avx2,vpclmulqdq,pclmul,sse4.1")))

// A pair of fold multipliers in both lanes.
OSSMP_CRC_VPCLMUL_AVX2_TARGET inline __m256i crc_fold_key256(crc_fold_pair k) noexcept {
    const auto first = static_cast<long long>(k.first), second = static_cast<long long>(k.second);
    return _mm256_set_epi64x(second, first, second, first);
}

// Each lane of `x` moved forward by its multipliers in `k`, and `data` added.
OSSMP_CRC_VPCLMUL_AVX2_TARGET inline __m256i crc_fold256(__m256i x, __m256i k, __m256i data) noexcept {
    return _mm256_xor_si256(
        _mm256_xor_si256(_mm256_clmulepi64_epi128(x, k, 0x00), _mm256_clmulepi64_epi128(x, k, 0x11)), data);
}

// An unaligned load (aligned, on long inputs: the kernel aligns its pointer first).
OSSMP_CRC_VPCLMUL_AVX2_TARGET inline __m256i crc_load32(const unsigned char* p) noexcept {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// Continues the raw CRC register `reg` over `n` bytes at `p` (any length, any alignment).
template <class Reg, Reg Poly>
OSSMP_CRC_VPCLMUL_AVX2_TARGET inline Reg crc_fold_vpclmul_avx2(Reg reg, const unsigned char* p, std::size_t n) noexcept {
    // Below eight registers' worth the setup costs more than the wide folds save.
    if (n < 256) return crc_fold_pclmul<Reg, Poly>(reg, p, n);
    // From cache, loads that straddle cache lines cost about a fifth of the speed, so long
    // inputs first take the bytes up to a 32-byte boundary through the 128-bit kernel.
    // Short ones do not: that detour costs more than they would lose.
    if (const std::size_t head = (0 - reinterpret_cast<std::uintptr_t>(p)) & 31; head != 0 && n >= 4096) {
        reg = crc_fold_pclmul<Reg, Poly>(reg, p, head);
        p += head;
        n -= head;
    }
    // The register joins the first message bytes, as in the 128-bit kernel.
    __m256i y0 = _mm256_xor_si256(crc_load32(p), _mm256_set_epi64x(0, 0, 0, static_cast<long long>(reg)));
    __m256i y1 = crc_load32(p + 32), y2 = crc_load32(p + 64), y3 = crc_load32(p + 96),
            y4 = crc_load32(p + 128), y5 = crc_load32(p + 160), y6 = crc_load32(p + 192),
            y7 = crc_load32(p + 224);
    p += 256;
    n -= 256;
    const __m256i k256 = crc_fold_key256(crc_fold_k<Reg, Poly, 256>);
    while (n >= 256) {
        y0 = crc_fold256(y0, k256, crc_load32(p));
        y1 = crc_fold256(y1, k256, crc_load32(p + 32));
        y2 = crc_fold256(y2, k256, crc_load32(p + 64));
        y3 = crc_fold256(y3, k256, crc_load32(p + 96));
        y4 = crc_fold256(y4, k256, crc_load32(p + 128));
        y5 = crc_fold256(y5, k256, crc_load32(p + 160));
        y6 = crc_fold256(y6, k256, crc_load32(p + 192));
        y7 = crc_fold256(y7, k256, crc_load32(p + 224));
        p += 256;
        n -= 256;
    }
    // Each register straight onto the last one (a tree, not a chain of 32-byte folds).
    const __m256i k32 = crc_fold_key256(crc_fold_k<Reg, Poly, 32>);
    const __m256i zero = _mm256_setzero_si256();
    __m256i y = _mm256_xor_si256(
        _mm256_xor_si256(_mm256_xor_si256(crc_fold256(y0, crc_fold_key256(crc_fold_k<Reg, Poly, 224>), zero),
                                          crc_fold256(y1, crc_fold_key256(crc_fold_k<Reg, Poly, 192>), zero)),
                         _mm256_xor_si256(crc_fold256(y2, crc_fold_key256(crc_fold_k<Reg, Poly, 160>), zero),
                                          crc_fold256(y3, crc_fold_key256(crc_fold_k<Reg, Poly, 128>), zero))),
        _mm256_xor_si256(_mm256_xor_si256(crc_fold256(y4, crc_fold_key256(crc_fold_k<Reg, Poly, 96>), zero),
                                          crc_fold256(y5, crc_fold_key256(crc_fold_k<Reg, Poly, 64>), zero)),
                         crc_fold256(y6, k32, y7)));
    for (; n >= 32; p += 32, n -= 32) y = crc_fold256(y, k32, crc_load32(p));
    // The low lane moves 16 bytes onto the high one.
    const __m128i k16 = crc_fold_key(crc_fold_k<Reg, Poly, 16>);
    const __m128i x = _mm_xor_si128(crc_fold(_mm256_castsi256_si128(y), k16), _mm256_extracti128_si256(y, 1));
    return crc_fold_wide_finish<Reg, Poly>(x, p, n);
}

#undef OSSMP_CRC_VPCLMUL_AVX2_TARGET

#endif  // x86

}  // namespace ossmp::inline v0::detail
