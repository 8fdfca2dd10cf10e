#include "rtl_gen/synthesis/ppa.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "models/network/integer_reference.hpp"
#include "rtl_gen/synthesis/clock_gate.hpp"
#include "rtl_gen/synthesis/dont_use.hpp"
#include "rtl_gen/synthesis/gate_simulator.hpp"
#include "rtl_gen/synthesis/netlist.hpp"
#include "rtl_gen/synthesis/power_model.hpp"
#include "rtl_gen/verilog_writer.hpp"
#include "rtl_gen/work_folder.hpp"

namespace pixforge::rtl {

namespace fs = std::filesystem;

namespace {

constexpr int kPpaVersion = 2;  // bump when the flow, the power model or the result changes (2: block)

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The smallest single-input inverter: ABC's assumed input driver for the delay strategy.
std::string weakest_inverter(const Liberty& lib) {
    std::string best;
    double area = 1e300;
    for (const auto& [name, cell] : lib.cells) {
        int inputs = 0;
        const LibertyPin* out = nullptr;
        for (const auto& p : cell.pins) {
            if (p.direction == LibertyPin::Direction::Input) ++inputs;
            if (p.direction == LibertyPin::Direction::Output) out = &p;
        }
        if (inputs != 1 || !out || cell.ff) continue;
        std::string f = out->function;
        f.erase(std::remove_if(f.begin(), f.end(), [](char c) { return c == ' ' || c == '(' || c == ')'; }),
                f.end());
        const std::string in = cell.pins.front().direction == LibertyPin::Direction::Input
                                   ? cell.pins.front().name
                                   : cell.pins.back().name;
        if ((f == "!" + in || f == in + "'") && cell.area < area) best = name, area = cell.area;
    }
    return best;
}

std::string stimuli_hash(const Stimuli& s) {
    ContentHash h;
    h.add(s.clock_period_s);
    for (const auto& w : s.windows) {
        h.add(static_cast<std::int64_t>(w.ready_cycle));
        for (auto v : w.samples) h.add(static_cast<std::int64_t>(v));
    }
    return h.hex();
}

std::string stimuli_hash(const SampleStimuli& s) {
    ContentHash h;
    h.add(std::string("pixel stream"))
        .add(s.clock_period_s)
        .add(static_cast<std::int64_t>(s.cycles_per_sample));
    for (const std::uint16_t code : s.codes) h.add(static_cast<std::int64_t>(code));
    return h.hex();
}

// The gate-level out_data field by field, sign-extended, against the RTL's outputs.
bool same_outputs(const GateSimulator& gate, int out_data, const GeneratedRtl& rtl,
                  const std::vector<std::int64_t>& expected) {
    for (int o = 0; o < rtl.outputs; ++o) {
        const std::uint64_t raw = gate.output(out_data, o * rtl.output_bits, rtl.output_bits);
        const auto value = static_cast<std::int64_t>(raw << (64 - rtl.output_bits)) >> (64 - rtl.output_bits);
        if (value != expected[static_cast<size_t>(o)]) return false;
    }
    return true;
}

}  // namespace

SynthesisOptions SynthesisOptions::from_config(const Config& config) {
    SynthesisOptions o;
    const std::string lib = config.text("synthesis.liberty");
    o.liberty = named_liberty(lib);  // LIB-001 itself for a named library that is missing
    if (!fs::exists(o.liberty))
        throw PixError("LIB-001",
                       fmt::format("{}: synthesis.liberty = \"{}\" does not exist (expected a .lib or "
                                   ".lib.gz file)",
                                   config.source(), lib));
    o.dont_use = config.text("synthesis.dont_use");
    o.strategy = parse_strategy(config.text("synthesis.strategy"));
    o.clock_period_s = config.real("synthesis.clock_period");
    o.io_delay_s = config.real("synthesis.io_delay");
    o.output_load_F = config.real("synthesis.output_load");
    o.input_transition_s = config.real("synthesis.input_transition");
    o.yosys_timeout_s = config.real("synthesis.yosys_timeout");
    o.sta_timeout_s = config.real("synthesis.sta_timeout");
    o.power_windows = static_cast<int>(config.integer("synthesis.power_windows"));
    return o;
}

PpaEvaluator::PpaEvaluator(SynthesisOptions options, fs::path cache_dir)
    : options_(std::move(options)),
      cache_(fs::absolute(std::move(cache_dir))),
      liberty_(read_liberty(options_.liberty)) {
    driving_cell_ = weakest_inverter(liberty_);
    check_synthesis_folder(cache_);  // before any work: every candidate would fail the same way
    fs::create_directories(cache_ / "ppa");
    tool_liberty_ = fs::absolute(plain_liberty(liberty_, cache_));
    dont_use_ = dont_use_cells(liberty_, dont_use_patterns(options_.dont_use, liberty_));
    synth_liberty_ = fs::absolute(synthesis_liberty(liberty_, tool_liberty_, dont_use_, cache_));
    clock_gate_ = clock_gate_recipe(liberty_, dont_use_);
}

namespace {

bool has_clock_gates(const GeneratedRtl& rtl) {
    return std::any_of(rtl.files.begin(), rtl.files.end(),
                       [](const auto& f) { return f.name == kClockGateFile; });
}

}  // namespace

PpaResult PpaEvaluator::described(const std::string& network_hash, const std::string& template_name,
                                  bool pixel_block) const {
    PpaResult r;
    r.block = pixel_block ? "pixel" : "network";
    r.network_hash = network_hash;
    r.template_name = template_name;
    r.liberty = options_.liberty.string();
    r.liberty_hash = liberty_.content_hash();
    r.library = liberty_.name;
    r.dont_use_cells = static_cast<int>(dont_use_.size());
    r.strategy = strategy_name(options_.strategy);
    r.clock_period_s = options_.clock_period_s;
    return r;
}

PpaResult PpaEvaluator::run_flow(const GeneratedRtl& rtl, const models::NetworkProxies& proxies,
                                 const std::string& stimuli_key, const PowerRun& power_run) {
    const auto start = std::chrono::steady_clock::now();
    PpaResult r = described(rtl.network_hash, rtl.template_name, rtl.pixel_block);
    r.rtl_hash = rtl.rtl_hash();
    r.latency_cycles = rtl.timing.latency;
    r.initiation_interval = rtl.timing.initiation_interval;
    r.macs = proxies.macs, r.bops = proxies.bops, r.parameter_bits = proxies.parameter_bits;

    // The tools read the liberty through links in the work folder: scripts and cache key then
    // hold no path of the user's or the cache's, whatever characters those contain. Yosys maps to
    // the library without its dont-use cells; OpenSTA times against the whole library.
    const fs::path liberty_link = "cells.lib", synth_liberty_link = "synth_cells.lib";
    YosysJob yosys;
    yosys.top = rtl.top;
    yosys.liberty = synth_liberty_link;
    yosys.strategy = options_.strategy;
    yosys.clock_period_s = options_.clock_period_s;
    yosys.driving_cell = driving_cell_;
    yosys.abc_load = options_.output_load_F / liberty_.capacitance_unit_F;
    yosys.timeout_s = options_.yosys_timeout_s;
    for (const auto& f : rtl.files) yosys.sources.push_back(fs::path("rtl") / f.name);
    const bool gated = has_clock_gates(rtl);
    if (gated) yosys.cell_liberty = liberty_link;  // the clock-gate cell is not in the synthesis copy
    StaJob sta;
    sta.top = rtl.top;
    sta.liberty = liberty_link;
    sta.clock_period_s = options_.clock_period_s;
    sta.io_delay_s = options_.io_delay_s;
    sta.output_load_F = options_.output_load_F;
    sta.time_unit_s = liberty_.time_unit_s;
    sta.capacitance_unit_F = liberty_.capacitance_unit_F;
    sta.timeout_s = options_.sta_timeout_s;
    sta.netlist = "netlist.v";

    r.cache_key = ContentHash()
                      .add(static_cast<std::int64_t>(kPpaVersion))
                      .add(r.rtl_hash)
                      .add(r.liberty_hash)
                      .add(fmt::format("{}", fmt::join(dont_use_, ",")))
                      .add(gated ? clock_gate_.describe() : std::string())
                      .add(yosys_script(yosys))
                      .add(sta_script(sta))
                      .add(options_.input_transition_s)
                      .add(stimuli_key)
                      .hex();
    const fs::path final_dir = cache_ / "ppa" / r.cache_key;
    if (fs::exists(final_dir / "result.json")) {
        std::ifstream in(final_dir / "result.json");
        PpaResult cached = PpaResult::from_json(nlohmann::json::parse(in));
        cached.cached = true;
        cached.total_s = seconds_since(start);
        return cached;
    }
    // A private folder per run: another worker on the same key has its own, and the first to
    // finish publishes (work_folder.hpp).
    const fs::path work = make_private_folder(cache_ / "ppa", r.cache_key);
    fs::create_symlink(tool_liberty_, work / liberty_link);
    fs::create_symlink(synth_liberty_, work / synth_liberty_link);
    write_rtl(rtl, (work / "rtl").string());
    r.work_dir = work.string();

    std::string stage = "synthesis";
    try {
        // The generator's behavioural clock gate, replaced for synthesis by the library's cells.
        if (gated)
            std::ofstream(work / "rtl" / kClockGateFile) << clock_gate_.verilog(options_.liberty.string());
        const YosysResult y = run_yosys(yosys, work);
        r.yosys_s = y.seconds;
        r.area_um2 = y.area, r.cells = y.cells, r.cell_counts = y.cell_counts;
        for (const auto& [type, n] : y.cell_counts)
            if (liberty_.cell(type).ff) r.flip_flops += n;

        stage = "timing";
        const StaResult t = run_sta(sta, work);
        r.sta_s = t.seconds;
        r.worst_slack_s = t.worst_slack_s, r.critical_path_s = t.critical_path_s,
        r.max_clock_Hz = t.max_clock_Hz;
        r.timing_met = t.worst_slack_s >= 0;

        stage = "power";
        const auto power_start = std::chrono::steady_clock::now();
        const Netlist netlist = read_netlist(y.netlist);
        GateSimulator gate(netlist, liberty_);
        power_run(rtl, gate, r);
        r.flip_flops =
            static_cast<int>(gate.flip_flops());  // a discrete clock gate's hold flip-flop is not data
        r.gated_flip_flops = static_cast<int>(gate.gated_flip_flops());
        r.clock_gates = static_cast<int>(gate.gated_clock_nets().size());
        PowerConditions conditions;
        conditions.clock_period_s = options_.clock_period_s;
        conditions.output_load_F = options_.output_load_F;
        conditions.input_transition_s = options_.input_transition_s;
        const PowerReport p = estimate_power(netlist, liberty_, gate.toggles(), gate.clock_net(),
                                             gate.gated_clock_nets(), gate.cycles(), conditions);
        r.leakage_W = p.leakage_W, r.internal_W = p.internal_W, r.switching_W = p.switching_W;
        r.clock_W = p.clock_W, r.total_W = p.total_W(), r.mean_toggle_rate = p.mean_toggle_rate;
        r.energy_per_inference_J = r.power_windows
                                       ? r.total_W * static_cast<double>(r.power_cycles) *
                                             options_.clock_period_s / static_cast<double>(r.power_windows)
                                       : 0;
        r.power_s = seconds_since(power_start);
        r.gate_equals_rtl = r.output_mismatches == 0;
        if (!r.gate_equals_rtl) {
            stage = "equivalence";
            throw PixError("PPA-006",
                           fmt::format("the gate-level netlist differs from the RTL in {} of {} cycles",
                                       r.output_mismatches, r.simulated_cycles));
        }
        r.ok = true;
    } catch (const PixError& e) {
        r.ok = false;
        r.failed_stage = stage;
        r.error = e.what();
        r.error_id = e.id();
    }
    r.total_s = seconds_since(start);
    if (r.ok) r.work_dir = final_dir.string();  // where the files are once published
    {
        std::ofstream out(work / "result.json");
        out << r.to_json().dump(2) << "\n";
        if (!out) throw PixError("PIX-002", fmt::format("cannot write {}", (work / "result.json").string()));
    }
    if (!r.ok) return r;  // left in place for inspection, never reused
    if (publish_folder(work, final_dir)) return r;
    // Another worker published this key first: use its result, so every caller sees one figure.
    std::ifstream in(final_dir / "result.json");
    PpaResult winner = PpaResult::from_json(nlohmann::json::parse(in));
    winner.total_s = r.total_s;
    return winner;
}

PpaResult PpaEvaluator::evaluate(const models::QuantizedNetwork& net, const HardwareTemplate& hw,
                                 const Stimuli& stimuli) {
    const GeneratedRtl rtl = generate_verilog(net, hw);
    auto power_run = [&](const GeneratedRtl& g, GateSimulator& gate, PpaResult& r) {
        const int rst = gate.port_index("rst"), in_valid = gate.port_index("in_valid"),
                  out_ready = gate.port_index("out_ready"), in_samples = gate.port_index("in_samples"),
                  in_ready = gate.port_index("in_ready"), out_valid = gate.port_index("out_valid"),
                  out_data = gate.port_index("out_data");
        VerilatedLibraryBuilder builder(cache_);
        VerilatedNetwork reference(builder.build(g).library);
        reference.reset();
        auto step = [&](bool reset, bool valid, const std::uint16_t* samples, bool ready, bool& took) {
            gate.set_input(rst, 0, 1, reset);
            gate.set_input(in_valid, 0, 1, valid);
            gate.set_input(out_ready, 0, 1, ready);
            if (valid)
                for (int s = 0; s < g.samples; ++s)
                    gate.set_input(in_samples, s * g.sample_bits, g.sample_bits, samples[s]);
            gate.settle();
            took = gate.output(in_ready, 0, 1) != 0;
            const bool gate_valid = gate.output(out_valid, 0, 1) != 0;
            if (!reset) {  // the reference was reset by reset(); compare every later cycle
                const VerilatedNetwork::Cycle c = reference.step(valid, samples, ready);
                const bool same = c.in_ready == took && c.out_valid == gate_valid &&
                                  (!gate_valid || same_outputs(gate, out_data, g, c.outputs));
                r.output_mismatches += !same;
            }
            gate.clock_edge();
            ++r.simulated_cycles;
            return !gate.take_quiet();
        };
        auto skip = [&](std::uint64_t n) { gate.add_quiet_cycles(n); };
        r.power_cycles = drive(stimuli, g.samples, g.timing.latency + 2, step, skip);
        r.power_windows = stimuli.windows.size();
    };
    return run_flow(rtl, models::theory_proxies(net), stimuli_hash(stimuli), power_run);
}

PpaResult PpaEvaluator::evaluate_pixel_in_chain(const models::QuantizedNetwork& net,
                                                const HardwareTemplate& hw, const models::PixelChain& chain) {
    return evaluate_pixel_in_chain(std::vector<PixelCore>{{net, hw}}, chain);
}

PpaResult PpaEvaluator::evaluate_pixel_in_chain(const std::vector<PixelCore>& cores,
                                                const models::PixelChain& chain) {
    const PixelBlockSpec spec = pixel_block_spec(chain, options_.clock_period_s);
    return evaluate_pixel(cores, spec,
                          sample_stimuli(chain, options_.power_windows, options_.clock_period_s,
                                         spec.cycles_per_sample, chain.params().seed));
}

PpaResult PpaEvaluator::evaluate_pixel(const models::QuantizedNetwork& net, const HardwareTemplate& hw,
                                       const PixelBlockSpec& spec, const SampleStimuli& stimuli) {
    return evaluate_pixel(std::vector<PixelCore>{{net, hw}}, spec, stimuli);
}

PpaResult PpaEvaluator::evaluate_pixel(const std::vector<PixelCore>& cores, const PixelBlockSpec& spec,
                                       const SampleStimuli& stimuli) {
    GeneratedRtl rtl;
    try {
        rtl = generate_pixel_block(cores, spec);
    } catch (const PixError& e) {  // a block that cannot work with this chain: a failed result
        PpaResult r = described(cores_network_hash(cores), cores_template_name(cores), true);
        r.failed_stage = "rtl";
        r.error = e.what();
        r.error_id = e.id();
        return r;
    }
    auto power_run = [&](const GeneratedRtl& g, GateSimulator& gate, PpaResult& r) {
        const int rst = gate.port_index("rst"), s_valid = gate.port_index("s_valid"),
                  s_code = gate.port_index("s_code"), out_ready = gate.port_index("out_ready"),
                  out_valid = gate.port_index("out_valid"), out_data = gate.port_index("out_data");
        const std::vector<std::pair<int, bool models::ClockedPixelBlock::Cycle::*>> flags = {
            {gate.port_index("trig"), &models::ClockedPixelBlock::Cycle::trig},
            {gate.port_index("armed"), &models::ClockedPixelBlock::Cycle::armed},
            {gate.port_index("dead_edge"), &models::ClockedPixelBlock::Cycle::dead_edge},
            {gate.port_index("lost"), &models::ClockedPixelBlock::Cycle::lost},
            {gate.port_index("idle"), &models::ClockedPixelBlock::Cycle::idle},
            {gate.port_index("cap_valid"), &models::ClockedPixelBlock::Cycle::cap_valid}};
        VerilatedLibraryBuilder builder(cache_);
        VerilatedPixelBlock reference(builder.build(g).library);
        reference.reset();
        auto cycle = [&](bool reset, bool valid, std::uint16_t code) {
            gate.set_input(rst, 0, 1, reset);
            gate.set_input(s_valid, 0, 1, valid);
            gate.set_input(s_code, 0, g.sample_bits, code);
            gate.set_input(out_ready, 0, 1, true);
            gate.settle();
            if (!reset) {
                const auto& c = reference.step(valid, code, true);
                const bool gate_valid = gate.output(out_valid, 0, 1) != 0;
                bool same =
                    c.out_valid == gate_valid && (!gate_valid || same_outputs(gate, out_data, g, c.outputs));
                for (const auto& [port, flag] : flags)
                    same = same && (gate.output(port, 0, 1) != 0) == c.*flag;
                r.output_mismatches += !same;
                r.power_windows += valid && c.trig && !c.lost;
            }
            gate.clock_edge();
            ++r.simulated_cycles;
        };
        for (int i = 0; i < 2; ++i) cycle(true, false, 0);
        for (const std::uint16_t code : stimuli.codes)
            for (int c = 0; c < stimuli.cycles_per_sample; ++c) cycle(false, c == 0, code);
        r.power_cycles = r.simulated_cycles;
    };
    models::NetworkProxies proxies;  // of all the block's networks
    for (const PixelCore& c : cores) {
        const models::NetworkProxies p = models::theory_proxies(c.network);
        proxies.macs += p.macs, proxies.bops += p.bops, proxies.parameter_bits += p.parameter_bits;
    }
    return run_flow(rtl, proxies, stimuli_hash(stimuli), power_run);
}

namespace {

// Each field of a result once, with its JSON key, for both directions (result.json in the cache).
template <typename Result, typename Visit>
void each_field(Result& r, Visit&& v) {
    v("ok", r.ok), v("failed_stage", r.failed_stage), v("error", r.error), v("error_id", r.error_id);
    v("rtl_hash", r.rtl_hash), v("network_hash", r.network_hash), v("template", r.template_name);
    v("liberty", r.liberty), v("liberty_hash", r.liberty_hash), v("library", r.library), v("block", r.block);
    v("dont_use_cells", r.dont_use_cells), v("strategy", r.strategy), v("cache_key", r.cache_key);
    v("area_um2", r.area_um2), v("cells", r.cells), v("flip_flops", r.flip_flops);
    v("gated_flip_flops", r.gated_flip_flops), v("clock_gates", r.clock_gates);
    v("cell_counts", r.cell_counts), v("clock_period_s", r.clock_period_s);
    v("worst_slack_s", r.worst_slack_s), v("critical_path_s", r.critical_path_s);
    v("max_clock_Hz", r.max_clock_Hz), v("timing_met", r.timing_met);
    v("latency_cycles", r.latency_cycles), v("initiation_interval", r.initiation_interval);
    v("leakage_W", r.leakage_W), v("internal_W", r.internal_W), v("switching_W", r.switching_W);
    v("clock_W", r.clock_W), v("total_W", r.total_W);
    v("energy_per_inference_J", r.energy_per_inference_J), v("mean_toggle_rate", r.mean_toggle_rate);
    v("power_cycles", r.power_cycles), v("simulated_cycles", r.simulated_cycles);
    v("power_windows", r.power_windows), v("gate_equals_rtl", r.gate_equals_rtl);
    v("output_mismatches", r.output_mismatches), v("macs", r.macs), v("bops", r.bops);
    v("parameter_bits", r.parameter_bits), v("yosys_s", r.yosys_s), v("sta_s", r.sta_s);
    v("power_s", r.power_s), v("total_s", r.total_s), v("work_dir", r.work_dir);
}

}  // namespace

nlohmann::json PpaResult::to_json() const {
    nlohmann::json j = nlohmann::json::object();
    each_field(*this, [&j](const char* key, const auto& value) { j[key] = value; });
    j["power_uW"] = {{"total", total_W * 1e6},  // the same figures in the unit a pixel budget is written in
                     {"clock", clock_W * 1e6},
                     {"switching", switching_W * 1e6},
                     {"internal", internal_W * 1e6},
                     {"leakage", leakage_W * 1e6}};
    return j;
}

PpaResult PpaResult::from_json(const nlohmann::json& j) {
    PpaResult r;
    each_field(r, [&j](const char* key, auto& field) {
        if (j.contains(key)) j.at(key).get_to(field);
    });
    return r;
}

// [synthesis]: the keys SynthesisOptions::from_config reads.
void declare_synthesis_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(text("synthesis.liberty", "sky130hd",
               "cell library: sky130hd (SkyWater SKY130 high density, typical corner, shipped in pdk/), "
               "osu018 (Debian's OSU 0.18 um, qflow-tech-osu018), or the path of a .lib or .lib.gz"));
    s.add(text("synthesis.dont_use", "auto",
               "cells synthesis must not use: auto (the library's known list, docs/synthesis.md), none, "
               "or comma-separated cell names with * and ? wildcards"));
    s.add(choice("synthesis.strategy", {"balanced", "area", "delay", "fast"},
                 "ABC mapping: balanced (Yosys default), area, delay (buffering and sizing), fast (abc "
                 "-fast, screening)"));
    s.add(real("synthesis.clock_period", Dimension::Time, "\"10ns\"", 1e-11, 1e-3,
               "digital clock period of the in-pixel logic"));
    s.add(real("synthesis.io_delay", Dimension::Time, "\"0ns\"", 0, 1e-3,
               "input and output delay outside the block, for STA"));
    s.add(real("synthesis.output_load", Dimension::Capacitance, "\"10fF\"", 0, 1e-9,
               "load on every output port"));
    s.add(real("synthesis.input_transition", Dimension::Time, "\"100ps\"", 1e-13, 1e-8,
               "nominal input transition for internal-power lookups"));
    s.add(real("synthesis.yosys_timeout", Dimension::Time, "\"1800s\"", 1, 1e6,
               "wall-clock limit of one Yosys run"));
    s.add(real("synthesis.sta_timeout", Dimension::Time, "\"300s\"", 1, 1e6,
               "wall-clock limit of one OpenSTA run"));
    s.add(integer("synthesis.power_windows", "400", 1, 1e8,
                  "triggered windows of the pulse stream simulated at gate level for power and equivalence"));
}

}  // namespace pixforge::rtl
