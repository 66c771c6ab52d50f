// ossmp emulator internals: deciding which requests a fault hits.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <ossmp/emulator/server.hpp>

namespace ossmp::inline v0::emulator::detail {

enum class fault_kind { none, error, reset, error200 };

// Holds the fault configuration and the attempt numbers faults are keyed on. Thread-safe.
class fault_engine {
public:
    explicit fault_engine(fault_config f) : cfg_(std::move(f)) {}
    void set(fault_config f);
    fault_config get() const;
    std::uint32_t delay_ms() const;
    // The fault for this request: a hash of (seed, operation, key, part number, attempt)
    // where attempt counts earlier requests with the same operation, key and part number
    // since the configuration was set.
    fault_kind decide(std::string_view op, std::string_view key, std::uint32_t part_number);

private:
    mutable std::mutex mu_;
    fault_config cfg_;
    std::map<std::string, std::uint64_t> attempts_;
};

}  // namespace ossmp::inline v0::emulator::detail
