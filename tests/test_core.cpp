#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/units.hpp"
#include "models/chain_params.hpp"
#include "test_support.hpp"

using namespace pixforge;
using units::Dimension;

BOOST_AUTO_TEST_CASE(units_parse_to_si) {
    BOOST_TEST(units::parse("25ns", Dimension::Time).si == 25e-9, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(units::parse(" 100 MHz ", Dimension::Frequency).si == 100e6,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(units::parse("2e5/s", Dimension::Rate).si == 2e5, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(units::parse("5fF", Dimension::Capacitance).si == 5e-15, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(units::parse("450µm", Dimension::Length).si == 450e-6, boost::test_tools::tolerance(1e-12));
    const auto q = units::parse("100e-", Dimension::ChargeOrEnergy);
    BOOST_TEST(q.si / units::kElementaryCharge == 100.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST((q.dimension == Dimension::Charge));
    const auto e = units::parse("10keV", Dimension::ChargeOrEnergy);
    BOOST_TEST((e.dimension == Dimension::Energy));
    BOOST_TEST(models::to_electrons(e, 3.64) == 10000 / 3.64, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(units_reject_bad_text) {
    BOOST_CHECK_THROW(units::parse("25", Dimension::Time), std::invalid_argument);     // missing unit
    BOOST_CHECK_THROW(units::parse("25keV", Dimension::Time), std::invalid_argument);  // wrong dimension
    BOOST_CHECK_THROW(units::parse("ns", Dimension::Time), std::invalid_argument);     // no number
    BOOST_CHECK_THROW(units::parse("25 parsec", Dimension::Length), std::invalid_argument);
    BOOST_CHECK_THROW(units::parse("1.5 kg", Dimension::Dimensionless), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(units_format_round_trips) {
    const std::pair<double, Dimension> cases[] = {
        {25e-9, Dimension::Time},        {5e-6, Dimension::Time},
        {1.28e9, Dimension::Frequency},  {2e5, Dimension::Rate},
        {1.6e-15, Dimension::Energy},    {100 * units::kElementaryCharge, Dimension::Charge},
        {5e-15, Dimension::Capacitance}, {450e-6, Dimension::Length},
        {200, Dimension::Voltage},       {293, Dimension::Temperature},
        {0.0, Dimension::Time},
    };
    for (const auto& [si, dim] : cases) {
        const std::string text = units::format(si, dim);
        BOOST_TEST(units::parse(text, dim).si == si, boost::test_tools::tolerance(1e-8));
    }
    BOOST_TEST(units::format(25e-9, Dimension::Time) == "25 ns");
}

BOOST_AUTO_TEST_CASE(defaults_resolve_and_round_trip) {
    const Config defaults = Config::defaults();
    const std::string resolved = defaults.resolved_toml();
    const Config again = Config::parse(resolved, "<resolved>");
    BOOST_TEST(again.resolved_toml() == resolved);
    // Every schema key appears once in the resolved config.
    for (const auto& spec : ConfigSchema::standard().params()) {
        const std::string name = spec.key.substr(spec.key.find('.') + 1);
        BOOST_TEST(resolved.find("\n" + name + " = ") != std::string::npos, spec.key);
    }
}

BOOST_AUTO_TEST_CASE(bundled_configs_are_valid_and_round_trip) {
    for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "configs")) {
        const Config c = Config::load(entry.path());
        BOOST_CHECK_NO_THROW(models::chain_params_from(c));
        BOOST_TEST(Config::parse(c.resolved_toml(), "x").resolved_toml() == c.resolved_toml());
    }
    const Config d0 = Config::load(test::source_dir() / "configs/default.toml");
    BOOST_TEST(d0.real("frontend.shaper_tau") == 25e-9, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(d0.integer("adc.bits") == 10);
    BOOST_TEST(d0.real("source.rate") == 2e5, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(overrides_apply_after_the_file) {
    const Config c = Config::parse("[adc]\nbits = 12\n", "f.toml",
                                   {"adc.bits=8", "frontend.shaper_tau=30ns", "sensor.material=CdTe",
                                    "test_spectrum.lines=[\"59.5keV\"]"});
    BOOST_TEST(c.integer("adc.bits") == 8);
    BOOST_TEST(c.real("frontend.shaper_tau") == 30e-9, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(c.text("sensor.material") == "CdTe");
    BOOST_TEST(c.reals("test_spectrum.lines").size() == 1u);
}

namespace {
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const PixError& e) {
        return std::string(e.what()) + "\n";
    }
    return "no error\n";
}
}  // namespace

// Every bad input of tests/data/bad_configs gives exactly the text of its golden file.
BOOST_AUTO_TEST_CASE(bad_configs_match_golden_errors) {
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(test::tests_dir() / "data/bad_configs")) {
        const std::string name = entry.path().filename().string();
        const std::string text = test::read_text(entry.path());
        const std::string message = error_of([&] {
            const Config c = Config::parse(text, "bad_configs/" + name);
            models::chain_params_from(c);
        });
        const auto golden =
            test::tests_dir() / "golden/config_errors" / (entry.path().stem().string() + ".txt");
        const std::string diff = test::compare_golden(golden, message);
        BOOST_TEST(diff.empty(), name << ": " << diff);
        BOOST_TEST(message.rfind("[ERROR CFG-", 0) == 0, name);
        ++files;
    }
    BOOST_TEST(files >= 15);
}

BOOST_AUTO_TEST_CASE(missing_file_and_bad_overrides) {
    BOOST_TEST(
        error_of([] { Config::load("no/such/file.toml"); }) ==
        "[ERROR CFG-001] no/such/file.toml: cannot read the config file (missing or not readable); pass an "
        "existing TOML file, e.g. configs/default.toml\n");
    BOOST_TEST(error_of([] {
                   Config::parse("", "f", {"adc.bits"});
               }).rfind("[ERROR CFG-008] --set 'adc.bits'", 0) == 0);
    BOOST_TEST(
        error_of([] { Config::parse("", "f", {"adc.bitz=3"}); }) ==
        "[ERROR CFG-003] --set: unknown key 'adc.bitz'; did you mean 'adc.bits'? (pixforge config --describe "
        "lists every key)\n");
    BOOST_TEST(error_of([] {
                   Config::parse("", "f", {"adc.bits=3.5"});
               }).rfind("[ERROR CFG-004] --set: 'adc.bits'", 0) == 0);
}
