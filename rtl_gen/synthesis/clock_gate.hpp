// How the generator's clock gates (module pixforge_clock_gate: clk, en -> gclk) are built from a
// library's cells, and how a mapped netlist's gates are recognized again.
//
// Integrated: the library's clock-gate cell ("latch_posedge", no test pin; sky130_fd_sc_hd__dlclkp).
// Discrete, where the library has none (OSU 0.18 um): a flip-flop on the falling clock edge holds
// the enable through the high phase and an AND passes the clock, gclk = clk & held. Like the
// latch-and-AND gate it is glitch-free (held changes only while clk is low) and gates the same
// edges; it is chosen over a latch because the enable then needs no inverted clock, and because
// OSU's LATCH cell has area 0 in its liberty, which would hide the gate's silicon. The enable must
// settle within the first half of the cycle (OpenSTA times that path at the falling edge).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rtl_gen/synthesis/liberty.hpp"

namespace pixforge::rtl {

// The pins of a cell that can hold a discrete gate's enable: a D flip-flop clocked on the falling
// edge of one pin, without clear or preset, with an output equal to its state.
struct HoldFlipFlopPins {
    std::string clock, d, q;
};
std::optional<HoldFlipFlopPins> hold_flip_flop_pins(const LibertyCell& cell);

// The pins of a two-input AND (any cell whose one output is a AND b of its two inputs).
struct And2Pins {
    std::string a, b, y;
};
std::optional<And2Pins> and2_pins(const LibertyCell& cell);

struct ClockGateRecipe {
    enum class Kind { None, Integrated, Discrete } kind = Kind::None;
    std::string integrated;  // Integrated: the cell and its pins
    ClockGateCell integrated_pins;
    std::string hold, and2;  // Discrete: the flip-flop and the AND cells
    HoldFlipFlopPins hold_pins;
    And2Pins and_pins;

    // The cells it instantiates, for cache keys and messages ("" for None).
    std::string describe() const;
    // module pixforge_clock_gate for synthesis, instantiating the cells; PPA-010 for None.
    std::string verilog(const std::string& liberty_name) const;
};

// The smallest integrated gate; else the smallest hold flip-flop and AND outside `dont_use`
// (sorted cell names); else None.
ClockGateRecipe clock_gate_recipe(const Liberty& lib, const std::vector<std::string>& dont_use);

}  // namespace pixforge::rtl
