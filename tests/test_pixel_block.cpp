// The pixel's whole digital block as RTL (rtl_gen/pixel_block) against the behavioural models, on
// noise-on ADC streams at a high rate (pile-up, edges in the dead time): every sample's trigger
// decision, arming and hidden edge equal models::SelfTrigger's; every captured window equals the
// stream's samples from pre_trigger before its trigger; every result equals the integer reference
// on that window, bit for bit, in order; and a trigger the network could not take is the only
// thing missing. Each trigger policy, the streaming and window templates, one and two clock cycles
// per sample, with and without clock gating. Verilator builds: slow.
#define BOOST_TEST_MODULE pixel_block
#include <boost/test/unit_test.hpp>

#include <deque>

#include <fmt/format.h>

#include "core/config.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/network/random_network.hpp"
#include "models/pixel_block_runner.hpp"
#include "models/self_trigger.hpp"
#include "models/spectrum.hpp"
#include "models/stream_generator.hpp"
#include "rtl_gen/pixel_block.hpp"
#include "rtl_gen/verilated_library.hpp"
#include "test_support.hpp"

using namespace pixforge;
using namespace pixforge::rtl;

namespace {

VerilatedLibraryBuilder& builder() {
    static test::TempDir dir;
    static VerilatedLibraryBuilder b(dir.path());
    return b;
}

models::PixelChain chain_with(const std::vector<std::string>& overrides) {
    return models::PixelChain(
        models::chain_params_from(Config::parse(models::chain_keys(), "", "<test>", overrides)));
}

// 1 ms of stream; at 2e6 pulses/s about 2 000 pulses, many piled up or in the dead time.
std::vector<std::uint16_t> stream_of(const models::PixelChain& chain, double rate = 2e6) {
    const models::EnergySpectrum spectrum(chain.params().spectrum);
    std::vector<std::uint16_t> codes;
    models::generate_stream(
        chain, spectrum, rate, 1e-3, Rng(7, "pixel block stream"), 4096,
        [&](const models::StreamChunk& c) { codes.insert(codes.end(), c.adc.begin(), c.adc.end()); });
    return codes;
}

// A 16-sample network after a 4-sample baseline, 4 hidden units, 5-bit weights.
models::QuantizedNetwork small_network() {
    models::NetShape shape;
    shape.hidden = {4};
    shape.weight_bits = 5, shape.activation_bits = 6;
    auto net = models::random_network(shape, 41, 16);
    net.input.first = 4;
    net.validate("test network");
    return net;
}

struct Counts {
    std::size_t triggers = 0, lost = 0, results = 0;
};

// Runs the stream through the block of one or several networks and checks it sample by sample
// against the models (the reference of several networks: their outputs in order).
Counts check_block(const models::PixelChain& chain, const std::vector<PixelCore>& cores,
                   int cycles_per_sample, const std::vector<std::uint16_t>& codes) {
    const PixelBlockSpec spec = pixel_block_spec(chain, chain.sample_period() / cycles_per_sample);
    const GeneratedRtl rtl = generate_pixel_block(cores, spec);
    VerilatedPixelBlock block(builder().build(rtl).library);
    block.reset();
    models::SelfTrigger trigger(chain);
    std::vector<models::QuantizedNetwork> nets;
    for (const PixelCore& c : cores) nets.push_back(c.network);
    const models::IntegerReference reference(nets);
    const std::string name = cores_template_name(cores);
    const int pre = spec.pre_trigger, s = rtl.samples;
    std::deque<std::vector<std::uint16_t>> expected_windows;  // captured, result pending
    std::deque<std::size_t> last_sample_cycle;                // of each window whose result is pending
    std::size_t cycle = 0, fewest_cycles_after = SIZE_MAX, late_results = 0;
    std::vector<std::uint16_t> captured;
    std::vector<std::int64_t> expected;
    Counts n;
    std::size_t bad_decisions = 0, bad_windows = 0, bad_results = 0;
    for (std::size_t k = 0; k < codes.size() + 400; ++k) {
        const bool in_stream = k < codes.size();
        const std::uint16_t code = in_stream ? codes[k] : 0;
        const models::SelfTrigger::Decision d =
            in_stream ? trigger.sample(code) : models::SelfTrigger::Decision{};
        for (int c = 0; c < cycles_per_sample; ++c) {
            const bool offered = in_stream && c == 0;
            const auto& cyc = block.step(offered, code, true);
            ++cycle;
            if (offered) {
                bad_decisions +=
                    cyc.trig != d.fire || cyc.armed != d.armed || cyc.dead_edge != d.edge_in_dead;
                if (cyc.trig) {
                    ++n.triggers;
                    if (cyc.lost) {
                        ++n.lost;
                    } else {
                        const auto first = static_cast<std::ptrdiff_t>(k) - pre;
                        expected_windows.emplace_back(
                            codes.begin() + first,
                            codes.begin() + std::min<std::ptrdiff_t>(
                                                first + s, static_cast<std::ptrdiff_t>(codes.size())));
                    }
                }
            }
            if (cyc.cap_valid) {
                captured.push_back(cyc.cap_code);
                if (static_cast<int>(captured.size()) == s) {
                    BOOST_TEST_REQUIRE(!expected_windows.empty());
                    bad_windows += captured != expected_windows.front();
                    std::vector<std::int64_t> out;
                    reference.run(captured.data(), out);
                    expected.insert(expected.end(), out.begin(), out.end());
                    expected_windows.pop_front();
                    captured.clear();
                    last_sample_cycle.push_back(cycle);
                }
            }
            if (cyc.out_valid) {
                const std::size_t at = n.results * cyc.outputs.size();
                BOOST_TEST_REQUIRE(at + cyc.outputs.size() <= expected.size());
                bad_results += !std::equal(cyc.outputs.begin(), cyc.outputs.end(),
                                           expected.begin() + static_cast<std::ptrdiff_t>(at));
                ++n.results;
                const std::size_t after = cycle - last_sample_cycle.front();
                last_sample_cycle.pop_front();
                fewest_cycles_after = std::min(fewest_cycles_after, after);
                late_results += after != static_cast<std::size_t>(rtl.timing.after_window);
            }
        }
    }
    BOOST_TEST_MESSAGE(fmt::format("{} ({} cycle(s)/sample): {} samples, {} triggers, {} lost, {} results",
                                   name, cycles_per_sample, codes.size(), n.triggers, n.lost, n.results));
    BOOST_TEST(bad_decisions == 0u, name);
    BOOST_TEST(bad_windows == 0u, name);
    BOOST_TEST(bad_results == 0u, name);
    BOOST_TEST(n.results == n.triggers - n.lost, name);
    // The result follows the window's last sample by the formula's cycles; later only when a busy
    // network kept the window waiting in its register.
    BOOST_TEST(fewest_cycles_after == static_cast<std::size_t>(rtl.timing.after_window), name);
    BOOST_TEST_MESSAGE(fmt::format("  result {} cycle(s) after the window's last sample, {} later",
                                   fewest_cycles_after, late_results));
    BOOST_TEST(n.triggers > 500u);
    return n;
}

Counts check_block(const models::PixelChain& chain, const models::QuantizedNetwork& net,
                   const HardwareTemplate& t, int cycles_per_sample,
                   const std::vector<std::uint16_t>& codes) {
    return check_block(chain, {{net, t}}, cycles_per_sample, codes);
}

// A second network on the same window: 3 hidden units, 4-bit weights, two 12-bit outputs (the
// block widens them beside the first network's 16-bit ones).
models::QuantizedNetwork other_network() {
    models::NetShape shape;
    shape.hidden = {3};
    shape.outputs = 2;
    shape.weight_bits = 4, shape.activation_bits = 5;
    auto net = models::random_network(shape, 43, 16);
    net.input.first = 4;
    net.layers.back().out_bits = 12;
    net.layers.back().out_frac -= 4;
    net.derive_accumulator_widths();
    net.validate("second test network");
    return net;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_template_behind_the_capture_equals_the_models) {
    const auto chain = chain_with({});
    const auto codes = stream_of(chain);
    const auto net = small_network();
    for (const auto& [t, cps] :
         std::vector<std::pair<HardwareTemplate, int>>{{parse_template("streaming", 1, 1, true), 1},
                                                       {parse_template("streaming", 2, 1), 2},
                                                       {parse_template("parallel", 1, 1), 1},
                                                       {parse_template("folded", 2, 1, true), 1},
                                                       {parse_template("serial", 1, 1, true), 1}}) {
        const Counts n = check_block(chain, net, t, cps, codes);
        // Only the serial unit (tens of cycles a window) is ever too busy for a window.
        if (t.kind != TemplateKind::Serial) BOOST_TEST(n.lost == 0u, t.name());
    }
}

// Heterogeneous blocks: networks on different templates share the trigger, the capture and one window
// register; every window reaches every network and the block's result is theirs, in order, bit for
// bit, whichever finishes first (parallel in 2 cycles beside serial in tens).
BOOST_AUTO_TEST_CASE(several_networks_share_one_block_and_each_equals_its_reference) {
    const auto chain = chain_with({});
    const auto codes = stream_of(chain);
    const auto a = small_network(), b = other_network();
    // One layer on the streaming template: its result has no later layer to wait in, and it waits
    // at the join for the serial network (tens of cycles a window, more than the dead time).
    models::NetShape linear;
    linear.outputs = 2;
    auto c = models::random_network(linear, 45, 16);
    c.input.first = 4;
    c.validate("one-layer test network");
    const std::vector<std::vector<PixelCore>> blocks{
        {{c, parse_template("streaming", 1, 1)}, {a, parse_template("serial", 1, 1)}},
        {{a, parse_template("serial", 1, 1, true)}, {b, parse_template("parallel", 1, 1)}},
        {{b, parse_template("streaming", 1, 1)}, {a, parse_template("folded", 2, 1, true)}},
        {{a, parse_template("parallel", 1, 2)},
         {b, parse_template("streaming", 1, 1, true)},
         {a, parse_template("serial", 1, 1)}}};
    for (const auto& cores : blocks) {
        const Counts n = check_block(chain, cores, 1, codes);
        BOOST_TEST(n.results > 500u, cores_template_name(cores));
    }
    const GeneratedRtl rtl = generate_pixel_block(blocks[1], pixel_block_spec(chain, chain.sample_period()));
    BOOST_TEST(rtl.outputs == 5);
    BOOST_TEST(rtl.output_bits == 16);
    BOOST_TEST(rtl.template_name == "serial_cg+parallel_p1");
    BOOST_TEST(rtl.timing.latency == timing_of(a, parse_template("serial", 1, 1, true)).latency);
    // One network is the one-network block, byte for byte.
    const PixelBlockSpec spec = pixel_block_spec(chain, chain.sample_period());
    BOOST_TEST(generate_pixel_block({{a, parse_template("folded", 2, 1)}}, spec).rtl_hash() ==
               generate_pixel_block(a, parse_template("folded", 2, 1), spec).rtl_hash());
    models::NetShape shape;
    shape.hidden = {3};
    auto shorter = models::random_network(shape, 44, 12);  // 16 window samples, the others read 20
    shorter.input.first = 4;
    BOOST_TEST(test::error_id([&] {
                   generate_pixel_block(
                       {{a, parse_template("parallel", 1, 1)}, {shorter, parse_template("serial", 1, 1)}},
                       spec);
               }) == "RTL-003");
}

// A classical estimator's peak unit behind the same trigger and capture, alone at one and two
// clock cycles per sample and beside a network in one block: every result is its integer version's.
BOOST_AUTO_TEST_CASE(peak_units_behind_the_capture_equal_the_models) {
    const auto chain = chain_with({});
    const auto codes = stream_of(chain);
    models::QuantizedNetwork unit;
    unit.input = small_network().input;
    models::PeakUnit u;
    u.interpolate = true, u.frac_bits = 4, u.cfd_delay = 2, u.cfd_numerator = 5, u.cfd_shift = 4;
    u.arm_level = 30;
    unit.peak_unit = u;
    unit.heads = {{"energy", 0, 1.0, 0.0}, {"toa", 1, 1.0, 0.0}};
    unit.validate("test peak unit");
    for (int cps : {1, 2}) {
        const Counts n = check_block(chain, unit, parse_template("streaming", 1, 1, true), cps, codes);
        BOOST_TEST(n.lost == 0u);
    }
    const Counts n = check_block(chain,
                                 {{small_network(), parse_template("parallel", 1, 1)},
                                  {unit, parse_template("streaming", 1, 1, true)}},
                                 1, codes);
    BOOST_TEST(n.lost == 0u);
}

// The no-loss constraint can fail: a serial block needs more cycles per window than events leave it
// at 5e6/s, so the capture finds it busy and drops windows, counted as lost (never a result), and
// every other trigger still gives the reference's result.
BOOST_AUTO_TEST_CASE(a_block_slower_than_the_events_loses_them_and_says_so) {
    const auto chain = chain_with({"source.rate=\"5e6/s\""});
    const auto t = parse_template("serial", 1, 1, true);
    const Counts n = check_block(chain, small_network(), t, 1, stream_of(chain));
    BOOST_TEST_MESSAGE(n.lost << " of " << n.triggers << " triggers lost");
    BOOST_TEST(n.lost > n.triggers / 10);
}

BOOST_AUTO_TEST_CASE(every_trigger_policy_equals_the_model) {
    const auto net = small_network();
    for (const char* policy : {"paralyzable", "retrigger"}) {
        const auto chain =
            chain_with({fmt::format("trigger.policy=\"{}\"", policy), "trigger.dead_time=\"300ns\""});
        const Counts n = check_block(chain, net, parse_template("streaming", 1, 1), 1, stream_of(chain));
        BOOST_TEST(n.lost == 0u, policy);
    }
}

BOOST_AUTO_TEST_CASE(a_block_that_cannot_work_is_refused_with_the_reason) {
    const auto net = small_network();
    const auto chain = chain_with({"trigger.dead_time=\"100ns\""});  // 10 samples, the window is 20
    BOOST_TEST(test::error_id([&] {
                   generate_pixel_block(net, parse_template("parallel", 1, 1),
                                        pixel_block_spec(chain, 10e-9));
               }) == "RTL-003");
    const auto normal = chain_with({});
    BOOST_TEST(test::error_id([&] { pixel_block_spec(normal, 3e-9); }) == "RTL-003");  // 3.33 cycles/sample
    BOOST_TEST(test::error_id([&] {
                   generate_pixel_block(net, parse_template("streaming", 2, 1),
                                        pixel_block_spec(normal, 10e-9));
               }) == "RTL-003");
}

// Idle skipping is exact: the runner with and without it gives the same results (trigger sample,
// result cycle, window, outputs) and counts on one stream, in blocks of 1 000 samples, with one and
// two cycles per sample; and it simulates far fewer cycles.
BOOST_AUTO_TEST_CASE(idle_skipping_equals_an_unskipped_run) {
    const auto chain = chain_with({});
    const auto codes = stream_of(chain, 2e5);
    const auto net = small_network();
    for (int cps : {1, 2}) {
        const PixelBlockSpec spec = pixel_block_spec(chain, chain.sample_period() / cps);
        const auto library =
            builder().build(generate_pixel_block(net, parse_template("streaming", 1, 1, true), spec)).library;
        auto run = [&](bool skip, std::uint64_t& simulated) {
            VerilatedPixelBlock block(library);
            models::PixelBlockRunner runner(chain, cps, block, skip);
            std::vector<models::BlockResult> results;
            auto keep = [&](const models::BlockResult& r) { results.push_back(r); };
            for (std::size_t at = 0; at < codes.size(); at += 1000)
                runner.feed(codes.data() + at, std::min<std::size_t>(1000, codes.size() - at),
                            static_cast<std::int64_t>(at), keep);
            runner.drain(static_cast<std::int64_t>(codes.size()), 200, keep);
            simulated = runner.cycles_simulated();
            BOOST_TEST(runner.cycles_covered() == codes.size() * static_cast<std::size_t>(cps) + 200);
            return std::make_tuple(results, runner.triggers(), runner.edges_in_dead_time(),
                                   runner.dead_samples());
        };
        std::uint64_t skipped_cycles = 0, full_cycles = 0;
        const auto [skipped, t1, e1, d1] = run(true, skipped_cycles);
        const auto [full, t2, e2, d2] = run(false, full_cycles);
        BOOST_TEST_MESSAGE(cps << " cycle(s)/sample: " << full.size() << " results; " << skipped_cycles
                               << " of " << full_cycles << " cycles simulated with idle skipping");
        BOOST_TEST(full.size() > 120u);
        BOOST_TEST_REQUIRE(skipped.size() == full.size());
        std::size_t same = 0;
        for (std::size_t i = 0; i < full.size(); ++i)
            same += skipped[i].trigger_sample == full[i].trigger_sample &&
                    skipped[i].result_sample == full[i].result_sample &&
                    skipped[i].result_phase == full[i].result_phase && skipped[i].window == full[i].window &&
                    skipped[i].outputs == full[i].outputs;
        BOOST_TEST(same == full.size());
        BOOST_TEST(t1 == t2);
        BOOST_TEST(e1 == e2);
        BOOST_TEST(d1 == d2);
        BOOST_TEST(skipped_cycles * 3 < full_cycles);
    }
}
