// Generated RTL against the integer reference: every template on several network shapes and bit
// widths, 10 000 vectors each (dataset windows and random ones) under Verilator and 2 000 of them
// under Icarus Verilog, 0 mismatches; back-pressure; latency and
// initiation interval equal to the formulas; two same-named candidates in one process; the build cache;
// template errors.
#define BOOST_TEST_MODULE rtl
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/process.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/network/random_network.hpp"
#include "models/spectrum.hpp"
#include "models/window_generator.hpp"
#include "rtl_gen/verilated_library.hpp"
#include "test_support.hpp"

using namespace pixforge;
using namespace pixforge::rtl;

namespace {

constexpr int kWindow = 32;

// 5 000 real D0 windows and 5 000 uniformly random ones.
const std::vector<std::uint16_t>& vectors() {
    static const std::vector<std::uint16_t> v = [] {
        std::vector<std::uint16_t> out;
        const models::PixelChain chain(
            models::chain_params_from(Config::defaults(pixforge::models::chain_keys())));
        const models::EnergySpectrum spectrum(chain.params().spectrum);
        models::WindowGenerator gen(chain, spectrum, 2e5, Rng(4, "rtl vectors"));
        models::LabelledWindow w;
        for (int i = 0; i < 5000; ++i) {
            gen.next(w);
            out.insert(out.end(), w.adc.begin(), w.adc.end());
        }
        Rng rng(5, "random vectors");
        for (int i = 0; i < 5000 * kWindow; ++i) out.push_back(static_cast<std::uint16_t>(rng.next() % 1024));
        return out;
    }();
    return v;
}

VerilatedLibraryBuilder& builder() {
    static test::TempDir dir;
    static VerilatedLibraryBuilder b(dir.path());
    return b;
}

std::vector<std::int64_t> reference(const models::QuantizedNetwork& net,
                                    const std::vector<std::uint16_t>& w) {
    const models::IntegerReference ref(net);
    std::vector<std::int64_t> all, out;
    for (std::size_t i = 0; i < w.size() / kWindow; ++i) {
        ref.run(&w[i * kWindow], out);
        all.insert(all.end(), out.begin(), out.end());
    }
    return all;
}

const std::vector<models::NetShape> kShapes = {
    {0, 3, 1, {8, 4}, 3, 8, 8},
    {3, 3, 2, {6}, 2, 6, 6},
    {0, 3, 1, {12}, 3, 4, 5},
};
// With clock gating too: the behavioural clock gate (a latch and an AND) must give the same cycles
// under Verilator and Icarus as the free-running clock with enables.
const std::vector<HardwareTemplate> kTemplates = {
    parse_template("parallel", 1, 1), parse_template("parallel", 1, 2), parse_template("folded", 3, 1),
    parse_template("parallel", 1, 2, true), parse_template("folded", 3, 1, true)};

// The first 1 000 real and the first 1 000 random windows of vectors(): what Icarus runs (it takes
// tens of thousands of cycles per second, the serial template ~200 cycles a window).
std::vector<std::uint16_t> icarus_subset(const std::vector<std::uint16_t>& w) {
    const auto n = static_cast<std::ptrdiff_t>(1000 * kWindow),
               half = static_cast<std::ptrdiff_t>(w.size() / 2);
    std::vector<std::uint16_t> some(w.begin(), w.begin() + n);
    some.insert(some.end(), w.begin() + half, w.begin() + half + n);
    return some;
}

// The serial and streaming templates, on networks that read samples [4, 20) after a 4-sample
// baseline (the streaming template needs the baseline before the network's first sample).
const std::vector<HardwareTemplate> kSequentialTemplates = {
    parse_template("serial", 1, 1), parse_template("streaming", 1, 1), parse_template("streaming", 3, 1),
    parse_template("serial", 1, 1, true), parse_template("streaming", 2, 1, true)};

models::QuantizedNetwork late_window_network(const models::NetShape& shape, std::uint64_t seed) {
    auto net = models::random_network(shape, seed, 16);
    net.input.first = 4;
    net.validate("test network");
    return net;
}

std::size_t mismatches(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
    if (a.size() != b.size()) return std::max(a.size(), b.size());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < a.size(); ++i) bad += a[i] != b[i];
    return bad;
}

}  // namespace

