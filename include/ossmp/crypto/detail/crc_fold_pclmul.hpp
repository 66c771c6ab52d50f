// ossmp internals: the CRC folding kernel for x86 CPUs with PCLMULQDQ and SSE4.1, for any
// reflected 32- or 64-bit CRC (template arguments Reg, Poly). Eight 16-byte lanes are
// folded 128 bytes forward per step, so eight carry-less multiply chains run in parallel;
// the lanes are then folded into one, and the last 16-byte block and the sub-block tail go
// through the portable tables. Compiled for its instruction set with a target attribute,
// so it needs no -march flag; callers check cpu().pclmul first.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ossmp/crypto/detail/crc_gf2.hpp>
#include <ossmp/crypto/detail/crc_slice8.hpp>
#include <ossmp/version.hpp>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ossmp::inline v0::detail {

#if defined(__x86_64__) || defined(__i386__)

// A pair of fold multipliers as one vector: low half for the block's first 8 bytes, high
// half for its last 8 (the halves _mm_clmulepi64_si128 pairs with 0x00 and 0x11).
__attribute__((target("pclmul,sse4.1"))) inline __m128i crc_fold_key(crc_fold_pair k) noexcept {
    return _mm_set_epi64x(static_cast<long long>(k.second), static_cast<long long>(k.first));
}

// `x` moved forward by the distance `k` was made for: a 128-bit value congruent mod P.
__attribute__((target("pclmul,sse4.1"))) inline __m128i crc_fold(__m128i x, __m128i k) noexcept {
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

// An unaligned 16-byte load.
__attribute__((target("pclmul,sse4.1"))) inline __m128i crc_load16(const unsigned char* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// The register as the partner of the first message bytes: XORed onto them (all 8 bytes of
// the low half for a 64-bit CRC, the first 4 for a 32-bit one).
template <class Reg>
__attribute__((target("pclmul,sse4.1"))) inline __m128i crc_reg_block(Reg reg) noexcept {
    return _mm_set_epi64x(0, static_cast<long long>(static_cast<std::uint64_t>(reg)));
}

// Finishes a fold: `x` is the message's last full 16-byte block with everything before it
// folded in, so the register is x * x^W mod P, the table CRC of those 16 bytes from 0.
// Then the table takes the remaining `n` < 16 bytes.
template <class Reg, Reg Poly>
__attribute__((target("pclmul,sse4.1"))) inline Reg crc_fold_finish(__m128i x, const unsigned char* p,
                                                                    std::size_t n) noexcept {
    alignas(16) unsigned char last[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(last), x);
    return crc_slice8<Reg, Poly>(crc_slice8<Reg, Poly>(0, last, 16), p, n);
}

// The wide kernels' end: `x` holds everything folded so far as one 16-byte lane; the
// remaining 16-byte blocks fold in, the upper vector state is cleaned (VZEROUPPER: nothing
// wide is live any more, and dirty upper halves would slow every later SSE instruction on
// the thread), and the tables finish.
template <class Reg, Reg Poly>
__attribute__((target("avx,pclmul,sse4.1"))) inline Reg crc_fold_wide_finish(__m128i x, const unsigned char* p,
                                                                             std::size_t n) noexcept {
    const __m128i k16 = crc_fold_key(crc_fold_k<Reg, Poly, 16>);
    for (; n >= 16; p += 16, n -= 16) x = _mm_xor_si128(crc_fold(x, k16), crc_load16(p));
    alignas(16) unsigned char last[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(last), x);
    _mm256_zeroupper();
    return crc_slice8<Reg, Poly>(crc_slice8<Reg, Poly>(0, last, 16), p, n);
}

// Continues the raw CRC register `reg` over `n` bytes at `p` (any length, any alignment).
template <class Reg, Reg Poly>
__attribute__((target("pclmul,sse4.1"))) inline Reg crc_fold_pclmul(Reg reg, const unsigned char* p,
                                                                    std::size_t n) noexcept {
    if (n < 16) return crc_slice8<Reg, Poly>(reg, p, n);
    const __m128i reg_block = crc_reg_block(reg);
    __m128i x;
    if (n >= 128) {
        __m128i x0 = _mm_xor_si128(crc_load16(p), reg_block), x1 = crc_load16(p + 16), x2 = crc_load16(p + 32),
                x3 = crc_load16(p + 48), x4 = crc_load16(p + 64), x5 = crc_load16(p + 80), x6 = crc_load16(p + 96),
                x7 = crc_load16(p + 112);
        p += 128;
        n -= 128;
        const __m128i k128 = crc_fold_key(crc_fold_k<Reg, Poly, 128>);
        while (n >= 128) {
            x0 = _mm_xor_si128(crc_fold(x0, k128), crc_load16(p));
            x1 = _mm_xor_si128(crc_fold(x1, k128), crc_load16(p + 16));
            x2 = _mm_xor_si128(crc_fold(x2, k128), crc_load16(p + 32));
            x3 = _mm_xor_si128(crc_fold(x3, k128), crc_load16(p + 48));
            x4 = _mm_xor_si128(crc_fold(x4, k128), crc_load16(p + 64));
            x5 = _mm_xor_si128(crc_fold(x5, k128), crc_load16(p + 80));
            x6 = _mm_xor_si128(crc_fold(x6, k128), crc_load16(p + 96));
            x7 = _mm_xor_si128(crc_fold(x7, k128), crc_load16(p + 112));
            p += 128;
            n -= 128;
        }
        // Each lane straight onto the last one (a tree, not a chain of 16-byte folds).
        x0 = crc_fold(x0, crc_fold_key(crc_fold_k<Reg, Poly, 112>));
        x1 = crc_fold(x1, crc_fold_key(crc_fold_k<Reg, Poly, 96>));
        x2 = crc_fold(x2, crc_fold_key(crc_fold_k<Reg, Poly, 80>));
        x3 = crc_fold(x3, crc_fold_key(crc_fold_k<Reg, Poly, 64>));
        x4 = crc_fold(x4, crc_fold_key(crc_fold_k<Reg, Poly, 48>));
        x5 = crc_fold(x5, crc_fold_key(crc_fold_k<Reg, Poly, 32>));
        x6 = crc_fold(x6, crc_fold_key(crc_fold_k<Reg, Poly, 16>));
        x = _mm_xor_si128(_mm_xor_si128(_mm_xor_si128(x0, x1), _mm_xor_si128(x2, x3)),
                          _mm_xor_si128(_mm_xor_si128(x4, x5), _mm_xor_si128(x6, x7)));
    } else {
        x = _mm_xor_si128(crc_load16(p), reg_block);
        p += 16;
        n -= 16;
    }
    const __m128i k16 = crc_fold_key(crc_fold_k<Reg, Poly, 16>);
    for (; n >= 16; p += 16, n -= 16) x = _mm_xor_si128(crc_fold(x, k16), crc_load16(p));
    return crc_fold_finish<Reg, Poly>(x, p, n);
}

#endif  // x86

}  // namespace ossmp::inline v0::detail
