// ossmp libcurl adapter: one easy handle set up for one request at a time. Both the
// blocking client and the multi transport drive their requests through this class, so they
// send byte-identical requests.
//
// What it asks of libcurl, and why:
//   * the URL is scheme://host + target() exactly as built and signed; CURLOPT_PATH_AS_IS
//     stops curl from squashing "/../" and "/./" (OSS keys may contain them), and curl does
//     not re-encode an already-encoded path;
//   * the Host header is sent as a custom header equal to request.host, so it is exactly
//     what was signed whatever curl would have generated (port, case);
//   * every request header is passed through unchanged, and curl's own additions that
//     could break or confuse a signature are removed: `Content-Type:
//     application/x-www-form-urlencoded` (POST), `Accept: */*`, `Expect: 100-continue`
//     (unless options::expect_continue_from asks for it);
//   * bodies are pulled from the body_reader in the read callback, straight into curl's
//     upload buffer (no part-sized copy; body_reader computes the CRC-64 on the way), with
//     the exact Content-Length (INFILESIZE_LARGE / POSTFIELDSIZE_LARGE, never chunked);
//     the seek callback rewinds the body_reader so curl can resend a body;
//   * no redirects, HTTP/1.1, connections kept alive and reused, NOSIGNAL (threads);
//   * a transfer that failed or was interrupted leaves its easy handle for a fresh one:
//     libcurl 7.88 can leave a handle half torn down after a failed transfer (after a
//     failed DNS lookup it refuses CURLOPT_BUFFERSIZE for every later request), and the
//     connections live in the multi handle's cache anyway, so nothing of value is lost.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <curl/curl.h>

#include <ossmp/adapters/curl/errors.hpp>
#include <ossmp/adapters/curl/global.hpp>
#include <ossmp/adapters/curl/options.hpp>
#include <ossmp/body_source.hpp>
#include <ossmp/error.hpp>
#include <ossmp/http_request.hpp>
#include <ossmp/http_response.hpp>
#include <ossmp/transport.hpp>
#include <ossmp/version.hpp>

