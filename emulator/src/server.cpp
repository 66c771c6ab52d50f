// The emulator server: start (configuration checks, storage, binding), handler wiring, stop.
#include "server_impl.hpp"

#include <ossmp/sign/v4.hpp>
#include <ossmp/validate.hpp>

#include <random>

#include "xml_writer.hpp"

namespace ossmp::inline v0::emulator {

using ossmp::detail::iequals;
using ossmp::detail::istarts_with;

void server::impl::install_handlers() {
    // Every request is routed by our own parser of the raw target. Once httplib has read a
    // request's head (before any body), its header fields are replaced by the raw ones; its
    // path is pointed at "/" so that httplib's std::regex routing never runs over a
    // user-controlled path; its Range parse is dropped (OSS's rules apply, see get_object);
    // and Content-Encoding, Accept-Encoding and Content-Type are hidden from httplib so that
    // it neither inflates request bodies nor parses multipart/form-data ones (OSS stores the
    // bytes as sent) nor compresses responses. handle() restores the hidden fields.
    http.on_headers = [](httplib::Request& req, std::string_view head) {
        req.headers = raw_headers(head);
        for (const char* name : {"Content-Encoding", "Accept-Encoding", "Content-Type"}) {
            auto range = req.headers.equal_range(name);
            std::vector<std::pair<std::string, std::string>> moved;
            for (auto it = range.first; it != range.second; ++it) moved.emplace_back(it->first, it->second);
            req.headers.erase(range.first, range.second);
            for (auto& [n, v] : moved) req.headers.emplace(saved_header, n + ":" + v);
        }
        req.path = "/";
        req.ranges.clear();
    };
    http.refuse_head = [this](int status, const std::string& why) {
        auto id = ids.request_id();
        const char* code = status == 431 ? "RequestHeaderFieldsTooLarge" : "InvalidRequest";
        xml_writer x;
        x.open("Error");
        x.leaf("Code", code);
        x.leaf("Message", why);
        x.leaf("RequestId", id);
        x.leaf("EC", "0000-00000400");
        auto body = x.finish();
        std::string out = "HTTP/1.1 " + std::to_string(status) +
                          (status == 431 ? " Request Header Fields Too Large" : " Bad Request") +
                          "\r\nServer: AliyunOSS\r\nConnection: close\r\nContent-Type: application/xml\r\n"
                          "x-oss-request-id: " + id + "\r\nx-oss-ec: 0000-00000400\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
        if (cfg.log) cfg.log("- - " + std::to_string(status) + " BadRequestHead " + id);
        return out;
    };
    http.max_head_bytes = cfg.max_head_bytes;
    http.max_head_fields = cfg.max_head_fields;
    http.head_timeout = cfg.head_timeout;
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (req.method == "PUT" || req.method == "POST" || req.method == "DELETE")
            return httplib::Server::HandlerResponse::Unhandled;
        handle(req, res, nullptr);
        return httplib::Server::HandlerResponse::Handled;
    });
    auto with_body = [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& r) {
        handle(req, res, &r);
    };
    http.Put("/", with_body);
    http.Post("/", with_body);
    http.Delete("/", with_body);
    // Errors httplib produces itself (malformed request line, bad Range syntax, ...) get an
    // OSS-style body and request id too.
    http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request&, httplib::Response& res) {
        if (res.has_header("x-oss-request-id")) return httplib::Server::HandlerResponse::Unhandled;
        const char* code = res.status == 416 ? "InvalidRange" : res.status == 414 ? "InvalidURI" : "InvalidRequest";
        xml_writer x;
        x.open("Error");
        x.leaf("Code", code);
        x.leaf("Message", "The request could not be parsed.");
        auto id = ids.request_id();
        x.leaf("RequestId", id);
        x.leaf("EC", "0000-00000400");
        res.set_header("x-oss-request-id", id);
        res.set_header("x-oss-ec", "0000-00000400");
        res.set_content(x.finish(), xml_type);
        return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        // A handler threw (out of memory, a bug): answer 500 rather than let httplib echo
        // the exception text.
        res = httplib::Response();
        res.status = 500;
        auto id = ids.request_id();
        res.set_header("x-oss-request-id", id);
        res.set_header("x-oss-ec", "0000-00000001");
        xml_writer x;
        x.open("Error");
        x.leaf("Code", "InternalError");
        x.leaf("Message", "We encountered an internal error. Please try again.");
        x.leaf("RequestId", id);
        x.leaf("EC", "0000-00000001");
        res.set_content(x.finish(), xml_type);
    });
}

// ---- server ----------------------------------------------------------------------------

