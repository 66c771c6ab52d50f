// ossmp internals: the CRC folding kernel, for any reflected 32- or 64-bit CRC
// (template arguments Reg, Poly), for x86 CPUs with VPCLMULQDQ and AVX-512
// (F, BW, VL). Sixteen 16-byte lanes in four ZMM registers are folded 256 bytes forward
// per step; then the registers are folded into one, 64 bytes at a time, that one into a
// single 16-byte lane, and the PCLMULQDQ kernel's finish takes over. Compiled with a
// target attribute (no -march needed); callers check cpu().vpclmulqdq and cpu().avx512.
//
// It returns with clean upper vector state (VZEROUPPER): dirty upper ZMM/YMM halves would
// make every later legacy-SSE instruction on this thread pay a merge penalty (perf-anchors:
// ISA-L's AVX-512 CRC, which skips it, slows a following SSE CRC by 55 % and SHA-256 by 25 %).
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

#define OSSMP_CRC_VPCLMUL_TARGET \
    __attribute__((target("avx512f,avx512bw,avx512vl,vpclmulqdq,pclmul,sse4.1")))

// A pair of fold multipliers in all four lanes.
OSSMP_CRC_VPCLMUL_TARGET inline __m512i crc_fold_key512(crc_fold_pair k) noexcept {
    // The maskz forms: GCC 12's unmasked ones trip -Wmaybe-uninitialized in its own headers.
    return _mm512_maskz_broadcast_i32x4(
        0xffff, _mm_set_epi64x(static_cast<long long>(k.second), static_cast<long long>(k.first)));
}

// Each lane of `x` moved forward by its multipliers in `k`, and `data` added: one
// three-way XOR (ternary logic 0x96) joins the two products and the new data.
OSSMP_CRC_VPCLMUL_TARGET inline __m512i crc_fold512(__m512i x, __m512i k, __m512i data) noexcept {
    return _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x, k, 0x00),
                                     _mm512_clmulepi64_epi128(x, k, 0x11), data, 0x96);
}

// An unaligned load (aligned, on long inputs: the kernel aligns its pointer first).
OSSMP_CRC_VPCLMUL_TARGET inline __m512i crc_load64(const unsigned char* p) noexcept {
    return _mm512_loadu_si512(p);
}

// Continues the raw CRC register `reg` over `n` bytes at `p` (any length, any alignment).
template <class Reg, Reg Poly>
OSSMP_CRC_VPCLMUL_TARGET inline Reg crc_fold_vpclmul(Reg reg, const unsigned char* p, std::size_t n) noexcept {
    // Below four registers' worth the setup costs more than the wide folds save.
    if (n < 256) return crc_fold_pclmul<Reg, Poly>(reg, p, n);
    // From cache, loads that straddle cache lines cost about a fifth of the speed, so long
    // inputs first take the bytes up to a 64-byte boundary through the 128-bit kernel.
    // Short ones do not: that detour costs more than they would lose.
    if (const std::size_t head = (0 - reinterpret_cast<std::uintptr_t>(p)) & 63; head != 0 && n >= 4096) {
        reg = crc_fold_pclmul<Reg, Poly>(reg, p, head);
        p += head;
        n -= head;
    }
    // The register joins the first message bytes, as in the 128-bit kernel.
    const __m512i reg_block =
        _mm512_inserti32x4(_mm512_setzero_si512(), _mm_set_epi64x(0, static_cast<long long>(reg)), 0);
    __m512i z0 = _mm512_xor_si512(crc_load64(p), reg_block);
    __m512i z1 = crc_load64(p + 64), z2 = crc_load64(p + 128), z3 = crc_load64(p + 192);
    p += 256;
    n -= 256;
    const __m512i k256 = crc_fold_key512(crc_fold_k<Reg, Poly, 256>);
    while (n >= 256) {
        z0 = crc_fold512(z0, k256, crc_load64(p));
        z1 = crc_fold512(z1, k256, crc_load64(p + 64));
        z2 = crc_fold512(z2, k256, crc_load64(p + 128));
        z3 = crc_fold512(z3, k256, crc_load64(p + 192));
        p += 256;
        n -= 256;
    }
    const __m512i k64 = crc_fold_key512(crc_fold_k<Reg, Poly, 64>);
    __m512i z =
        crc_fold512(z0, crc_fold_key512(crc_fold_k<Reg, Poly, 192>),
                      crc_fold512(z1, crc_fold_key512(crc_fold_k<Reg, Poly, 128>), crc_fold512(z2, k64, z3)));
    for (; n >= 64; p += 64, n -= 64) z = crc_fold512(z, k64, crc_load64(p));
    // Lanes 0..2 move 48, 32, 16 bytes onto lane 3; lane 3's multipliers are zero so its
    // products vanish and it is added as it is.
    constexpr crc_fold_pair k48 = crc_fold_k<Reg, Poly, 48>, k32 = crc_fold_k<Reg, Poly, 32>,
                            k16 = crc_fold_k<Reg, Poly, 16>;
    const __m512i lane_keys =
        _mm512_set_epi64(0, 0, static_cast<long long>(k16.second), static_cast<long long>(k16.first),
                         static_cast<long long>(k32.second), static_cast<long long>(k32.first),
                         static_cast<long long>(k48.second), static_cast<long long>(k48.first));
    const __m512i t = crc_fold512(z, lane_keys, _mm512_maskz_mov_epi64(0xc0, z));
    __m128i x = _mm_ternarylogic_epi64(_mm512_maskz_extracti32x4_epi32(0xf, t, 0),
                                       _mm512_maskz_extracti32x4_epi32(0xf, t, 1),
                                       _mm512_maskz_extracti32x4_epi32(0xf, t, 2), 0x96);
    x = _mm_xor_si128(x, _mm512_maskz_extracti32x4_epi32(0xf, t, 3));
    return crc_fold_wide_finish<Reg, Poly>(x, p, n);
}

#undef OSSMP_CRC_VPCLMUL_TARGET

#endif  // x86

}  // namespace ossmp::inline v0::detail
