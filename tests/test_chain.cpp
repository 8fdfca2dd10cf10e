// The SystemC full chain: bit-exact against the integer reference end to end, latency by formula,
// dead-time throughput by formula, exact FIFO losses, and failures that stay in their child.
#define BOOST_TEST_MODULE chain
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include <tlm_utils/simple_initiator_socket.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "core/h5.hpp"
#include "core/process.hpp"
#include "fst_reader.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/network/random_network.hpp"
#include "models/systemc/readout_sc.hpp"
#include "models/systemc/run_simulation.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "rtl_gen/pixel_block.hpp"
#include "rtl_gen/verilated_library.hpp"
#include "tb/chain_job.hpp"
#include "tb/chain_report.hpp"
#include "tb/chain_summary.hpp"
#include "tb/chain_testbench.hpp"
#include "tb/golden_figures.hpp"
#include "tb/scoreboard.hpp"
#include "tb/waveforms.hpp"
#include "test_support.hpp"

using namespace pixforge;

namespace {

Config config_with(std::vector<std::string> overrides) {
    return Config::load(pixforge::codesign::all_config_keys(), test::source_dir() / "configs/d0_75um.toml",
                        overrides);
}

// Quiet, sharp pulses well above threshold: every arrival outside the dead time triggers.
std::vector<std::string> clean_pulses() {
    return {"noise.enabled=false",         "sensor.current_shape=\"delta\"",
            "sensor.charge_sharing=false", "spectrum.min=10keV",
            "spectrum.max=12keV",          "frontend.shaper_tau=10ns",
            "frontend.rise_time=1ns",      "adc.jitter=0ps",
            "adc.random_phase=false"};
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
        k.library = rtl::VerilatedLibraryBuilder(cache.path()).build(k.rtl).library;
        return k;
    }();
    return c;
}

