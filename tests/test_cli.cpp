// The command line, run in-process: help, --describe, overrides, exit codes, and that a
// failing command writes nothing.
#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <sstream>

#include "app/cli.hpp"
#include "core/config_schema.hpp"
#include "core/h5.hpp"
#include "datasets/dataset_builder.hpp"
#include "optimizer/codesign/codesign_setup.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "test_support.hpp"

using namespace pixforge;

namespace {
struct Run {
    int code;
    std::string out, err;
};
Run run(std::vector<std::string> args) {
    args.insert(args.begin(), "pixforge");
    std::ostringstream out, err;
    const int code = app::run_cli(args, out, err);
    return {code, out.str(), err.str()};
}
std::string config_path(const char* name) {
    return (test::source_dir() / "configs" / name).string();
}
}  // namespace

BOOST_AUTO_TEST_CASE(describe_lists_every_key) {
    const Run r = run({"config", "--describe"});
    BOOST_TEST(r.code == 0);
    for (const auto& spec : pixforge::codesign::all_config_keys().params())
        BOOST_TEST(r.out.find(spec.key) != std::string::npos, spec.key);
}

BOOST_AUTO_TEST_CASE(help_teaches_the_commands) {
    const Run r = run({"--help"});
    BOOST_TEST(r.code == 0);
    for (const char* cmd : {"config", "dataset", "baseline", "bench-dataset", "--describe"})
        BOOST_TEST(r.out.find(cmd) != std::string::npos, cmd);
    BOOST_TEST(run({}).code == 2);
    BOOST_TEST(run({"frobnicate"}).code == 2);
}

