// Seeded fault scenarios: the upload machine, driven by ossmp::run over a transport that
// injects resets, timeouts, 5xx/429, 200-with-<Error>, truncated bodies, dropped checksum
// headers, corrupted parts, duplicated and reordered completions and clock skew, against a
// model of OSS. Every scenario must end in a completed object whose bytes and CRC-64 equal
// the source, or in a clear error with no orphaned upload (under the abort policy) and
// never a stored object with wrong bytes.
#include <catch2/catch.hpp>

#include "fault_transport.hpp"
#include "stepper.hpp"

#include <random>

using namespace ossmp;
using namespace ossmp_test;

namespace {

std::string random_bytes(std::size_t n, std::mt19937_64& rng) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

const char* const keys[] = {"plain.bin", "dir/sub/file.txt", "with space+plus%25~tilde", "\xe4\xb8\xad\xe6\x96\x87/\xf0\x9f\x98\x80.dat",
                            "a//b/../c"};

struct scenario {
    std::string data;
    upload_config cfg;
    fault_plan faults;
    duration skew{0};
};

scenario make_scenario(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    scenario s;
    constexpr std::size_t kib = 1024;
    std::size_t sizes[] = {0, 1, 100 * kib - 1, 100 * kib, 100 * kib + 1, 250 * kib, 512 * kib + 3, 1000 * kib};
    std::size_t size = rng() % 3 == 0 ? sizes[rng() % std::size(sizes)] : rng() % (900 * kib);
    s.data = random_bytes(size, rng);
    auto& c = s.cfg;
    c.ep = parse_endpoint("http://127.0.0.1:9000").value();
    c.bucket = "bucket";
    c.key = keys[rng() % std::size(keys)];
    c.signing = {rng() % 2 ? signature_version::v4 : signature_version::v1, {"ak", "sk", ""}, "cn-hangzhou", "oss",
                 {}, {}};
    c.source.size = size;
    c.part_size = 100 * kib + (rng() % 3) * 50 * kib;
    c.max_in_flight = 1 + static_cast<std::uint32_t>(rng() % 6);
    c.content_md5 = rng() % 5 == 0;
    c.complete.complete_all = rng() % 5 == 0;
    c.retry.max_attempts = 6;
    c.retry.seed = seed;
    double scale = (rng() % 4) * 0.03;  // a quarter of the scenarios run without faults
    auto rate = [&] { return scale * std::uniform_real_distribution<double>(0, 1)(rng); };
    s.faults = {rate(), rate(), rate(), rate(), rate(), rate(), rate(), rate(), rate(), rate(), true};
    if (rng() % 6 == 0) s.skew = std::chrono::minutes(rng() % 2 ? 30 : -40);
    return s;
}

}  // namespace

TEST_CASE("1000 seeded fault scenarios end correct or cleanly failed", "[machine][scenarios]") {
    int completed = 0, failed_clean = 0, faults = 0;
    for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
        auto s = make_scenario(seed);
        virtual_clock clock;
        fake_oss oss(clock);
        oss.skew = s.skew;
        fault_transport t(oss, clock, s.faults, seed * 7919);
        memory_source src(s.data);
        auto m = upload_machine::create(s.cfg);
        REQUIRE(m);
        auto r = run(*m, t, src, {}, clock_ref{&clock});
        faults += t.faults;
        INFO("seed " << seed << " size " << s.data.size() << " parts " << m->part_count() << " in-flight "
                     << s.cfg.max_in_flight << " faults " << t.faults << ": "
                     << (r ? std::string("completed") : r.error().what()));
        auto stored = oss.objects.find("bucket/" + s.cfg.key);
        // Never a stored object with wrong bytes.
        if (stored != oss.objects.end()) REQUIRE(stored->second.data == s.data);
        // No orphaned upload, except those whose Initiate answer the network ate (no
        // client can know their ids), or when the error says parts may remain.
        std::size_t orphans = 0;
        for (auto& [id, u] : oss.uploads) orphans += !t.lost_initiates.count(id);
        if (r) {
            REQUIRE(stored != oss.objects.end());
            CHECK(r->crc64 == crc64_of(s.data));
            CHECK(r->size == s.data.size());
            CHECK(r->key == s.cfg.key);
            CHECK(orphans == 0);
            ++completed;
        } else {
            CHECK(r.error().code != errc::ok);
            CHECK_FALSE(r.error().what().empty());
            if (r.error().message.find("may remain") == std::string::npos) CHECK(orphans == 0);
            ++failed_clean;
        }
        REQUIRE(is_terminal(m->state()));
    }
    INFO("completed " << completed << ", failed cleanly " << failed_clean << ", faults injected " << faults);
    CHECK(completed + failed_clean == 1000);
    // With at most ~9% of each fault and 6 attempts, nearly everything must get through.
    CHECK(completed >= 950);
    CHECK(faults > 1000);
}

