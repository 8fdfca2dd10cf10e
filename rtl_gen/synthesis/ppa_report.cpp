#include "rtl_gen/synthesis/ppa_report.hpp"

#include <fmt/format.h>

namespace pixforge::rtl {

void print_ppa(const PpaResult& r, std::ostream& out) {
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

}  // namespace pixforge::rtl