namespace {

// Icarus Verilog is a declared dependency (scripts/setup.sh installs it): its absence is a
// failure of the cross-check, not a reason to skip it.
void require_icarus() {
    for (const char* tool : {"iverilog", "vvp"})
        BOOST_REQUIRE_MESSAGE(
            !find_executable(tool).empty(),
            tool << " is not on PATH: Icarus Verilog is a declared dependency, run scripts/setup.sh");
}

// The candidate's outputs for `w` under Icarus Verilog, through a generated testbench.
std::vector<std::int64_t> icarus_outputs(const GeneratedRtl& rtl, const std::vector<std::uint16_t>& w) {
    test::TempDir dir;
    write_rtl(rtl, dir.path().string());
    const std::size_t n = w.size() / kWindow;
    {
        std::ofstream hex(dir.path() / "vectors.hex");
        for (std::size_t i = 0; i < n; ++i)
            for (int s = 0; s < rtl.samples; ++s)
                hex << fmt::format("{:x}\n", w[i * kWindow + static_cast<size_t>(s)]);
    }
    const int ns = rtl.samples, b = rtl.sample_bits, no = rtl.outputs, ob = rtl.output_bits;
    std::ofstream(dir.path() / "tb.v")
        << fmt::format(R"(`timescale 1ns/1ps
module tb;
  reg clk = 1'b0, rst = 1'b1, in_valid = 1'b0, out_ready = 1'b1;
  reg [{0}:0] in_samples;
  wire in_ready, out_valid;
  wire [{1}:0] out_data;
  pixforge_net dut(.clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_samples(in_samples),
               .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data));
  reg [{2}:0] mem [0:{3}];
  integer sent = 0, got = 0, f, k;
  always #5 clk = ~clk;
  initial begin
    $readmemh("vectors.hex", mem);
    f = $fopen("out.txt", "w");
    repeat (2) @(posedge clk);
    #1 rst = 1'b0;
  end
  always @(negedge clk) if (!rst) begin
    in_valid <= (sent < {4});
    for (k = 0; k < {5}; k = k + 1) in_samples[k*{6} +: {6}] <= mem[sent*{5} + k];
  end
  always @(posedge clk) if (!rst) begin
    if (in_valid && in_ready) sent <= sent + 1;
    if (out_valid && out_ready) begin
      for (k = 0; k < {7}; k = k + 1) $fwrite(f, "%0d ", $signed(out_data[k*{8} +: {8}]));
      got = got + 1;
      if (got == {4}) begin $fclose(f); $finish; end
    end
  end
endmodule
)",
                       ns * b - 1, no * ob - 1, b - 1, n * static_cast<size_t>(ns) - 1, n, ns, b, no, ob);
    std::vector<std::string> compile = {"iverilog", "-g2012", "-o", "sim", "tb.v"};
    for (const auto& f : rtl.files) compile.push_back(f.name);
    const ProcessResult built = run_process(compile, dir.path() / "build.log", 600, dir.path());
    if (!built.exited || built.exit_code != 0)
        throw std::runtime_error("iverilog " + built.describe() + ": " +
                                 test::read_text(dir.path() / "build.log"));
    const ProcessResult ran = run_process({"vvp", "-n", "sim"}, dir.path() / "run.log", 1200, dir.path());
    if (!ran.exited || ran.exit_code != 0)
        throw std::runtime_error("vvp " + ran.describe() + ": " + test::read_text(dir.path() / "run.log"));
    std::ifstream in(dir.path() / "out.txt");
    std::vector<std::int64_t> got;
    for (std::int64_t x; in >> x;) got.push_back(x);
    return got;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_template_equals_the_integer_reference) {
    require_icarus();
    const auto& w = vectors();
    for (size_t s = 0; s < kShapes.size(); ++s) {
        const auto net = models::random_network(kShapes[s], 10 + s);
        const auto expected = reference(net, w);
        for (const auto& t : kTemplates) {
            const GeneratedRtl rtl = generate_verilog(net, t);
            VerilatedNetwork c(builder().build(rtl).library);
            c.reset();
            const auto got = c.run_batch(w.data(), w.size() / kWindow, kWindow);
            const std::size_t bad = mismatches(got, expected);
            BOOST_TEST_MESSAGE(describe_layers(net) << ", " << t.name() << ": " << bad << " mismatches on "
                                                    << w.size() / kWindow << " vectors");
            BOOST_TEST(bad == 0u, describe_layers(net) << " " << t.name());
            const std::vector<std::uint16_t> some = icarus_subset(w);
            const std::size_t icarus_bad = mismatches(icarus_outputs(rtl, some), reference(net, some));
            BOOST_TEST_MESSAGE("  Icarus Verilog: " << icarus_bad << " mismatches on "
                                                    << some.size() / kWindow << " vectors");
            BOOST_TEST(icarus_bad == 0u, "Icarus " << describe_layers(net) << " " << t.name());
        }
    }
}