BOOST_AUTO_TEST_CASE(resolved_config_with_overrides) {
    const Run r = run({"config", "-c", config_path("d0_75um.toml"), "--set", "adc.bits=8", "--set",
                       "frontend.shaper_tau=30ns"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("bits = 8\n") != std::string::npos);
    BOOST_TEST(r.out.find("shaper_tau = \"30 ns\"\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_input_exits_2_and_writes_nothing) {
    test::TempDir dir;
    const std::string out = (dir.path() / "d.h5").string();
    const Run bad_key = run({"dataset", "-c", config_path("d0_75um.toml"), "--set", "adc.bitz=8", "-o", out});
    BOOST_TEST(bad_key.code == 2);
    BOOST_TEST(bad_key.err.find("[ERROR CFG-003]") != std::string::npos, bad_key.err);
    const Run missing = run({"dataset", "-c", (dir.path() / "nope.toml").string(), "-o", out});
    BOOST_TEST(missing.code == 2);
    BOOST_TEST(missing.err.find("[ERROR CFG-001]") != std::string::npos);
    const Run no_dir = run({"dataset", "-c", config_path("d0_75um.toml"), "-o",
                            (dir.path() / "x/y.h5").string(), "--pulses", "100"});
    BOOST_TEST(no_dir.code == 2);
    BOOST_TEST(no_dir.err.find("[ERROR DATA-010]") != std::string::npos, no_dir.err);
    BOOST_TEST(std::filesystem::is_empty(dir.path()));
    const Run not_ours =
        run({"baseline", "-c", config_path("d0_75um.toml"), "-d", config_path("d0_75um.toml")});
    BOOST_TEST(not_ours.code == 2);
    BOOST_TEST(not_ours.err.find("[ERROR DATA-001]") != std::string::npos, not_ours.err);
}

BOOST_AUTO_TEST_CASE(dataset_then_baseline_json_and_h5) {
    test::TempDir dir;
    const std::string data = (dir.path() / "d.h5").string(), results = (dir.path() / "b.h5").string();
    const Run made =
        run({"dataset", "-c", config_path("d0_75um.toml"), "-o", data, "--pulses", "6000", "-q"});
    BOOST_TEST_REQUIRE(made.code == 0, made.err);
    const Run scored =
        run({"baseline", "-c", config_path("d0_75um.toml"), "-d", data, "--json", "-o", results});
    BOOST_TEST_REQUIRE(scored.code == 0, scored.err);
    for (const char* name : {"max_sample", "parabolic_peak", "trapezoid", "optimal_filter", "cfd",
                             "leading_edge", "pileup_inspector"})
        BOOST_TEST(scored.out.find(std::string("\"name\": \"") + name + "\"") != std::string::npos, name);
    h5::Handle f = h5::open_file_readonly(results);
    BOOST_TEST(*h5::read_string_attribute(f.id(), "schema") == "pixforge.baseline");
    BOOST_TEST(h5::read_string_attribute(f.id(), "config")->find("[frontend]") != std::string::npos);
    BOOST_TEST(h5::shape(f.id(), "optimal_filter/fwhm_eV")[0] == 5u);
}

// The clock and the ADC rate can be design-space dimensions: a categorical parameter with units
// becomes each trial's override; bare numbers for a key with a unit are refused before any trial.
BOOST_AUTO_TEST_CASE(clock_and_adc_rate_are_design_space_dimensions) {
    const std::string space =
        "[space.\"adc.sampling_rate\"]\nkind = \"categorical\"\nchoices = [\"50MHz\", \"100MHz\"]\n"
        "[space.\"synthesis.clock_period\"]\nkind = \"categorical\"\nchoices = [\"5ns\", \"10ns\"]\n";
    const Config config = Config::parse(codesign::all_config_keys(), space, "<space>");
    const auto design_space = optimizer::DesignSpace::from_toml(config.space_toml(), config.source());
    codesign::check_config_keys_in_space(design_space, config);
    const codesign::TrialDesign d = codesign::design_of(design_space, {0.2, 0.2});
    BOOST_TEST((d.overrides ==
                std::vector<std::string>{"adc.sampling_rate=\"50MHz\"", "synthesis.clock_period=\"5ns\""}));
    const Config trial = config.with(d.overrides);
    BOOST_TEST(trial.real("adc.sampling_rate") == 50e6);
    BOOST_TEST(trial.real("synthesis.clock_period") == 5e-9);

    const Config numbers = Config::parse(
        codesign::all_config_keys(),
        "[space.\"adc.sampling_rate\"]\nkind = \"ordinal\"\nvalues = [5e7, 1e8]\n", "<numbers>");
    const auto bad = optimizer::DesignSpace::from_toml(numbers.space_toml(), numbers.source());
    BOOST_TEST(test::error_id([&] { codesign::check_config_keys_in_space(bad, numbers); }) == "OPT-004");
}

// ADC bits and the shaping time as design-space dimensions: each value's trial trains on a dataset
// of its own (the dataset key changes with every chain setting and with nothing else), and a
// shaping time varied with noise that would not follow it is refused before any trial.
BOOST_AUTO_TEST_CASE(adc_bits_and_shaping_time_key_their_own_datasets) {
    const Config base = Config::parse(codesign::all_config_keys(), "", "<base>");
    const std::string key = datasets::dataset_cache_key(base);
    for (const char* chain : {"adc.bits=8", "frontend.shaper_tau=\"50ns\"", "adc.sampling_rate=\"50MHz\"",
                              "noise.reference_shaping_time=\"25ns\""})
        BOOST_TEST(datasets::dataset_cache_key(base.with({chain})) != key, chain);
    for (const char* other : {"pixel.power_density=\"1W/cm2\"", "synthesis.clock_period=\"20ns\"",
                              "network.hidden=[8]", "codesign.pulses=500"})
        BOOST_TEST(datasets::dataset_cache_key(base.with({other})) == key, other);

    const std::string tau_space =
        "[space.\"frontend.shaper_tau\"]\nkind = \"categorical\"\nchoices = [\"25ns\", \"100ns\"]\n";
    const Config fixed_noise = Config::parse(codesign::all_config_keys(), tau_space, "<tau>");
    const auto space = optimizer::DesignSpace::from_toml(fixed_noise.space_toml(), fixed_noise.source());
    BOOST_TEST(test::error_id([&] { codesign::check_config_keys_in_space(space, fixed_noise); }) ==
               "OPT-005");
    const Config following = Config::parse(
        codesign::all_config_keys(), "[noise]\nreference_shaping_time = \"25ns\"\n" + tau_space, "<tau>");
    codesign::check_config_keys_in_space(space, following);  // accepted
}