tb::ProcessorChoice network_choice() {
    tb::ProcessorChoice p;
    p.library = candidate().library;
    p.networks = {candidate().net};
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
    BOOST_TEST_MESSAGE("network latency " << m.latency_min_s * 1e9 << " .. " << m.latency_max_s * 1e9
                                          << " ns, formula " << expected * 1e9 << " ns");
    BOOST_TEST(m.latency_min_s == expected, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(m.latency_max_s == expected, boost::test_tools::tolerance(1e-9));

    const tb::ChainRun cl = tb::run_chain_classical(chain, config, options, "max_sample");
    const tb::ChainMetrics mc = tb::score_chain(cl, chain);
    BOOST_TEST(mc.latency_max_s == trigger_delay + options.classical_latency * clock,
               boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(classical_chain_throughput_follows_the_dead_time_formula) {
    const double rate = 5e5, dead = 2e-6;
    for (const char* policy : {"nonparalyzable", "paralyzable"}) {
        std::vector<std::string> o = clean_pulses();
        o.insert(o.end(),
                 {"source.rate=5e5/s", "trigger.dead_time=2us", std::string("trigger.policy=") + policy});
        const Config config = config_with(o);
        const models::PixelChain chain(models::chain_params_from(config));
        tb::ChainOptions options = tb::ChainOptions::from_config(config);
        options.pulses = 20000;
        const tb::ChainRun run = tb::run_chain_classical(chain, config, options, "max_sample");
        const tb::ChainMetrics m = tb::score_chain(run, chain);
        const double expected =
            std::string(policy) == "paralyzable" ? rate * std::exp(-rate * dead) : rate / (1 + rate * dead);
        BOOST_TEST_MESSAGE(policy << ": input " << m.input_rate << " /s, output " << m.output_rate
                                  << " /s, formula " << m.input_rate * expected / rate << " /s; "
                                  << run.wall_s << " s");
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
    ReadoutHarness(sc_core::sc_module_name n, std::vector<double> t) : sc_module(n), times(std::move(t)) {
        SC_THREAD(run);
    }
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
    const auto harness = std::make_unique<ReadoutHarness>("harness", times);
    const auto readout = std::make_unique<sc::ReadoutSc>(
        "readout", 2, 4e5, [&](const sc::PulseResult& r) { delivered.push_back(r); });
    harness->out.bind(readout->results);
    sc::run_simulation();
    readout->flush();
    std::vector<double> departures;
    std::uint64_t expected_lost = 0;
    for (double t : times) {
        const auto queued =
            std::count_if(departures.begin(), departures.end(), [&](double d) { return d > t; });
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
    for (size_t i = 0; i < delivered.size(); ++i)
        BOOST_TEST(delivered[i].delivered_s == departures[i], boost::test_tools::tolerance(1e-12));
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
    ProcessResult r = run_process(
        {pixforge.string(), "simulate", "-c", (test::source_dir() / "configs/d0_75um.toml").string(),
         "--candidate", (dir.path() / "empty").string(), "-n", "10"},
        dir.path() / "a.log", 120);
    BOOST_TEST(r.exited);
    BOOST_TEST(r.exit_code == 2);
    const std::string a = log_tail(dir.path() / "a.log", 5000);
    BOOST_TEST(a.find("SIM-003") != std::string::npos);
    // A run that cannot finish in time is stopped and reported, not waited for.
    r = run_process(
        {pixforge.string(), "simulate", "-c", (test::source_dir() / "configs/d0_75um.toml").string(),
         "--classical", "max_sample", "-n", "100000000", "--timeout", "2"},
        dir.path() / "b.log", 120);
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.seconds < 60.0);
    const std::string b = log_tail(dir.path() / "b.log", 5000);
    BOOST_TEST(b.find("SIM-004") != std::string::npos);
    BOOST_TEST(b.find("timed out") != std::string::npos);
}

namespace {

namespace fs = std::filesystem;

const fs::path& pixforge_binary() {
    static const fs::path p = PIXFORGE_BINARY_DIR "/bin/pixforge";
    return p;
}

std::string default_config() {
    return (test::source_dir() / "configs/d0_75um.toml").string();
}

struct Cli {
    int code;
    std::string log;
};

// The real binary, its stdout and stderr in one log.
Cli run_pixforge(std::vector<std::string> args, const fs::path& dir, double timeout_s = 300) {
    args.insert(args.begin(), pixforge_binary().string());
    static int runs = 0;
    const fs::path log = dir / ("run" + std::to_string(runs++) + ".log");
    const ProcessResult r = run_process(args, log, timeout_s);
    return {r.exited ? r.exit_code : -1, log_tail(log, 100000)};
}

// A candidate folder made by the real `pixforge rtl` from a random network of `window` samples
// of 10 bits.
fs::path candidate_folder(const fs::path& dir, int window) {
    models::NetShape shape;
    shape.hidden = {4};
    shape.weight_bits = 4;
    const fs::path net = dir / ("net" + std::to_string(window) + ".h5"),
                   out = dir / ("cand" + std::to_string(window));
    models::save_network(models::random_network(shape, 17, window), net.string(), "{}");
    const Cli r = run_pixforge({"rtl", "-n", net.string(), "-o", out.string()}, dir);
    BOOST_TEST_REQUIRE(r.code == 0, r.log);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_candidate_for_another_window_or_adc_width_is_refused_before_simulating) {
    BOOST_TEST_REQUIRE(fs::exists(pixforge_binary()));
    test::TempDir dir;
    const fs::path short_window = candidate_folder(dir.path(), 16), cache = dir.path() / "cache";
    // Built for 16 samples, run in the default 32-sample chain.
    for (const char* command : {"simulate", "validate"}) {
        const Cli r = run_pixforge({command, "-c", default_config(), "--candidate", short_window.string(),
                                    "-n", "20", "--cache", cache.string()},
                                   dir.path());
        BOOST_TEST(r.code == 2, command << ": " << r.log);
        BOOST_TEST(r.log.find("[ERROR SIM-005]") != std::string::npos, r.log);
        BOOST_TEST(r.log.find(short_window.string()) != std::string::npos, r.log);
        BOOST_TEST(r.log.find("trigger.window = 16") != std::string::npos, r.log);
        BOOST_TEST(r.log.find("trigger.window = 32") != std::string::npos, r.log);
    }
    // Built for 10-bit samples, run in an 8-bit chain.
    const fs::path ten_bits = candidate_folder(dir.path(), 32);
    const Cli narrow = run_pixforge({"simulate", "-c", default_config(), "--set", "adc.bits=8", "--candidate",
                                     ten_bits.string(), "-n", "20", "--cache", cache.string()},
                                    dir.path());
    BOOST_TEST(narrow.code == 2, narrow.log);
    BOOST_TEST(narrow.log.find("[ERROR SIM-006]") != std::string::npos, narrow.log);
    BOOST_TEST(narrow.log.find("adc.bits = 10") != std::string::npos, narrow.log);
    BOOST_TEST(narrow.log.find("adc.bits = 8") != std::string::npos, narrow.log);
    // The same candidate in the chain it was built for runs behind the behavioural trigger; as the
    // pixel's block it is refused: it reads all 32 samples, the 24-sample dead time cannot keep its
    // captures apart.
    const Cli fits = run_pixforge({"simulate", "-c", default_config(), "--candidate", ten_bits.string(), "-n",
                                   "20", "--cache", cache.string(), "--block", "network"},
                                  dir.path());
    BOOST_TEST(fits.code == 0, fits.log);
    const Cli block = run_pixforge({"simulate", "-c", default_config(), "--candidate", ten_bits.string(),
                                    "-n", "20", "--cache", cache.string()},
                                   dir.path());
    BOOST_TEST(block.code == 2, block.log);
    BOOST_TEST(block.log.find("[ERROR RTL-003]") != std::string::npos, block.log);
    BOOST_TEST(block.log.find("trigger.dead_time") != std::string::npos, block.log);
}

BOOST_AUTO_TEST_CASE(simulate_passes_paths_and_values_with_spaces_and_rate_equals_to_its_child) {
    BOOST_TEST_REQUIRE(fs::exists(pixforge_binary()));
    test::TempDir dir;
    const fs::path out = dir.path() / "out folder";
    fs::create_directories(out);
    const std::string tau = "frontend.shaper_tau=30 ns";
    // 40 pulses over 5 lines: no peak can be fitted, which must show as such, never as 0 eV.
    const Cli one = run_pixforge({"simulate", "-c", default_config(), "--classical", "max_sample", "-n", "40",
                                  "--set", tau, "-o", (out / "chain one.h5").string(), "--json"},
                                 dir.path());
    BOOST_TEST_REQUIRE(one.code == 0, one.log);
    {
        h5::Handle f = h5::open_file_readonly((out / "chain one.h5").string());
        BOOST_TEST(h5::read_string_attribute(f.id(), "config")->find("shaper_tau = \"30 ns\"") !=
                   std::string::npos);
    }
    const nlohmann::json summary = nlohmann::json::parse(one.log.substr(one.log.find('{')));
    BOOST_TEST(summary["energy_fwhm_mean_eV"].is_null());
    BOOST_TEST(summary["energy_fwhm_fitted"] == false);
    for (const auto& line : summary["lines"]) BOOST_TEST(line["fwhm_eV"].is_null(), line.dump());

    const Cli sweep =
        run_pixforge({"simulate", "-c", default_config(), "--classical", "max_sample", "-n", "40", "--set",
                      tau, "--rate=1e6/s", "--sweep", "1e4/s,4e4/s", "-o", (out / "sweep.h5").string()},
                     dir.path());
    BOOST_TEST_REQUIRE(sweep.code == 0, sweep.log);
    BOOST_TEST(sweep.log.find("not fitted") != std::string::npos, sweep.log);
    h5::Handle f = h5::open_file_readonly((out / "sweep.h5").string());
    h5::Handle g = h5::open_group(f.id(), "sweep");
    std::vector<double> rate, fwhm;
    h5::read_rows(g.id(), "input_rate", 0, 2, rate);
    h5::read_rows(g.id(), "mean_fwhm", 0, 2, fwhm);
    BOOST_TEST_MESSAGE("sweep input rates " << rate[0] << ", " << rate[1] << " /s");
    BOOST_TEST(rate[0] > 0.5e4);  // the sweep's rates, not --rate=1e6/s
    BOOST_TEST(rate[0] < 2e4);
    BOOST_TEST(rate[1] > 2e4);
    BOOST_TEST(rate[1] < 8e4);
    for (double v : fwhm) BOOST_TEST(std::isnan(v));  // not fitted, not 0
    BOOST_TEST(!fs::exists(out / "sweep.h5.partial"));
}

BOOST_AUTO_TEST_CASE(unfitted_lines_are_not_fitted_in_the_chain_summary) {
    const Config config = config_with({});
    const models::PixelChain chain(models::chain_params_from(config));
    tb::ChainOptions options = tb::ChainOptions::from_config(config);
    options.pulses = 40;
    const tb::ChainRun run = tb::run_chain_classical(chain, config, options, "max_sample");
    const tb::ChainSamples samples = tb::sample_chain(run, chain);
    const tb::ChainSummary summary = tb::ChainSummary::of(samples, tb::metrics_of(samples));
    const nlohmann::json j = nlohmann::json::parse(summary.to_json().dump());
    BOOST_TEST(j["energy_fwhm_mean_eV"].is_null());
    BOOST_TEST(j["energy_fwhm_fitted"] == false);
    double lines = 0;
    for (const auto& l : j["lines"]) {
        BOOST_TEST(l["fwhm_eV"].is_null());
        BOOST_TEST(l["fitted"] == false);
        lines += l["line_eV"].get<double>();
    }
    BOOST_TEST(j["energy_fwhm_objective_eV"].get<double>() == lines / 5, boost::test_tools::tolerance(1e-12));
    std::ostringstream text;
    tb::print_chain_summary(summary, text);
    BOOST_TEST(text.str().find("not fitted") != std::string::npos, text.str());
    BOOST_TEST(text.str().find(" 0+-0 eV") == std::string::npos, text.str());

    // Through JSON and back (what the isolated runner hands over), the unfitted stay unfitted.
    const tb::ChainSummary back = tb::ChainSummary::from_json(j, "test");
    BOOST_TEST(!back.resolution().fitted);
    BOOST_TEST(std::isnan(back.resolution().mean_fwhm_eV));
    BOOST_TEST(back.resolution().objective_eV == summary.resolution().objective_eV,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(back.triggers == summary.triggers);
    BOOST_TEST(back.lost_events() == summary.lost_busy + summary.lost_fifo);
    nlohmann::json broken = j;
    broken["lost_busy"] = "many";
    BOOST_TEST(test::error_id([&] { tb::ChainSummary::from_json(broken, "x.json"); }) == "SIM-008");
    broken = j;
    broken.erase("lines");
    BOOST_TEST(test::error_id([&] { tb::ChainSummary::from_json(broken, "x.json"); }) == "SIM-008");
    BOOST_TEST(test::error_id([&] { tb::ChainJob::from_json(nlohmann::json::array(), "job.json"); }) ==
               "SIM-009");
}

BOOST_AUTO_TEST_CASE(a_golden_file_must_share_figures_and_every_golden_figure_is_compared) {
    test::TempDir dir;
    const std::vector<std::string> figures{"area_um2", "latency_ns"};
    const auto golden = [&](const std::string& text) {
        const fs::path p = dir.path() / "g.json";
        std::ofstream(p) << text;
        return p;
    };
    BOOST_TEST(test::error_id([&] { tb::load_golden(dir.path() / "none.json", figures); }) == "VAL-001");
    BOOST_TEST(test::error_id([&] { tb::load_golden(golden(""), figures); }) == "VAL-001");
    BOOST_TEST(test::error_id([&] { tb::load_golden(golden("{area"), figures); }) == "VAL-002");
    BOOST_TEST(test::error_id([&] { tb::load_golden(golden("[1, 2]"), figures); }) == "VAL-002");
    BOOST_TEST(test::error_id([&] { tb::load_golden(golden("{\"area_um2\": \"big\"}"), figures); }) ==
               "VAL-002");
    BOOST_TEST(test::error_id([&] { tb::load_golden(golden("{}"), figures); }) == "VAL-003");
    BOOST_TEST(test::error_id([&] { tb::load_golden(golden("{\"speed\": 3}"), figures); }) == "VAL-003");
    const nlohmann::json g =
        tb::load_golden(golden("{\"area_um2\": 100, \"latency_ns\": null, \"speed\": 3}"), figures);

    const auto within =
        tb::compare_to_golden({{"area_um2", 100}}, {{"area_um2", 102}, {"latency_ns", 5}}, 0.05, "g");
    BOOST_TEST(within.pass, within.detail);
    const auto off = tb::compare_to_golden({{"area_um2", 100}}, {{"area_um2", 110}}, 0.05, "g");
    BOOST_TEST(!off.pass);
    // A golden figure the run lacks fails; so does "not fitted" against a number.
    const auto missing = tb::compare_to_golden(g, {{"area_um2", 100}, {"latency_ns", nullptr}}, 0.05, "g");
    BOOST_TEST(!missing.pass);
    BOOST_TEST(missing.detail.find("speed missing") != std::string::npos, missing.detail);
    const auto unfitted = tb::compare_to_golden({{"latency_ns", 5}}, {{"latency_ns", NAN}}, 0.05, "g");
    BOOST_TEST(!unfitted.pass);
    BOOST_TEST(unfitted.detail.find("not fitted") != std::string::npos, unfitted.detail);
    const auto both_unfitted =
        tb::compare_to_golden({{"latency_ns", nullptr}}, {{"latency_ns", NAN}}, 0.05, "g");
    BOOST_TEST(both_unfitted.pass, both_unfitted.detail);

    // The real command refuses an empty golden file before any work (exit 2).
    BOOST_TEST_REQUIRE(fs::exists(pixforge_binary()));
    const Cli r = run_pixforge({"validate", "-c", default_config(), "--candidate", dir.path().string(),
                                "--golden", golden("  \n").string()},
                               dir.path());
    BOOST_TEST(r.code == 2, r.log);
    BOOST_TEST(r.log.find("[ERROR VAL-001]") != std::string::npos, r.log);
}

BOOST_AUTO_TEST_CASE(validate_runs_its_chain_with_the_overrides_and_fails_a_missing_golden_figure) {
    BOOST_TEST_REQUIRE(fs::exists(pixforge_binary()));
    test::TempDir dir;
    const fs::path candidate = candidate_folder(dir.path(), 32), golden = dir.path() / "golden.json";
    std::ofstream(golden)
        << R"({"area_um2": 1e9, "energy_fwhm_eV_at_max_rate": 100, "figure_of_another_run": 1})";
    // A one-deep FIFO on a slow link loses events at any rate: only if the chain sees the overrides
    // (the dead time lets the 32-sample block run as the pixel's block).
    const Cli r = run_pixforge({"validate",
                                "-c",
                                default_config(),
                                "--candidate",
                                candidate.string(),
                                "--vectors",
                                "200",
                                "-n",
                                "300",
                                "--set",
                                "readout.fifo_depth=1",
                                "--set",
                                "readout.link_rate=1e3/s",
                                "--set",
                                "trigger.dead_time=400ns",
                                "--cache",
                                (dir.path() / "cache").string(),
                                "--golden",
                                golden.string(),
                                "--waves",
                                (dir.path() / "failing.fst").string(),
                                "--dump-events",
                                "index:0"},
                               dir.path(), 900);
    BOOST_TEST(r.code == 1, r.log);
    // The failing chain checks leave the waveforms of the max-rate run's first result.
    BOOST_TEST(r.log.find("waveforms of the failing chain checks: " + (dir.path() / "failing.fst").string() +
                          " (results 0 of the max-rate run") != std::string::npos,
               r.log);
    BOOST_TEST(test::read_fst((dir.path() / "failing.fst").string()).handles.count("analog_e") == 1u);
    const auto row = [&](const std::string& name) { return r.log.substr(r.log.find(name), 200); };
    BOOST_TEST_REQUIRE(r.log.find("no loss at max rate") != std::string::npos, r.log);
    BOOST_TEST(row("no loss at max rate").find("FAIL") != std::string::npos, r.log);
    BOOST_TEST(row("no loss at max rate").find("  0 lost") == std::string::npos, r.log);
    BOOST_TEST(row("regression").find("FAIL") != std::string::npos, r.log);
    BOOST_TEST(row("regression").find("figure_of_another_run missing") != std::string::npos, r.log);
}

// The pixel's whole block in the chain (ADC -> Verilated pixforge_pixel -> readout) against the
// behavioural trigger and the window-level network on the same noisy stream: the same triggers,
// hidden edges and dead time, and for every result the same trigger time, window and outputs.
BOOST_AUTO_TEST_CASE(the_pixel_block_in_the_chain_equals_the_behavioural_trigger_and_the_network) {
    static test::TempDir cache;
    models::NetShape shape;
    shape.hidden = {4};
    shape.weight_bits = 4;
    models::QuantizedNetwork net = models::random_network(shape, 23, 16);
    net.input.first = 4;  // after the baseline, as the streaming template needs
    const Config config = config_with({"source.rate=2e5/s"});
    const models::PixelChain chain(models::chain_params_from(config));
    tb::ChainOptions options = tb::ChainOptions::from_config(config);
    options.pulses = 400;
    rtl::VerilatedLibraryBuilder builder(cache.path());

    tb::ProcessorChoice window_level;
    window_level.networks = {net};
    window_level.library = builder.build(rtl::generate_verilog(net, {})).library;
    const tb::ChainRun reference = tb::run_chain(chain, options, window_level);

    tb::ProcessorChoice block = window_level;
    const rtl::HardwareTemplate streaming = rtl::parse_template("streaming", 1, 1, true);
    block.library = builder
                        .build(rtl::generate_pixel_block(
                            net, streaming, rtl::pixel_block_spec(chain, options.clock_period_s)))
                        .library;
    block.pixel_block = true;
    block.template_name = streaming.name();
    const tb::ChainRun pixel = tb::run_chain(chain, options, block);

    BOOST_TEST_MESSAGE("pixel block in the chain: " << pixel.triggers << " triggers, " << pixel.results.size()
                                                    << " results, " << pixel.cycles_simulated << " of "
                                                    << pixel.cycles_covered << " cycles simulated");
    BOOST_TEST(pixel.triggers > 300u);
    BOOST_TEST(pixel.triggers == reference.triggers);
    BOOST_TEST(pixel.edges_in_dead_time == reference.edges_in_dead_time);
    BOOST_TEST(pixel.dead_s == reference.dead_s, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(pixel.lost_busy == 0u);
    BOOST_TEST_REQUIRE(pixel.results.size() == reference.results.size());
    std::size_t same = 0;
    for (std::size_t i = 0; i < pixel.results.size(); ++i) {
        const auto& p = pixel.results[i];
        const auto& r = reference.results[i];
        const bool window = std::equal(p.window.begin(), p.window.end(), r.window.begin());
        same += window && p.raw == r.raw && p.trigger_s == r.trigger_s && p.start_s == r.start_s;
    }
    BOOST_TEST(same == pixel.results.size());
    BOOST_TEST(pixel.cycles_simulated < pixel.cycles_covered / 2);  // idle stretches skipped
}

// Waveforms of chosen events: the same stream again with the pixel block built with FST tracing (and
// no idle skipping) gives the same results, and the file holds the block's signals, the ADC codes
// and the analog signal, dumped only inside the events' windows, where the trigger fires.
BOOST_AUTO_TEST_CASE(waveforms_of_chosen_events_hold_the_block_the_codes_and_the_analog_signal) {
    test::TempDir dir;
    models::NetShape shape;
    shape.hidden = {4};
    shape.weight_bits = 4;
    models::QuantizedNetwork net = models::random_network(shape, 23, 16);
    net.input.first = 4;
    const Config config = config_with({"source.rate=2e5/s"});
    const models::PixelChain chain(models::chain_params_from(config));
    tb::ChainOptions options = tb::ChainOptions::from_config(config);
    options.pulses = 200;
    rtl::VerilatedLibraryBuilder builder(dir.path() / "cache");
    const rtl::GeneratedRtl block_rtl =
        rtl::generate_pixel_block(net, rtl::parse_template("streaming", 1, 1, true),
                                  rtl::pixel_block_spec(chain, options.clock_period_s));
    tb::ProcessorChoice plain;
    plain.networks = {net};
    plain.pixel_block = true;
    plain.library = builder.build(block_rtl).library;
    const tb::ChainRun first = tb::run_chain(chain, options, plain);
    BOOST_TEST_REQUIRE(first.results.size() > 10u);

    const std::vector<std::size_t> events = tb::select_wave_events("index:2,7", first, chain);
    BOOST_TEST((events == std::vector<std::size_t>{2, 7}));
    const int cycles = 40;
    const std::vector<tb::WaveWindow> windows =
        tb::wave_windows(first, events, cycles, options.clock_period_s);
    BOOST_TEST_REQUIRE(windows.size() == 2u);
    tb::ProcessorChoice traced = plain;
    traced.library = builder.build(block_rtl, true).library;
    traced.waves = dir.path() / "events.fst";
    traced.wave_windows = windows;
    const tb::ChainRun again = tb::run_chain(chain, options, traced);
    BOOST_TEST_REQUIRE(again.results.size() == first.results.size());
    for (std::size_t i = 0; i < first.results.size(); ++i) {
        BOOST_TEST(again.results[i].raw == first.results[i].raw);
        BOOST_TEST(again.results[i].trigger_s == first.results[i].trigger_s);
    }
    BOOST_TEST(again.cycles_simulated == again.cycles_covered);  // no idle cycle skipped: no gap

    const test::FstContents f = test::read_fst(traced.waves.string());
    BOOST_TEST_REQUIRE(f.opened);
    for (const char* name : {"clk", "s_code", "analog_e", "trig", "out_valid", "out_data"})
        BOOST_TEST(f.handles.count(name) == 1u, name);
    const double half_ps = options.clock_period_s * 0.5e12;
    std::size_t outside = 0, analog_changes = 0;
    std::vector<bool> triggered(windows.size(), false);
    for (const auto& c : f.changes) {
        const double t_s = static_cast<double>(c.time) * 1e-12;
        std::size_t in = windows.size();
        for (std::size_t w = 0; w < windows.size(); ++w)
            // A cycle that starts inside dumps its rising edge half a period later; 1 ps of rounding.
            if (c.time + 1 >= windows[w].from_s * 1e12 && c.time <= windows[w].to_s * 1e12 + half_ps + 1)
                in = w;
        if (in == windows.size()) {
            outside += c.time > 0;  // the initial values sit at the first dump
            continue;
        }
        analog_changes += c.handle == f.handles.at("analog_e");
        if (c.handle == f.handles.at("trig") && c.value == "1" &&
            std::fabs(t_s - first.results[events[in]].trigger_s) < 2 * chain.sample_period())
            triggered[in] = true;
    }
    BOOST_TEST(outside == 0u);
    BOOST_TEST(analog_changes > 10u);  // the pulse's shape, sample by sample
    BOOST_TEST(triggered[0]);
    BOOST_TEST(triggered[1]);

    // Bad specs are refused by name.
    for (const char* spec : {"index:x", "index:100000", "time:3", "miss:lots", "every:1", "index"})
        BOOST_TEST(test::error_id([&] { tb::select_wave_events(spec, first, chain); }) == "SIM-012", spec);
    for (std::size_t i :
         tb::select_wave_events("miss:1keV", first, chain)) {  // each misses by more than 1 keV
        const auto& r = first.results[i];
        double truth = 0;
        for (const auto& p : first.truth)
            if (p.t0_s <= r.trigger_s) truth = p.energy_eV;
        BOOST_TEST(std::fabs(r.estimate.energy_eV - truth) > 1000.0);
    }
}

namespace {
// The JSON object a command printed with --json, among the log's other lines.
nlohmann::json printed_json(const std::string& log) {
    const auto first = log.find('{'), last = log.rfind('}');
    BOOST_TEST_REQUIRE((first != std::string::npos && last != std::string::npos), log);
    return nlohmann::json::parse(log.substr(first, last - first + 1));
}
}  // namespace

// A classical estimator's hardware from the command line: pixforge synth --classical synthesizes
// its pixel block; pixforge simulate --classical with --dataset runs that block in the chain (a
// peak unit: energy and time, its result one clock after the window's last sample), where without
// --dataset the floating-point estimator runs with the fixed readout.classical_latency.
BOOST_AUTO_TEST_CASE(synth_and_simulate_take_a_classical_estimators_hardware) {
    test::TempDir dir;
    const fs::path data = dir.path() / "d.h5", cache = dir.path() / "cache";
    const Cli made = run_pixforge(
        {"dataset", "-c", default_config(), "--set", "dataset.windows=20000", "-o", data.string()},
        dir.path());
    BOOST_TEST_REQUIRE(made.code == 0, made.log);
    const Cli synth = run_pixforge(
        {"synth", "-c", default_config(), "--classical", "cfd", "--bits", "4", "-d", data.string(), "-t",
         "streaming", "--clock-gating", "--json", "--cache", cache.string()},
        dir.path(), 900);
    BOOST_TEST_REQUIRE(synth.code != 2, synth.log);  // timing may fail at this pixel's 10 ns clock
    const nlohmann::json ppa = printed_json(synth.log);
    BOOST_TEST(ppa["area_um2"].get<double>() > 1000.0);
    BOOST_TEST(ppa["template"] == "streaming_r1_cg");
    const auto simulate = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"simulate", "-c",   default_config(), "--classical", "cfd",
                                         "-n",       "3000", "--json",         "--cache",     cache.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        const Cli r = run_pixforge(args, dir.path(), 900);
        BOOST_TEST_REQUIRE(r.code == 0, r.log);
        return printed_json(r.log);
    };
    const nlohmann::json hardware = simulate({"--bits", "4", "-d", data.string()});
    const nlohmann::json floating = simulate({});
    BOOST_TEST(hardware["processor"].get<std::string>().find("classical") == std::string::npos);
    BOOST_TEST(floating["processor"].get<std::string>().find("cfd") != std::string::npos);
    BOOST_TEST(hardware["toa_sigma_s"].get<double>() > 0.0);
    BOOST_TEST(hardware["toa_sigma_s"].get<double>() < 3 * floating["toa_sigma_s"].get<double>());
    BOOST_TEST(hardware["latency_mean_s"].get<double>() != floating["latency_mean_s"].get<double>());
    // --classical without --dataset has no hardware to synthesize; --dataset needs --classical.
    const Cli lacking = run_pixforge({"synth", "-c", default_config(), "--classical", "cfd"}, dir.path());
    BOOST_TEST(lacking.code == 2);
    BOOST_TEST(lacking.log.find("CLI-004") != std::string::npos, lacking.log);
}