BOOST_AUTO_TEST_CASE(serial_and_streaming_templates_equal_the_integer_reference) {
    require_icarus();
    const auto& w = vectors();
    for (size_t s = 0; s < kShapes.size(); ++s) {
        const auto net = late_window_network(kShapes[s], 30 + s);
        const auto expected = reference(net, w);
        for (const auto& t : kSequentialTemplates) {
            const GeneratedRtl rtl = generate_verilog(net, t);
            VerilatedNetwork c(builder().build(rtl).library);
            c.reset();
            const std::size_t bad = mismatches(c.run_batch(w.data(), w.size() / kWindow, kWindow), expected);
            BOOST_TEST_MESSAGE(describe_layers(net)
                               << ", " << t.name() << ": " << bad << " mismatches, " << rtl.timing.multipliers
                               << " multipliers, latency " << rtl.timing.latency);
            BOOST_TEST(bad == 0u, describe_layers(net) << " " << t.name());
            const std::vector<std::uint16_t> some = icarus_subset(w);
            const std::size_t icarus_bad = mismatches(icarus_outputs(rtl, some), reference(net, some));
            BOOST_TEST(icarus_bad == 0u, "Icarus " << describe_layers(net) << " " << t.name());
        }
    }
}

// A linear filter as a classical estimator builds it (datasets/classical_hardware): one output
// wider than its accumulator, no rescaling shift. Every template equals the integer reference (the
// output stage once sliced 16 bits out of a 15-bit accumulator, which Verilator refused).
BOOST_AUTO_TEST_CASE(a_linear_filter_wider_than_its_accumulator_equals_the_reference) {
    const auto& w = vectors();
    models::QuantizedNetwork net = late_window_network(kShapes[0], 40);
    models::QuantLayer filter;
    filter.activation = models::Activation::None;
    filter.in_length = net.input.length;
    filter.out_channels = 1;
    filter.weight_bits = 4, filter.weight_frac = 2;
    for (int k = 0; k < filter.in_length; ++k) filter.weights.push_back((k * 5 + 3) % 15 - 7);
    filter.bias = {0};
    filter.out_bits = 20, filter.out_frac = 2;  // shift 0
    net.layers = {filter};
    net.heads = {{"energy", 0, 1.0, 0.0}};
    net.derive_accumulator_widths();
    net.validate("test filter");
    BOOST_TEST_REQUIRE(net.layers[0].acc_bits < net.layers[0].out_bits);
    const auto expected = reference(net, w);
    std::vector<HardwareTemplate> all = kTemplates;
    all.insert(all.end(), kSequentialTemplates.begin(), kSequentialTemplates.end());
    for (const auto& t : all) {
        VerilatedNetwork c(builder().build(generate_verilog(net, t)).library);
        c.reset();
        const std::size_t bad = mismatches(c.run_batch(w.data(), w.size() / kWindow, kWindow), expected);
        BOOST_TEST(bad == 0u, t.name() << ": " << bad << " mismatches");
    }
}

