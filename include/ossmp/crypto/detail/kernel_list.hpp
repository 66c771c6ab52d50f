// ossmp internals: a short list of interchangeable kernels (portable first, fastest last)
// from which dispatch picks once, and which tests walk to check each against the portable
// one.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

// One implementation of a function: a short name ("slice8", "sha-ni") and its address.
template <class Fn>
struct kernel {
    const char* name;
    Fn fn;
};

// Up to N kernels; add() the usable ones in order of speed.
template <class Fn, std::size_t N>
class kernel_list {
public:
    constexpr void add(const char* name, Fn fn) noexcept { items_[count_++] = {name, fn}; }
    // The kernels added, slowest first.
    constexpr std::span<const kernel<Fn>> all() const noexcept { return {items_.data(), count_}; }
    // The last (fastest) kernel added.
    constexpr Fn best() const noexcept { return items_[count_ - 1].fn; }

private:
    std::array<kernel<Fn>, N> items_{};
    std::size_t count_ = 0;
};

}  // namespace ossmp::inline v0::detail