namespace ossmp::inline v0::adapters::curl {
namespace detail {

inline char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

inline bool has_control(std::string_view s) noexcept {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// A curl_slist that frees itself.
class slist {
public:
    slist() = default;
    slist(const slist&) = delete;
    slist& operator=(const slist&) = delete;
    ~slist() { curl_slist_free_all(head_); }

    // False when libcurl could not allocate (the list is left as it was).
    bool append(const std::string& s) {
        curl_slist* n = curl_slist_append(head_, s.c_str());
        if (!n) return false;
        head_ = n;
        return true;
    }
    void clear() noexcept {
        curl_slist_free_all(head_);
        head_ = nullptr;
    }
    curl_slist* get() const noexcept { return head_; }

private:
    curl_slist* head_ = nullptr;
};

// The CURLOPT_CONNECT_TO entry for a mapping: "HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT",
// empty fields meaning "any" (or "unchanged").
inline std::string connect_to_entry(const host_mapping& m) {
    auto port = [](std::uint16_t p) { return p == 0 ? std::string() : std::to_string(p); };
    return m.host + ":" + port(m.port) + ":" + m.address + ":" + port(m.address_port);
}

// One easy handle and the state of the request it is carrying. Not movable: libcurl keeps
// pointers to it (callback data, error buffer), so owners hold it by unique_ptr.
class transfer {
public:
    explicit transfer(options opts) : opts_(std::move(opts)) {
        init_rc_ = global_init();
        if (init_rc_ == CURLE_OK) easy_ = curl_easy_init();
        for (const auto& m : opts_.connect_to)
            if (!connect_to_.append(connect_to_entry(m))) easy_ok_ = false;
    }
    transfer(const transfer&) = delete;
    transfer& operator=(const transfer&) = delete;
    ~transfer() {
        if (easy_) curl_easy_cleanup(easy_);
    }

    CURL* handle() const noexcept { return easy_; }
    const options& settings() const noexcept { return opts_; }

    // Sets the handle up to send `req` with the body from `body`. Returns the error to
    // report instead when the request cannot be sent at all (no handle, a header with CR or
    // LF, an option libcurl refuses even on a fresh handle); then the handle must not be
    // performed.
    std::optional<transport_error> prepare(const http_request& req, body_reader& body) {
        if (has_control(req.host) || has_control(req.method))
            return transport_error{errc::transport_other, "the request's host or method contains CR, LF or NUL"};
        for (const auto& h : req.headers)
            if (has_control(h.name) || has_control(h.value) || h.name.empty())
                return transport_error{errc::transport_other,
                                       "request header " + (has_control(h.name) ? std::string("name") : h.name) +
                                           " is empty or contains CR, LF or NUL"};
        host_ = host_name(req.host);
        for (int attempt = 0;; ++attempt) {
            if (!easy_ || !easy_ok_)
                return transport_error{errc::transport_other,
                                       init_rc_ != CURLE_OK
                                           ? "curl_global_init failed: " + std::string(curl_easy_strerror(init_rc_))
                                           : std::string("libcurl could not allocate an easy handle")};
            if (configure(req, body)) return std::nullopt;
            if (attempt == 1) break;
            renew();  // a handle some earlier failure left in a bad state; a fresh one is clean
        }
        body_ = nullptr;
        return transport_error{errc::transport_other,
                               "libcurl refused option " + std::to_string(static_cast<int>(refused_option_)) + " (" +
                                   curl_easy_strerror(refused_) +
                                   ") for this request, even on a fresh handle (out of memory, or built without a "
                                   "feature it needs)"};
    }

    // The outcome of the request, once libcurl finished it with `rc` (the handle is no
    // longer in any multi handle). Leaves the handle ready for prepare(): after a failure,
    // a fresh one.
    exchange_result finish(CURLcode rc) {
        flush_pending();
        body_ = nullptr;
        if (rc == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
            response_.status = static_cast<int>(status);
            return std::exchange(response_, http_response{});
        }
        response_ = http_response{};
        std::string detail = errbuf_;
        renew();
        if (read_error_) {
            // Our read callback aborted the transfer: report the source's failure itself,
            // so the machine fails the upload instead of retrying a source that cannot work.
            auto e = std::move(*read_error_);
            read_error_.reset();
            return transport_error{e.code, "reading the request body failed: " + e.message};
        }
        if (rc == CURLE_COULDNT_RESOLVE_HOST && !host_.empty())
            return transport_error{error_kind(rc), "could not resolve host " + host_ + " (curl error " +
                                                       std::to_string(static_cast<int>(rc)) + ")"};
        return to_transport_error(rc, detail);
    }

    // Ends a request that was interrupted mid-transfer (already removed from its multi
    // handle): its outcome is a transport_error of errc::cancelled, and the handle, which
    // may hold a half-sent request, is replaced by a fresh one.
    transport_error cancelled() {
        abandon();
        renew();
        return transport_error{errc::cancelled, "the request was cancelled"};
    }

    // Replaces the easy handle by a fresh one (the options are set anew per request).
    void renew() noexcept {
        if (easy_) curl_easy_cleanup(easy_);
        easy_ = init_rc_ == CURLE_OK ? curl_easy_init() : nullptr;
    }

    // Forgets a prepared request that will not be performed.
    void abandon() noexcept {
        body_ = nullptr;
        read_error_.reset();
        pending_ = false;
        response_ = http_response{};
    }

private:
    // Every option for one request, from libcurl's defaults. False when libcurl refused
    // one (refused_option_ and refused_ say which and why).
    bool configure(const http_request& req, body_reader& body) {
        body_ = &body;
        read_error_.reset();
        response_ = http_response{};
        pending_ = false;
        errbuf_[0] = '\0';
        head_ = req.method == "HEAD";
        refused_ = CURLE_OK;
        bool ok = true;
        // Start from libcurl's defaults so nothing of the previous request leaks into this
        // one; the connection cache, DNS cache and TLS sessions survive a reset.
        curl_easy_reset(easy_);
        url_ = req.url();
        ok &= set(CURLOPT_URL, url_.c_str());
        ok &= set(CURLOPT_PATH_AS_IS, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
        ok &= set(CURLOPT_PROTOCOLS_STR, "http,https");
#else
        ok &= set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        ok &= set(CURLOPT_NOSIGNAL, 1L);
        ok &= set(CURLOPT_ERRORBUFFER, errbuf_);
        ok &= set(CURLOPT_FOLLOWLOCATION, 0L);
        ok &= set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
        ok &= set(CURLOPT_TCP_NODELAY, 1L);
        ok &= set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts_.connect_timeout.count()));
        ok &= set(CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.total_timeout.count()));
        if (opts_.stall_timeout.count() > 0 && opts_.low_speed_limit > 0) {
            ok &= set(CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(opts_.low_speed_limit));
            ok &= set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(opts_.stall_timeout.count()));
        }
        ok &= set(CURLOPT_UPLOAD_BUFFERSIZE, static_cast<long>(opts_.upload_buffer_size));
        if (opts_.download_buffer_size) ok &= set(CURLOPT_BUFFERSIZE, static_cast<long>(opts_.download_buffer_size));
        if (!opts_.ca_file.empty()) ok &= set(CURLOPT_CAINFO, opts_.ca_file.c_str());
        if (!opts_.ca_path.empty()) ok &= set(CURLOPT_CAPATH, opts_.ca_path.c_str());
        if (opts_.proxy) ok &= set(CURLOPT_PROXY, opts_.proxy->c_str());
        if (opts_.no_proxy) ok &= set(CURLOPT_NOPROXY, opts_.no_proxy->c_str());
        if (connect_to_.get()) ok &= set(CURLOPT_CONNECT_TO, connect_to_.get());
        ok &= set(CURLOPT_HEADERFUNCTION, &on_header);
        ok &= set(CURLOPT_HEADERDATA, static_cast<void*>(this));
        ok &= set(CURLOPT_WRITEFUNCTION, &on_write);
        ok &= set(CURLOPT_WRITEDATA, static_cast<void*>(this));
        ok &= set(CURLOPT_PRIVATE, static_cast<void*>(this));