server::server(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

server::~server() { stop(); }

result<std::unique_ptr<server>> server::start(config cfg) {
    if (cfg.accounts.empty())
        return make_error(errc::invalid_credentials, "the emulator needs at least one account (access key)");
    for (const auto& a : cfg.accounts)
        if (auto r = validate_credentials(a); !r) return r.error();
    if (cfg.region.empty() || v4_region(cfg.region) != cfg.region)
        return make_error(errc::invalid_region, "region must be a region id such as cn-hangzhou (no oss- prefix)");
    if (cfg.threads == 0) cfg.threads = 1;
    for (const auto& b : cfg.buckets)
        if (auto r = validate_bucket_name(b); !r) return r.error();

    if (cfg.control_token.empty()) {
        std::random_device rd;
        for (int i = 0; i < 8; ++i) {
            static constexpr char hex[] = "0123456789abcdef";
            auto v = rd();
            for (int j = 0; j < 4; ++j, v >>= 4) cfg.control_token += hex[v & 15];
        }
    }
    auto p = std::make_unique<impl>();
    p->cfg = std::move(cfg);
    auto st = store::open(p->cfg.dir, p->ids);
    if (!st) return st.error();
    p->st = std::move(*st);
    for (const auto& b : p->cfg.buckets)
        if (auto r = p->st->create_bucket(b, p->now(), false); !r)
            return make_error(errc::io_error, "cannot create bucket " + b + ": " + r.error().message);
    p->faults.set(p->cfg.faults);

    auto& http = p->http;
    std::size_t threads = p->cfg.threads;
    http.new_task_queue = [threads] { return new elastic_pool(threads); };
    // httplib's default sets SO_REUSEPORT, with which a second emulator binds the same port
    // and the kernel splits connections between the two. SO_REUSEADDR only lets a restart
    // reuse a port whose old connections linger in TIME_WAIT.
    http.set_socket_options([](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http.set_keep_alive_max_count(100000);
    http.set_keep_alive_timeout(p->cfg.keep_alive_timeout.count());
    http.set_read_timeout(30, 0);
    http.set_write_timeout(30, 0);
    // Small responses follow large request bodies; without NODELAY, Nagle and delayed ACKs
    // would add 40 ms to each.
    http.set_tcp_nodelay(true);
    p->install_handlers();

    int port = p->cfg.port == 0 ? http.bind_to_any_port(p->cfg.bind) : (http.bind_to_port(p->cfg.bind, p->cfg.port) ? p->cfg.port : -1);
    if (port <= 0)
        return make_error(errc::io_error,
                          "cannot listen on " + p->cfg.bind + ":" + std::to_string(p->cfg.port) +
                              (p->cfg.port != 0 ? ": port " + std::to_string(p->cfg.port) +
                                                      " is in use (or the address is not this machine's)"
                                                : ": no free port"));
    p->bound_port = static_cast<std::uint16_t>(port);
    auto* raw = p.get();
    p->thread = std::thread([raw] { raw->http.listen_after_bind(); });
    return std::unique_ptr<server>(new server(std::move(p)));
}

std::string server::url() const {
    const auto& b = impl_->cfg.bind;
    std::string host = b.find(':') != std::string::npos ? "[" + b + "]" : b;
    return "http://" + host + ":" + std::to_string(impl_->bound_port);
}

std::uint16_t server::port() const { return impl_->bound_port; }

const std::string& server::control_token() const { return impl_->cfg.control_token; }

bool server::control_plane() const { return impl_->cfg.control_plane; }

counters server::stats() const {
    std::lock_guard lock(impl_->stats_mu);
    return impl_->stats;
}

void server::reset_stats() {
    std::lock_guard lock(impl_->stats_mu);
    impl_->stats = counters{};
}

void server::set_faults(fault_config f) { impl_->faults.set(std::move(f)); }

fault_config server::faults() const { return impl_->faults.get(); }

void server::stop() {
    if (!impl_) return;
    using st = impl::run_state;
    {
        std::unique_lock lock(impl_->stop_mu);
        if (impl_->state != st::running) {
            // Another thread is stopping: return only once it is done.
            impl_->stop_cv.wait(lock, [this] { return impl_->state == st::stopped; });
            return;
        }
        impl_->state = st::stopping;
    }
    impl_->http.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    {
        std::lock_guard lock(impl_->stop_mu);
        impl_->state = st::stopped;
    }
    impl_->stop_cv.notify_all();
}

void server::wait() {
    std::unique_lock lock(impl_->stop_mu);
    impl_->stop_cv.wait(lock, [this] { return impl_->state == impl::run_state::stopped; });
}

}  // namespace ossmp::inline v0::emulator
