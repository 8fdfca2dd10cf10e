#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/h5.hpp"
#include "core/units.hpp"
#include "h5_bad_files.hpp"
#include "models/chain_params.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "test_support.hpp"

using namespace pixforge;
using units::Dimension;

namespace {
const ConfigSchema& all_keys() {
    return codesign::all_config_keys();
}
}  // namespace

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
    // The pixel budget's units: an ADC's energy per step, a pixel's power, a cooling limit.
    BOOST_TEST(units::parse("10fJ", Dimension::Energy).si == 1e-14, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(units::parse("40 uW", Dimension::Power).si == 40e-6, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(units::parse("0.5W/cm2", Dimension::PowerDensity).si == 5000,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(units::parse("5mW/mm2", Dimension::PowerDensity).si == 5000,
               boost::test_tools::tolerance(1e-12));
    BOOST_CHECK_THROW(units::parse("40uW", Dimension::PowerDensity), std::invalid_argument);
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
        {0.0, Dimension::Time},          {312.5e-6, Dimension::Power},
        {5000, Dimension::PowerDensity},
    };
    for (const auto& [si, dim] : cases) {
        const std::string text = units::format(si, dim);
        BOOST_TEST(units::parse(text, dim).si == si, boost::test_tools::tolerance(1e-8));
    }
    BOOST_TEST(units::format(25e-9, Dimension::Time) == "25 ns");
}

BOOST_AUTO_TEST_CASE(defaults_resolve_and_round_trip) {
    const Config defaults = Config::defaults(all_keys());
    const std::string resolved = defaults.resolved_toml();
    const Config again = Config::parse(all_keys(), resolved, "<resolved>");
    BOOST_TEST(again.resolved_toml() == resolved);
    // Every schema key appears once in the resolved config.
    for (const auto& spec : all_keys().params()) {
        const std::string name = spec.key.substr(spec.key.find('.') + 1);
        BOOST_TEST(resolved.find("\n" + name + " = ") != std::string::npos, spec.key);
    }
}

BOOST_AUTO_TEST_CASE(resolved_config_escapes_strings) {
    // Quotes, backslashes, control characters and non-ASCII text must survive write -> load.
    for (const std::string& value :
         {std::string("a \"quoted\" name"), std::string("C:\\lib\\osu018.lib"), std::string("line1\nline2"),
          std::string("tab\there"), std::string("\\\"\n\t\r\x01 \xC2\xB5m \xE2\x86\x92 end\\")}) {
        // --set takes a value that is not TOML as the raw text.
        const Config c = Config::parse(all_keys(), "", "<test>", {"synthesis.liberty=" + value});
        BOOST_TEST(c.text("synthesis.liberty") == value);
        const Config again = Config::parse(all_keys(), c.resolved_toml(), "<resolved>");
        BOOST_TEST(again.text("synthesis.liberty") == value);
        BOOST_TEST(again.resolved_toml() == c.resolved_toml());
    }
}

BOOST_AUTO_TEST_CASE(set_refuses_text_that_is_not_utf8) {
    // Found by fuzz/fuzz_config: a raw --set value with invalid UTF-8 made a resolved config that
    // did not load back (fuzz/corpus/config/invalid_utf8_set).
    for (const std::string bad : {"a\xff\xfe", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "x\xE2\x82"}) {
        const std::string text =
            test::error_text([&] { Config::parse(all_keys(), "", "<test>", {"synthesis.liberty=" + bad}); });
        BOOST_TEST(text.rfind("CFG-010 ", 0) == 0, text);
        BOOST_TEST(text.find("synthesis.liberty") != std::string::npos, text);
    }
    const Config ok =
        Config::parse(all_keys(), "", "<test>", {"synthesis.liberty=\xC2\xB5m \xF0\x9F\x98\x80"});
    BOOST_TEST(Config::parse(all_keys(), ok.resolved_toml(), "<resolved>").text("synthesis.liberty") ==
               "\xC2\xB5m \xF0\x9F\x98\x80");
}

BOOST_AUTO_TEST_CASE(bundled_configs_are_valid_and_round_trip) {
    for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "configs")) {
        if (!entry.is_regular_file()) continue;  // configs/regress/ holds suites (test_regress)
        const Config c = Config::load(all_keys(), entry.path());
        BOOST_CHECK_NO_THROW(models::chain_params_from(c));
        BOOST_TEST(Config::parse(all_keys(), c.resolved_toml(), "x").resolved_toml() == c.resolved_toml());
    }
    const Config d0 = Config::load(all_keys(), test::source_dir() / "configs/d0_75um.toml");
    BOOST_TEST(d0.real("frontend.shaper_tau") == 25e-9, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(d0.integer("adc.bits") == 10);
    BOOST_TEST(d0.real("source.rate") == 2e5, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(overrides_apply_after_the_file) {
    const Config c = Config::parse(all_keys(), "[adc]\nbits = 12\n", "f.toml",
                                   {"adc.bits=8", "frontend.shaper_tau=30ns", "sensor.material=CdTe",
                                    "test_spectrum.lines=[\"59.5keV\"]"});
    BOOST_TEST(c.integer("adc.bits") == 8);
    BOOST_TEST(c.real("frontend.shaper_tau") == 30e-9, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(c.text("sensor.material") == "CdTe");
    BOOST_TEST(c.reals("test_spectrum.lines").size() == 1u);
}

// A stored config is read for its chain with the chain's keys alone: sections of other layers are
// skipped, an unknown key inside a chain section is still refused.
BOOST_AUTO_TEST_CASE(stored_configs_are_read_for_their_chain) {
    const std::string stored = Config::defaults(all_keys()).resolved_toml();
    const models::ChainParams p =
        models::chain_params_from_stored(stored + "[future_section]\nanything = 1\n", "net.h5:/config");
    BOOST_TEST(p.adc.bits == 10);
    BOOST_CHECK_THROW(Config::parse(all_keys(), stored + "[future_section]\nanything = 1\n", "user.toml"),
                      PixError);
    BOOST_CHECK_THROW(models::chain_params_from_stored("[adc]\nbitz = 3\n", "net.h5:/config"), PixError);
    // The chain's schema declares the chain's sections and no other.
    BOOST_TEST(models::chain_keys().declares_section("adc"));
    BOOST_TEST(!models::chain_keys().declares_section("synthesis"));
}

// Every section is declared by one library, and the assembled schema holds each key once.
BOOST_AUTO_TEST_CASE(config_keys_are_declared_once_beside_their_code) {
    std::set<std::string> seen;
    for (const auto& p : all_keys().params()) BOOST_TEST(seen.insert(p.key).second, p.key);
    for (const char* section : {"sensor", "dataset", "network", "training", "synthesis", "codesign",
                                "optimizer", "validate", "readout", "estimators"})
        BOOST_TEST(all_keys().declares_section(section), section);
    ConfigSchema twice;
    models::declare_chain_keys(twice);
    BOOST_CHECK_THROW(models::declare_chain_keys(twice), std::logic_error);
}

BOOST_AUTO_TEST_CASE(with_adds_overrides_after_the_original_ones) {
    const Config c = Config::parse(all_keys(), "[adc]\nbits = 12\n", "f.toml", {"adc.bits=8"});
    const Config more = c.with({"frontend.shaper_tau=30ns"});
    BOOST_TEST(more.integer("adc.bits") == 8);
    BOOST_TEST(more.real("frontend.shaper_tau") == 30e-9, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(more.source() == "f.toml");
    BOOST_TEST(c.with({"adc.bits=6"}).integer("adc.bits") == 6);
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
            const Config c = Config::parse(all_keys(), text, "bad_configs/" + name);
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
        error_of([] { Config::load(all_keys(), "no/such/file.toml"); }) ==
        "[ERROR CFG-001] no/such/file.toml: cannot read the config file (missing or not readable); pass an "
        "existing TOML file, e.g. configs/default.toml\n");
    BOOST_TEST(error_of([] {
                   Config::parse(all_keys(), "", "f", {"adc.bits"});
               }).rfind("[ERROR CFG-008] --set 'adc.bits'", 0) == 0);
    BOOST_TEST(
        error_of([] { Config::parse(all_keys(), "", "f", {"adc.bitz=3"}); }) ==
        "[ERROR CFG-003] --set: unknown key 'adc.bitz'; did you mean 'adc.bits'? (pixforge config --describe "
        "lists every key)\n");
    BOOST_TEST(error_of([] {
                   Config::parse(all_keys(), "", "f", {"adc.bits=3.5"});
               }).rfind("[ERROR CFG-004] --set: 'adc.bits'", 0) == 0);
}

namespace {
// The error `f` throws has `id` and names every one of `names`.
void check_error(const std::function<void()>& f, const std::string& id,
                 const std::vector<std::string>& names) {
    const std::string text = test::error_text(f);
    BOOST_TEST(text.rfind(id + " ", 0) == 0, text);
    for (const auto& n : names) BOOST_TEST(text.find(n) != std::string::npos, n + " not in: " + text);
}
}  // namespace

BOOST_AUTO_TEST_CASE(h5_table_reader_checks_rank_type_and_range) {
    test::TempDir dir;
    const std::string path = (dir.path() / "bad.h5").string();
    {
        h5::Handle f = h5::create_file(path);
        h5::Handle g = h5::create_group(f.id(), "grp");
        test::put_array(g.id(), "cube", H5T_NATIVE_DOUBLE, {2, 3, 4});
        test::put_array(g.id(), "rank32", H5T_NATIVE_DOUBLE, std::vector<hsize_t>(32, 1));
        test::put_array(f.id(), "scalar", H5T_NATIVE_DOUBLE, {});
        test::put_string_array(f.id(), "names", 4);
        test::put_array(f.id(), "reals", H5T_NATIVE_FLOAT, {3});
        test::put_array(f.id(), "ints", H5T_NATIVE_INT16, {3, 2});
        test::put_attribute(f.id(), "four_ints", H5T_NATIVE_INT64, {4});
        test::put_attribute(f.id(), "real", H5T_NATIVE_DOUBLE, {});
        test::put_attribute(f.id(), "int", H5T_NATIVE_INT64, {});
        h5::write_attribute(f.id(), "text", std::string("abc"));
        h5::write_strings(f.id(), "vlen_texts", {"a", "b"});
    }
    h5::Handle f = h5::open_file_readonly(path);
    std::vector<double> d;
    std::vector<std::int32_t> i;
    // Rank 3 where a table is expected: overflowed a two-element array on the stack before.
    check_error([&] { h5::read_rows(f.id(), "grp/cube", 0, 1, d); }, "DATA-012",
                {path, "grp/cube", "[2 x 3 x 4]"});
    check_error([&] { h5::read_rows(f.id(), "grp/rank32", 0, 1, d); }, "DATA-012", {path, "grp/rank32"});
    check_error([&] { h5::read_rows(f.id(), "scalar", 0, 1, d); }, "DATA-012", {path, "scalar"});
    check_error([&] { h5::read_rows(f.id(), "names", 0, 4, d); }, "DATA-013", {path, "names", "strings"});
    check_error([&] { h5::read_rows(f.id(), "reals", 0, 3, i); }, "DATA-013",
                {path, "reals", "floats", "integers"});
    check_error([&] { h5::read_rows(f.id(), "ints", 2, 2, i); }, "DATA-014", {path, "ints", "[3 x 2]"});
    check_error([&] { h5::read_rows(f.id(), "absent", 0, 1, d); }, "DATA-011", {path, "absent"});
    check_error([&] { h5::read_rows(f.id(), "grp", 0, 1, d); }, "DATA-011", {path, "grp"});
    check_error([&] { h5::read_vector(f.id(), "ints", i, 10); }, "DATA-012", {path, "ints"});
    check_error([&] { h5::read_vector(f.id(), "reals", d, 2); }, "DATA-014", {path, "reals", "at most 2"});
    check_error([&] { h5::require_array(f.id(), "vlen_texts", 1, h5::Element::Real); }, "DATA-013",
                {"vlen_texts"});
    // Attributes: one value of the right kind, or a message (an array overflowed the stack before).
    check_error([&] { h5::read_int_attribute(f.id(), "four_ints"); }, "DATA-016",
                {path, "four_ints", "4 value"});
    check_error([&] { h5::read_int_attribute(f.id(), "real"); }, "DATA-016", {path, "'real'", "integer"});
    check_error([&] { h5::read_int_attribute(f.id(), "text"); }, "DATA-016", {path, "'text'"});
    check_error([&] { h5::read_string_attribute(f.id(), "int"); }, "DATA-016", {path, "'int'", "string"});
    // What is right still reads.
    h5::read_rows(f.id(), "reals", 0, 3, d);
    BOOST_TEST(d.size() == 3u);
    h5::read_rows(f.id(), "ints", 1, 2, i);
    BOOST_TEST(i.size() == 4u);
    BOOST_TEST(*h5::read_double_attribute(f.id(), "int") == 0.0);
    BOOST_TEST(!h5::read_int_attribute(f.id(), "missing").has_value());
}

BOOST_AUTO_TEST_CASE(h5_non_hdf5_and_truncated_files_are_refused) {
    test::TempDir dir;
    const auto text = dir.path() / "text.h5";
    std::ofstream(text) << "plain text, not HDF5\n";
    check_error([&] { h5::open_file_readonly(text.string()); }, "DATA-001", {text.string()});
    const auto big = dir.path() / "big.h5";
    {
        h5::Handle f = h5::create_file(big.string());
        h5::write_vector(f.id(), "values", std::vector<double>(100000, 1.5), "");
    }
    std::filesystem::resize_file(big, std::filesystem::file_size(big) / 2);
    const std::string cut = test::error_text([&] {
        h5::Handle f = h5::open_file_readonly(big.string());
        std::vector<double> v;
        h5::read_vector(f.id(), "values", v, 1000000);
    });
    BOOST_TEST((cut.rfind("DATA-001 ", 0) == 0 || cut.rfind("DATA-015 ", 0) == 0), cut);
    BOOST_TEST(cut.find(big.string()) != std::string::npos, cut);
}

BOOST_AUTO_TEST_CASE(h5_corrupt_headers_found_by_fuzzing_are_refused) {
    // fuzz/fuzz_h5_table and fuzz_network_file: headers that make HDF5 fail inside H5Fopen (one
    // asks for a 12 GB block). Each must come back as a PixError naming the file.
    for (const char* name : {"h5_table/huge_object_header.h5", "network_file/open_fails_in_hdf5.h5"}) {
        const auto path = (test::source_dir() / "fuzz/corpus" / name).string();
        BOOST_REQUIRE_MESSAGE(std::filesystem::exists(path), path << " is missing from the checkout");
        const std::string text = test::error_text([&] {
            h5::Handle f = h5::open_file_readonly(path);
            std::vector<double> v;
            h5::read_vector(f.id(), "table", v, 1024);
        });
        BOOST_TEST(text.rfind("DATA-0", 0) == 0, text);
        BOOST_TEST(text.find(path) != std::string::npos, text);
    }
}