TEST_CASE("a crash at every step of a small upload resumes from the last checkpoint", "[machine][resume]") {
    std::mt19937_64 rng(42);
    auto data = random_bytes(5 * 100 * 1024 + 777, rng);  // 6 parts
    upload_config cfg;
    cfg.ep = parse_endpoint("http://127.0.0.1:9000").value();
    cfg.bucket = "bucket";
    cfg.key = "resume/me.bin";
    cfg.signing = {signature_version::v4, {"ak", "sk", ""}, "cn-hangzhou", "oss", {}, {}};
    cfg.source = {data.size(), 1700000000000000000, "crc64s:abc"};
    cfg.part_size = 100 * 1024;
    cfg.max_in_flight = 3;
    cfg.checkpoints = true;
    cfg.on_failure = end_policy::keep;
    cfg.on_cancel = end_policy::keep;

    // How many steps does an uninterrupted upload take?
    int total_steps = 0;
    {
        virtual_clock clock;
        fake_oss oss(clock);
        fault_transport t(oss, clock, {}, 1);
        memory_source src(data);
        auto m = upload_machine::create(cfg).value();
        stepper st(m, t, src, clock);
        REQUIRE(st.drive(10000));
        REQUIRE(st.outcome);
        total_steps = st.steps;
    }
    REQUIRE(total_steps > 15);

    for (int crash_at = 1; crash_at < total_steps; ++crash_at) {
        virtual_clock clock;
        fake_oss oss(clock);
        memory_source src(data);
        std::optional<std::string> saved;
        {
            fault_transport t(oss, clock, {}, static_cast<std::uint64_t>(crash_at));
            auto m = upload_machine::create(cfg).value();
            stepper st(m, t, src, clock);
            REQUIRE_FALSE(st.drive(crash_at));  // the process dies here; responses in flight are lost
            saved = st.last_checkpoint;
        }
        INFO("crash after step " << crash_at << (saved ? " with" : " without") << " a checkpoint");
        auto uploads_before = oss.part_uploads;
        fault_transport t2(oss, clock, {}, 99);
        std::size_t confirmed = 0;
        std::optional<upload_machine> m2;
        if (saved) {
            auto cp = parse_checkpoint(*saved);
            REQUIRE(cp);
            confirmed = cp->parts.size();
            auto r = upload_machine::resume(cfg, *cp);
            REQUIRE(r);
            m2.emplace(std::move(*r));
        } else {
            m2.emplace(upload_machine::create(cfg).value());
        }
        auto r = run(*m2, t2, src, {}, clock_ref{&clock});
        INFO((r ? std::string("completed") : r.error().what()));
        REQUIRE(r);
        CHECK(oss.objects.at("bucket/resume/me.bin").data == data);
        CHECK(r->crc64 == crc64_of(data));
        // Only parts the checkpoint did not confirm were sent again.
        int resent = 0;
        for (auto& [n, count] : oss.part_uploads) resent += count - uploads_before[n];
        CHECK(resent <= static_cast<int>(6 - confirmed));
        if (saved) CHECK(oss.open_uploads() == 0);
    }
}