BOOST_AUTO_TEST_CASE(the_streaming_template_refuses_a_baseline_after_the_first_sample) {
    const auto net = models::random_network(kShapes[0], 12);  // reads samples from 0, baseline 0-3
    BOOST_TEST(test::error_id([&] { generate_verilog(net, parse_template("streaming", 1, 1)); }) ==
               "RTL-002");
    BOOST_TEST(test::error_id([] { parse_template("serial", 2, 1); }) == "RTL-001");
    BOOST_TEST(test::error_id([] { parse_template("streaming", 1, 2); }) == "RTL-001");
    BOOST_TEST(parse_template_name("streaming_r2_cg").name() == "streaming_r2_cg");
    BOOST_TEST(parse_template_name("serial").name() == "serial");
}

namespace {

// Latency (one input after reset, cycles until its result shows) and initiation interval (cycles
// between accepted inputs in a continuous stream) equal the formulas; under random gaps on both
// sides the results still come complete, in order, and exact.
void check_timing_under_back_pressure(const models::QuantizedNetwork& net, const HardwareTemplate& t) {
    const auto& w = vectors();
    const GeneratedRtl rtl = generate_verilog(net, t);
    VerilatedNetwork c(builder().build(rtl).library);
    c.reset();
    int latency = 0;
    for (bool sent = false;; ++latency) {
        const auto cyc = c.step(!sent, w.data(), true);
        if (cyc.in_ready) sent = true;
        if (cyc.out_valid) break;
        BOOST_TEST_REQUIRE(latency < 1000);
    }
    BOOST_TEST(latency == rtl.timing.latency, t.name());
    c.reset();
    std::vector<int> accepted;
    for (int cycle = 0, sent = 0; cycle < 20000 && accepted.size() < 12; ++cycle)
        if (c.step(true, w.data() + static_cast<size_t>(sent % 100) * kWindow, true).in_ready) {
            accepted.push_back(cycle);
            ++sent;
        }
    BOOST_TEST_REQUIRE(accepted.size() > 10u);
    BOOST_TEST(accepted[10] - accepted[9] == rtl.timing.initiation_interval, t.name());
    c.reset();
    Rng rng(6, "back pressure");
    const std::size_t n = 300;
    std::vector<std::int64_t> got;
    std::size_t sent = 0;
    for (int guard = 0; got.size() < n * static_cast<size_t>(c.outputs()) && guard < 100000; ++guard) {
        const bool valid = sent < n && rng.uniform() < 0.7, ready = rng.uniform() < 0.6;
        const auto cyc = c.step(valid, w.data() + sent * kWindow, ready);
        if (valid && cyc.in_ready) ++sent;
        if (cyc.out_valid && ready) got.insert(got.end(), cyc.outputs.begin(), cyc.outputs.end());
    }
    const std::vector<std::uint16_t> first(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(n * kWindow));
    BOOST_TEST(mismatches(got, reference(net, first)) == 0u, t.name());
}

}  // namespace

BOOST_AUTO_TEST_CASE(latency_and_interval_equal_the_formulas_under_back_pressure) {
    const auto net = late_window_network(kShapes[1], 11);
    for (const auto& t :
         {parse_template("parallel", 1, 2), parse_template("folded", 4, 1), parse_template("parallel", 1, 1),
          parse_template("folded", 4, 1, true), parse_template("serial", 1, 1),
          parse_template("streaming", 1, 1), parse_template("streaming", 3, 1, true)})
        check_timing_under_back_pressure(net, t);
}

namespace {

// A classical estimator's peak unit over samples [4, 20), a 4-sample baseline or a pedestal.
models::QuantizedNetwork peak_unit_network(const models::PeakUnit& u, int baseline_log2) {
    models::QuantizedNetwork net;
    net.input = {4, 16, baseline_log2, baseline_log2 > 0 ? 0 : 100, 10};
    net.peak_unit = u;
    net.heads = {{"energy", 0, 1.0, 0.0}, {"toa", 1, 1.0, 0.0}};
    net.validate("test peak unit");
    return net;
}

std::vector<models::PeakUnit> test_peak_units() {
    models::PeakUnit peak, vertex, cfd, both;
    vertex.interpolate = true, vertex.frac_bits = 4;
    cfd.frac_bits = 3, cfd.cfd_delay = 2, cfd.cfd_numerator = 5, cfd.cfd_shift = 4, cfd.arm_level = 20;
    both.interpolate = true, both.frac_bits = 1, both.cfd_delay = 3, both.cfd_numerator = 1,
    both.cfd_shift = 1;
    both.arm_level = 5;
    models::PeakUnit trapezoid;  // (1 - 0.6 z^-1)^3 to 6 bits
    trapezoid.trapezoid_rise = 3, trapezoid.trapezoid_flat = 2, trapezoid.deconvolution = {64, -115, 69, -14};
    models::PeakUnit edge, edge_walk;  // a leading edge, with a walk table over the peak's top 3 bits
    edge.frac_bits = 3, edge.le_threshold = 40;
    edge_walk.interpolate = true, edge_walk.frac_bits = 4, edge_walk.le_threshold = 25,
    edge_walk.walk_shift = 7;
    edge_walk.walk = {40, 31, 22, 17, 12, 9, 5, 2};
    return {peak, vertex, cfd, both, trapezoid, edge, edge_walk};
}

}  // namespace