        // The method, and how the body is sent.
        const auto length = static_cast<curl_off_t>(body.size());
        bool sends_body = false;
        if (head_) {
            ok &= set(CURLOPT_NOBODY, 1L);
        } else if (req.method == "POST") {
            // POST reads the body through the read callback when POSTFIELDS is unset.
            ok &= set(CURLOPT_POST, 1L);
            ok &= set(CURLOPT_POSTFIELDSIZE_LARGE, length);
            sends_body = true;
        } else if (req.method == "PUT" || length > 0) {
            ok &= set(CURLOPT_UPLOAD, 1L);
            ok &= set(CURLOPT_INFILESIZE_LARGE, length);
            if (req.method != "PUT") ok &= set(CURLOPT_CUSTOMREQUEST, req.method.c_str());
            sends_body = true;
        } else {
            ok &= set(CURLOPT_HTTPGET, 1L);
            if (req.method != "GET") ok &= set(CURLOPT_CUSTOMREQUEST, req.method.c_str());
        }
        if (sends_body) {
            ok &= set(CURLOPT_READFUNCTION, &on_read);
            ok &= set(CURLOPT_READDATA, static_cast<void*>(this));
            ok &= set(CURLOPT_SEEKFUNCTION, &on_seek);
            ok &= set(CURLOPT_SEEKDATA, static_cast<void*>(this));
        }

        // Headers: Host and the request's own fields verbatim, then blanks that remove what
        // curl would add by itself. (prepare() has refused CR, LF and NUL already.)
        headers_.clear();
        ok &= headers_.append("Host: " + req.host);
        bool has_accept = false, has_type = false, has_expect = false;
        for (const auto& h : req.headers) {
            has_accept |= iequals(h.name, "Accept");
            has_type |= iequals(h.name, "Content-Type");
            has_expect |= iequals(h.name, "Expect");
            // "Name;" is libcurl's spelling of a header with an empty value ("Name:" deletes).
            ok &= headers_.append(h.value.empty() ? h.name + ";" : h.name + ": " + h.value);
        }
        if (!has_accept) ok &= headers_.append("Accept:");
        if (!has_type) ok &= headers_.append("Content-Type:");
        if (sends_body && !has_expect) {
            bool expect = opts_.expect_continue_from && body.size() >= *opts_.expect_continue_from && body.size() > 0;
            ok &= headers_.append(expect ? "Expect: 100-continue" : "Expect:");
            if (expect) ok &= set(CURLOPT_EXPECT_100_TIMEOUT_MS, static_cast<long>(opts_.expect_timeout.count()));
        }
        ok &= set(CURLOPT_HTTPHEADER, headers_.get());
        if (!ok && refused_ == CURLE_OK) refused_ = CURLE_OUT_OF_MEMORY;  // a header list allocation failed
        return ok;
    }

