#include "util.hpp"

#include <chrono>
#include <cstdio>

#include <ossmp/detail/ascii.hpp>

namespace ossmp::inline v0::emulator::detail {

namespace {
std::uint64_t splitmix64(std::uint64_t x) noexcept {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

void append_hex(std::string& out, std::uint64_t v, int digits, bool upper) {
    static constexpr char lo[] = "0123456789abcdef";
    static constexpr char up[] = "0123456789ABCDEF";
    const char* d = upper ? up : lo;
    for (int i = digits - 1; i >= 0; --i) out.push_back(d[(v >> (4 * i)) & 15]);
}
}  // namespace

id_source::id_source() {
    std::random_device rd;
    salt_ = (std::uint64_t(rd()) << 32) ^ rd() ^
            std::uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
}

std::uint64_t id_source::next_random() {
    return splitmix64(salt_ ^ splitmix64(counter_.fetch_add(1, std::memory_order_relaxed)));
}

std::string id_source::request_id() {
    std::string s;
    s.reserve(24);
    auto now = std::chrono::system_clock::now().time_since_epoch();
    append_hex(s, std::uint64_t(std::chrono::duration_cast<std::chrono::seconds>(now).count()), 8, true);
    append_hex(s, next_random(), 16, true);
    return s;
}

std::string id_source::upload_id() {
    std::string s;
    s.reserve(32);
    auto now = std::chrono::system_clock::now().time_since_epoch();
    append_hex(s, std::uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(now).count()), 12, true);
    append_hex(s, next_random() & 0xFFFFFFFFFFFFFFFFull, 16, true);
    append_hex(s, next_random() & 0xFFFF, 4, true);
    return s;
}

std::string id_source::file_id() {
    std::string s;
    s.reserve(32);
    append_hex(s, next_random(), 16, false);
    append_hex(s, next_random(), 16, false);
    return s;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    std::size_t n = a.size() > b.size() ? a.size() : b.size();
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (std::size_t i = 0; i < n; ++i) {
        unsigned x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
        unsigned y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
        diff |= x ^ y;
    }
    // Read through a volatile so the loop cannot be turned into an early-exit compare.
    volatile unsigned result = diff;
    return result == 0;
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out.push_back(ch);
            }
        }
    }
    out.push_back('"');
    return out;
}

std::string write_record(const record& r) {
    std::string out;
    for (const auto& [n, v] : r) {
        out += n;
        out += '=';
        out += percent_encode(v);
        out += '\n';
    }
    out += "end=\n";  // a file cut short lacks this line and is refused
    return out;
}

result<record> read_record(std::string_view text) {
    record r;
    bool ended = false;
    while (!text.empty()) {
        auto nl = text.find('\n');
        if (nl == std::string_view::npos)
            return make_error(errc::checkpoint_invalid, "metadata line without newline");
        auto line = text.substr(0, nl);
        text.remove_prefix(nl + 1);
        if (ended) return make_error(errc::checkpoint_invalid, "metadata after the end marker");
        auto eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return make_error(errc::checkpoint_invalid, "metadata line without a name");
        auto name = line.substr(0, eq);
        if (name == "end") {
            ended = true;
            continue;
        }
        auto value = percent_decode(line.substr(eq + 1));
        if (!value) return value.error();
        r.emplace_back(std::string(name), std::move(*value));
    }
    if (!ended) return make_error(errc::checkpoint_invalid, "metadata file is truncated");
    return r;
}

const std::string* record_get(const record& r, std::string_view name) {
    for (const auto& [n, v] : r)
        if (n == name) return &v;
    return nullptr;
}

bool parse_u64(std::string_view s, std::uint64_t& out) noexcept {
    auto v = ossmp::detail::parse_unsigned<std::uint64_t>(s);
    if (!v) return false;
    out = *v;
    return true;
}

bool is_hex_name(std::string_view s, std::size_t length, bool upper) noexcept {
    if (s.size() != length) return false;
    for (char c : s) {
        bool digit = c >= '0' && c <= '9';
        bool letter = upper ? (c >= 'A' && c <= 'F') : (c >= 'a' && c <= 'f');
        if (!digit && !letter) return false;
    }
    return true;
}

}  // namespace ossmp::inline v0::emulator::detail