// The peak units run on the streaming template only, bit for bit as their integer version, with
// the latency of their formula (the samples, each division's load and steps, the output register).
BOOST_AUTO_TEST_CASE(peak_units_equal_their_integer_reference) {
    require_icarus();
    const auto& w = vectors();
    const auto units = test_peak_units();
    for (std::size_t k = 0; k < units.size(); ++k) {
        const auto net = peak_unit_network(units[k], k % 2 == 0 ? 2 : 0);
        for (const auto& t : {parse_template("streaming", 1, 1), parse_template("streaming", 1, 1, true)}) {
            const GeneratedRtl rtl = generate_verilog(net, t);
            VerilatedNetwork c(builder().build(rtl).library);
            const std::size_t bad =
                mismatches(c.run_batch(w.data(), w.size() / kWindow, kWindow), reference(net, w));
            BOOST_TEST_MESSAGE(units[k].describe()
                               << ", " << t.name() << ": " << bad << " mismatches on " << w.size() / kWindow
                               << " windows, latency " << rtl.timing.latency);
            BOOST_TEST(bad == 0u, units[k].describe() << " " << t.name());
            const auto some = icarus_subset(w);
            BOOST_TEST(mismatches(icarus_outputs(rtl, some), reference(net, some)) == 0u,
                       "Icarus " << units[k].describe() << " " << t.name());
        }
        check_timing_under_back_pressure(net, parse_template("streaming", 1, 1, true));
        BOOST_TEST(test::error_id([&] { generate_verilog(net, parse_template("serial", 1, 1)); }) ==
                   "RTL-002");
    }
}

BOOST_AUTO_TEST_CASE(two_candidates_with_one_module_name_run_their_own_code) {
    const auto a = models::random_network(kShapes[0], 21), b = models::random_network(kShapes[0], 22);
    const auto t = parse_template("parallel", 1, 1);
    VerilatedNetwork ca(builder().build(generate_verilog(a, t)).library);
    VerilatedNetwork cb(builder().build(generate_verilog(b, t)).library);
    const auto& w = vectors();
    const std::vector<std::uint16_t> some(w.begin(), w.begin() + 500 * kWindow);
    ca.reset();
    cb.reset();
    const auto ra = ca.run_batch(some.data(), 500, kWindow), rb = cb.run_batch(some.data(), 500, kWindow);
    BOOST_TEST(mismatches(ra, reference(a, some)) == 0u);
    BOOST_TEST(mismatches(rb, reference(b, some)) == 0u);
    BOOST_TEST(mismatches(ra, rb) > 100u);  // really different networks
}

BOOST_AUTO_TEST_CASE(builds_are_cached_and_safe_to_race) {
    test::TempDir dir;
    const auto net = models::random_network(kShapes[2], 31);
    const GeneratedRtl rtl = generate_verilog(net, parse_template("folded", 2, 1));
    BuildResult first, second;
    std::thread t1([&] { first = VerilatedLibraryBuilder(dir.path()).build(rtl); });
    std::thread t2([&] { second = VerilatedLibraryBuilder(dir.path()).build(rtl); });
    t1.join();
    t2.join();
    BOOST_TEST(first.library == second.library);
    VerilatedNetwork c(first.library);  // whichever won, the library is whole
    c.reset();
    const auto& w = vectors();
    const std::vector<std::uint16_t> some(w.begin(), w.begin() + 100 * kWindow);
    BOOST_TEST(mismatches(c.run_batch(some.data(), 100, kWindow), reference(net, some)) == 0u);
    const BuildResult again = VerilatedLibraryBuilder(dir.path()).build(rtl);
    BOOST_TEST(again.cached);
    BOOST_TEST_MESSAGE("cold build " << std::max(first.seconds, second.seconds) << " s, cached "
                                     << again.seconds << " s");
}

