// ossmp internals: the SHA-1 block functions this CPU can run, and the one sha1 uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <ossmp/crypto/detail/cpu.hpp>
#include <ossmp/crypto/detail/kernel_list.hpp>
#include <ossmp/crypto/detail/sha1_portable.hpp>
#include <ossmp/crypto/detail/sha1_shani.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// A block function runs whole 64-byte blocks through the five state words; all of them
// compute the same function and differ only in speed.
using sha1_kernel_fn = void (*)(std::uint32_t* state, const unsigned char* p, std::size_t blocks) noexcept;
using sha1_kernel = kernel<sha1_kernel_fn>;

// The list behind sha1_kernels() and sha1_best_kernel(), built on first use.
inline const kernel_list<sha1_kernel_fn, 2>& sha1_kernel_list() noexcept {
    static const kernel_list<sha1_kernel_fn, 2> list = [] {
        kernel_list<sha1_kernel_fn, 2> l;
        l.add("portable", &sha1_compress_portable);
#if defined(__x86_64__) || defined(__i386__)
        if (cpu().sha) l.add("sha-ni", &sha1_compress_shani);
#endif
        return l;
    }();
    return list;
}

// Every block function usable on this CPU, slowest first: "portable" (always), then
// "sha-ni" when the CPU has the SHA extensions. Detected once (thread-safe).
inline std::span<const sha1_kernel> sha1_kernels() noexcept { return sha1_kernel_list().all(); }

// The fastest usable block function, chosen on first use (thread-safe).
inline sha1_kernel_fn sha1_best_kernel() noexcept {
    static const sha1_kernel_fn best = sha1_kernel_list().best();
    return best;
}

}  // namespace ossmp::inline v0::detail
