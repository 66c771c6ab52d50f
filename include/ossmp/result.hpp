// ossmp: result<T>, the return type of everything that can fail.
//
// Holds either a T or an `error`. It is the same type in every translation unit and every
// configuration (it is not swapped for std::expected by a feature test), and it never
// throws: reading the value of a failed result is a programming error that prints the
// error and aborts, so the library behaves the same with and without -fno-exceptions.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include <ossmp/error.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

namespace detail {
[[noreturn]] inline void bad_result_access(const error& e) noexcept {
    std::fprintf(stderr, "ossmp: value() called on a failed result: %s\n", e.what().c_str());
    std::abort();
}
[[noreturn]] inline void bad_error_access() noexcept {
    std::fputs("ossmp: error() called on a successful result\n", stderr);
    std::abort();
}
}  // namespace detail

/// Either a value of type T or an `error`. Check it (`if (r)`, `r.has_value()`) before
/// reading `value()`; on failure read `error()`.
template <class T>
class [[nodiscard]] result {
    static_assert(!std::is_same_v<std::remove_cv_t<T>, ossmp::error>, "result<error> is ambiguous");

public:
    using value_type = T;
    using error_type = ossmp::error;

    /// A successful result holding `v`.
    result(const T& v) : v_(std::in_place_index<0>, v) {}
    result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}
    /// A failed result.
    result(const error_type& e) : v_(std::in_place_index<1>, e) {}
    result(error_type&& e) : v_(std::in_place_index<1>, std::move(e)) {}
    /// A successful result built in place from `args`.
    template <class... Args>
    explicit result(std::in_place_t, Args&&... args)
        : v_(std::in_place_index<0>, std::forward<Args>(args)...) {}

    /// True when a value is held.
    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    /// The value; aborts (with the error printed) if this result failed.
    T& value() & noexcept {
        if (!has_value()) detail::bad_result_access(std::get<1>(v_));
        return std::get<0>(v_);
    }
    const T& value() const& noexcept {
        if (!has_value()) detail::bad_result_access(std::get<1>(v_));
        return std::get<0>(v_);
    }
    T&& value() && noexcept {
        if (!has_value()) detail::bad_result_access(std::get<1>(v_));
        return std::get<0>(std::move(v_));
    }
    T& operator*() & noexcept { return value(); }
    const T& operator*() const& noexcept { return value(); }
    T&& operator*() && noexcept { return std::move(*this).value(); }
    T* operator->() noexcept { return &value(); }
    const T* operator->() const noexcept { return &value(); }

    /// The value, or `fallback` when this result failed.
    template <class U>
    T value_or(U&& fallback) const& {
        return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
    }

    /// The error; aborts if this result holds a value.
    const error_type& error() const& noexcept {
        if (has_value()) detail::bad_error_access();
        return std::get<1>(v_);
    }
    error_type&& error() && noexcept {
        if (has_value()) detail::bad_error_access();
        return std::get<1>(std::move(v_));
    }

private:
    std::variant<T, error_type> v_;
};

/// result<void>: success, or an error.
template <>
class [[nodiscard]] result<void> {
public:
    using value_type = void;
    using error_type = ossmp::error;

    /// A successful result.
    result() noexcept = default;
    /// A failed result.
    result(const error_type& e) : e_(e), failed_(true) {}
    result(error_type&& e) : e_(std::move(e)), failed_(true) {}

    bool has_value() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return !failed_; }
    /// Aborts (with the error printed) if this result failed; a no-op otherwise.
    void value() const noexcept {
        if (failed_) detail::bad_result_access(e_);
    }
    /// The error; aborts if this result succeeded.
    const error_type& error() const& noexcept {
        if (!failed_) detail::bad_error_access();
        return e_;
    }
    error_type&& error() && noexcept {
        if (!failed_) detail::bad_error_access();
        return std::move(e_);
    }

private:
    error_type e_;
    bool failed_ = false;
};

/// A successful result<void>, for `return ok();`.
inline result<void> ok() noexcept { return {}; }

}  // namespace ossmp::inline v0
