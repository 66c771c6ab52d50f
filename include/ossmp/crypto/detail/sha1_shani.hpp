// ossmp internals: the SHA-1 block function on the x86 SHA extensions (SHA-NI). Compiled
// with a target attribute (no -march needed); callers check cpu().sha first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include <ossmp/crypto/detail/prefetch.hpp>
#include <ossmp/version.hpp>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ossmp::inline v0::detail {

#if defined(__x86_64__) || defined(__i386__)

// Round group K (rounds 4K..4K+3). Registers hold words with the first in the top lane:
// abcd = {d,c,b,a}, m[K % 4] = message words 4K..4K+3 (computed here from the four groups
// before for K >= 4: W[t] = rotl1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]), SHA1MSG1 taking the
// t-16/t-14 terms, a plain XOR the t-8 ones, SHA1MSG2 the t-3 ones and the rotation).
// E is never held: SHA1NEXTE derives it from the A of the group before (`prev`), which is
// rotl30 of it, and adds it to the first message word; group 0 gets E added by the caller.
template <std::size_t K>
__attribute__((target("sha,sse4.1"))) inline void sha1_shani_group(__m128i& abcd, __m128i& prev,
                                                                   __m128i (&m)[4], __m128i e0) noexcept {
    if constexpr (K >= 4) {
        __m128i& w = m[K % 4];
        w = _mm_sha1msg2_epu32(_mm_xor_si128(_mm_sha1msg1_epu32(w, m[(K + 1) % 4]), m[(K + 2) % 4]),
                               m[(K + 3) % 4]);
    }
    __m128i we;
    if constexpr (K == 0)
        we = _mm_add_epi32(e0, m[0]);
    else
        we = _mm_sha1nexte_epu32(prev, m[K % 4]);
    prev = abcd;
    // The round function and constant change every 20 rounds.
    abcd = _mm_sha1rnds4_epu32(abcd, we, static_cast<int>(K / 5));
}

template <std::size_t... K>
__attribute__((target("sha,sse4.1"))) inline void sha1_shani_rounds(__m128i& abcd, __m128i& prev,
                                                                    __m128i (&m)[4], __m128i e0,
                                                                    std::index_sequence<K...>) noexcept {
    (sha1_shani_group<K>(abcd, prev, m, e0), ...);
}

// Runs `blocks` 64-byte blocks at `p` through the state s[0..4].
__attribute__((target("sha,sse4.1"))) inline void sha1_compress_shani(std::uint32_t* s,
                                                                      const unsigned char* p,
                                                                      std::size_t blocks) noexcept {
    // Big-endian words, first word in the top lane: reverse all 16 bytes.
    const __m128i reverse = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s)), 0x1b);
    __m128i e = _mm_set_epi32(static_cast<int>(s[4]), 0, 0, 0);
    for (; blocks; --blocks, p += 64) {
        // The hardware prefetcher alone leaves this loop waiting on DRAM (1.2-1.6 GB/s from
        // a 256 MiB buffer against 2 GB/s from cache); 16 blocks ahead closes the gap.
        prefetch(p, 1024);
        const __m128i abcd0 = abcd;
        __m128i m[4];
        for (int i = 0; i < 4; ++i)
            m[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i)), reverse);
        __m128i prev = abcd;
        sha1_shani_rounds(abcd, prev, m, e, std::make_index_sequence<20>{});
        // E after 80 rounds is rotl30 of the A that began the last group; add the old E.
        e = _mm_sha1nexte_epu32(prev, e);
        abcd = _mm_add_epi32(abcd, abcd0);
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(s), _mm_shuffle_epi32(abcd, 0x1b));
    s[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e, 3));
}

#endif  // x86

}  // namespace ossmp::inline v0::detail
