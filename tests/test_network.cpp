// The QuantizedNetwork IR and its integer reference, without LibTorch: hand-built networks with
// known integer results (rounding, saturation, convolution layout), the HDF5 round trip, the
// rejection of bad files, and the proxies.
#define BOOST_TEST_MODULE network
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/error.hpp"
#include "core/h5.hpp"
#include "core/random.hpp"
#include "h5_bad_files.hpp"
#include "models/chain_params.hpp"
#include "models/estimators/classical.hpp"
#include "models/network/fixed_point.hpp"
#include "models/network/integer_reference.hpp"
#include "test_support.hpp"

using namespace pixforge;
using namespace pixforge::models;

namespace {

// in 4 samples (baseline = mean of the first 2) > dense 2 (relu) > dense 1 (linear).
QuantizedNetwork tiny() {
    QuantizedNetwork n;
    n.input = {0, 4, 1, 0, 10};
    QuantLayer a;
    a.in_length = 4;
    a.out_channels = 2;
    a.weight_bits = 4;
    a.weight_frac = 2;  // weights in quarters
    a.in_frac = 0;
    a.out_bits = 4;
    a.out_frac = 0;
    a.weights = {1, 2, 3, 4, -4, -3, -2, -1};
    a.bias = {2, 0};
    QuantLayer b;
    b.activation = Activation::None;
    b.in_length = 2;
    b.out_channels = 1;
    b.weight_bits = 4;
    b.weight_frac = 1;
    b.in_frac = 0;
    b.out_bits = 8;
    b.out_frac = 1;
    b.weights = {3, -1};
    b.bias = {1};
    n.layers = {a, b};
    n.heads = {{"energy", 0, 1000.0, 5.0}};
    n.derive_accumulator_widths();
    return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rounding_is_half_up_and_saturating) {
    BOOST_TEST(fixed::round_shift(5, 1) == 3);    // 2.5 -> 3
    BOOST_TEST(fixed::round_shift(-5, 1) == -2);  // -2.5 -> -2 (half up)
    BOOST_TEST(fixed::round_shift(-6, 2) == -1);  // -1.5 -> -1
    BOOST_TEST(fixed::round_shift(3, -2) == 12);
    BOOST_TEST(fixed::saturate(300, fixed::unsigned_range(8)) == 255);
    BOOST_TEST(fixed::saturate(-3, fixed::unsigned_range(8)) == 0);
    BOOST_TEST(fixed::signed_bits_for(-128, 127) == 8);
    BOOST_TEST(fixed::signed_bits_for(-129, 0) == 9);
}

BOOST_AUTO_TEST_CASE(integer_reference_computes_by_hand) {
    const QuantizedNetwork n = tiny();
    const IntegerReference ref(n);
    // Window 10, 12, 14, 15: baseline = round_shift(22, 1) = 11; inputs -1, 1, 3, 4.
    const std::uint16_t w[] = {10, 12, 14, 15};
    std::vector<std::int64_t> out;
    ref.run(w, out);
    // Layer a: acc0 = 2 + (-1 + 2 + 9 + 16) = 28 (frac 2) -> round_shift(28, 2) = 7;
    //          acc1 = 0 + (4 - 3 - 6 - 4) = -9 -> round_shift(-9, 2) = -2 -> ReLU/saturate -> 0.
    // Layer b: acc = 1 + 3*7 - 0 = 22 (frac 1), out_frac 1 -> 22.
    BOOST_TEST(out.size() == 1u);
    BOOST_TEST(out[0] == 22);
    BOOST_TEST(ref.head(out, "energy") == 22 / 2.0 * 1000 + 5);
    // Saturation of the hidden layer at 4 bits: a large input clips at 15.
    const std::uint16_t big[] = {0, 0, 200, 200};
    ref.run(big, out);
    BOOST_TEST(out[0] == fixed::round_shift(1 + 3 * 15 - 0, 0));
}

BOOST_AUTO_TEST_CASE(convolution_layout_is_channel_major) {
    QuantizedNetwork n;
    n.input = {0, 5, 0, 100, 10};
    QuantLayer c;
    c.kind = LayerKind::Conv1d;
    c.in_channels = 1;
    c.in_length = 5;
    c.kernel = 2;
    c.stride = 2;
    c.out_channels = 2;
    c.out_length = 2;
    c.weight_bits = 4;
    c.out_bits = 8;
    c.weights = {1, 1, 1, -1};  // channel 0 sums pairs, channel 1 differences
    c.bias = {0, 8};
    QuantLayer d;
    d.activation = Activation::None;
    d.in_length = 4;
    d.out_channels = 4;
    d.weight_bits = 4;
    d.out_bits = 16;
    d.weights = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};  // identity: shows the layout
    d.bias = {0, 0, 0, 0};
    n.layers = {c, d};
    n.derive_accumulator_widths();
    n.validate("conv test");
    const std::uint16_t w[] = {101, 103, 106, 110, 115};  // inputs 1, 3, 6, 10, 15 (pedestal 100)
    std::vector<std::int64_t> out;
    IntegerReference(n).run(w, out);
    // [channel 0: 1+3, 6+10 | channel 1: 8+1-3, 8+6-10]
    BOOST_TEST((out == std::vector<std::int64_t>{4, 16, 6, 4}));
}