    // "host" of "host:port", "[v6]" of "[v6]:port".
    static std::string host_name(std::string_view authority) {
        if (!authority.empty() && authority.front() == '[') return std::string(authority.substr(0, authority.find(']') + 1));
        return std::string(authority.substr(0, authority.find(':')));
    }

    template <class V>
    bool set(CURLoption opt, V value) noexcept {
        CURLcode rc = curl_easy_setopt(easy_, opt, value);
        if (rc != CURLE_OK && refused_ == CURLE_OK) {
            refused_ = rc;
            refused_option_ = opt;
        }
        return rc == CURLE_OK;
    }

    static std::size_t on_read(char* buffer, std::size_t size, std::size_t n, void* self) {
        auto* t = static_cast<transfer*>(self);
        auto r = t->body_->read(std::span<char>(buffer, size * n));
        if (!r) {
            t->read_error_ = std::move(r).error();
            return CURL_READFUNC_ABORT;
        }
        return *r;
    }

    static int on_seek(void* self, curl_off_t offset, int origin) {
        auto* t = static_cast<transfer*>(self);
        if (origin != SEEK_SET || offset != 0) return CURL_SEEKFUNC_CANTSEEK;  // curl then reads forward
        t->body_->rewind();
        return CURL_SEEKFUNC_OK;
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self) {
        auto* t = static_cast<transfer*>(self);
        std::size_t len = size * n;
        std::string_view line(data, len);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
        if (line.substr(0, 5) == "HTTP/") {
            // A new status line (after 100 Continue, or any 1xx): its headers replace them.
            t->pending_ = false;
            t->response_.headers.clear();
            t->response_.body.clear();
        } else if (line.empty()) {
            t->flush_pending();
        } else if (line.front() == ' ' || line.front() == '\t') {
            // Obsolete line folding: the value goes on.
            if (t->pending_) {
                t->pending_value_ += ' ';
                t->pending_value_ += trim(line);
            }
        } else if (auto colon = line.find(':'); colon != std::string_view::npos && colon > 0) {
            t->flush_pending();
            t->pending_ = true;
            t->pending_name_.assign(line.substr(0, colon));
            t->pending_value_.assign(trim(line.substr(colon + 1)));
        }
        return len;
    }

    static std::size_t on_write(char* data, std::size_t size, std::size_t n, void* self) {
        auto* t = static_cast<transfer*>(self);
        std::size_t len = size * n;
        auto& body = t->response_.body;
        if (body.empty() && body.capacity() < len) {
            // One allocation for the whole answer when its length is known (GetObject).
            if (auto cl = t->response_.headers.get("Content-Length")) {
                std::uint64_t v = 0;
                bool digits = !cl->empty();
                for (char c : *cl) {
                    if (c < '0' || c > '9' || v > (std::uint64_t{1} << 40)) {
                        digits = false;
                        break;
                    }
                    v = v * 10 + static_cast<std::uint64_t>(c - '0');
                }
                if (digits) body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(v, 1ull << 32)));
            }
        }
        body.append(data, len);
        return len;
    }

    void flush_pending() {
        if (!pending_) return;
        response_.headers.add(pending_name_, pending_value_);
        pending_ = false;
    }

    options opts_;
    CURLcode init_rc_ = CURLE_OK;
    CURL* easy_ = nullptr;
    bool easy_ok_ = true;
    slist connect_to_;
    slist headers_;
    std::string url_;
    std::string host_;  // the request's host name, for "could not resolve host" messages
    CURLcode refused_ = CURLE_OK;
    CURLoption refused_option_ = CURLOPT_URL;
    char errbuf_[CURL_ERROR_SIZE] = {};
    body_reader* body_ = nullptr;
    std::optional<error> read_error_;
    http_response response_;
    bool head_ = false;
    bool pending_ = false;
    std::string pending_name_, pending_value_;
};

}  // namespace detail
}  // namespace ossmp::inline v0::adapters::curl
