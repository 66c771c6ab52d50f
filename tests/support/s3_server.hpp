// Test support: the real S3 server (OpenStack Swift + s3api from Debian's packages, run by
// tests/s3/swift.sh) and the independent S3 clients that drive it (Debian's boto3 through
// tests/s3/s3_client.py, and awscli). Nothing here skips: a server that cannot start, or a
// missing client, throws with the reason, so the test fails loudly.
#pragma once

#include "process.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#ifndef OSSMP_SOURCE_DIR
#error "OSSMP_SOURCE_DIR must name the source tree"
#endif

namespace ossmp_test {

/// tests/s3 in the source tree: swift.sh, s3_client.py and the config templates.
inline std::string s3_support_dir() { return std::string(OSSMP_SOURCE_DIR) + "/tests/s3"; }

/// A running Swift + s3api on loopback, stopped (and its directory removed) by stop() or the
/// destructor. It also stops by itself within a second if this process dies first.
class s3_server {
public:
    /// Runs `swift.sh start`; throws std::runtime_error carrying swift.sh's diagnostics
    /// (which name the missing package or quote the server's log) when it cannot start.
    /// `extra_env` reaches swift.sh (e.g. OSSMP_SWIFT_START_TIMEOUT); `dir`, when given,
    /// is the (new or empty) directory to run in instead of a fresh temporary one.
    static s3_server start(const std::map<std::string, std::string>& extra_env = {}, const std::string& dir = {}) {
        auto env = extra_env;
        env["OSSMP_SWIFT_OWNER_PID"] = std::to_string(::getpid());
        std::vector<std::string> argv{"/bin/sh", s3_support_dir() + "/swift.sh", "start"};
        if (!dir.empty()) argv.push_back(dir);
        auto r = run_process(argv, env);
        if (r.status != 0)
            throw std::runtime_error("the S3 test server (tests/s3/swift.sh start) did not start, exit " +
                                     std::to_string(r.status) + ":\n" + r.err);
        s3_server s;
        s.dir_ = r.out.substr(0, r.out.find('\n'));
        auto e = run_process({"/bin/sh", s3_support_dir() + "/swift.sh", "env", s.dir_});
        if (e.status != 0) throw std::runtime_error("swift.sh env failed:\n" + e.err);
        std::size_t at = 0;
        while (at < e.out.size()) {
            auto nl = e.out.find('\n', at);
            if (nl == std::string::npos) nl = e.out.size();
            std::string line = e.out.substr(at, nl - at);
            at = nl + 1;
            const std::string prefix = "export ";
            auto eq = line.find('=');
            if (line.compare(0, prefix.size(), prefix) != 0 || eq == std::string::npos)
                throw std::runtime_error("swift.sh env printed an unexpected line: " + line);
            s.env_[line.substr(prefix.size(), eq - prefix.size())] = line.substr(eq + 1);
        }
        for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "AWS_REGION"})
            if (!s.env_.count(name)) throw std::runtime_error(std::string("swift.sh env did not set ") + name);
        return s;
    }

    s3_server(s3_server&& o) noexcept : dir_(std::exchange(o.dir_, {})), env_(std::move(o.env_)) {}
    s3_server& operator=(s3_server&&) = delete;
    ~s3_server() { stop(); }

    /// Stops the server; returns swift.sh stop's result (status 0 when nothing was running).
    process_result stop() {
        if (dir_.empty()) return {0, {}, {}};
        auto r = run_process({"/bin/sh", s3_support_dir() + "/swift.sh", "stop", dir_});
        dir_.clear();
        return r;
    }

    /// The server's directory (configs, rings, logs, data, pid files).
    const std::string& dir() const { return dir_; }
    /// What users' AWS tools read: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL
    /// (http://127.0.0.1:PORT), AWS_REGION, AWS_DEFAULT_REGION, and OSSMP_S3_BUCKET_HOST (the
    /// domain:port under which BUCKET.domain:port is virtual-hosted style).
    const std::map<std::string, std::string>& env() const { return env_; }

    /// env() plus what keeps the AWS clients to this server and nothing else: no
    /// profile or config file of the user's, no instance-metadata lookups.
    std::map<std::string, std::string> client_env(const std::map<std::string, std::string>& overrides = {}) const {
        auto e = env_;
        e["AWS_CONFIG_FILE"] = "/dev/null";
        e["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        e["AWS_EC2_METADATA_DISABLED"] = "true";
        e["AWS_PROFILE"] = "";
        e["AWS_SESSION_TOKEN"] = "";
        for (auto& [k, v] : overrides) e[k] = v;
        return e;
    }

    /// Runs tests/s3/s3_client.py (boto3) with `args`; see that file for the commands.
    process_result boto3(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& overrides = {}) const {
        std::vector<std::string> argv{"/usr/bin/python3", s3_support_dir() + "/s3_client.py"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, client_env(overrides));
    }

    /// Runs Debian's awscli (`/usr/bin/aws --endpoint-url ENDPOINT args...`).
    process_result aws(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& overrides = {}) const {
        std::vector<std::string> argv{"/usr/bin/aws", "--endpoint-url", env_.at("AWS_ENDPOINT_URL")};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, client_env(overrides));
    }

private:
    s3_server() = default;
    std::string dir_;
    std::map<std::string, std::string> env_;
};

}  // namespace ossmp_test
