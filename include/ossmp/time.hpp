// ossmp: time as an input. The library never reads a clock: every function that signs or
// schedules takes the current time as an argument, so tests are exact and callers decide
// which clock (and which correction for skew) applies. These helpers format and parse the
// three date forms OSS uses, without locales or time zones.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <ossmp/detail/ascii.hpp>
#include <ossmp/result.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0 {

/// Wall-clock time in milliseconds since the Unix epoch (UTC). Every `now` argument.
using time_point = std::chrono::sys_time<std::chrono::milliseconds>;
/// Durations used for backoff and timeouts.
using duration = std::chrono::milliseconds;

/// The time `s` seconds after the Unix epoch.
constexpr time_point from_unix_seconds(std::int64_t s) noexcept {
    return time_point(std::chrono::seconds(s));
}
/// Whole seconds since the Unix epoch (rounded down).
constexpr std::int64_t to_unix_seconds(time_point t) noexcept {
    return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

namespace detail {
struct civil {
    int year, month, day, hour, minute, second, millis, weekday;  // weekday 0 = Sunday
};
inline civil to_civil(time_point t) noexcept {
    using namespace std::chrono;
    auto days = floor<std::chrono::days>(t);
    year_month_day ymd{days};
    auto ms = (t - days).count();
    weekday wd{days};
    return {int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day())),
            int(ms / 3600000), int(ms / 60000 % 60), int(ms / 1000 % 60), int(ms % 1000),
            int(wd.c_encoding())};
}
inline constexpr const char* weekday_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
inline constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Writes `value` as exactly `width` decimal digits at `p`; returns the end.
inline char* put_digits(char* p, int value, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
        p[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return p + width;
}

inline result<time_point> from_civil(int y, int mo, int d, int h, int mi, int s, int ms,
                                     std::string_view what, std::string_view text) {
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60 || ms > 999)
        return make_error(errc::invalid_field,
                          std::string(what) + ": out-of-range date '" + std::string(text) + "'");
    return time_point(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
}

// Reads exactly n digits at s[pos], advancing pos; -1 if they are not all digits.
inline int read_digits(std::string_view s, std::size_t& pos, std::size_t n) noexcept {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (!is_digit(c)) return -1;
        v = v * 10 + (c - '0');
    }
    pos += n;
    return v;
}
inline bool read_char(std::string_view s, std::size_t& pos, char c) noexcept {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}
}  // namespace detail

/// RFC 1123 date as HTTP and OSS V1 use it: "Wed, 28 Dec 2022 10:27:41 GMT".
inline std::string format_http_date(time_point t) {
    auto c = detail::to_civil(t);
    char buf[29];
    char* p = buf;
    std::memcpy(p, detail::weekday_names[c.weekday], 3);
    p[3] = ',';
    p[4] = ' ';
    p = detail::put_digits(p + 5, c.day, 2);
    *p++ = ' ';
    std::memcpy(p, detail::month_names[c.month - 1], 3);
    p[3] = ' ';
    p = detail::put_digits(p + 4, c.year, 4);
    *p++ = ' ';
    p = detail::put_digits(p, c.hour, 2);
    *p++ = ':';
    p = detail::put_digits(p, c.minute, 2);
    *p++ = ':';
    p = detail::put_digits(p, c.second, 2);
    std::memcpy(p, " GMT", 4);
    return std::string(buf, sizeof buf);
}

/// ISO 8601 basic form used by OSS V4 (`x-oss-date`): "20231216T162057Z".
inline std::string format_iso8601_basic(time_point t) {
    auto c = detail::to_civil(t);
    char buf[16];
    char* p = detail::put_digits(buf, c.year, 4);
    p = detail::put_digits(p, c.month, 2);
    p = detail::put_digits(p, c.day, 2);
    *p++ = 'T';
    p = detail::put_digits(p, c.hour, 2);
    p = detail::put_digits(p, c.minute, 2);
    p = detail::put_digits(p, c.second, 2);
    *p = 'Z';
    return std::string(buf, sizeof buf);
}

