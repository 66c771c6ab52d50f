// ossmp: an ordered list of HTTP header fields with case-insensitive lookup.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ossmp/detail/ascii.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// One header field as it is sent or was received (name case preserved).
struct header {
    std::string name;
    std::string value;
    friend bool operator==(const header&, const header&) = default;
};

/// HTTP header fields in insertion order. Lookups ignore ASCII case, as HTTP requires.
/// Values are stored as given; builders validate them (no CR, LF or NUL) before adding.
class headers {
public:
    using iterator = std::vector<header>::const_iterator;

    headers() = default;
    headers(std::initializer_list<header> init) : items_(init) {}

    /// The value of the first field named `name`, or nullopt.
    std::optional<std::string_view> get(std::string_view name) const noexcept {
        for (const auto& h : items_)
            if (detail::iequals(h.name, name)) return std::string_view(h.value);
        return std::nullopt;
    }
    /// The value of the first field named `name`, or `fallback`.
    std::string_view get_or(std::string_view name, std::string_view fallback = {}) const noexcept {
        auto v = get(name);
        return v ? *v : fallback;
    }
    /// True if a field named `name` is present.
    bool contains(std::string_view name) const noexcept { return get(name).has_value(); }

    /// Sets `name` to `value`: replaces the first field of that name (keeping its position
    /// and spelling) and removes any others; appends when absent.
    void set(std::string_view name, std::string_view value) {
        auto it = std::find_if(items_.begin(), items_.end(),
                               [&](const header& h) { return detail::iequals(h.name, name); });
        if (it == items_.end()) {
            items_.push_back({std::string(name), std::string(value)});
            return;
        }
        it->value.assign(value);
        auto first = std::next(it);
        items_.erase(std::remove_if(first, items_.end(),
                                    [&](const header& h) { return detail::iequals(h.name, name); }),
                     items_.end());
    }
    /// Appends a field even if one of the same name exists.
    void add(std::string_view name, std::string_view value) {
        items_.push_back({std::string(name), std::string(value)});
    }
    /// Removes every field named `name`; returns how many were removed.
    std::size_t erase(std::string_view name) {
        auto old = items_.size();
        items_.erase(std::remove_if(items_.begin(), items_.end(),
                                    [&](const header& h) { return detail::iequals(h.name, name); }),
                     items_.end());
        return old - items_.size();
    }

    iterator begin() const noexcept { return items_.begin(); }
    iterator end() const noexcept { return items_.end(); }
    std::size_t size() const noexcept { return items_.size(); }
    bool empty() const noexcept { return items_.empty(); }
    void clear() noexcept { items_.clear(); }

    friend bool operator==(const headers&, const headers&) = default;

private:
    std::vector<header> items_;
};

}  // namespace ossmp::inline v0
