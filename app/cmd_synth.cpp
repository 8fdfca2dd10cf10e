// pixforge synth: power, performance and area of a trained network on a hardware template, with
// Yosys, OpenSTA and the activity-based power model (rtl_gen/synthesis/).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "core/config.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "rtl_gen/synthesis/ppa.hpp"

namespace pixforge::app {

namespace {

void print_ppa(const rtl::PpaResult& r, std::ostream& out) {
    out << fmt::format("PPA of {} {} on {} ({}, strategy {}{})\n",
                       r.block == "pixel" ? "the pixel block of network" : "network", r.network_hash,
                       r.template_name, r.liberty, r.strategy, r.cached ? ", cached" : "");
    out << fmt::format("  cell library        {} ({} cells kept out of synthesis: synthesis.dont_use)\n",
                       r.library, r.dont_use_cells);
    if (!r.ok) {
        out << fmt::format("FAILED at {}: {}\n", r.failed_stage, r.error);
        return;
    }
    const double ns = 1e9, uw = 1e6;
    out << fmt::format(
        "  area                {:12.0f} um^2  ({:.4f} mm^2), {} cells, {} flip-flops ({} behind {} clock "
        "gates)\n",
        r.area_um2, r.area_um2 * 1e-6, r.cells, r.flip_flops, r.gated_flip_flops, r.clock_gates);
    out << fmt::format("  clock               {:12.3f} ns    ({:.1f} MHz)\n", r.clock_period_s * ns,
                       1e-6 / r.clock_period_s);
    out << fmt::format(
        "  critical path       {:12.3f} ns    (max clock {:.1f} MHz), worst slack {:.3f} ns: {}\n",
        r.critical_path_s * ns, r.max_clock_Hz * 1e-6, r.worst_slack_s * ns,
        r.timing_met ? "timing met" : "VIOLATED");
    out << fmt::format("  latency             {:12d} cycles ({:.1f} ns), initiation interval {} cycles\n",
                       r.latency_cycles, r.latency_cycles * r.clock_period_s * ns, r.initiation_interval);
    out << fmt::format(
        "  power, total        {:12.3f} uW    (leakage {:.3f}, logic internal {:.3f}, logic switching "
        "{:.3f}, "
        "clock {:.3f})\n",
        r.total_W * uw, r.leakage_W * uw, r.internal_W * uw, r.switching_W * uw, r.clock_W * uw);
    out << fmt::format(
        "  energy / inference  {:12.3f} pJ    ({} windows over {:.1f} us, {} of {} cycles simulated, "
        "{:.4f} toggles/net/cycle)\n",
        r.energy_per_inference_J * 1e12, r.power_windows, r.power_cycles * r.clock_period_s * 1e6,
        r.simulated_cycles, r.power_cycles, r.mean_toggle_rate);
    out << fmt::format("  gate level = RTL    {:>12}       ({} mismatching cycles)\n",
                       r.gate_equals_rtl ? "yes" : "NO", r.output_mismatches);
    out << fmt::format("  theory proxies      {:12d} MACs, {} BOPs, {} parameter bits\n", r.macs, r.bops,
                       r.parameter_bits);
    out << fmt::format(
        "  wall time           {:12.2f} s     (Yosys {:.2f}, OpenSTA {:.2f}, power + equivalence {:.2f})\n",
        r.total_s, r.yosys_s, r.sta_s, r.power_s);
    out << fmt::format("  files               {}\n", r.work_dir);
}

}  // namespace

Action add_synth_command(CLI::App& cmd) {
    struct Options {
        ConfigOptions config;
        std::string net, cache;
        TemplateOptions hardware;
        std::string block = "pixel";
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd);
    cmd.add_option("-n,--net", o->net, "trained network (from pixforge train)")->required();
    o->hardware.add_to(cmd);
    cmd.add_option("--cache", o->cache,
                   "cache of builds and PPA results (default $PIXFORGE_CACHE or ~/.cache/pixforge)");
    cmd.add_option("--block", o->block,
                   "pixel: the pixel's whole digital block (trigger, capture, network) under the ADC stream; "
                   "network: the network alone under captured windows")
        ->check(CLI::IsMember({"pixel", "network"}))
        ->capture_default_str();
    cmd.add_flag("--json", o->json, "print the result as JSON");
    cmd.footer(
        "[synthesis] keys of the config choose the liberty (default: SKY130 hd, shipped in pdk/; osu018:\n"
        "Debian's OSU 0.18 um), the cells synthesis must not use, the ABC\n"
        "strategy (balanced | area | delay | fast), the clock, I/O delays, the output load and the\n"
        "number of pulses simulated for power. Power is the mean at the scenario's pulse rate (idle\n"
        "cycles included), from per-net toggles of a gate-level simulation whose outputs must equal the\n"
        "RTL's. By default the whole pixel block is synthesized (trigger, dead time, pre-trigger and\n"
        "window capture, network; rtl_gen/pixel_block.hpp) and driven by every ADC sample; --block\n"
        "network takes the network alone. Method and assumptions: docs/synthesis.md. Example:\n"
        "  pixforge synth -c configs/default.toml -n out/default/network.h5 -t folded -r 4\n"
        "  pixforge synth -c configs/default.toml -n net.h5 --set synthesis.strategy=\\\"fast\\\" --json");
    return [o](std::ostream& out, std::ostream&) {
        const Config config = o->config.load();
        const rtl::SynthesisOptions options = rtl::SynthesisOptions::from_config(config);
        const models::QuantizedNetwork net = models::load_network(o->net);
        const rtl::HardwareTemplate hw = o->hardware.parse();
        const models::PixelChain chain(models::chain_params_from(config));
        rtl::PpaEvaluator evaluator(options, rtl::CandidateBuilder::cache_or_default(o->cache));
        rtl::PpaResult r;
        if (o->block == "pixel") {
            // A block this chain cannot hold is a bad input (RTL-003, exit 2), not a failed result.
            rtl::generate_pixel_block(net, hw, rtl::pixel_block_spec(chain, options.clock_period_s));
            r = evaluator.evaluate_pixel_in_chain(net, hw, chain);
        } else {
            const int samples = rtl::generate_verilog(net, hw).samples;
            r = evaluator.evaluate(net, hw,
                                   rtl::stream_stimuli(chain, samples, options.power_windows,
                                                       options.clock_period_s, chain.params().seed));
        }
        if (o->json)
            out << r.to_json().dump(2) << "\n";
        else
            print_ppa(r, out);
        return r.ok ? 0 : 1;
    };
}

}  // namespace pixforge::app
