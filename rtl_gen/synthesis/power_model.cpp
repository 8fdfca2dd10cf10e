#include "rtl_gen/synthesis/power_model.hpp"

#include "core/error.hpp"

namespace pixforge::rtl {

PowerReport estimate_power(const Netlist& netlist, const Liberty& liberty,
                           const std::vector<std::uint64_t>& toggles, std::uint32_t clock_net,
                           const std::vector<std::uint32_t>& gated_clock_nets, std::uint64_t cycles,
                           const PowerConditions& c) {
    if (cycles == 0) throw PixError("PPA-005", "power needs at least one simulated clock cycle");
    PowerReport r;
    r.cycles = cycles;
    const double seconds = static_cast<double>(cycles) * c.clock_period_s;
    const double v = liberty.nominal_voltage_V;
    const double energy_unit = liberty.energy_unit_J();
    const double slew = c.input_transition_s / liberty.time_unit_s;  // library units
    std::vector<std::uint8_t> is_clock(netlist.nets(), 0);
    is_clock[clock_net] = 1;
    for (std::uint32_t net : gated_clock_nets) is_clock[net] = 1;
    auto rate = [&](std::uint32_t net) {
        return net == clock_net ? 2.0 / c.clock_period_s : static_cast<double>(toggles[net]) / seconds;
    };

    // Load of every net in library capacitance units.
    std::vector<double> load(netlist.nets(), 0);
    for (const NetlistCell& nc : netlist.cells) {
        const LibertyCell& lc = liberty.cell(nc.type);
        for (const auto& [pin, net] : nc.pins) {
            const LibertyPin* p = lc.pin(pin);
            if (p && p->direction != LibertyPin::Direction::Output) load[net] += p->capacitance;
        }
    }
    for (const NetlistPort& p : netlist.ports)
        if (!p.input)
            for (std::uint32_t net : p.bits) load[net] += c.output_load_F / liberty.capacitance_unit_F;

    for (std::uint32_t net = 2; net < netlist.nets(); ++net) {
        const double w = 0.5 * load[net] * liberty.capacitance_unit_F * v * v * rate(net);
        (is_clock[net] ? r.clock_W : r.switching_W) += w;
    }
    for (const NetlistCell& nc : netlist.cells) {
        const LibertyCell& lc = liberty.cell(nc.type);
        r.leakage_W += lc.leakage * liberty.leakage_unit_W;
        for (const auto& [pin, net] : nc.pins) {
            const LibertyPin* p = lc.pin(pin);
            if (!p || p->internal_power.empty() || net < 2) continue;
            // Per transition of this pin, library units: the mean over the groups (one per
            // related input or `when` state, each equally likely under our ignorance of which fired).
            const bool output = p->direction == LibertyPin::Direction::Output;
            double energy = 0;
            for (const auto& ip : p->internal_power) energy += ip.energy(output ? load[net] : 0, slew);
            energy /= static_cast<double>(p->internal_power.size());
            const double w = energy * energy_unit * rate(net);
            (is_clock[net] ? r.clock_W : r.internal_W) += w;
        }
    }
    double sum = 0;
    std::size_t n = 0;
    for (std::uint32_t net = 2; net < netlist.nets(); ++net)
        if (!is_clock[net]) sum += static_cast<double>(toggles[net]), ++n;
    r.mean_toggle_rate = n ? sum / static_cast<double>(n) / static_cast<double>(cycles) : 0;
    return r;
}

}  // namespace pixforge::rtl
