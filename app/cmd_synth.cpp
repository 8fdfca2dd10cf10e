// pixforge synth: power, performance and area of a trained network on a hardware template, with
// Yosys, OpenSTA and the activity-based power model (rtl_gen/synthesis/).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "core/config.hpp"
#include "datasets/classical_hardware.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "rtl_gen/synthesis/ppa.hpp"
#include "rtl_gen/synthesis/ppa_report.hpp"

namespace pixforge::app {

Action add_synth_command(CLI::App& cmd) {
    struct Options {
        ConfigOptions config;
        std::string net, cache;
        ClassicalHardwareOptions classical;
        TemplateOptions hardware;
        std::string block = "pixel";
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd);
    auto* source = cmd.add_option_group("network", "what is synthesized");
    source->add_option("-n,--net", o->net, "network file (pixforge train, or pixforge classical)");
    o->classical.add_to(
        cmd, *source,
        fmt::format("a classical estimator as integer hardware instead, calibrated on --dataset: {} "
                    "(docs/classical_hardware.md)",
                    fmt::join(datasets::classical_hardware_names(), ", ")),
        true);
    source->require_option(1);
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
        "  pixforge synth -c configs/default.toml --classical cfd --bits 4 -d out/default/dataset.h5 -t "
        "streaming "
        "--clock-gating\n"
        "  pixforge synth -c configs/default.toml -n net.h5 --set synthesis.strategy=\\\"fast\\\" --json");
    return [o](std::ostream& out, std::ostream&) {
        const Config config = o->config.load();
        const rtl::SynthesisOptions options = rtl::SynthesisOptions::from_config(config);
        const models::QuantizedNetwork net =
            o->classical.chosen()
                ? datasets::classical_network(config, datasets::DatasetReader(o->classical.dataset),
                                              {o->classical.name, o->classical.bits})
                : models::load_network(o->net);
        const rtl::HardwareTemplate hw = o->hardware.parse();
        const models::PixelChain chain(models::chain_params_from(config));
        rtl::PpaEvaluator evaluator(options, rtl::VerilatedLibraryBuilder::cache_or_default(o->cache));
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
            rtl::print_ppa(r, out);
        return r.ok ? 0 : 1;
    };
}

}  // namespace pixforge::app
