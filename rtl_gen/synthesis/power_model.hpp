// Power of a mapped netlist from simulated switching activity and the Liberty tables.
//
// Method (assumptions, in order of importance):
//   switching  P_sw  = sum over nets of 1/2 C_net V^2 x (toggles per second). C_net is the sum of
//              the Liberty input capacitances of the pins the net drives, plus the configured load
//              on output ports. No wire capacitance: the liberty has no wire-load model and the
//              design is not placed, so this is a lower bound (placed designs add ~30-50 %).
//   internal   per toggle of a cell output, the mean of rise_power and fall_power over the pin's
//              internal_power groups, looked up at the net's load and a nominal input transition;
//              per toggle of an input pin that carries its own (passive) power, that table.
//   clock      the clock port toggles twice per cycle, a gated clock (a clock gate's output) twice
//              per enabled cycle, as simulated; every pin on a clock net gets its internal power
//              at that net's rate and the net its switching power. Ideal clock: no tree buffers.
//   leakage    the sum of the cells' cell_leakage_power (state-independent mean).
// Activity is zero-delay (no glitches) and comes from the stimuli the caller simulated, idle
// cycles included, so the figures are averages at the scenario's event rate.
#pragma once

#include <cstdint>
#include <vector>

#include "rtl_gen/synthesis/liberty.hpp"
#include "rtl_gen/synthesis/netlist.hpp"

namespace pixforge::rtl {

struct PowerReport {
    double leakage_W = 0;
    double internal_W = 0, switching_W = 0;  // of the data nets and cells
    double clock_W = 0;                      // clock net switching + clock-pin internal power
    double total_W() const { return leakage_W + internal_W + switching_W + clock_W; }
    double mean_toggle_rate = 0;  // toggles per net per cycle (data nets)
    std::uint64_t cycles = 0;
};

struct PowerConditions {
    double clock_period_s = 10e-9;
    double output_load_F = 10e-15;
    double input_transition_s = 100e-12;
};

PowerReport estimate_power(const Netlist& netlist, const Liberty& liberty,
                           const std::vector<std::uint64_t>& toggles, std::uint32_t clock_net,
                           const std::vector<std::uint32_t>& gated_clock_nets, std::uint64_t cycles,
                           const PowerConditions& conditions);

}  // namespace pixforge::rtl
