// Power, performance and area of one candidate (network x hardware template) with real tools:
// Yosys maps the generated RTL to the liberty, OpenSTA times the netlist at the clock, and the
// gate-level simulation of the netlist under the scenario's pulse stream gives switching activity
// for the power model and, cycle by cycle, the outputs that must equal the Verilated RTL's.
//
// Results are cached in <cache>/ppa/<key>/ by a hash of the RTL, the liberty's bytes, the Yosys
// script, the STA constraints, the power conditions and the stimuli; a failed stage is reported
// in the result (ok = false, stage, error), never as a made-up number, and is not cached.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/config.hpp"
#include "models/network/integer_reference.hpp"
#include "models/network/quantized_network.hpp"
#include "rtl_gen/pixel_block.hpp"
#include "rtl_gen/synthesis/clock_gate.hpp"
#include "rtl_gen/synthesis/gate_simulator.hpp"
#include "rtl_gen/synthesis/liberty.hpp"
#include "rtl_gen/synthesis/stimuli.hpp"
#include "rtl_gen/synthesis/tool_flows.hpp"
#include "rtl_gen/verilated_library.hpp"

namespace pixforge::rtl {

struct SynthesisOptions {
    std::filesystem::path liberty;  // resolved: never empty
    std::string dont_use = "auto";  // cells kept out of synthesis (dont_use.hpp)
    AbcStrategy strategy = AbcStrategy::Balanced;
    double clock_period_s = 10e-9, io_delay_s = 0, output_load_F = 10e-15, input_transition_s = 100e-12;
    double yosys_timeout_s = 1800, sta_timeout_s = 300;
    int power_windows = 400;
    static SynthesisOptions from_config(const Config& config);  // LIB-001 when the liberty is missing
};

struct PpaResult {
    bool ok = false;
    std::string failed_stage, error,
        error_id;  // stage: rtl (pixel block), synthesis, timing, power, equivalence
    std::string rtl_hash, network_hash, template_name, liberty, liberty_hash, strategy, cache_key;
    std::string block =
        "network";           // what was synthesized: "network" (pixforge_net) or "pixel" (the whole block)
    std::string library;     // the liberty's library name, e.g. sky130_fd_sc_hd__tt_025C_1v80
    int dont_use_cells = 0;  // cells of the library kept out of synthesis
    bool cached = false;
    // area
    double area_um2 = 0;
    int cells = 0, flip_flops = 0;
    int gated_flip_flops = 0, clock_gates = 0;  // flip-flops behind a clock gate, and the gates
    std::map<std::string, int> cell_counts;
    // timing
    double clock_period_s = 0, worst_slack_s = 0, critical_path_s = 0, max_clock_Hz = 0;
    bool timing_met = false;
    int latency_cycles = 0, initiation_interval = 0;
    // power, at the scenario's event rate
    double leakage_W = 0, internal_W = 0, switching_W = 0, clock_W = 0, total_W = 0;
    double energy_per_inference_J = 0;  // total power x time / windows processed
    double mean_toggle_rate = 0;        // toggles per net per cycle
    std::uint64_t power_cycles = 0, power_windows = 0, simulated_cycles = 0;
    bool gate_equals_rtl = false;
    std::uint64_t output_mismatches = 0;
    // theory proxies of the network, beside the measured figures
    std::int64_t macs = 0, bops = 0, parameter_bits = 0;
    // wall time per stage, s
    double yosys_s = 0, sta_s = 0, power_s = 0, total_s = 0;
    std::string work_dir;  // netlist, scripts and logs

    nlohmann::json to_json() const;
    static PpaResult from_json(const nlohmann::json& j);
};

class PpaEvaluator {
  public:
    // Reads the liberty once (LIB-00x errors propagate: without a library nothing can be done).
    PpaEvaluator(SynthesisOptions options, std::filesystem::path cache_dir);

    // Never throws for a candidate's own failure: the result says which stage failed and why.
    PpaResult evaluate(const models::QuantizedNetwork& net, const HardwareTemplate& hw,
                       const Stimuli& stimuli);
    // The pixel's whole digital block (rtl_gen/pixel_block) under the ADC stream: area, timing and
    // power count the trigger, capture and network; the gate level must equal the RTL's every cycle
    // on every output port.
    PpaResult evaluate_pixel(const models::QuantizedNetwork& net, const HardwareTemplate& hw,
                             const PixelBlockSpec& spec, const SampleStimuli& stimuli);
    // A block of several networks (PixelCore), each on its own template; the proxies are their sums.
    PpaResult evaluate_pixel(const std::vector<PixelCore>& cores, const PixelBlockSpec& spec,
                             const SampleStimuli& stimuli);
    // The pixel block `chain` needs at the options' clock, under the chain's own ADC stream of
    // power_windows pulses: what a trial, `pixforge synth` and `pixforge validate` measure.
    PpaResult evaluate_pixel_in_chain(const models::QuantizedNetwork& net, const HardwareTemplate& hw,
                                      const models::PixelChain& chain);
    PpaResult evaluate_pixel_in_chain(const std::vector<PixelCore>& cores, const models::PixelChain& chain);

    const SynthesisOptions& options() const { return options_; }
    const Liberty& liberty() const { return liberty_; }

  private:
    // Drives the gate-level simulation against the Verilated RTL and fills the power-run counts
    // (power_cycles, power_windows, simulated_cycles, output_mismatches).
    using PowerRun = std::function<void(const GeneratedRtl&, GateSimulator&, PpaResult&)>;
    // A result that names the design, library and flow settings, before any stage ran.
    PpaResult described(const std::string& network_hash, const std::string& template_name,
                        bool pixel_block) const;
    PpaResult run_flow(const GeneratedRtl& rtl, const models::NetworkProxies& proxies,
                       const std::string& stimuli_hash, const PowerRun& power_run);

    SynthesisOptions options_;
    std::filesystem::path cache_;
    Liberty liberty_;
    std::filesystem::path tool_liberty_;   // what OpenSTA reads (never .gz)
    std::filesystem::path synth_liberty_;  // what Yosys maps to: tool_liberty_ without dont_use_
    std::vector<std::string> dont_use_;
    ClockGateRecipe clock_gate_;  // what the generator's clock gates become in this library
    std::string driving_cell_;
};

// [synthesis]: the keys SynthesisOptions::from_config reads.
void declare_synthesis_keys(ConfigSchema& schema);

}  // namespace pixforge::rtl
