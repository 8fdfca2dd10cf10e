// The SystemC full chain: bit-exact against the integer reference end to end, latency by formula,
// dead-time throughput by formula, exact FIFO losses, and failures that stay in their child.
#define BOOST_TEST_MODULE chain
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include <tlm_utils/simple_initiator_socket.h>

#include "core/config.hpp"
#include "core/process.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/network/random_network.hpp"
#include "models/systemc/readout_sc.hpp"
#include "rtl_gen/candidate.hpp"
#include "tb/chain_testbench.hpp"
#include "tb/scoreboard.hpp"
#include "test_support.hpp"

using namespace pixforge;

namespace {

Config config_with(std::vector<std::string> overrides) {
    return Config::load(test::source_dir() / "configs/default.toml", overrides);
}

// Quiet, sharp pulses well above threshold: every arrival outside the dead time triggers.
std::vector<std::string> clean_pulses() {
    return {"noise.enabled=false",          "sensor.current_shape=\"delta\"", "sensor.charge_sharing=false",
            "spectrum.min=10keV",           "spectrum.max=12keV",            "frontend.shaper_tau=10ns",
            "frontend.rise_time=1ns",       "adc.jitter=0ps",                "adc.random_phase=false"};
}

struct Candidate {
    models::QuantizedNetwork net;
    rtl::GeneratedRtl rtl;
    std::filesystem::path library;
};

const Candidate& candidate() {
    static const Candidate c = [] {
        static test::TempDir cache;
        models::NetShape shape;
        shape.hidden = {4};
        shape.weight_bits = 4;
        Candidate k{models::random_network(shape, 17, 16), {}, {}};
        k.rtl = rtl::generate_verilog(k.net, {});
        k.library = rtl::CandidateBuilder(cache.path()).build(k.rtl).library;
        return k;
    }();
    return c;
}

tb::ProcessorChoice network_choice() {
    tb::ProcessorChoice p;
    p.library = candidate().library;
    p.network = candidate().net;
    p.template_name = "parallel_p1";
    p.latency_cycles = candidate().rtl.timing.latency;
    return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(network_output_equals_integer_reference_end_to_end) {
    std::vector<std::string> o = clean_pulses();
    o.push_back("source.rate=2e4/s");
    const Config config = config_with(o);
    const models::PixelChain chain(models::chain_params_from(config));
    tb::ChainOptions options = tb::ChainOptions::from_config(config);
    options.pulses = 200;
    const tb::ChainRun run = tb::run_chain(chain, options, network_choice());
    BOOST_TEST(run.results.size() > 150u);
    const models::IntegerReference reference(candidate().net);
    std::vector<std::int64_t> expected;
    std::size_t exact = 0;
    for (const auto& r : run.results) {
        reference.run(r.window.data(), expected);
        exact += expected == r.raw;
    }
    BOOST_TEST(exact == run.results.size());
    BOOST_TEST(run.lost_busy == 0u);
    BOOST_TEST(run.lost_fifo == 0u);
}

BOOST_AUTO_TEST_CASE(latency_is_the_template_formula_plus_the_trigger_delay) {
    std::vector<std::string> o = clean_pulses();
    o.push_back("source.rate=5e4/s");
    const Config config = config_with(o);
    const models::PixelChain chain(models::chain_params_from(config));
    tb::ChainOptions options = tb::ChainOptions::from_config(config);
    options.pulses = 300;
    const double adc = chain.sample_period(), clock = options.clock_period_s;
    const auto& trig = chain.params().trigger;
    // Trigger delay: the rest of the window after the trigger sample, then the first clock edge
    // after the last sample (ADC and digital clocks aligned here: exactly one period).
    const double trigger_delay = (trig.window - 1 - trig.pre_trigger) * adc + clock;

    const tb::ChainRun nn = tb::run_chain(chain, options, network_choice());
    const tb::ChainMetrics m = tb::score_chain(nn, chain);
    const double expected = trigger_delay + candidate().rtl.timing.latency * clock;
    BOOST_TEST_MESSAGE("network latency " << m.latency_min_s * 1e9 << " .. " << m.latency_max_s * 1e9 << " ns, formula "
                                          << expected * 1e9 << " ns");
    BOOST_TEST(m.latency_min_s == expected, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(m.latency_max_s == expected, boost::test_tools::tolerance(1e-9));

    const tb::ChainRun cl = tb::run_chain_classical(chain, config, options, "max_sample");
    const tb::ChainMetrics mc = tb::score_chain(cl, chain);
    BOOST_TEST(mc.latency_max_s == trigger_delay + options.classical_latency * clock, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(classical_chain_throughput_follows_the_dead_time_formula) {
    const double rate = 5e5, dead = 2e-6;
    for (const char* policy : {"nonparalyzable", "paralyzable"}) {
        std::vector<std::string> o = clean_pulses();
        o.insert(o.end(), {"source.rate=5e5/s", "trigger.dead_time=2us", std::string("trigger.policy=") + policy});
        const Config config = config_with(o);
        const models::PixelChain chain(models::chain_params_from(config));
        tb::ChainOptions options = tb::ChainOptions::from_config(config);
        options.pulses = 20000;
        const tb::ChainRun run = tb::run_chain_classical(chain, config, options, "max_sample");
        const tb::ChainMetrics m = tb::score_chain(run, chain);
        const double expected =
            std::string(policy) == "paralyzable" ? rate * std::exp(-rate * dead) : rate / (1 + rate * dead);
        BOOST_TEST_MESSAGE(policy << ": input " << m.input_rate << " /s, output " << m.output_rate << " /s, formula "
                                  << m.input_rate * expected / rate << " /s; " << run.wall_s << " s");
        // The formula at the measured input rate (Poisson fluctuation of the arrivals removed).
        const double n = m.input_rate;
        const double formula =
            std::string(policy) == "paralyzable" ? n * std::exp(-n * dead) : n / (1 + n * dead);
        BOOST_TEST(std::fabs(m.output_rate - formula) / formula < 0.03);
        BOOST_TEST(m.delivered == m.triggers);  // nothing else lost: the slot and the link keep up
    }
}

namespace {

// Drives a ReadoutSc with results at scripted times.
struct ReadoutHarness : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<ReadoutHarness> out{"out"};
    std::vector<double> times;
    SC_HAS_PROCESS(ReadoutHarness);
    ReadoutHarness(sc_core::sc_module_name n, std::vector<double> t) : sc_module(n), times(std::move(t)) { SC_THREAD(run); }
    void run() {
        for (double t : times) {
            sc::PulseResult r;
            r.result_s = t;
            sc::transport(out, r);
        }
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_small_fifo_loses_exactly_what_it_cannot_hold) {
    // Results every 1 us, one sent every 2.5 us, room for 2. The expected losses come from an
    // independent recount: a result is kept iff fewer than 2 kept results are still queued
    // (departure after its arrival) when it arrives.
    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext;
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    std::vector<double> times;
    for (int i = 0; i < 40; ++i) times.push_back(1e-6 * i);
    std::vector<sc::PulseResult> delivered;
    auto* harness = new ReadoutHarness("harness", times);
    auto* readout = new sc::ReadoutSc("readout", 2, 4e5, [&](const sc::PulseResult& r) { delivered.push_back(r); });
    harness->out.bind(readout->results);
    sc_core::sc_start();
    readout->flush();
    std::vector<double> departures;
    std::uint64_t expected_lost = 0;
    for (double t : times) {
        const auto queued = std::count_if(departures.begin(), departures.end(), [&](double d) { return d > t; });
        if (queued >= 2) {
            ++expected_lost;
            continue;
        }
        departures.push_back(std::max(t, departures.empty() ? t : departures.back()) + 2.5e-6);
    }
    BOOST_TEST_MESSAGE("lost " << readout->lost() << " of " << times.size());
    BOOST_TEST(readout->lost() == expected_lost);
    BOOST_TEST(expected_lost > 10u);  // the case does exercise losses
    BOOST_TEST(delivered.size() + readout->lost() == times.size());
    for (size_t i = 0; i < delivered.size(); ++i) BOOST_TEST(delivered[i].delivered_s == departures[i], boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(fifo_losses_in_the_chain_are_counted_not_hidden) {
    std::vector<std::string> o = clean_pulses();
    o.insert(o.end(), {"source.rate=5e5/s", "readout.fifo_depth=2", "readout.link_rate=1e5/s"});
    const Config config = config_with(o);
    const models::PixelChain chain(models::chain_params_from(config));
    tb::ChainOptions options = tb::ChainOptions::from_config(config);
    options.pulses = 3000;
    const tb::ChainRun run = tb::run_chain_classical(chain, config, options, "max_sample");
    BOOST_TEST(run.lost_fifo > 0u);
    BOOST_TEST(run.results.size() + run.lost_fifo == run.processed);
    BOOST_TEST(run.processed + run.lost_busy == run.triggers);
    // The link sends 1e5/s: the delivered rate cannot exceed it.
    BOOST_TEST(static_cast<double>(run.results.size()) / run.duration_s < 1.01e5);
}

BOOST_AUTO_TEST_CASE(a_failing_run_stays_in_its_child_process) {
    const std::filesystem::path pixforge = PIXFORGE_BINARY_DIR "/bin/pixforge";
    if (!std::filesystem::exists(pixforge)) {
        BOOST_TEST_MESSAGE("skipped: " << pixforge << " is not built");
        return;
    }
    test::TempDir dir;
    // A candidate folder without its network: bad input, reported as the child found it (exit 2).
    std::filesystem::create_directories(dir.path() / "empty");
    ProcessResult r = run_process({pixforge.string(), "simulate", "-c", (test::source_dir() / "configs/default.toml").string(),
                                   "--candidate", (dir.path() / "empty").string(), "-n", "10"},
                                  dir.path() / "a.log", 120);
    BOOST_TEST(r.exited);
    BOOST_TEST(r.exit_code == 2);
    const std::string a = log_tail(dir.path() / "a.log", 5000);
    BOOST_TEST(a.find("SIM-003") != std::string::npos);
    // A run that cannot finish in time is stopped and reported, not waited for.
    r = run_process({pixforge.string(), "simulate", "-c", (test::source_dir() / "configs/default.toml").string(),
                     "--classical", "max_sample", "-n", "100000000", "--timeout", "2"},
                    dir.path() / "b.log", 120);
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.seconds < 60.0);
    const std::string b = log_tail(dir.path() / "b.log", 5000);
    BOOST_TEST(b.find("SIM-004") != std::string::npos);
    BOOST_TEST(b.find("timed out") != std::string::npos);
}