/// ISO 8601 extended form with milliseconds, as OSS writes XML dates:
/// "2012-02-23T07:01:34.000Z".
inline std::string format_iso8601(time_point t) {
    auto c = detail::to_civil(t);
    char buf[24];
    char* p = detail::put_digits(buf, c.year, 4);
    *p++ = '-';
    p = detail::put_digits(p, c.month, 2);
    *p++ = '-';
    p = detail::put_digits(p, c.day, 2);
    *p++ = 'T';
    p = detail::put_digits(p, c.hour, 2);
    *p++ = ':';
    p = detail::put_digits(p, c.minute, 2);
    *p++ = ':';
    p = detail::put_digits(p, c.second, 2);
    *p++ = '.';
    p = detail::put_digits(p, c.millis, 3);
    *p = 'Z';
    return std::string(buf, sizeof buf);
}

/// Parses an RFC 1123 date ("Wed, 28 Dec 2022 10:27:41 GMT"). The weekday is checked for
/// form only. Errors are errc::invalid_field naming the text.
inline result<time_point> parse_http_date(std::string_view s) {
    auto bad = [&] {
        return make_error(errc::invalid_field, "not an RFC 1123 date: '" + std::string(s) + "'");
    };
    std::size_t pos = 0;
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ') return bad();
    pos = 5;
    int day = detail::read_digits(s, pos, 2);
    if (day < 0 || !detail::read_char(s, pos, ' ')) return bad();
    int month = 0;
    for (int i = 0; i < 12; ++i)
        if (s.substr(pos, 3) == detail::month_names[i]) month = i + 1;
    pos += 3;
    if (month == 0 || !detail::read_char(s, pos, ' ')) return bad();
    int year = detail::read_digits(s, pos, 4);
    if (year < 0 || !detail::read_char(s, pos, ' ')) return bad();
    int h = detail::read_digits(s, pos, 2);
    if (h < 0 || !detail::read_char(s, pos, ':')) return bad();
    int mi = detail::read_digits(s, pos, 2);
    if (mi < 0 || !detail::read_char(s, pos, ':')) return bad();
    int sec = detail::read_digits(s, pos, 2);
    if (sec < 0 || s.substr(pos) != " GMT") return bad();
    return detail::from_civil(year, month, day, h, mi, sec, 0, "HTTP date", s);
}

/// Parses ISO 8601 UTC times in the forms OSS emits: "2012-02-23T07:01:34.000Z",
/// "2012-02-23T07:01:34Z" and the basic "20231216T162057Z". Fractions beyond milliseconds
/// are truncated. Errors are errc::invalid_field naming the text.
inline result<time_point> parse_iso8601(std::string_view s) {
    auto bad = [&] {
        return make_error(errc::invalid_field, "not an ISO 8601 UTC time: '" + std::string(s) + "'");
    };
    std::size_t pos = 0;
    int y = detail::read_digits(s, pos, 4);
    if (y < 0) return bad();
    bool extended = detail::read_char(s, pos, '-');
    int mo = detail::read_digits(s, pos, 2);
    if (mo < 0 || (extended && !detail::read_char(s, pos, '-'))) return bad();
    int d = detail::read_digits(s, pos, 2);
    if (d < 0 || !detail::read_char(s, pos, 'T')) return bad();
    int h = detail::read_digits(s, pos, 2);
    if (h < 0 || (extended && !detail::read_char(s, pos, ':'))) return bad();
    int mi = detail::read_digits(s, pos, 2);
    if (mi < 0 || (extended && !detail::read_char(s, pos, ':'))) return bad();
    int sec = detail::read_digits(s, pos, 2);
    if (sec < 0) return bad();
    int ms = 0;
    if (detail::read_char(s, pos, '.')) {
        int digits = 0;
        while (pos < s.size() && detail::is_digit(s[pos])) {
            if (digits < 3) ms = ms * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return bad();
        for (int i = digits; i < 3; ++i) ms *= 10;
    }
    if (s.substr(pos) != "Z") return bad();
    return detail::from_civil(y, mo, d, h, mi, sec, ms, "ISO 8601 time", s);
}

}  // namespace ossmp::inline v0
