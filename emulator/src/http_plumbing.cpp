// The emulator's HTTP plumbing: see http_plumbing.hpp.
#include "http_plumbing.hpp"

#include <cctype>

#include <ossmp/detail/ascii.hpp>

namespace ossmp::inline v0::emulator::detail {

thread_local int current_socket = -1;
thread_local raw_stream* current_stream = nullptr;
thread_local bool close_after_response = false;

bool cut_connection() {
    if (current_socket < 0) return false;
    linger lg{1, 0};
    ::setsockopt(current_socket, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::shutdown(current_socket, SHUT_RDWR);
    return true;
}

// Re-reads the header fields from the raw request head (request line first), keeping values
// byte for byte (only leading and trailing blanks removed, as HTTP requires).
httplib::Headers raw_headers(std::string_view head) {
    httplib::Headers out;
    auto eol = head.find("\r\n");
    if (eol == std::string_view::npos) return out;
    head.remove_prefix(eol + 2);
    while (!head.empty()) {
        eol = head.find("\r\n");
        auto line = head.substr(0, eol);
        if (line.empty()) break;
        auto colon = line.find(':');
        if (colon != std::string_view::npos && colon > 0)
            out.emplace(std::string(line.substr(0, colon)), std::string(ossmp::detail::trim(line.substr(colon + 1))));
        if (eol == std::string_view::npos) break;
        head.remove_prefix(eol + 2);
    }
    return out;
}

void elastic_pool::enqueue(std::function<void()> fn) {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(fn));
    if (idle_ < jobs_.size() && threads_.size() < max_) threads_.emplace_back([this] { work(); });
    cv_.notify_one();
}

void elastic_pool::work() {
    std::unique_lock lock(mu_);
    for (;;) {
        ++idle_;
        cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) return;  // stopping, nothing left
        auto fn = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        fn();
        lock.lock();
    }
}

void elastic_pool::shutdown() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        threads = std::move(threads_);
        threads_.clear();
    }
    cv_.notify_all();
    for (auto& t : threads)
        if (t.joinable()) t.join();
}

int check_head(std::string_view head, std::size_t max_fields, std::string& why) {
    auto ctl = [](unsigned char ch) { return (ch < 0x20 && ch != '\t') || ch == 0x7f; };
    auto eol = head.find("\r\n");
    auto request_line = head.substr(0, eol);
    for (unsigned char ch : request_line)
        if (ctl(ch) || ch == '\t') {
            why = "The request line contains a control character.";
            return 400;
        }
    head.remove_prefix(eol + 2);
    std::size_t fields = 0, lengths = 0, codings = 0, authorizations = 0, hosts = 0;
    bool chunked = false;
    while (!head.empty()) {
        eol = head.find("\r\n");
        auto line = head.substr(0, eol);
        head.remove_prefix(eol + 2);
        if (line.empty()) break;
        if (++fields > max_fields) {
            why = "The request has more than " + std::to_string(max_fields) + " header fields.";
            return 431;
        }
        if (line.front() == ' ' || line.front() == '\t') {
            why = "Folded header lines are not accepted.";
            return 400;
        }
        auto colon = line.find(':');
        auto name = line.substr(0, colon == std::string_view::npos ? 0 : colon);
        static constexpr std::string_view tchar = "!#$%&'*+-.^_`|~";
        bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || tchar.find(ch) != std::string_view::npos;
        });
        if (!token) {
            why = "A header line has no valid field name.";
            return 400;
        }
        auto value = ossmp::detail::trim(line.substr(colon + 1));
        for (unsigned char ch : value)
            if (ctl(ch)) {
                why = "The value of " + std::string(name) + " contains a control character (CR, LF, NUL, ...).";
                return 400;
            }
        using ossmp::detail::iequals;
        if (iequals(name, "Content-Length")) {
            ++lengths;
            if (value.empty() || value.size() > 19 ||
                !std::all_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
                why = "Content-Length must be a decimal number.";
                return 400;
            }
        } else if (iequals(name, "Transfer-Encoding")) {
            ++codings;
            chunked = iequals(value, "chunked");
        } else if (iequals(name, "Authorization")) {
            ++authorizations;
        } else if (iequals(name, "Host")) {
            ++hosts;
        } else if (iequals(name, "X-Ossmp-Emulator-Saved")) {
            why = "The header X-Ossmp-Emulator-Saved is the emulator's own.";
            return 400;
        }
    }
    if (lengths > 1) {
        why = "The request has more than one Content-Length.";
        return 400;
    }
    if (codings > 1 || (codings == 1 && !chunked)) {
        why = "The only Transfer-Encoding accepted is a single chunked.";
        return 400;
    }
    if (codings == 1 && lengths == 1) {
        why = "The request has both Content-Length and Transfer-Encoding.";
        return 400;
    }
    if (authorizations > 1 || hosts > 1) {
        why = authorizations > 1 ? "The request has more than one Authorization header."
                                 : "The request has more than one Host header.";
        return 400;
    }
    return 0;
}

bool emulator_http::process_and_close_socket(socket_t sock) {
    current_socket = sock;
    bool ret = false;
    {
        raw_stream strm(sock, static_cast<int>(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000));
        current_stream = &strm;
        std::size_t count = keep_alive_max_count_;
        while (count > 0 && strm.wait_request(static_cast<int>(keep_alive_timeout_sec_ * 1000), svr_sock_)) {
            bool connection_closed = false;
            auto got = strm.read_head(max_head_bytes, std::chrono::steady_clock::now() + head_timeout, svr_sock_);
            if (got != raw_stream::head_status::ok) {
                using hs = raw_stream::head_status;
                if (refuse_head && (got == hs::too_large || got == hs::bad_line_end)) {
                    auto answer = refuse_head(got == hs::too_large ? 431 : 400,
                                              got == hs::too_large ? "The request head is larger than " +
                                                                         std::to_string(max_head_bytes) + " bytes."
                                                                   : "Header lines must end with CRLF.");
                    strm.write(answer.data(), answer.size());
                }
                break;
            }
            if (std::string why; int status = check_head(strm.head(), max_head_fields, why)) {
                if (refuse_head) {
                    auto answer = refuse_head(status, why);
                    strm.write(answer.data(), answer.size());
                }
                break;
            }
            strm.start_capture();
            close_after_response = false;
            ret = process_request(strm, count == 1, connection_closed, [&](httplib::Request& req) {
                auto head = strm.take_capture();
                if (on_headers) on_headers(req, head);
            });
            strm.take_capture();
            if (close_after_response) {
                // The client may still be sending the refused body: stop writing, then read
                // and discard for a moment, so that closing with unread data (which sends a
                // reset) does not destroy the answer before the client has read it.
                close_after_response = false;
                ::shutdown(sock, SHUT_WR);
                char sink[16384];
                auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
                while (std::chrono::steady_clock::now() < until) {
                    pollfd p{sock, POLLIN, 0};
                    if (::poll(&p, 1, 50) <= 0) continue;
                    if (::recv(sock, sink, sizeof sink, 0) <= 0) break;
                }
                break;
            }
            if (!ret || connection_closed) break;
            --count;
        }
    }
    current_socket = -1;
    current_stream = nullptr;
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ret;
}

}  // namespace ossmp::inline v0::emulator::detail
