// HDF5 datasets (round trip, atomic writes, rejection of foreign or damaged files) and the
// scoring metrics.
#define BOOST_TEST_MODULE datasets
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

#include "core/error.hpp"
#include "core/h5.hpp"
#include "datasets/baseline_eval.hpp"
#include "datasets/classical_hardware.hpp"
#include "datasets/dataset_builder.hpp"
#include "datasets/dataset_file.hpp"
#include "datasets/metrics.hpp"
#include "h5_bad_files.hpp"
#include "models/network/integer_reference.hpp"
#include "models/spectrum.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "test_support.hpp"

using namespace pixforge;

namespace {

struct SmallDataset {
    test::TempDir dir;
    Config config =
        Config::parse(pixforge::codesign::all_config_keys(), "", "test", {"dataset.stream_duration=20us"});
    models::PixelChain chain{models::chain_params_from(config)};
    datasets::SplitSizes sizes{1200, 300, 500};
    std::string path = (dir.path() / "d.h5").string();
    SmallDataset() {
        datasets::build_dataset(config, chain, sizes, path, current_provenance("test"), nullptr);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(round_trip_reproduces_the_generator_bit_for_bit) {
    SmallDataset d;
    const datasets::DatasetReader reader(d.path);
    BOOST_TEST(reader.rows("train") == 1200u);
    BOOST_TEST(reader.rows("validation") == 300u);
    BOOST_TEST(reader.rows("test") == 500u);
    BOOST_TEST(reader.window() == 32);
    BOOST_TEST(reader.resolved_config() == d.config.resolved_toml());
    // Regenerate the test split from the same seed and compare every row.
    const models::EnergySpectrum spectrum(d.chain.params().test_spectrum);
    models::WindowGenerator gen(d.chain, spectrum, d.chain.params().rate_per_s,
                                Rng(d.chain.params().seed, "dataset.test"));
    datasets::WindowBatch batch;
    reader.read("test", 0, 500, batch);
    models::LabelledWindow w;
    for (std::size_t i = 0; i < 500; ++i) {
        gen.next(w);
        BOOST_TEST_REQUIRE(
            std::equal(w.adc.begin(), w.adc.end(), batch.adc.begin() + static_cast<std::ptrdiff_t>(i * 32)));
        BOOST_TEST_REQUIRE(batch.energy_keV[i] == static_cast<float>(w.energy_eV * 1e-3));
        BOOST_TEST_REQUIRE(batch.t0_ns[i] == static_cast<float>(w.t0_s * 1e9));
        BOOST_TEST_REQUIRE(batch.line_index[i] == w.line_index);
        BOOST_TEST_REQUIRE(batch.pileup[i] == (w.pileup ? 1 : 0));
    }
    BOOST_TEST(reader.test_lines_keV().size() == 5u);
    // The stream: 20 us at 100 MS/s.
    h5::Handle file = h5::open_file_readonly(d.path);
    BOOST_TEST(h5::shape(file.id(), "stream/adc")[0] == 2000u);
    BOOST_TEST(h5::read_string_attribute(file.id(), "pixforge_version").has_value());
    BOOST_TEST(*h5::read_int_attribute(file.id(), "seed") == 1);
    BOOST_TEST(*h5::read_string_attribute(file.id(), "schema") == "pixforge.dataset");
}

BOOST_AUTO_TEST_CASE(unfinished_writer_leaves_no_file) {
    test::TempDir dir;
    const Config config = Config::defaults(pixforge::codesign::all_config_keys());
    const models::PixelChain chain(models::chain_params_from(config));
    const std::string path = (dir.path() / "never.h5").string();
    {
        datasets::DatasetWriter writer(path, chain, current_provenance("test"), config.resolved_toml());
        writer.begin_split("train");
    }
    BOOST_TEST(std::filesystem::is_empty(dir.path()));
    BOOST_TEST(test::error_id([&] {
                   datasets::DatasetWriter(dir.path().string() + "/missing/x.h5", chain,
                                           current_provenance("t"), "");
               }) == "DATA-010");
}

BOOST_AUTO_TEST_CASE(foreign_damaged_and_other_version_files_are_rejected) {
    SmallDataset d;
    const auto dir = d.dir.path();
    std::ofstream(dir / "text.h5") << "not hdf5 at all\n";
    BOOST_TEST(test::error_id([&] { datasets::DatasetReader((dir / "text.h5").string()); }) == "DATA-001");
    BOOST_TEST(test::error_id([&] { datasets::DatasetReader((dir / "absent.h5").string()); }) == "DATA-001");
    {  // an HDF5 file that is not ours
        h5::Handle f = h5::create_file((dir / "foreign.h5").string());
        h5::write_attribute(f.id(), "schema", std::string("somebody.else"));
    }
    BOOST_TEST(test::error_id([&] { datasets::DatasetReader((dir / "foreign.h5").string()); }) == "DATA-002");
    {  // ours, but another schema version
        std::filesystem::copy_file(d.path, dir / "v2.h5");
        h5::Handle f(H5Fopen((dir / "v2.h5").string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
        h5::write_attribute(f.id(), "schema_version", std::int64_t{2});
    }
    BOOST_TEST(test::error_id([&] { datasets::DatasetReader((dir / "v2.h5").string()); }) == "DATA-003");
    {  // ours, with a column missing
        h5::Handle f = h5::create_file((dir / "empty.h5").string());
        h5::write_attribute(f.id(), "schema", std::string(datasets::kDatasetSchema));
        h5::write_attribute(f.id(), "schema_version", datasets::kDatasetSchemaVersion);
        h5::write_attribute(f.id(), "window_samples", std::int64_t{32});
        h5::write_attribute(f.id(), "config", std::string(""));
    }
    BOOST_TEST(test::error_id([&] { datasets::DatasetReader((dir / "empty.h5").string()); }) == "DATA-004");
    {  // truncated to half its size
        std::filesystem::copy_file(d.path, dir / "cut.h5");
        std::filesystem::resize_file(dir / "cut.h5", std::filesystem::file_size(dir / "cut.h5") / 2);
    }
    const std::string cut = test::error_id([&] {
        datasets::DatasetReader r((dir / "cut.h5").string());
        datasets::WindowBatch b;
        r.read("test", 0, r.rows("test"), b);
    });
    BOOST_TEST((cut == "DATA-001" || cut == "DATA-004" || cut == "H5-001"), cut);
}

BOOST_AUTO_TEST_CASE(datasets_of_wrong_rank_type_or_length_are_rejected_by_name) {
    SmallDataset d;
    const auto dir = d.dir.path();
    int n = 0;
    // Copies the good dataset, applies `edit`, and checks that opening and reading the copy fails
    // with `id` and a message naming the copy and `names`.
    auto check = [&](const std::function<void(hid_t)>& edit, const std::string& id,
                     const std::vector<std::string>& names) {
        const auto p = dir / ("bad" + std::to_string(n++) + ".h5");
        std::filesystem::copy_file(d.path, p);
        {
            h5::Handle f(H5Fopen(p.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
            edit(f.id());
        }
        const std::string text = test::error_text([&] {
            datasets::DatasetReader r(p.string());
            datasets::WindowBatch b;
            r.read("test", 0, r.rows("test"), b);
        });
        BOOST_TEST(text.rfind(id + " ", 0) == 0, text);
        for (const auto& name : names)
            BOOST_TEST(text.find(name) != std::string::npos, name + " not in " + text);
        BOOST_TEST(text.find(p.string()) != std::string::npos, text);
    };
    // Rank 3 where a list is expected: overflowed the stack before.
    check(
        [](hid_t f) {
            test::put_array(f, "test_lines_keV", H5T_NATIVE_DOUBLE, {5, 2, 2});
        },
        "DATA-012", {"test_lines_keV", "[5 x 2 x 2]"});
    check(
        [](hid_t f) {
            test::put_array(f, "train/adc", H5T_NATIVE_UINT16, {1200, 32, 2});
        },
        "DATA-012", {"train/adc"});
    check([](hid_t f) { test::put_string_array(f, "test_lines_keV", 5); }, "DATA-013",
          {"test_lines_keV", "strings"});
    check([](hid_t f) { test::put_array(f, "test/line_index", H5T_NATIVE_FLOAT, {500}); }, "DATA-013",
          {"test/line_index", "floats", "integers"});
    check([](hid_t f) { test::put_string_array(f, "validation/energy_keV", 300); }, "DATA-013",
          {"validation/energy_keV", "strings"});
    check(
        [](hid_t f) {
            test::put_array(f, "train/adc", H5T_NATIVE_FLOAT, {1200, 32});
        },
        "DATA-013", {"train/adc", "floats"});
    check([](hid_t f) { test::put_array(f, "test/t0_ns", H5T_NATIVE_FLOAT, {499}); }, "DATA-004",
          {"test/t0_ns", "499 rows", "500"});
    check(
        [](hid_t f) {
            test::put_array(f, "test/adc", H5T_NATIVE_UINT16, {500, 16});
        },
        "DATA-004", {"test/adc", "rows x 32"});
    check([](hid_t f) { H5Ldelete(f, "test/pileup", H5P_DEFAULT); }, "DATA-004", {"test/pileup"});
    check([](hid_t f) { test::put_array(f, "test_lines_keV", H5T_NATIVE_DOUBLE, {100000}); }, "DATA-014",
          {"test_lines_keV", "at most"});
    check([](hid_t f) { h5::write_attribute(f, "window_samples", std::int64_t{1} << 40); }, "DATA-004",
          {"window_samples"});
    check([](hid_t f) { test::put_attribute(f, "window_samples", H5T_NATIVE_INT64, {3}); }, "DATA-016",
          {"window_samples", "3 value"});
    check([](hid_t f) { h5::write_attribute(f, "window_samples", 32.5); }, "DATA-016",
          {"window_samples", "integer"});
    check([](hid_t f) { test::put_attribute(f, "schema", H5T_NATIVE_INT32, {}); }, "DATA-016",
          {"schema", "string"});
    check(
        [](hid_t f) {
            test::put_attribute(f, "config", H5T_NATIVE_INT64, {2, 2});
        },
        "DATA-016", {"config"});
}

BOOST_AUTO_TEST_CASE(gaussian_core_fit_recovers_sigma_under_background) {
    Rng rng(1, "fit");
    std::vector<double> v;
    const int n = 100000;
    for (int i = 0; i < n; ++i) v.push_back(1000 + 30 * rng.normal());
    for (int i = 0; i < n / 20; ++i) v.push_back(700 + 600 * rng.uniform());  // flat background
    const auto fit = datasets::fit_gaussian_core(v, datasets::TailSide::None);
    BOOST_TEST(fit.ok);
    BOOST_TEST(fit.mean == 1000.0, boost::test_tools::tolerance(0.001));
    BOOST_TEST(fit.sigma == 30.0, boost::test_tools::tolerance(0.03));
    // Its error estimate is about sigma / sqrt(2 N).
    BOOST_TEST(fit.sigma_error > 0.5 * 30 / std::sqrt(2.0 * n));
    BOOST_TEST(fit.sigma_error < 3.0 * 30 / std::sqrt(2.0 * n));
}

BOOST_AUTO_TEST_CASE(roc_auc_of_shifted_gaussians) {
    Rng rng(2, "roc");
    std::vector<double> scores;
    std::vector<bool> labels;
    for (int i = 0; i < 40000; ++i) {
        const bool positive = i % 2 == 0;
        scores.push_back(rng.normal() + (positive ? 1.0 : 0.0));
        labels.push_back(positive);
    }
    const auto m = datasets::pileup_metrics(scores, labels);
    BOOST_TEST(m.auc == 0.5 * std::erfc(-0.5), boost::test_tools::tolerance(0.015));  // Phi(1/sqrt 2) = 0.760
    BOOST_TEST(m.tpr_at_1pct_fpr == 0.5 * std::erfc((2.326 - 1.0) / std::sqrt(2.0)),
               boost::test_tools::tolerance(0.1));
}

BOOST_AUTO_TEST_CASE(gaussian_core_fit_handles_discrete_estimates) {
    // Estimates quantized to a third of sigma (an ADC code's worth of energy): the fit must see a
    // peak, not spikes. Rounding adds quantum^2 / 12 to the variance.
    Rng rng(5, "discrete");
    const double sigma = 510, quantum = 156;
    std::vector<double> v;
    for (int i = 0; i < 20000; ++i)
        v.push_back(quantum * std::round((12400 + sigma * rng.normal()) / quantum));
    const auto fit = datasets::fit_gaussian_core(v, datasets::TailSide::Low);
    BOOST_TEST(fit.ok);
    BOOST_TEST(fit.sigma == std::sqrt(sigma * sigma + quantum * quantum / 12),
               boost::test_tools::tolerance(0.05));
    BOOST_TEST(std::fabs(fit.mean - 12400) < 20.0);
}

BOOST_AUTO_TEST_CASE(resolution_is_referred_to_the_input_energy_scale) {
    // Three lines through a response that compresses everything towards 13.8 keV (gain 0.1, as a
    // badly trained network does): the raw peaks are ten times narrower than the 300 eV noise
    // makes them, and so are their distances. Referred to the input's energy scale through the
    // lines' own calibration, the resolution is the noise's: 2.355 x 300 = 706 eV.
    Rng rng(4, "gain");
    const auto lines_through = [&](double gain) {
        std::vector<datasets::EnergyLineMetrics> lines;
        for (const double e : {6400.0, 12400.0, 22200.0}) {
            std::vector<double> v;
            for (int i = 0; i < 20000; ++i) v.push_back(13800 + gain * (e + 300 * rng.normal() - 13800));
            lines.push_back(datasets::energy_line_metrics(v, e));
        }
        datasets::refer_to_input_energy(lines);
        return lines;
    };
    for (const double gain : {1.0, 0.1})
        for (const auto& l : lines_through(gain)) {
            BOOST_TEST(l.fitted);
            BOOST_TEST(l.fwhm_eV == 2.3548 * 300, boost::test_tools::tolerance(0.04));
        }
    for (const auto& l : lines_through(-1.0)) {  // an output that falls as energy rises measures none
        BOOST_TEST(!l.fitted);
        BOOST_TEST(std::isnan(l.fwhm_eV));
    }
}

BOOST_AUTO_TEST_CASE(an_estimator_without_a_pileup_score_is_not_measured) {
    // An energy-only network has no pile-up score: NaN, not the AUC 0.5 of a constant score.
    const double none = std::numeric_limits<double>::quiet_NaN();
    const auto m = datasets::pileup_metrics({none, none, none, none}, {true, false, true, false});
    BOOST_TEST(std::isnan(m.auc));
    BOOST_TEST(std::isnan(m.tpr_at_1pct_fpr));
    const auto some = datasets::pileup_metrics({0.9, none, 0.1, 0.2}, {true, true, false, false});
    BOOST_TEST(some.auc == 1.0);  // the scored ones only
    BOOST_TEST(some.positives == 1u);
}

BOOST_AUTO_TEST_CASE(an_unfittable_peak_is_not_fitted_never_0_eV) {
    // Ten estimates: too few for a peak fit. The figures are "not fitted" (NaN), never 0 eV.
    const std::vector<double> few{9900, 9950, 10000, 10010, 10020, 10030, 10050, 10100, 10120, 10200};
    const auto line = datasets::energy_line_metrics(few, 10000);
    BOOST_TEST(!line.fitted);
    BOOST_TEST(std::isnan(line.fwhm_eV));
    BOOST_TEST(std::isnan(line.bias_eV));
    const auto timing = datasets::timing_metrics({1e-9, 2e-9, 3e-9});
    BOOST_TEST(!timing.fitted);
    BOOST_TEST(std::isnan(timing.sigma_s));

    // The one rule for a mean over lines: any unfitted line makes the mean "not fitted"; the
    // optimizer's objective counts it (and a peak wider than its line) as 100 % of the line.
    Rng rng(3, "rule");
    std::vector<double> good;
    for (int i = 0; i < 20000; ++i) good.push_back(20000 + 200 * rng.normal());
    const auto fitted_line = datasets::energy_line_metrics(good, 20000);
    BOOST_TEST(fitted_line.fitted);
    const auto both = datasets::line_resolution({fitted_line, line});
    BOOST_TEST(!both.fitted);
    BOOST_TEST(both.unfitted == 1u);
    BOOST_TEST(std::isnan(both.mean_fwhm_eV));
    BOOST_TEST(both.objective_eV == (fitted_line.fwhm_eV + 10000) / 2, boost::test_tools::tolerance(1e-12));
    const auto wide = datasets::line_resolution({700.0, 5000.0}, {20000.0, 4000.0});
    BOOST_TEST(wide.fitted);
    BOOST_TEST(wide.mean_fwhm_eV == 2850.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(wide.objective_eV == 2350.0,
               boost::test_tools::tolerance(1e-12));  // 5000 > 4000: counted as 4000
    const auto alone = datasets::line_resolution({fitted_line});
    BOOST_TEST(alone.fitted);
    BOOST_TEST(alone.mean_fwhm_eV == fitted_line.fwhm_eV);
    BOOST_TEST(datasets::fitted_text(both.mean_fwhm_eV, "{:.0f} eV") == "not fitted");
    BOOST_TEST(datasets::fitted_text(2850.0, "{:.0f} eV") == "2850 eV");
}

namespace {

double mean_fwhm(const datasets::EstimatorReport& r) {
    double sum = 0;
    for (const auto& l : r.lines) sum += l.fwhm_eV / static_cast<double>(r.lines.size());
    return sum;
}

}  // namespace

// The optimal filter as integer hardware (a fixed-coefficient dot product after the pedestal, its
// energy calibrated through the integer reference) resolves D0's lines within 20 % of the
// floating-point filter that adapts its phase to every pulse (measured: 754 against 640 eV), without
// bias; its coefficients fill their bits; 2-bit coefficients resolve far worse; the least-squares FIR
// fitted to the same windows does at least as well (701 eV); an unknown name or samples that miss
// the pulse are refused by ID. (With a 4-sample baseline estimate instead of the pedestal both fixed
// filters lose ~400 eV: the estimate's noise adds to every amplitude.)
BOOST_AUTO_TEST_CASE(optimal_filter_hardware_resolves_lines_like_the_float_filter) {
    test::TempDir dir;
    const Config config =
        Config::parse(pixforge::codesign::all_config_keys(), "", "test",
                      {"network.window_first=4", "network.window_length=16", "network.baseline_log2=0"});
    const models::PixelChain chain(models::chain_params_from(config));
    const std::string path = (dir.path() / "d.h5").string();
    datasets::build_dataset(config, chain, {20000, 1000, 8000}, path, current_provenance("test"), nullptr);
    const datasets::DatasetReader data(path);

    const datasets::BaselineReport floating = datasets::evaluate_classical(data, chain, config);
    const datasets::EstimatorReport* of = nullptr;
    for (const auto& e : floating.estimators)
        if (e.name == "optimal_filter") of = &e;
    BOOST_TEST_REQUIRE(of);

    const auto hardware = [&](int bits, const std::string& name = "optimal_filter") {
        const models::QuantizedNetwork net = datasets::classical_network(config, data, {name, bits});
        BOOST_TEST_REQUIRE(net.layers.size() == 1u);
        BOOST_TEST(net.layers[0].in_length == 16);
        BOOST_TEST(net.heads.size() == 1u);
        int largest = 0;
        for (auto w : net.layers[0].weights) largest = std::max(largest, std::abs(w));
        BOOST_TEST(largest >= (1 << (bits - 2)));  // the scale is as fine as the bits allow
        BOOST_TEST(largest < (1 << (bits - 1)));
        return datasets::score_estimator(models::NetworkEstimator(net, "of_hw"), data);
    };
    const datasets::EstimatorReport fine = hardware(10), coarse = hardware(2),
                                    fitted = hardware(10, "least_squares_fir"),
                                    trapezoid = hardware(10, "trapezoid");
    const datasets::EstimatorReport* float_trapezoid = nullptr;
    for (const auto& e : floating.estimators)
        if (e.name == "trapezoid") float_trapezoid = &e;
    BOOST_TEST_REQUIRE(float_trapezoid);
    BOOST_TEST_MESSAGE("least squares FIR 10 bit "
                       << mean_fwhm(fitted) << " eV, trapezoid 10 bit " << mean_fwhm(trapezoid)
                       << " eV (float, its maximum: " << mean_fwhm(*float_trapezoid) << " eV)");
    BOOST_TEST_MESSAGE("optimal filter FWHM, mean over lines: float "
                       << mean_fwhm(*of) << " eV, hardware 10 bit " << mean_fwhm(fine) << " eV, 2 bit "
                       << mean_fwhm(coarse) << " eV");
    BOOST_TEST(mean_fwhm(fine) < 1.2 * mean_fwhm(*of));
    BOOST_TEST(mean_fwhm(coarse) > 1.5 * mean_fwhm(fine));
    BOOST_TEST(mean_fwhm(fitted) < 1.05 * mean_fwhm(fine));
    // The trapezoid weighs its samples flatly, not by the noise: worse than the optimal filter. At
    // a fixed position after the trigger it resolves the lines like the float one that takes its
    // maximum over the window (within 20 %).
    BOOST_TEST(mean_fwhm(trapezoid) > mean_fwhm(fine));
    BOOST_TEST(std::fabs(mean_fwhm(trapezoid) / mean_fwhm(*float_trapezoid) - 1) < 0.2);
    for (std::size_t l = 0; l < fine.lines.size(); ++l) {
        BOOST_TEST(fine.lines[l].fitted);
        BOOST_TEST(std::fabs(fine.lines[l].bias_eV) < 0.02 * data.test_lines_keV()[l] * 1e3);
    }
    // The peak units: the largest sample exactly on every test window; the vertex, the CFD and the
    // leading edge resolve energy and time like their floating-point estimators.
    const auto float_named = [&](const std::string& name) {
        for (const auto& e : floating.estimators)
            if (e.name == name) return e;
        BOOST_FAIL("no float estimator " << name);
        return datasets::EstimatorReport{};
    };
    const models::QuantizedNetwork largest = datasets::classical_network(config, data, {"max_sample", 8});
    BOOST_TEST_REQUIRE(largest.peak_unit.has_value());
    BOOST_TEST(largest.peak_unit->frac_bits == 0);  // no division: the width does not apply
    const models::IntegerReference reference(largest);
    datasets::WindowBatch batch;
    data.read("test", 0, 2000, batch);
    std::vector<std::int64_t> in, out;
    std::size_t exact = 0;
    for (std::size_t i = 0; i < batch.rows; ++i) {
        const std::uint16_t* window = batch.adc.data() + i * static_cast<std::size_t>(batch.window);
        models::network_inputs(largest.input, window, in);
        reference.run(window, out);
        exact += out.at(0) == *std::max_element(in.begin(), in.end());
    }
    BOOST_TEST(exact == batch.rows);
    // The trapezoid by Jordanov's recursion over the window resolves the lines like the float one.
    const models::QuantizedNetwork recursive =
        datasets::classical_network(config, data, {"trapezoid_recursive", 8});
    BOOST_TEST(recursive.heads.size() == 1u);
    const datasets::EstimatorReport recursive_report =
        datasets::score_estimator(models::NetworkEstimator(recursive, "trapezoid_recursive"), data);
    BOOST_TEST_MESSAGE("trapezoid by its recursion, 8-bit taps: " << mean_fwhm(recursive_report) << " eV");
    BOOST_TEST(std::fabs(mean_fwhm(recursive_report) / mean_fwhm(*float_trapezoid) - 1) < 0.2);
    for (const std::string name : {"max_sample", "parabolic_peak", "cfd", "leading_edge"}) {
        const models::QuantizedNetwork unit = datasets::classical_network(config, data, {name, 6});
        BOOST_TEST(unit.heads.size() == 2u);
        const datasets::EstimatorReport hw =
            datasets::score_estimator(models::NetworkEstimator(unit, name), data);
        const datasets::EstimatorReport fl = float_named(name);
        BOOST_TEST_MESSAGE(name << " (" << unit.peak_unit->describe() << "): hardware " << mean_fwhm(hw)
                                << " eV, " << hw.timing.sigma_s * 1e9 << " ns; float " << mean_fwhm(fl)
                                << " eV, " << fl.timing.sigma_s * 1e9 << " ns");
        BOOST_TEST(std::fabs(mean_fwhm(hw) / mean_fwhm(fl) - 1) < 0.2, name);
        BOOST_TEST_REQUIRE(hw.timing.fitted, name);
        // The CFD's fixed arming level and 1/16 fraction steps, the leading edge's walk table over the
        // peak's top 5 bits (the float corrects the walk continuously): within 30 %.
        BOOST_TEST(std::fabs(hw.timing.sigma_s / fl.timing.sigma_s - 1) <
                       (name == "cfd" || name == "leading_edge" ? 0.3 : 0.2),
                   name);
        BOOST_TEST(std::fabs(hw.timing.bias_s) < 0.2 * chain.sample_period(), name);
    }
    BOOST_CHECK_EXCEPTION(
        datasets::classical_network(config, data, {"wiener", 8}), PixError,
        [](const PixError& e) { return std::string(e.what()).find("CLS-001") != std::string::npos; });
    const Config late =
        Config::parse(pixforge::codesign::all_config_keys(), "", "test",
                      {"network.window_first=4", "network.window_length=2"});  // before the pulse
    BOOST_CHECK_EXCEPTION(
        datasets::classical_network(late, data, {"optimal_filter", 8}), PixError,
        [](const PixError& e) { return std::string(e.what()).find("CLS-002") != std::string::npos; });
}