BOOST_AUTO_TEST_CASE(impossible_templates_give_clear_errors) {
    BOOST_TEST(test::error_id([] { parse_template("systolic", 1, 1); }) == "RTL-001");
    BOOST_TEST(test::error_id([] { parse_template("folded", 0, 1); }) == "RTL-001");
    BOOST_TEST(test::error_id([] { parse_template("parallel", 1, 3); }) == "RTL-001");
    BOOST_TEST(parse_template_name("folded_r4_cg").clock_gating);
    BOOST_TEST(parse_template_name("folded_r4_cg").name() == "folded_r4_cg");
    BOOST_TEST(!parse_template_name("parallel_p2").clock_gating);
    BOOST_TEST(test::error_id([] { parse_template("parallel", 4, 1); }) == "RTL-001");
    auto net = models::random_network(kShapes[0], 41);
    net.layers[0].weights.pop_back();  // a corrupt IR
    BOOST_TEST(test::error_id([&] { generate_verilog(net, parse_template("parallel", 1, 1)); }) == "NET-003");
}

// The cache folder comes from --cache, PIXFORGE_CACHE or HOME: whatever it holds (space, quotes,
// command substitution, a ':' that would split an rpath), the candidate builds, loads and runs,
// and nothing in its name is executed.
BOOST_AUTO_TEST_CASE(a_cache_path_with_shell_characters_builds_and_runs_nothing) {
    test::TempDir dir;
    const std::filesystem::path marker =
        std::filesystem::current_path() / "PWNED";  // where a shell would touch
    std::filesystem::remove(marker);
    const std::filesystem::path cache = dir.path() / "it's a \"cache\" $(touch PWNED) `touch PWNED` a:b";
    const auto net = models::random_network(kShapes[1], 51);
    const GeneratedRtl rtl = generate_verilog(net, parse_template("parallel", 1, 1));
    BuildResult built;
    BOOST_CHECK_NO_THROW(built = VerilatedLibraryBuilder(cache).build(rtl));
    BOOST_TEST(!std::filesystem::exists(marker));
    BOOST_REQUIRE(!built.library.empty());
    BOOST_TEST(built.library.string().find(cache.string()) == 0u);
    VerilatedNetwork c(built.library);
    c.reset();
    const auto& w = vectors();
    const std::vector<std::uint16_t> some(w.begin(), w.begin() + 200 * kWindow);
    BOOST_TEST(mismatches(c.run_batch(some.data(), 200, kWindow), reference(net, some)) == 0u);
    std::filesystem::remove(marker);
}

// A hung Verilator or compiler is killed: the build fails with RTL-012 naming the candidate and
// the log, instead of hanging the caller.
BOOST_AUTO_TEST_CASE(a_build_step_over_its_timeout_is_an_error_naming_the_candidate) {
    test::TempDir dir;
    // Runtime and precompiled header first, with the normal limit, so the candidate's own step is
    // the one that runs out of time.
    VerilatedLibraryBuilder(dir.path()).build(generate_verilog(models::random_network(kShapes[1], 61), {}));
    const GeneratedRtl rtl = generate_verilog(models::random_network(kShapes[1], 62), {});
    try {
        VerilatedLibraryBuilder(dir.path(), 0.01).build(rtl);
        BOOST_FAIL("a build with a 10 ms limit finished");
    } catch (const PixError& e) {
        const std::string message = e.what();
        BOOST_TEST(e.id() == "RTL-012");
        BOOST_TEST(message.find("Vpf" + rtl.rtl_hash()) != std::string::npos, message);
        BOOST_TEST(message.find("verilator.log") != std::string::npos, message);
    }
}
