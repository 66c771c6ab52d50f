#include "faults.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "util.hpp"

namespace ossmp::inline v0::emulator {

namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
    // splitmix64 finalizer over the running value: enough to spread small inputs evenly.
    std::uint64_t x = h ^ (v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2));
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::uint64_t mix_text(std::uint64_t h, std::string_view s) noexcept {
    std::uint64_t f = 0xcbf29ce484222325ull;  // FNV-1a, then mixed
    for (char c : s) {
        f ^= static_cast<unsigned char>(c);
        f *= 0x100000001b3ull;
    }
    return mix(h, f ^ s.size());
}

result<double> parse_rate(const query_param& p) {
    double v = 0;
    auto [end, ec] = std::from_chars(p.value.data(), p.value.data() + p.value.size(), v);
    if (ec != std::errc() || end != p.value.data() + p.value.size() || !(v >= 0 && v <= 1))
        return make_error(errc::invalid_argument, p.name + " must be a number from 0 to 1");
    return v;
}

result<std::uint64_t> parse_count(const query_param& p, std::uint64_t max) {
    std::uint64_t v = 0;
    if (!detail::parse_u64(p.value, v) || v > max)
        return make_error(errc::invalid_argument, p.name + " must be an integer from 0 to " + std::to_string(max));
    return v;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

}  // namespace

result<fault_config> parse_fault_query(const query_params& q) {
    fault_config f;
    for (const auto& p : q) {
        if (p.name == "seed") {
            auto v = parse_count(p, UINT64_MAX);
            if (!v) return v.error();
            f.seed = *v;
        } else if (p.name == "ops") {
            f.operations.clear();
            if (p.value == "*" ) continue;
            std::string_view rest = p.value;
            while (!rest.empty()) {
                auto comma = rest.find(',');
                auto name = rest.substr(0, comma);
                if (!name.empty()) f.operations.emplace_back(name);
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
        } else if (p.name == "error_rate") {
            auto v = parse_rate(p);
            if (!v) return v.error();
            f.error_rate = *v;
        } else if (p.name == "error_status") {
            auto v = parse_count(p, 999);
            if (!v) return v.error();
            if (*v != 500 && *v != 503) return make_error(errc::invalid_argument, "error_status must be 500 or 503");
            f.error_status = static_cast<int>(*v);
        } else if (p.name == "reset_rate") {
            auto v = parse_rate(p);
            if (!v) return v.error();
            f.reset_rate = *v;
        } else if (p.name == "reset_after") {
            auto v = parse_count(p, UINT64_MAX);
            if (!v) return v.error();
            f.reset_after_bytes = *v;
        } else if (p.name == "error200_rate") {
            auto v = parse_rate(p);
            if (!v) return v.error();
            f.error200_rate = *v;
        } else if (p.name == "delay_ms") {
            auto v = parse_count(p, 600000);
            if (!v) return v.error();
            f.delay_ms = static_cast<std::uint32_t>(*v);
        } else {
            return make_error(errc::invalid_argument, "unknown fault setting '" + p.name + "'");
        }
    }
    if (f.error_rate + f.reset_rate + f.error200_rate > 1.0)
        return make_error(errc::invalid_argument, "error_rate + reset_rate + error200_rate must not exceed 1");
    return f;
}

std::string to_json(const fault_config& f) {
    std::string ops = "[";
    for (std::size_t i = 0; i < f.operations.size(); ++i) {
        if (i) ops += ",";
        ops += detail::json_string(f.operations[i]);
    }
    ops += "]";
    return "{\"seed\":" + std::to_string(f.seed) + ",\"ops\":" + ops + ",\"error_rate\":" + number(f.error_rate) +
           ",\"error_status\":" + std::to_string(f.error_status) + ",\"reset_rate\":" + number(f.reset_rate) +
           ",\"reset_after\":" + std::to_string(f.reset_after_bytes) + ",\"error200_rate\":" +
           number(f.error200_rate) + ",\"delay_ms\":" + std::to_string(f.delay_ms) + "}";
}

std::string counters::to_json() const {
    std::string s = "{\"requests\":" + std::to_string(requests) +
                    ",\"signature_failures\":" + std::to_string(signature_failures) +
                    ",\"auth_failures\":" + std::to_string(auth_failures) +
                    ",\"bytes_received\":" + std::to_string(bytes_received) +
                    ",\"faults_injected\":" + std::to_string(faults_injected) + ",\"operations\":{";
    bool first = true;
    for (const auto& [name, c] : operations) {
        if (!first) s += ",";
        first = false;
        s += detail::json_string(name) + ":{\"requests\":" + std::to_string(c.requests) +
             ",\"succeeded\":" + std::to_string(c.succeeded) + ",\"failed\":" + std::to_string(c.failed) + "}";
    }
    s += "},\"uploads\":{";
    first = true;
    for (const auto& [id, partmap] : parts) {
        if (!first) s += ",";
        first = false;
        s += detail::json_string(id) + ":{";
        bool pfirst = true;
        for (const auto& [n, c] : partmap) {
            if (!pfirst) s += ",";
            pfirst = false;
            s += "\"" + std::to_string(n) + "\":{\"attempts\":" + std::to_string(c.attempts) +
                 ",\"stored\":" + std::to_string(c.stored) + "}";
        }
        s += "}";
    }
    s += "}}";
    return s;
}

namespace detail {

void fault_engine::set(fault_config f) {
    std::lock_guard lock(mu_);
    cfg_ = std::move(f);
    attempts_.clear();
}

fault_config fault_engine::get() const {
    std::lock_guard lock(mu_);
    return cfg_;
}

std::uint32_t fault_engine::delay_ms() const {
    std::lock_guard lock(mu_);
    return cfg_.delay_ms;
}

fault_kind fault_engine::decide(std::string_view op, std::string_view key, std::uint32_t part_number) {
    std::lock_guard lock(mu_);
    if (cfg_.error_rate <= 0 && cfg_.reset_rate <= 0 && cfg_.error200_rate <= 0) return fault_kind::none;
    if (!cfg_.operations.empty() &&
        std::find(cfg_.operations.begin(), cfg_.operations.end(), op) == cfg_.operations.end())
        return fault_kind::none;
    std::string id;
    id.reserve(op.size() + key.size() + 16);
    id.append(op);
    id.push_back('\n');
    id.append(key);
    id.push_back('\n');
    id += std::to_string(part_number);
    std::uint64_t attempt = attempts_[id]++;
    std::uint64_t h = mix(mix(mix_text(mix_text(cfg_.seed, op), key), part_number), attempt);
    double u = static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
    if (u < cfg_.error_rate) return fault_kind::error;
    if (u < cfg_.error_rate + cfg_.reset_rate) return fault_kind::reset;
    if (u < cfg_.error_rate + cfg_.reset_rate + cfg_.error200_rate) return fault_kind::error200;
    return fault_kind::none;
}

}  // namespace detail
}  // namespace ossmp::inline v0::emulator
