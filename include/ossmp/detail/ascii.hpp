// ossmp internals: locale-free ASCII helpers (case folding, trimming, number parsing).
// Everything here is byte-oriented on purpose: HTTP header names and the signing rules are
// defined on ASCII bytes, and the C locale functions would make results depend on setlocale.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <ossmp/version.hpp>

namespace ossmp::inline v0::detail {

constexpr char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}

constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = to_lower(c);
    return out;
}

constexpr bool is_http_space(char c) noexcept { return c == ' ' || c == '\t'; }

/// Strips spaces and tabs at both ends (HTTP optional whitespace).
constexpr std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_http_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_http_space(s.back())) s.remove_suffix(1);
    return s;
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Parses a whole string as an unsigned decimal; no sign, no spaces, no overflow.
template <class U = std::uint64_t>
constexpr std::optional<U> parse_unsigned(std::string_view s) noexcept {
    if (s.empty()) return std::nullopt;
    U v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace ossmp::inline v0::detail
