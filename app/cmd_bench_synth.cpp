// pixforge bench-synth: wall time of synthesis + STA + power, and how well the theory proxies
// (MACs, BOPs, parameter bits) rank designs against synthesized area, power and delay.
#include <cmath>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/config.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/network/random_network.hpp"
#include "optimizer/rank_correlation.hpp"
#include "rtl_gen/synthesis/ppa.hpp"

namespace pixforge::app {

namespace {

// Spearman's rho, or "undefined" (fewer than two designs, or one side constant).
std::string correlation_text(const std::vector<double>& a, const std::vector<double>& b) {
    const double rho = optimizer::spearman(a, b);
    return std::isfinite(rho) ? fmt::format("{:.3f}", rho) : std::string("undefined");
}

}  // namespace

Action add_bench_synth_command(CLI::App& cmd) {
    struct Options {
        ConfigOptions config;
        int designs = 20;
        std::string cache;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd, false);
    cmd.add_option("--designs", o->designs,
                   "designs in the sweep (random networks over widths, bits, templates)")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    cmd.add_option("--cache", o->cache,
                   "cache (default $PIXFORGE_CACHE or ~/.cache/pixforge); a warm cache times nothing");
    cmd.footer(
        "Example:\n  pixforge bench-synth -c configs/default.toml --designs 20 --cache /tmp/bench-cache");
    return [o](std::ostream& out, std::ostream&) {
        const Config config = o->config.load();
        const rtl::SynthesisOptions options = rtl::SynthesisOptions::from_config(config);
        const models::PixelChain chain(models::chain_params_from(config));
        rtl::PpaEvaluator ppa(options, rtl::VerilatedLibraryBuilder::cache_or_default(o->cache));
        const std::vector<std::vector<int>> widths{{2}, {4}, {8}, {4, 4}, {6}};
        const std::vector<int> bits{2, 3, 4, 6};
        std::vector<double> macs, bops, pbits, area, power, delay;
        out << fmt::format("{:>3} {:<34} {:<12} {:>6} {:>7} {:>8} {:>11} {:>9} {:>9} {:>8}\n", "#", "network",
                           "template", "MACs", "BOPs", "par.bits", "area um^2", "power uW", "delay ns",
                           "wall s");
        for (int d = 0; d < o->designs; ++d) {
            models::NetShape shape;
            shape.hidden = widths[static_cast<size_t>(d) % widths.size()];
            shape.weight_bits = bits[static_cast<size_t>(d / 2 + d) % bits.size()];
            shape.activation_bits = 6;
            shape.outputs = 2;
            const int window = 6 + 2 * (d % 3);
            const auto net = models::random_network(shape, 100 + static_cast<std::uint64_t>(d), window);
            rtl::HardwareTemplate hw;
            if (d % 4 == 3) hw.kind = rtl::TemplateKind::Folded, hw.reuse = 2;
            if (d % 4 == 1) hw.pipeline = 2;
            const int samples = rtl::generate_verilog(net, hw).samples;
            const auto stimuli =
                rtl::stream_stimuli(chain, samples, options.power_windows, options.clock_period_s, 7);
            const rtl::PpaResult r = ppa.evaluate(net, hw, stimuli);
            out << fmt::format(
                "{:>3} {:<34} {:<12} {:>6} {:>7} {:>8} {:>11.0f} {:>9.1f} {:>9.3f} {:>8.2f}{}\n", d,
                models::describe_layers(net), hw.name(), r.macs, r.bops, r.parameter_bits, r.area_um2,
                r.total_W * 1e6, r.critical_path_s * 1e9, r.total_s,
                r.ok ? "" : "  FAILED " + r.failed_stage);
            out.flush();
            if (!r.ok) continue;
            macs.push_back(static_cast<double>(r.macs)), bops.push_back(static_cast<double>(r.bops));
            pbits.push_back(static_cast<double>(r.parameter_bits));
            area.push_back(r.area_um2), power.push_back(r.total_W), delay.push_back(r.critical_path_s);
        }
        out << fmt::format(
            "\nSpearman rank correlation over {} designs (1 = the proxy ranks designs exactly as "
            "synthesis does)\n{:<16} {:>8} {:>8} {:>8}\n",
            area.size(), "proxy", "area", "power", "delay");
        for (const auto& [name, proxy] :
             {std::pair{"MACs", &macs}, std::pair{"BOPs", &bops}, std::pair{"parameter bits", &pbits}})
            out << fmt::format("{:<16} {:>8} {:>8} {:>8}\n", name, correlation_text(*proxy, area),
                               correlation_text(*proxy, power), correlation_text(*proxy, delay));
        return 0;
    };
}

}  // namespace pixforge::app
