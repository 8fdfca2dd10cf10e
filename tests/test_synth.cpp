// Synthesis and PPA with the real tools (Yosys, OpenSTA, Verilator) on small random networks:
// the liberty reader, the gate-level simulator against Verilator's toggle coverage, the trends a
// designer expects (area with bits and width, delay with pipelining, power with activity), and
// clear failures.
#define BOOST_TEST_MODULE synth
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "core/process.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/network/random_network.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "rtl_gen/synthesis/boolean_function.hpp"
#include "rtl_gen/synthesis/clock_gate.hpp"
#include "rtl_gen/synthesis/dont_use.hpp"
#include "rtl_gen/synthesis/gate_simulator.hpp"
#include "rtl_gen/synthesis/liberty.hpp"
#include "rtl_gen/synthesis/netlist.hpp"
#include "rtl_gen/synthesis/ppa.hpp"
#include "rtl_gen/verilog_writer.hpp"
#include "test_support.hpp"

using namespace pixforge;
using namespace pixforge::rtl;

namespace {

const Liberty& osu() {
    static const Liberty lib = read_liberty(named_liberty("osu018"));
    return lib;
}

models::QuantizedNetwork small_network(std::vector<int> hidden, int weight_bits, std::uint64_t seed = 5) {
    models::NetShape shape;
    shape.hidden = std::move(hidden);
    shape.outputs = 2;
    shape.weight_bits = weight_bits;
    shape.activation_bits = 6;
    return models::random_network(shape, seed, 6);
}

Stimuli stimuli_at(double rate, int windows, int samples) {
    const Config config =
        Config::load(pixforge::codesign::all_config_keys(), test::source_dir() / "configs/d0_75um.toml",
                     {"source.rate=\"" + std::to_string(rate) + "/s\""});
    const models::PixelChain chain(models::chain_params_from(config));
    return stream_stimuli(chain, samples, windows, 10e-9, 3);
}

// The default library (SKY130 hd), with ABC's fast script.
SynthesisOptions fast_options() {
    SynthesisOptions o;
    o.liberty = named_liberty("sky130hd");
    o.strategy = AbcStrategy::Fast;
    o.power_windows = 60;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(liberty_reader_osu018) {
    const Liberty& lib = osu();
    BOOST_TEST(lib.cells.size() == 32u);
    BOOST_TEST(lib.nominal_voltage_V == 1.8);
    BOOST_TEST(lib.capacitance_unit_F == 1e-12);
    BOOST_TEST(lib.leakage_unit_W == 1e-9);
    const LibertyCell& nand = lib.cell("NAND2X1");
    BOOST_TEST(nand.area == 24.0);
    BOOST_TEST(nand.leakage == 0.0393659, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(nand.pin("A")->capacitance == 0.0125, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(nand.pin("Y")->function == "(!(A B))");
    BOOST_TEST(nand.pin("Y")->internal_power.size() == 2u);  // one group per related input
    // The first fall_power entry of NAND2X1 A->Y: load 0.005 pF, transition 0.06 ns -> 0.010032.
    BOOST_TEST(nand.pin("Y")->internal_power[0].fall->lookup(0.005, 0.06) == 0.010032,
               boost::test_tools::tolerance(1e-9));
    const LibertyCell& dff = lib.cell("DFFPOSX1");
    BOOST_REQUIRE(dff.ff.has_value());
    BOOST_TEST(dff.ff->clocked_on == "CLK");
    BOOST_TEST(dff.ff->next_state == "D");
    BOOST_TEST(dff.pin("CLK")->clock);
    BOOST_TEST(test::error_id([&] { lib.cell("NO_SUCH_CELL"); }) == "LIB-004");
}

BOOST_AUTO_TEST_CASE(power_table_interpolates_bilinearly) {
    PowerTable t;
    t.load_index = {0, 1};
    t.slew_index = {0, 2};
    t.values = {0, 2, 10, 12};  // v = 10 load + slew
    BOOST_TEST(t.lookup(0.5, 1.0) == 6.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(t.lookup(2.0, 0.0) == 20.0, boost::test_tools::tolerance(1e-12));  // linear extrapolation
}

BOOST_AUTO_TEST_CASE(boolean_functions_of_every_osu_cell_match_their_truth_tables) {
    const std::map<std::string, std::function<bool(bool, bool, bool, bool)>> expected{
        {"NAND2X1", [](bool a, bool b, bool, bool) { return !(a && b); }},
        {"NOR3X1", [](bool a, bool b, bool c, bool) { return !(a || b || c); }},
        {"AOI21X1", [](bool a, bool b, bool c, bool) { return !((a && b) || c); }},
        {"OAI22X1", [](bool a, bool b, bool c, bool d) { return !((a || b) && (c || d)); }},
        {"XOR2X1", [](bool a, bool b, bool, bool) { return a != b; }},
        {"XNOR2X1", [](bool a, bool b, bool, bool) { return a == b; }},
        {"MUX2X1", [](bool a, bool b, bool s, bool) { return !(s ? a : b); }},  // OSU's mux inverts
    };
    for (const auto& [name, truth] : expected) {
        const LibertyCell& cell = osu().cell(name);
        std::vector<std::string> vars;
        for (const auto& p : cell.pins) vars.push_back(p.name);
        const LibertyPin* y = cell.pin("Y");
        const BooleanFunction f(y->function, vars, name);
        for (unsigned m = 0; m < 16; ++m) {
            std::vector<std::uint8_t> values(vars.size(), 0);
            std::vector<std::uint32_t> index(vars.size());
            bool in[4] = {false, false, false, false};
            for (size_t i = 0; i < vars.size(); ++i) {
                index[i] = static_cast<std::uint32_t>(i);
                const int slot = vars[i] == "S" ? 2 : (vars[i] == "Y" ? -1 : vars[i][0] - 'A');
                if (slot < 0) continue;
                values[i] = static_cast<std::uint8_t>((m >> slot) & 1u);
                in[slot] = values[i];
            }
            BOOST_TEST(f.eval(values.data(), index.data()) == truth(in[0], in[1], in[2], in[3]),
                       name << " inputs " << m);
        }
    }
    const std::vector<std::string> ab{"A", "B"};
    BOOST_TEST(test::error_id([&] { BooleanFunction("A +", ab, "test"); }) == "LIB-005");
    BOOST_TEST(test::error_id([&] { BooleanFunction("A & C", ab, "test"); }) == "LIB-005");
    const BooleanFunction postfix("(A B)'+A^B", ab, "test");  // postfix not, xor above and below OR
    const std::uint32_t idx[2] = {0, 1};
    for (unsigned m = 0; m < 4; ++m) {
        const std::uint8_t v[2] = {static_cast<std::uint8_t>(m & 1u), static_cast<std::uint8_t>(m >> 1)};
        BOOST_TEST(postfix.eval(v, idx) == (!(v[0] && v[1]) || (v[0] != v[1])));
    }
}

BOOST_AUTO_TEST_CASE(bad_liberty_files_give_clear_errors) {
    test::TempDir dir;
    BOOST_TEST(test::error_id([&] { read_liberty(dir.path() / "missing.lib"); }) == "LIB-001");
    std::ofstream(dir.path() / "open.lib")
        << "library(x) {\n  capacitive_load_unit (1,pf);\n  cell (A) {\n area : 1;\n";
    try {
        read_liberty(dir.path() / "open.lib");
        BOOST_FAIL("an unterminated library was accepted");
    } catch (const PixError& e) {
        BOOST_TEST(e.id() == "LIB-002");
        BOOST_TEST(std::string(e.what()).find("open.lib:") != std::string::npos);
    }
    std::ofstream(dir.path() / "nounit.lib") << "library(x) { nom_voltage : 1.8; cell (A) { area : 1; } }\n";
    BOOST_TEST(test::error_id([&] { read_liberty(dir.path() / "nounit.lib"); }) == "LIB-003");
    std::ofstream(dir.path() / "garbage.lib.gz") << "\x1f\x8b\x08 this is not gzip data";
    const std::string id = test::error_id([&] { read_liberty(dir.path() / "garbage.lib.gz"); });
    BOOST_TEST((id == "LIB-001" || id == "LIB-002"));
    const Config bad = Config::parse(pixforge::codesign::all_config_keys(),
                                     "[synthesis]\nliberty = \"/no/such/cells.lib\"\n", "bad.toml");
    BOOST_TEST(test::error_id([&] { SynthesisOptions::from_config(bad); }) == "LIB-001");
}

// The project ships SKY130 hd (pdk/, Apache-2.0) and maps to it by default: the test reads that
// copy, never an outside one. Synthesis keeps the dont-use cells out of the netlist.
BOOST_AUTO_TEST_CASE(sky130_is_the_default_and_its_dont_use_cells_stay_out) {
    const auto sky = test::source_dir() / "pdk/sky130hd_tt.lib.gz";
    BOOST_REQUIRE_MESSAGE(std::filesystem::exists(sky), sky << " is missing: the project ships it in pdk/");
    BOOST_TEST(named_liberty("sky130hd") == sky);
    BOOST_TEST(
        SynthesisOptions::from_config(Config::defaults(pixforge::codesign::all_config_keys())).liberty ==
        sky);
    const Liberty lib = read_liberty(sky);
    BOOST_TEST(lib.cells.size() > 300u);
    BOOST_TEST(lib.nominal_voltage_V == 1.8);
    const LibertyCell& nand = lib.cell("sky130_fd_sc_hd__nand2_1");
    BOOST_TEST(nand.area > 3.0);
    BOOST_TEST(nand.area < 4.0);  // 3.75 um^2
    BOOST_TEST(nand.leakage > 0.0);

    const std::vector<std::string> patterns = dont_use_patterns("auto", lib);
    const std::vector<std::string> excluded = dont_use_cells(lib, patterns);
    BOOST_TEST(std::count(excluded.begin(), excluded.end(), "sky130_fd_sc_hd__dlclkp_1") == 1);
    BOOST_TEST(std::count(excluded.begin(), excluded.end(), "sky130_fd_sc_hd__nand2_1") == 0);
    BOOST_TEST(dont_use_patterns("none", lib).empty());
    BOOST_TEST(dont_use_patterns("auto", osu()).empty());
    BOOST_TEST(test::error_id([&] { dont_use_patterns("a,,b", lib); }) == "PPA-009");

    // Synthesis + timing + power of a small network on the default library.
    test::TempDir cache;
    PpaEvaluator ppa(fast_options(), cache.path());
    const auto net = small_network({2}, 3);
    const PpaResult r = ppa.evaluate(net, {}, stimuli_at(1e6, 20, 6));
    BOOST_TEST_MESSAGE("sky130: " << r.area_um2 << " um^2, " << r.critical_path_s * 1e9 << " ns, "
                                  << r.total_W * 1e6 << " uW; " << r.error);
    BOOST_TEST(r.ok, r.error);
    BOOST_TEST(r.gate_equals_rtl);
    BOOST_TEST(r.area_um2 > 0.0);
    BOOST_TEST(r.library == lib.name);
    const nlohmann::json j = r.to_json();  // what synth --json prints
    BOOST_TEST(j.at("power_uW").at("total").get<double>() == r.total_W * 1e6,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(j.at("power_uW").at("clock").get<double>() == r.clock_W * 1e6,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(j.at("library").get<std::string>() == lib.name);
    BOOST_TEST(r.dont_use_cells == static_cast<int>(excluded.size()));
    for (const auto& [cell, n] : r.cell_counts)
        BOOST_TEST(!std::binary_search(excluded.begin(), excluded.end(), cell),
                   cell << " is on the dont-use list");
    // The copy Yosys mapped to holds none of them, and still reads as a library.
    const Liberty trimmed = read_liberty(std::filesystem::path(r.work_dir) / "synth_cells.lib");
    BOOST_TEST(trimmed.cells.size() == lib.cells.size() - excluded.size());
    BOOST_TEST(!trimmed.cells.count("sky130_fd_sc_hd__dlclkp_1"));
}

// Clock gating at D0's event rate: the data registers idle nearly every cycle, so gating them must
// cut the clock power by a wide margin; when a window arrives every cycle it must change the total
// little. The gated netlist still equals the RTL. `gate_cells` are what each gate becomes.
namespace {

void check_clock_gating(const std::string& library, const std::vector<std::string>& gate_cells) {
    test::TempDir cache;
    SynthesisOptions options = fast_options();
    options.liberty = named_liberty(library);
    PpaEvaluator ppa(options, cache.path());
    const auto net = small_network({3}, 4);
    HardwareTemplate gated;
    gated.clock_gating = true;
    const Stimuli idle = stimuli_at(2e5, 60, 6);
    Stimuli busy = idle;
    for (auto& w : busy.windows) w.ready_cycle = 0;  // back to back: a window every cycle
    auto run = [&](const HardwareTemplate& hw, const Stimuli& st, const char* what) {
        const PpaResult r = ppa.evaluate(net, hw, st);
        BOOST_TEST_MESSAGE(library << " " << hw.name() << " " << what << ": " << r.area_um2 << " um^2, "
                                   << r.total_W * 1e6 << " uW (clock " << r.clock_W * 1e6 << "), "
                                   << r.gated_flip_flops << " of " << r.flip_flops << " flip-flops behind "
                                   << r.clock_gates << " gates, slack " << r.worst_slack_s * 1e9 << " ns; "
                                   << r.error);
        BOOST_TEST(r.ok, r.error);
        BOOST_TEST(r.gate_equals_rtl);
        return r;
    };
    const PpaResult plain_idle = run({}, idle, "idle"), gated_idle = run(gated, idle, "idle");
    const PpaResult plain_busy = run({}, busy, "busy"), gated_busy = run(gated, busy, "busy");
    BOOST_TEST(plain_idle.gated_flip_flops == 0);
    BOOST_TEST(gated_idle.clock_gates >= 2);  // the input register and each layer's outputs
    BOOST_TEST(gated_idle.gated_flip_flops > gated_idle.flip_flops / 2);
    BOOST_TEST(gated_idle.flip_flops == plain_idle.flip_flops);  // a gate's own cells are not data
    for (const std::string& cell : gate_cells) {
        const auto n = gated_idle.cell_counts.find(cell);
        BOOST_TEST((n != gated_idle.cell_counts.end() && n->second >= gated_idle.clock_gates), cell);
    }
    BOOST_TEST(gated_idle.clock_W < 0.5 * plain_idle.clock_W);
    BOOST_TEST(gated_idle.total_W < 0.7 * plain_idle.total_W);
    BOOST_TEST(std::abs(gated_busy.total_W - plain_busy.total_W) < 0.25 * plain_busy.total_W);
}

}  // namespace

BOOST_AUTO_TEST_CASE(clock_gating_on_sky130_uses_its_integrated_gate) {
    check_clock_gating("sky130hd", {"sky130_fd_sc_hd__dlclkp_1"});
}

// OSU 0.18 um has no integrated gate: a falling-edge flip-flop holds the enable, an AND passes the
// clock (clock_gate.hpp).
BOOST_AUTO_TEST_CASE(clock_gating_on_osu018_builds_a_discrete_gate) {
    const ClockGateRecipe recipe = clock_gate_recipe(osu(), {});
    BOOST_TEST(recipe.describe() == "DFFNEGX1+AND2X1");
    BOOST_TEST(!hold_flip_flop_pins(osu().cell("DFFPOSX1")));  // rising edge: would gate a cycle late
    BOOST_TEST(!and2_pins(osu().cell("NAND2X1")));
    check_clock_gating("osu018", {"DFFNEGX1", "AND2X1"});
}

// A library with neither an integrated gate nor the cells of a discrete one refuses the template,
// as a failed result: OSU without its falling-edge flip-flop.
BOOST_AUTO_TEST_CASE(clock_gating_without_gate_cells_is_a_failed_result) {
    test::TempDir dir;
    const std::filesystem::path lib = dir.path() / "osu_without_dffneg.lib";
    std::ifstream in(osu().path);
    std::stringstream text;
    text << in.rdbuf();
    std::ofstream(lib) << liberty_without_cells(text.str(), {"DFFNEGX1"});
    SynthesisOptions options = fast_options();
    options.liberty = lib;
    PpaEvaluator ppa(options, dir.path() / "cache");
    HardwareTemplate gated;
    gated.clock_gating = true;
    const PpaResult refused = ppa.evaluate(small_network({3}, 4), gated, stimuli_at(2e5, 10, 6));
    BOOST_TEST(!refused.ok);
    BOOST_TEST(refused.error_id == "PPA-010");
    BOOST_TEST(refused.error.find("osu_without_dffneg.lib") != std::string::npos, refused.error);
    BOOST_TEST(refused.area_um2 == 0.0);
}

// The pixel's whole block under the ADC stream: it synthesizes, its gate level equals the RTL on
// every port every cycle, it holds more than the network alone (trigger, history, capture), it
// processes the stream's triggered windows, and clock gating cuts its power by a wide margin.
BOOST_AUTO_TEST_CASE(the_pixel_block_synthesizes_and_its_gate_level_equals_the_rtl) {
    test::TempDir cache;
    PpaEvaluator ppa(fast_options(), cache.path());
    auto net = small_network({3}, 4);
    net.input.first = 4;  // after the 4-sample baseline, as the streaming template needs
    const Config config =
        Config::load(pixforge::codesign::all_config_keys(), test::source_dir() / "configs/d0_75um.toml", {});
    const models::PixelChain chain(models::chain_params_from(config));
    const PixelBlockSpec spec = pixel_block_spec(chain, 10e-9);
    const SampleStimuli stream = sample_stimuli(chain, 30, 10e-9, spec.cycles_per_sample, 3);
    auto run = [&](const HardwareTemplate& hw) {
        const PpaResult r = ppa.evaluate_pixel(net, hw, spec, stream);
        BOOST_TEST_MESSAGE("pixel block, " << hw.name() << ": " << r.area_um2 << " um^2, " << r.flip_flops
                                           << " flip-flops, " << r.total_W * 1e6 << " uW (clock "
                                           << r.clock_W * 1e6 << "), " << r.power_windows << " windows; "
                                           << r.error);
        BOOST_TEST_REQUIRE(r.ok, r.error);
        BOOST_TEST(r.gate_equals_rtl);
        BOOST_TEST(r.block == "pixel");
        BOOST_TEST(r.simulated_cycles == stream.codes.size() + 2);
        BOOST_TEST(r.power_windows > 10u);  // about 30 pulses, some below threshold or in the dead time
        return r;
    };
    const PpaResult plain = run(parse_template("streaming", 1, 1)),
                    gated = run(parse_template("streaming", 1, 1, true));
    const PpaResult alone = ppa.evaluate(net, parse_template("streaming", 1, 1), stimuli_at(2e5, 30, 10));
    BOOST_TEST_REQUIRE(alone.ok, alone.error);
    BOOST_TEST(alone.block == "network");
    BOOST_TEST(plain.flip_flops > alone.flip_flops + spec.pre_trigger * spec.adc_bits);
    BOOST_TEST(gated.total_W < 0.5 * plain.total_W);
    // The area pixforge reports is what a fresh Yosys says of the emitted netlist, clock gates included.
    test::TempDir log;
    const ProcessResult restat = run_process({"yosys", "-p",
                                              "read_liberty -lib cells.lib; read_verilog netlist.v; "
                                              "hierarchy -top pixforge_pixel; stat -liberty cells.lib"},
                                             log.path() / "yosys.log", 300, gated.work_dir);
    BOOST_TEST_REQUIRE(restat.exited);
    BOOST_TEST_REQUIRE(restat.exit_code == 0, test::read_text(log.path() / "yosys.log"));
    std::smatch m;
    const std::string text = test::read_text(log.path() / "yosys.log");
    BOOST_TEST_REQUIRE(std::regex_search(text, m, std::regex(R"(Chip area for module .*:\s+([0-9.eE+-]+))")));
    BOOST_TEST(std::stod(m[1]) == gated.area_um2, boost::test_tools::tolerance(1e-6));
    // On OSU the gates are discrete and the network's sit behind the block's own: still exact.
    SynthesisOptions osu_options = fast_options();
    osu_options.liberty = named_liberty("osu018");
    PpaEvaluator on_osu(osu_options, cache.path());
    const PpaResult osu_gated =
        on_osu.evaluate_pixel(net, parse_template("streaming", 1, 1, true), spec, stream);
    BOOST_TEST_MESSAGE("pixel block on OSU, gated: "
                       << osu_gated.area_um2 << " um^2, " << osu_gated.total_W * 1e6 << " uW, "
                       << osu_gated.clock_gates << " gates; " << osu_gated.error);
    BOOST_TEST_REQUIRE(osu_gated.ok, osu_gated.error);
    BOOST_TEST(osu_gated.gate_equals_rtl);
    BOOST_TEST(osu_gated.gated_flip_flops > osu_gated.flip_flops / 2);
}

// Cell groups go, everything else stays: comments and strings with braces or the word cell, and
// the cells around the removed one.
BOOST_AUTO_TEST_CASE(liberty_without_cells_removes_whole_groups_only) {
    const std::string text =
        "library (l) {\n  /* cell (\"gone\") { } */\n  cell (\"keep\") { pin (A) { function : \"{A}\"; } }\n"
        "  cell(gone) { area : 1; pin (Y) { x : \"}\"; } }\n  cell (\"gone_too\") { }\n}\n";
    const std::string out = liberty_without_cells(text, {"gone"});
    BOOST_TEST(out.find("cell(gone)") == std::string::npos, out);
    BOOST_TEST(out.find("cell (\"keep\") { pin (A) { function : \"{A}\"; } }") != std::string::npos, out);
    BOOST_TEST(out.find("/* cell (\"gone\") { } */") != std::string::npos, out);
    BOOST_TEST(out.find("cell (\"gone_too\") { }") != std::string::npos, out);
    BOOST_TEST(out.find("area : 1") == std::string::npos, out);
    BOOST_TEST(test::error_id([] { liberty_without_cells("library (l) { cell (gone) { ", {"gone"}); }) ==
               "PPA-009");
}

// OSU 0.18 um stays selectable by name.
BOOST_AUTO_TEST_CASE(osu018_is_selectable_by_name) {
    const Config c = Config::parse(pixforge::codesign::all_config_keys(),
                                   "[synthesis]\nliberty = \"osu018\"\n", "osu.toml");
    BOOST_TEST(SynthesisOptions::from_config(c).liberty == osu().path);
}

// The power model stands on the gate-level simulator's toggle counts: they must equal what an
// independent simulator, Verilator with --coverage-toggle, counts on the same netlist and stimuli.
BOOST_AUTO_TEST_CASE(gate_simulator_toggles_equal_verilator_toggle_coverage) {
    test::TempDir dir;
    const auto net = small_network({2}, 3, 9);
    const GeneratedRtl rtl = generate_verilog(net, {});
    write_rtl(rtl, (dir.path() / "rtl").string());
    YosysJob job;
    job.liberty = named_liberty("osu018");
    job.strategy = AbcStrategy::Fast;
    for (const auto& f : rtl.files) job.sources.push_back(dir.path() / "rtl" / f.name);
    const YosysResult y = run_yosys(job, dir.path());
    const Netlist netlist = read_netlist(y.netlist);

    // Verilator's model of the same netlist: cells from the liberty functions, Yosys' `_123_`
    // nets renamed (Verilator does not cover names starting with '_'), cell internals uncovered.
    const auto d = dir.path();
    const ProcessResult cells = run_process(
        {"yosys", "-q", "-p", "read_liberty \"" + job.liberty.string() + "\" ; write_verilog cells_raw.v"},
        d / "cells.log", 300, d);
    BOOST_REQUIRE_MESSAGE(cells.exited && cells.exit_code == 0, log_tail(d / "cells.log"));
    std::ofstream(d / "cells.v") << "/*verilator coverage_off*/\n" << test::read_text(d / "cells_raw.v");
    std::ofstream(d / "netlist_renamed.v")
        << std::regex_replace(test::read_text(d / "netlist.v"), std::regex(R"(\b_([0-9]+)_\b)"), "n$1_");
    const int cycles = 3000;
    std::ofstream(d / "main.cpp") << fmt::format(R"(#include "Vpixforge_net.h"
#include "verilated.h"
#include "verilated_cov.h"
#include <cstdint>
int main() {{
    VerilatedContext ctx;
    Vpixforge_net t{{&ctx}};
    std::uint64_t s = 12345;
    for (int c = 0; c < {0}; ++c) {{
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        t.clk = 0;
        t.rst = c < 2;
        t.in_valid = (s >> 60) < 5;
        t.out_ready = ((s >> 56) & 15) != 0;
        if (t.in_valid) t.in_samples = (s >> 3) & ((1ULL << 60) - 1);
        t.eval();
        t.clk = 1;
        t.eval();
    }}
    ctx.coveragep()->write("coverage.dat");
}}
)",
                                                 cycles);
    const ProcessResult build =
        run_process({"verilator", "--cc", "--exe", "--build", "-j", "2", "--coverage-toggle", "-Wno-fatal",
                     "-Wno-lint", "-Wno-style", "--top-module", "pixforge_net", "cells.v",
                     "netlist_renamed.v", "main.cpp", "-o", "sim"},
                    d / "verilator.log", 600, d);
    BOOST_REQUIRE_MESSAGE(build.exited && build.exit_code == 0, log_tail(d / "verilator.log"));
    const ProcessResult run = run_process({(d / "obj_dir/sim").string()}, d / "sim.log", 120, d);
    BOOST_REQUIRE(run.exited && run.exit_code == 0);

    GateSimulator gate(netlist, osu());
    const int rst = gate.port_index("rst"), valid = gate.port_index("in_valid"),
              ready = gate.port_index("out_ready"), samples = gate.port_index("in_samples");
    std::uint64_t s = 12345;
    for (int c = 0; c < cycles; ++c) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        gate.set_input(rst, 0, 1, c < 2);
        const bool v = (s >> 60) < 5;
        gate.set_input(valid, 0, 1, v);
        gate.set_input(ready, 0, 1, ((s >> 56) & 15) != 0);
        if (v) gate.set_input(samples, 0, 60, (s >> 3) & ((1ULL << 60) - 1));
        gate.settle();
        gate.clock_edge();
    }
    // coverage.dat lines: C '<\1o\2name[bit]...\1h\2TOP.pixforge_net...' count
    std::ifstream in(d / "coverage.dat");
    std::string line;
    const std::regex entry("\x01o\x02([^\x01]+).*\x01h\x02([^']+)' (\\d+)");
    int compared = 0, equal = 0;
    std::uint64_t ours_total = 0, theirs_total = 0;
    std::smatch m;
    while (std::getline(in, line)) {
        if (!std::regex_search(line, m, entry) || m[2] != "TOP.pixforge_net") continue;
        std::string name = std::regex_replace(std::string(m[1]), std::regex("^n([0-9]+)_"), "_$1_");
        if (name == "clk") continue;
        auto it = netlist.names.find(name);
        if (it == netlist.names.end()) continue;
        ++compared;
        const std::uint64_t ours = gate.toggles()[it->second], theirs = std::stoull(m[3]);
        equal += ours == theirs;
        ours_total += ours, theirs_total += theirs;
        if (ours != theirs && compared - equal <= 5)
            BOOST_TEST_MESSAGE(name << ": ours " << ours << ", Verilator " << theirs);
    }
    BOOST_TEST_MESSAGE(compared << " nets compared with Verilator's toggle coverage, " << equal
                                << " equal; toggles " << ours_total << " (ours) vs " << theirs_total
                                << " (Verilator)");
    BOOST_TEST(compared > static_cast<int>(netlist.nets()) / 2);
    // Known residue: a few percent of nets differ by two toggles (the power-up and reset cycles,
    // where Verilator's first evaluation and ours order the settling differently); activity over
    // the run must agree to 0.5 % and nine nets in ten exactly.
    BOOST_TEST(equal >= compared * 9 / 10);
    BOOST_TEST(std::abs(static_cast<double>(ours_total) - static_cast<double>(theirs_total)) <
               0.005 * static_cast<double>(theirs_total));
}

// Designers' expectations on a sweep: area grows with weight bits and with width, a second
// pipeline stage shortens the critical path, power grows with the event rate; the gate-level
// netlist equals the RTL on the stream in every case, and a repeat comes from the cache.
BOOST_AUTO_TEST_CASE(ppa_trends_on_a_sweep) {
    test::TempDir cache;
    PpaEvaluator ppa(fast_options(), cache.path());
    const Stimuli stream = stimuli_at(2e5, 60, 6);
    auto run = [&](const models::QuantizedNetwork& net, HardwareTemplate hw, const Stimuli& st) {
        const PpaResult r = ppa.evaluate(net, hw, st);
        BOOST_TEST_MESSAGE(hw.name() << " " << models::describe_layers(net) << ": " << r.area_um2 << " um^2, "
                                     << r.critical_path_s * 1e9 << " ns, " << r.total_W * 1e6 << " uW ("
                                     << r.switching_W * 1e6 << " switching), " << r.total_s << " s "
                                     << r.error);
        BOOST_TEST(r.ok);
        BOOST_TEST(r.gate_equals_rtl);
        BOOST_TEST(r.output_mismatches == 0u);
        BOOST_TEST(r.simulated_cycles > 0u);
        return r;
    };
    const PpaResult w2 = run(small_network({3}, 2), {}, stream);
    const PpaResult w4 = run(small_network({3}, 4), {}, stream);
    const PpaResult w6 = run(small_network({3}, 6), {}, stream);
    BOOST_TEST(w2.area_um2 < w4.area_um2);
    BOOST_TEST(w4.area_um2 < w6.area_um2);
    const PpaResult narrow = run(small_network({2}, 4), {}, stream);
    const PpaResult wide = run(small_network({5}, 4), {}, stream);
    BOOST_TEST(narrow.area_um2 < wide.area_um2);

    HardwareTemplate p2;
    p2.pipeline = 2;
    const PpaResult piped = run(small_network({3}, 4), p2, stream);
    BOOST_TEST(piped.critical_path_s < w4.critical_path_s);
    BOOST_TEST(piped.latency_cycles == w4.latency_cycles + 2);  // one more stage in each of 2 layers

    const PpaResult busy = run(small_network({3}, 4), {}, stimuli_at(4e6, 60, 6));
    BOOST_TEST(busy.switching_W > 3 * w4.switching_W);
    BOOST_TEST(busy.total_W > w4.total_W);
    BOOST_TEST(busy.leakage_W == w4.leakage_W, boost::test_tools::tolerance(1e-12));

    const PpaResult again = ppa.evaluate(small_network({3}, 4), {}, stream);
    BOOST_TEST(again.cached);
    BOOST_TEST(again.area_um2 == w4.area_um2);
    BOOST_TEST(again.total_W == w4.total_W);
}

BOOST_AUTO_TEST_CASE(tool_failures_are_reported_not_invented) {
    test::TempDir dir;
    // Yosys: a syntax error in the RTL.
    std::ofstream(dir.path() / "broken.v") << "module pixforge_net(input clk; endmodule\n";
    YosysJob job;
    job.liberty = named_liberty("osu018");
    job.sources = {dir.path() / "broken.v"};
    BOOST_TEST(test::error_id([&] { run_yosys(job, dir.path() / "y"); }) == "PPA-001");
    // Yosys: timeout, through the evaluator: a failed result naming the stage, no numbers.
    SynthesisOptions o = fast_options();
    o.yosys_timeout_s = 0.05;
    PpaEvaluator ppa(o, dir.path() / "cache");
    const PpaResult r = ppa.evaluate(small_network({2}, 3), {}, stimuli_at(2e5, 5, 6));
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.failed_stage == "synthesis");
    BOOST_TEST(r.error_id == "PPA-003");
    BOOST_TEST(r.area_um2 == 0.0);
    BOOST_TEST(r.total_W == 0.0);
    // OpenSTA: a netlist it cannot link.
    std::ofstream(dir.path() / "bad_netlist.v")
        << "module pixforge_net(clk); input clk; NOCELL u1 (.A(clk)); endmodule\n";
    StaJob sta;
    sta.liberty = named_liberty("osu018");
    sta.netlist = dir.path() / "bad_netlist.v";
    BOOST_TEST(test::error_id([&] { run_sta(sta, dir.path() / "s"); }) == "PPA-002");
    // A malformed liberty stops the evaluator before any tool runs.
    std::ofstream(dir.path() / "bad.lib") << "library(x) { cell (A) { area : ; } }\n";
    SynthesisOptions bad = fast_options();
    bad.liberty = dir.path() / "bad.lib";
    const std::string id = test::error_id([&] { PpaEvaluator(bad, dir.path() / "cache2"); });
    BOOST_TEST((id == "LIB-002" || id == "LIB-003"));
}

// A liberty in a folder whose name holds a space works end to end (Yosys, OpenSTA, power). One
// whose name holds a Tcl command substitution either works or is refused with PPA-007, and the
// command never runs: neither through the whole flow nor through OpenSTA alone.
BOOST_AUTO_TEST_CASE(liberty_paths_with_spaces_and_tcl_brackets_reach_the_tools_unharmed) {
    namespace fs = std::filesystem;
    test::TempDir dir;
    const fs::path marker = dir.path() / "PWNED";
    std::string slashless = marker.string();  // a folder name cannot hold '/': Tcl makes it from '@'
    std::replace(slashless.begin(), slashless.end(), '/', '@');
    const fs::path spaced = dir.path() / "cells with space" / "osu018 stdcells.lib";
    const fs::path bracketed = dir.path() /
                               ("cells [exec touch [string map [list @ [format %c 47]] " + slashless + "]]") /
                               "osu018.lib";
    for (const fs::path& lib : {spaced, bracketed}) {
        fs::create_directories(lib.parent_path());
        fs::copy_file(named_liberty("osu018"), lib);
    }
    const auto net = small_network({2}, 3, 13);
    const Stimuli stream = stimuli_at(2e5, 20, 6);

    SynthesisOptions o = fast_options();
    o.liberty = spaced;
    PpaEvaluator with_space(o, dir.path() / "ppa cache");
    const PpaResult r = with_space.evaluate(net, {}, stream);
    BOOST_TEST_MESSAGE("liberty with a space: " << r.area_um2 << " um^2, " << r.critical_path_s * 1e9
                                                << " ns " << r.error);
    BOOST_TEST(r.ok, r.error);
    BOOST_TEST(r.area_um2 > 0.0);
    BOOST_TEST(r.critical_path_s > 0.0);
    BOOST_TEST(r.gate_equals_rtl);

    o.liberty = bracketed;
    PpaEvaluator with_brackets(o, dir.path() / "cache2");
    const PpaResult b = with_brackets.evaluate(net, {}, stream);
    BOOST_TEST_MESSAGE("liberty with a Tcl substitution: " << (b.ok ? "works" : b.error));
    BOOST_TEST((b.ok || b.error_id == "PPA-007"), b.error);
    if (b.ok) BOOST_TEST(b.area_um2 == r.area_um2);  // same cells, same result

    StaJob sta;
    sta.liberty = bracketed;
    sta.netlist = fs::path(r.work_dir) / "netlist.v";
    try {
        const StaResult t = run_sta(sta, dir.path() / "sta");
        BOOST_TEST(t.critical_path_s > 0.0);
    } catch (const PixError& e) {
        BOOST_TEST(e.id() == "PPA-007", e.what());
    }
    BOOST_TEST(!fs::exists(marker));
}

// Two workers evaluating one design at once: each works in a private folder, the first to finish
// publishes into the cache, and both report the same figures from one cache entry.
BOOST_AUTO_TEST_CASE(two_workers_on_one_design_share_one_cache_entry) {
    namespace fs = std::filesystem;
    test::TempDir cache;
    PpaEvaluator first(fast_options(), cache.path()), second(fast_options(), cache.path());
    const auto net = small_network({3}, 3, 17);
    const Stimuli stream = stimuli_at(2e5, 30, 6);
    PpaResult a, b;
    std::atomic<int> waiting{2};
    auto worker = [&](PpaEvaluator& ppa, PpaResult& out) {
        for (--waiting; waiting > 0;) std::this_thread::yield();  // start together
        out = ppa.evaluate(net, {}, stream);
    };
    std::thread t1(worker, std::ref(first), std::ref(a)), t2(worker, std::ref(second), std::ref(b));
    t1.join();
    t2.join();
    BOOST_TEST(a.ok, a.error);
    BOOST_TEST(b.ok, b.error);
    BOOST_TEST(a.cache_key == b.cache_key);
    BOOST_TEST(a.area_um2 == b.area_um2);
    BOOST_TEST(a.critical_path_s == b.critical_path_s);
    BOOST_TEST(a.total_W == b.total_W);
    BOOST_TEST(a.work_dir == b.work_dir);
    int published = 0, leftovers = 0;
    for (const auto& e : fs::directory_iterator(cache.path() / "ppa"))
        (e.path().filename().string().front() == '.' ? leftovers : published) += 1;
    BOOST_TEST(published == 1);
    BOOST_TEST(leftovers == 0);
    BOOST_TEST(fs::exists(fs::path(a.work_dir) / "result.json"));
    BOOST_TEST(fs::exists(fs::path(a.work_dir) / "netlist.v"));
}

// What a script cannot carry is refused with an ID naming the path or name and the character.
BOOST_AUTO_TEST_CASE(unwritable_script_paths_and_names_are_refused) {
    YosysJob y;
    y.liberty = named_liberty("osu018");
    y.sources = {"rtl/a \"quoted\".v"};
    try {
        yosys_script(y);
        BOOST_FAIL("a source path with '\"' was written into the Yosys script");
    } catch (const PixError& e) {
        BOOST_TEST(e.id() == "PPA-007");
        BOOST_TEST(std::string(e.what()).find("rtl/a \"quoted\".v") != std::string::npos, e.what());
    }
    y.sources = {"rtl/with space.v"};
    BOOST_TEST(yosys_script(y).find("read_verilog \"rtl/with space.v\"") != std::string::npos);
    y.liberty = "lib's;cells.lib";  // ABC splits on these even inside quotes
    BOOST_TEST(test::error_id([&] { yosys_script(y); }) == "PPA-007");
    y.liberty = named_liberty("osu018");
    y.top = "top; shell rm -rf x";
    BOOST_TEST(test::error_id([&] { yosys_script(y); }) == "PPA-008");
    BOOST_TEST(test::error_id([] { check_synthesis_folder("/tmp/it's here"); }) == "PPA-007");
    StaJob s;
    s.liberty = "/tmp/a [exec touch x]/cells.lib";
    s.netlist = "netlist.v";
    try {
        sta_script(s);
        BOOST_FAIL("a Tcl command substitution was written into the OpenSTA script");
    } catch (const PixError& e) {
        BOOST_TEST(e.id() == "PPA-007");
        BOOST_TEST(std::string(e.what()).find("' '") != std::string::npos, e.what());  // names the space
    }
    s.liberty = "cells.lib";
    s.clock_port = "clk]; exec touch x; [list";
    BOOST_TEST(test::error_id([&] { sta_script(s); }) == "PPA-008");
}

BOOST_AUTO_TEST_CASE(wide_dont_care_constants_in_a_netlist_read_as_zero) {
    // Yosys writes undriven or unused bits as x in constants of any width (a 144-bit one stopped a
    // trial of the A1 study): each hex digit gives four bits from the least significant, x reads 0.
    test::TempDir dir;
    const std::filesystem::path file = dir.path() / "netlist.v";
    std::ofstream(file) << "module top(a, y);\n  input [1:0] a;\n  wire [1:0] a;\n  output [71:0] y;\n"
                           "  wire [71:0] y;\n  assign y = 72'hx5xxxxxxxxxxxxxx0f;\nendmodule\n";
    const rtl::Netlist n = rtl::read_netlist(file);
    const auto& y = n.port("y").bits;
    BOOST_REQUIRE(y.size() == 72u);
    for (int b = 0; b < 72; ++b) {
        const bool one = b < 4 || b == 64 || b == 66;  // 0x0f at the bottom, 0x5 in the top byte's low digit
        BOOST_TEST(y[static_cast<std::size_t>(b)] == (one ? rtl::Netlist::kConst1 : rtl::Netlist::kConst0));
    }
}