BOOST_AUTO_TEST_CASE(hdf5_round_trip_and_proxies) {
    test::TempDir dir;
    const std::string path = (dir.path() / "n.h5").string();
    const QuantizedNetwork n = tiny();
    save_network(n, path, "{}");
    const QuantizedNetwork m = load_network(path);
    BOOST_TEST(m.content_hash() == n.content_hash());
    BOOST_TEST(m.layers[1].weights == n.layers[1].weights);
    BOOST_TEST(m.heads[0].scale == 1000.0);
    const NetworkProxies p = theory_proxies(n, 4);
    BOOST_TEST(p.macs == 4 * 2 + 2 * 1);
    BOOST_TEST(p.bops == 8 * 4 * 11 + 2 * 4 * 4);  // input 11 bits, hidden 4 bits
    BOOST_TEST(p.latency_parallel == 3);
    BOOST_TEST(p.latency_folded == 11);
}

namespace {
std::string load_error(const std::string& path) {
    try {
        load_network(path);
    } catch (const PixError& e) {
        return e.id();
    }
    return "none";
}
}  // namespace

BOOST_AUTO_TEST_CASE(bad_network_files_are_rejected) {
    test::TempDir dir;
    const auto good = dir.path() / "good.h5";
    save_network(tiny(), good.string(), "{}");
    BOOST_TEST(load_error((dir.path() / "absent.h5").string()) == "DATA-001");
    {
        h5::Handle f = h5::create_file((dir.path() / "foreign.h5").string());
        h5::write_attribute(f.id(), "schema", std::string("pixforge.dataset"));
    }
    BOOST_TEST(load_error((dir.path() / "foreign.h5").string()) == "NET-001");
    auto tamper = [&](const std::string& name, const std::function<void(hid_t)>& edit) {
        const auto p = dir.path() / name;
        std::filesystem::copy_file(good, p);
        h5::Handle f(H5Fopen(p.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
        edit(f.id());
        return p.string();
    };
    BOOST_TEST(load_error(tamper("v9.h5", [](hid_t f) {
                   h5::write_attribute(f, "schema_version", std::int64_t{9});
               })) == "NET-002");
    BOOST_TEST(load_error(tamper("acc.h5", [](hid_t f) {
                   h5::Handle g = h5::open_group(f, "layers/0");
                   h5::write_attribute(g.id(), "acc_bits", std::int64_t{5});  // too narrow for the weights
               })) == "NET-003");
    BOOST_TEST(load_error(tamper("wide.h5", [](hid_t f) {
                   h5::Handle g = h5::open_group(f, "layers/1");
                   h5::write_attribute(g.id(), "in_length", std::int64_t{3});  // no longer fits layer 0
               })) == "NET-003");
    BOOST_TEST(load_error(tamper("nolayers.h5", [](hid_t f) { H5Ldelete(f, "layers", H5P_DEFAULT); })) ==
               "NET-003");
}

BOOST_AUTO_TEST_CASE(network_files_of_wrong_rank_type_or_length_are_rejected_by_name) {
    test::TempDir dir;
    const auto good = dir.path() / "good.h5";
    save_network(tiny(), good.string(), "{}");
    int n = 0;
    auto check = [&](const std::function<void(hid_t)>& edit, const std::string& id,
                     const std::vector<std::string>& names) {
        const auto p = dir.path() / ("bad" + std::to_string(n++) + ".h5");
        std::filesystem::copy_file(good, p);
        {
            h5::Handle f(H5Fopen(p.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
            edit(f.id());
        }
        const std::string text = test::error_text([&] { load_network(p.string()); });
        BOOST_TEST(text.rfind(id + " ", 0) == 0, text);
        BOOST_TEST(text.find(p.string()) != std::string::npos, text);
        for (const auto& name : names)
            BOOST_TEST(text.find(name) != std::string::npos, name + " not in " + text);
    };
    check(
        [](hid_t f) {
            test::put_array(f, "layers/0/weights", H5T_NATIVE_INT32, {4, 2, 1});
        },
        "DATA-012", {"layers/0/weights", "[4 x 2 x 1]"});
    check([](hid_t f) { test::put_array(f, "layers/1/weights", H5T_NATIVE_FLOAT, {8}); }, "DATA-013",
          {"layers/1/weights", "floats", "integers"});
    check([](hid_t f) { test::put_string_array(f, "layers/0/bias", 2); }, "DATA-013",
          {"layers/0/bias", "strings"});
    check([](hid_t f) { test::put_array(f, "layers/0/weights", H5T_NATIVE_INT32, {1000}); }, "DATA-014",
          {"layers/0/weights", "1000 values"});
    check([](hid_t f) { test::put_array(f, "layers/0/weights", H5T_NATIVE_INT32, {3}); }, "NET-003",
          {"weights"});
    check([](hid_t f) { H5Ldelete(f, "layers/1/bias", H5P_DEFAULT); }, "NET-003", {"layers/1", "bias"});
    check(
        [](hid_t f) {
            h5::Handle g = h5::open_group(f, "layers");
            h5::write_attribute(g.id(), "count", std::int64_t{0});
        },
        "NET-003", {"no layers"});
    check(
        [](hid_t f) {
            h5::Handle g = h5::open_group(f, "layers/0");
            test::put_attribute(g.id(), "out_channels", H5T_NATIVE_INT64, {4});
        },
        "DATA-016", {"layers/0", "out_channels", "4 value"});
    check(
        [](hid_t f) {
            h5::Handle g = h5::open_group(f, "layers/0");
            h5::write_attribute(g.id(), "in_channels", 2.0);
        },
        "DATA-016", {"layers/0", "in_channels", "integer"});
    check(
        [](hid_t f) {
            h5::Handle g = h5::open_group(f, "layers/0");
            h5::write_attribute(g.id(), "in_channels", std::int64_t{1} << 40);
        },
        "NET-003", {"layers/0", "in_channels"});
    check(
        [](hid_t f) {
            h5::Handle g = h5::open_group(f, "layers/0");
            h5::write_attribute(g.id(), "in_length", std::int64_t{100000});  // products would overflow int
        },
        "NET-003", {"100000"});
    check(
        [](hid_t f) {
            h5::Handle g = h5::open_group(f, "layers/0");
            h5::write_attribute(g.id(), "kind", std::int64_t{1});
        },
        "DATA-016", {"layers/0", "kind", "string"});
    check(
        [](hid_t f) {
            h5::Handle g = h5::open_group(f, "layers/0");
            h5::write_attribute(g.id(), "activation", std::string("tanh"));
        },
        "NET-003", {"layers/0", "activation", "tanh"});
    check(
        [](hid_t f) {
            h5::Handle g = h5::open_group(f, "input");
            h5::write_attribute(g.id(), "baseline_log2", std::int64_t{40});  // 1 << 40 in the reference
        },
        "NET-003", {"baseline_log2"});
    check([](hid_t f) { test::put_attribute(f, "schema", H5T_NATIVE_INT64, {2}); }, "DATA-016", {"schema"});
    // Truncated, and not HDF5 at all.
    const auto cut = dir.path() / "cut.h5";
    std::filesystem::copy_file(good, cut);
    std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);
    const std::string text = test::error_text([&] { load_network(cut.string()); });
    BOOST_TEST((text.rfind("DATA-001 ", 0) == 0 || text.rfind("DATA-015 ", 0) == 0 ||
                text.rfind("NET-003 ", 0) == 0),
               text);
    BOOST_TEST(text.find(cut.string()) != std::string::npos, text);
    std::ofstream(dir.path() / "text.h5") << "weights = [1, 2]\n";
    BOOST_TEST(load_error((dir.path() / "text.h5").string()) == "DATA-001");
}

// The peak unit (models/network/peak_unit.hpp): its divider, its vertex and its constant-fraction
// time against their analytic values and the floating-point estimators.
namespace {

std::vector<std::int64_t> rounded(const std::function<double(int)>& f, int n) {
    std::vector<std::int64_t> x;
    for (int j = 0; j < n; ++j) x.push_back(std::llround(f(j)));
    return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_restoring_divider_gives_the_first_bits_of_the_quotient) {
    for (std::int64_t den = 1; den < 60; ++den)
        for (std::int64_t num = 0; num <= den; ++num)
            for (int steps : {1, 4, 7}) {
                const std::int64_t floor = (num << steps) / den, top = (std::int64_t{1} << steps) - 1;
                BOOST_TEST(restoring_quotient(num, den, steps) == std::min(floor, top));
            }
}

BOOST_AUTO_TEST_CASE(the_vertex_of_a_parabola_is_its_peak_within_the_divider_resolution) {
    PeakUnit u;
    u.interpolate = true;
    u.frac_bits = 6;
    std::vector<std::int64_t> out;
    for (double t0 : {5.0, 5.2, 5.5, 6.8, 9.45})
        for (double height : {40.0, 300.0, 900.0}) {
            // A parabola through its samples: the vertex formula is exact for it.
            const auto x = rounded([&](int j) { return height - 3.0 * (j - t0) * (j - t0); }, 16);
            run_peak_unit(u, x, out);
            std::vector<double> xd(x.begin(), x.end());
            const auto [amplitude, time] = parabolic_peak(xd.data(), 16, argmax(xd.data(), 16));
            const double lsb = std::ldexp(1.0, -u.frac_bits);
            // Integer against float: the quotient truncated to 6 bits, the lift a quarter of the
            // spread times it.
            BOOST_TEST(std::abs(out[1] * lsb - time) <= lsb, t0 << " " << height);
            const double spread = std::abs(xd[static_cast<size_t>(argmax(xd.data(), 16)) + 1] -
                                           xd[static_cast<size_t>(argmax(xd.data(), 16)) - 1]);
            BOOST_TEST(std::abs(out[0] * lsb - amplitude) <= (spread / 4 + 1) * lsb, t0 << " " << height);
            // Float against the analytic parabola: only the samples' rounding.
            BOOST_TEST(std::abs(time - t0) < 0.1, t0 << " " << height);
            BOOST_TEST(std::abs(amplitude - height) < 1.0, t0 << " " << height);
        }
    // At the window's edges there is no neighbour: the sample itself, as the float estimator.
    run_peak_unit(u, rounded([](int j) { return 10.0 * j; }, 16), out);
    BOOST_TEST(out[0] == 150 << 6);
    BOOST_TEST(out[1] == 15 << 6);
    run_peak_unit(u, rounded([](int j) { return 200.0 - 10.0 * j; }, 16), out);
    BOOST_TEST(out[0] == 200 << 6);
    BOOST_TEST(out[1] == 0);
}

BOOST_AUTO_TEST_CASE(the_constant_fraction_time_does_not_walk_with_amplitude) {
    PeakUnit u;
    u.frac_bits = 8;
    u.cfd_delay = 2;
    u.cfd_numerator = 8, u.cfd_shift = 4;  // f = 0.5
    u.arm_level = 20;
    // A CR-RC^2 pulse starting at t0: f g(t - t0) = g(t - t0 - 2) has one root on the rising
    // edge, whatever the amplitude.
    const auto pulse = [](double amplitude, double t0) {
        return [=](int j) {
            const double t = (j - t0) / 2.0;
            return t > 0 ? amplitude * t * t * std::exp(2.0 - t) / 4.0 : 0.0;
        };
    };
    std::vector<std::int64_t> out;
    const double lsb = std::ldexp(1.0, -u.frac_bits);
    run_peak_unit(u, rounded(pulse(800, 3.3), 24), out);
    const double reference = out[1] * lsb;
    // The analytic crossing of 0.5 g(t) = g(t - 2), g(t) = t^2 e^-t at 2 samples per unit: where
    // 0.5 (s/2)^2 e^(-s/2) = ((s-2)/2)^2 e^(-(s-2)/2), solved by bisection; linear interpolation
    // between samples misses it by a little.
    double lo = 2.0, hi = 8.0;
    const auto h = [](double s) {
        return 0.5 * (s / 2) * (s / 2) * std::exp(-s / 2) -
               ((s - 2) / 2) * ((s - 2) / 2) * std::exp(-(s - 2) / 2);
    };
    for (int i = 0; i < 60; ++i) (h(0.5 * (lo + hi)) > 0 ? lo : hi) = 0.5 * (lo + hi);
    BOOST_TEST(std::abs(reference - (3.3 + lo)) < 0.15);
    for (double amplitude : {100.0, 300.0, 950.0}) {
        run_peak_unit(u, rounded(pulse(amplitude, 3.3), 24), out);
        BOOST_TEST(std::abs(out[1] * lsb - reference) < 0.1, amplitude);
        // A whole sample later: the time moves by one sample.
        run_peak_unit(u, rounded(pulse(amplitude, 4.3), 24), out);
        BOOST_TEST(std::abs(out[1] * lsb - reference - 1.0) < 0.1, amplitude);
    }
    // Below the arming level no crossing is searched: the time is the peak's.
    run_peak_unit(u, rounded(pulse(15, 3.3), 24), out);
    BOOST_TEST(out[1] % (1 << u.frac_bits) == 0);
}

BOOST_AUTO_TEST_CASE(a_network_with_a_peak_unit_round_trips_and_bad_units_are_refused) {
    QuantizedNetwork n;
    n.input = {4, 16, 2, 0, 10};
    PeakUnit u;
    u.interpolate = true, u.frac_bits = 4, u.cfd_delay = 2, u.cfd_numerator = 5, u.cfd_shift = 4;
    u.arm_level = 12;
    n.peak_unit = u;
    n.heads = {{"energy", 0, 35.0, 10.0}, {"toa", 1, 50e-9, 1e-9}};
    test::TempDir dir;
    const std::string path = (dir.path() / "unit.h5").string();
    save_network(n, path, "{}");
    const QuantizedNetwork m = load_network(path);
    BOOST_TEST(m.content_hash() == n.content_hash());
    BOOST_TEST(m.peak_unit->describe() == "vertex, cfd 5/16 delay 2, 4 fraction bits");
    BOOST_TEST(m.outputs() == 2);
    BOOST_TEST(m.output_bits() == 10 + 2 + 4);
    u.frac_bits = 5;
    n.peak_unit = u;
    BOOST_TEST(n.content_hash() != m.content_hash());
    const auto refused = [&](const std::function<void(QuantizedNetwork&)>& change) {
        QuantizedNetwork bad = m;
        change(bad);
        return test::error_id([&] { bad.validate("test"); });
    };
    BOOST_TEST(refused([](QuantizedNetwork& b) { b.peak_unit->frac_bits = 0; }) == "NET-003");
    BOOST_TEST(refused([](QuantizedNetwork& b) { b.peak_unit->cfd_numerator = 16; }) == "NET-003");
    BOOST_TEST(refused([](QuantizedNetwork& b) { b.peak_unit->arm_level = 1024; }) == "NET-003");
    BOOST_TEST(refused([](QuantizedNetwork& b) { b.layers = tiny().layers; }) == "NET-003");
    BOOST_TEST(refused([](QuantizedNetwork& b) { b.heads[1].output = 2; }) == "NET-003");
    // The integer reference reads each head at the unit's fraction bits.
    const IntegerReference reference(m);
    BOOST_TEST(reference.head({160, 32}, "energy") == 160 / 16.0 * 35.0 + 10.0);
    BOOST_TEST(reference.head({160, 32}, "toa") == 2.0 * 50e-9 + 1e-9);
}

// Jordanov's recursion in the peak unit is the trapezoid the floating-point estimator computes:
// with exact taps the box of `rise` over the box of `gap` (a trapezoid of rise rise and flat top
// flat + 1), and with the chain's deconvolution the float estimator's trapezoid at every sample,
// scaled by rise x 2^bits, within the taps' rounding.
BOOST_AUTO_TEST_CASE(the_recursive_trapezoid_is_the_float_trapezoid) {
    PeakUnit u;
    u.trapezoid_rise = 3, u.trapezoid_flat = 2, u.deconvolution = {1};
    std::vector<std::int64_t> delta(20, 0);
    delta[4] = 1;
    const std::vector<std::int64_t> kernel = trapezoid_of(u, delta);
    const std::vector<std::int64_t> expected = {0, 0, 0, 0, 1, 2, 3, 3, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    BOOST_TEST(kernel == expected, boost::test_tools::per_element());

    const PixelChain chain(chain_params_from(Config::defaults(chain_keys())));
    const WindowContext context(chain);
    const TrapezoidEstimator trapezoid(context, 4, 3);
    u.trapezoid_rise = 4, u.trapezoid_flat = 3, u.deconvolution.clear();
    const int bits = 12;
    for (double c : trapezoid.deconvolution())
        u.deconvolution.push_back(static_cast<std::int32_t>(std::lround(std::ldexp(c, bits))));
    Rng rng(9, "trapezoid samples");
    std::vector<std::int64_t> x(16);
    for (auto& v : x) v = static_cast<std::int64_t>(rng.next() % 1024) - 200;
    const std::vector<std::int64_t> z = trapezoid_of(u, x);
    PeakUnit undeconvolved = u;
    undeconvolved.deconvolution = {1};
    const std::vector<std::int64_t> t = trapezoid_of(undeconvolved, x);
    for (int at = trapezoid.rise() - 1; at < 16; ++at) {
        const Eigen::VectorXd c = trapezoid.fixed_coefficients(16, at);
        double reference = 0, rounding = 0;
        for (int i = 0; i < 16; ++i) reference += c(i) * static_cast<double>(x[static_cast<std::size_t>(i)]);
        // Each tap rounded by at most half a unit of 2^-bits, on the taps' inputs.
        for (int k = 0; k < static_cast<int>(u.deconvolution.size()) && k <= at; ++k)
            rounding += std::ldexp(0.5, -bits) *
                        std::abs(static_cast<double>(t[static_cast<std::size_t>(at - k)])) / 4;
        BOOST_TEST(std::abs(std::ldexp(static_cast<double>(z[static_cast<std::size_t>(at)]), -bits) / 4 -
                            reference) <= rounding + 1e-9,
                   at);
    }
    // The unit takes the largest from the first sample whose later sum is complete (rise - 1) on.
    std::vector<std::int64_t> out;
    run_peak_unit(u, x, out);
    const auto best = std::max_element(z.begin() + 3, z.end());
    BOOST_TEST(out[0] == *best);
    BOOST_TEST(out[1] == best - z.begin());
}

// A leading edge: on a linear ramp the interpolated crossing of the threshold is exact to the
// divider's resolution; the walk table then subtracts its entry for the peak's top bits.
BOOST_AUTO_TEST_CASE(the_leading_edge_crosses_a_ramp_where_it_should_less_its_walk) {
    PeakUnit u;
    u.frac_bits = 6, u.le_threshold = 100;
    std::vector<std::int64_t> out;
    const double lsb = std::ldexp(1.0, -u.frac_bits);
    for (double t0 : {2.0, 3.3, 4.7})
        for (double slope : {37.0, 64.0, 150.0}) {
            const auto x =
                rounded([&](int j) { return j > t0 ? std::min(slope * (j - t0), 900.0) : 0.0; }, 16);
            run_peak_unit(u, x, out);
            // Linear interpolation between the integer samples around the crossing.
            int j = 1;
            while (!(x[static_cast<std::size_t>(j - 1)] < 100 && x[static_cast<std::size_t>(j)] >= 100)) ++j;
            const double a = static_cast<double>(x[static_cast<std::size_t>(j - 1)]),
                         b = static_cast<double>(x[static_cast<std::size_t>(j)]);
            const double crossing = j - 1 + (100 - a) / (b - a);
            BOOST_TEST(out[1] * lsb <= crossing, t0 << " " << slope);
            BOOST_TEST(out[1] * lsb >= crossing - lsb, t0 << " " << slope);  // num = den gives 2^F - 1
            BOOST_TEST(std::abs(crossing - (t0 + 100 / slope)) < 0.05, t0 << " " << slope);
        }
    const auto ramp = rounded([](int j) { return std::min(80.0 * j, 700.0); }, 16);
    run_peak_unit(u, ramp, out);
    const std::int64_t raw = out[1];
    u.walk_shift = 7, u.walk = {0, 1, 2, 3, 4, 50, 6, 7};  // 700 >> 7 = 5
    run_peak_unit(u, ramp, out);
    BOOST_TEST(out[1] == raw - 50);
    // Below the threshold: the peak's time, no walk.
    run_peak_unit(u, rounded([](int j) { return j == 6 ? 90.0 : 0.0; }, 16), out);
    BOOST_TEST(out[1] == 6 << 6);
    u.cfd_delay = 2, u.cfd_numerator = 8, u.cfd_shift = 4;
    BOOST_TEST(test::error_id([&] { u.validate("test", 16, 10); }) == "NET-003");  // one crossing only
}
