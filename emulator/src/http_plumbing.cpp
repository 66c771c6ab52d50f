// The emulator's HTTP plumbing: see http_plumbing.hpp.
#include "http_plumbing.hpp"

#include <ossmp/detail/ascii.hpp>

namespace ossmp::inline v0::emulator::detail {

thread_local int current_socket = -1;
thread_local raw_stream* current_stream = nullptr;

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

bool emulator_http::process_and_close_socket(socket_t sock) {
    current_socket = sock;
    bool ret = false;
    {
        raw_stream strm(sock, static_cast<int>(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000));
        current_stream = &strm;
        std::size_t count = keep_alive_max_count_;
        while (count > 0 && strm.wait_request(static_cast<int>(keep_alive_timeout_sec_ * 1000), svr_sock_)) {
            bool connection_closed = false;
            strm.start_capture();
            ret = process_request(strm, count == 1, connection_closed, [&](httplib::Request& req) {
                auto head = strm.take_capture();
                if (on_headers) on_headers(req, head);
            });
            strm.take_capture();
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
