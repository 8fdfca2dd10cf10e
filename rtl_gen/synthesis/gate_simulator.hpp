// Zero-delay, cycle-based simulation of a mapped netlist with the cells' behaviour taken from the
// Liberty functions (the same source Yosys' `read_liberty; write_verilog` cell models come from).
// It counts every value change of every net: the switching activity of the power model, and the
// outputs for the gate-level-equals-RTL check.
//
// Why not Verilator here: on a 23 k-cell network Verilator with --coverage-toggle took 92 s to
// build and ran 9 k cycles/s (measured, docs/synthesis.md); this simulator needs no build and is
// event-driven, so a trial's power costs well under a second. tests/test_synth.cpp checks that
// its toggle counts equal Verilator's toggle coverage on the same netlist and stimuli.
//
// Semantics (one clock, rising edge, as the Verilated candidates):
//   set inputs; settle()   -> combinational logic settles, outputs readable ("before the edge")
//   clock_edge()           -> every flip-flop loads next_state, then the logic settles again.
// Zero delay: glitches are not counted (their power is not in the estimate). Flip-flops' clear and
// preset act at the edge (the generated RTL resets synchronously). Clock gates on the clock port,
// integrated ("latch_posedge") or discrete (a falling-edge hold flip-flop and an AND,
// clock_gate.hpp), on the clock port or on another gate's output, are simulated by what they do: a
// flip-flop on a gated clock loads at an edge only if its gate's enable (and its parents') was 1
// before it, and the gated clock net toggles twice in each enabled cycle (none otherwise). Other latches and
// state tables are refused (NET-103), as are flip-flops clocked by anything but the clock port or a gated
// clock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtl_gen/synthesis/boolean_function.hpp"
#include "rtl_gen/synthesis/liberty.hpp"
#include "rtl_gen/synthesis/netlist.hpp"

namespace pixforge::rtl {

class GateSimulator {
  public:
    GateSimulator(const Netlist& netlist, const Liberty& liberty, const std::string& clock_port = "clk");

    int port_index(const std::string& name) const;  // NET-102 when absent
    void set_input(int port, int lsb, int width, std::uint64_t value);
    std::uint64_t output(int port, int lsb, int width) const;
    void settle();
    void clock_edge();
    // Cycles the clock ran without simulating them (the logic is at a fixed point).
    void add_quiet_cycles(std::uint64_t n);
    // True when nothing changed since the last call: every later cycle with the same inputs is
    // identical, so it need not be simulated.
    bool take_quiet();

    std::uint64_t cycles() const { return cycles_; }                        // clock edges, simulated or quiet
    const std::vector<std::uint64_t>& toggles() const { return toggles_; }  // per net (clock: 0)
    std::uint32_t clock_net() const { return clock_net_; }
    std::size_t flip_flops() const { return ffs_.size(); }
    std::size_t gated_flip_flops() const;
    // The outputs of the clock gates: clock nets whose toggles are counted (the clock port's are not).
    std::vector<std::uint32_t> gated_clock_nets() const;

  private:
    struct Output {
        BooleanFunction function;
        std::uint32_t net;
    };
    struct Cell {                             // combinational
        std::vector<std::uint32_t> operands;  // values index of each function variable
        std::vector<std::uint32_t> inputs;    // the operands the outputs depend on
        std::vector<Output> outputs;
        int level = 0;
    };
    struct ClockGate {
        std::uint32_t enable, out;  // nets
        std::uint32_t held;         // a discrete gate's hold flip-flop output (< 2: integrated)
        int parent;                 // the gate whose output clocks this one, or -1 (the clock port)
    };
    struct Ff {
        int gate = -1;  // index into gates_, or -1 on the clock port
        std::vector<std::uint32_t> operands;
        BooleanFunction next_state;
        std::vector<BooleanFunction> clear, preset;  // zero or one each
        std::uint32_t state, state_inverted;         // values index of IQ and IQN
        std::vector<Output> outputs;
    };
    void write(std::uint32_t net, std::uint8_t v);
    void propagate();
    std::vector<std::uint8_t> find_clock_gates(const Liberty& liberty, std::vector<int>& gate_of);
    void resolve_gates();  // on_ from the enables and the parents'

    const Netlist& netlist_;
    std::vector<std::uint8_t> values_;  // nets, then flip-flop states
    std::vector<std::uint64_t> toggles_;
    std::vector<Cell> cells_;
    std::vector<Ff> ffs_;
    std::vector<ClockGate> gates_;
    std::vector<std::uint8_t> on_;                     // per gate: its clock passes at the coming edge
    std::vector<std::vector<std::uint32_t>> fanout_;   // net -> combinational cells
    std::vector<std::vector<std::uint32_t>> pending_;  // per level
    std::vector<std::uint8_t> queued_;
    std::vector<std::uint8_t> next_state_;  // flip-flop inputs sampled at the edge
    std::uint32_t clock_net_ = 0;
    std::uint64_t cycles_ = 0;
    bool changed_ = true;
};

}  // namespace pixforge::rtl
