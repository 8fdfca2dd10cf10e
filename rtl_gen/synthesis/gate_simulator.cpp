#include "rtl_gen/synthesis/gate_simulator.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "rtl_gen/synthesis/clock_gate.hpp"

namespace pixforge::rtl {

namespace {

[[noreturn]] void unsupported(const NetlistCell& c, const std::string& why) {
    throw PixError("NET-103", fmt::format("cell {} ({}) cannot be simulated: {}", c.instance, c.type, why));
}

// The net on a cell's pin; an unconnected pin reads constant 0.
std::uint32_t net_on(const NetlistCell& nc, const std::string& pin) {
    auto it = std::find_if(nc.pins.begin(), nc.pins.end(), [&](const auto& c) { return c.first == pin; });
    return it == nc.pins.end() ? Netlist::kConst0 : it->second;
}

}  // namespace

// The clock gates (clock_gate.hpp): integrated cells, and discrete ones (a falling-edge hold
// flip-flop whose output feeds nothing but an AND with the same clock). A gate's clock is the
// clock port or another gate's output: passes until every gate has its parent, so parents come
// first in gates_. Returns the cells that belong to a gate.
std::vector<std::uint8_t> GateSimulator::find_clock_gates(const Liberty& liberty, std::vector<int>& gate_of) {
    const Netlist& netlist = netlist_;
    struct Found {
        std::uint32_t clock, enable, out, held;
        std::vector<size_t> cells;
        bool integrated;
    };
    std::vector<Found> found;
    std::vector<int> readers(netlist.nets(), 0), reader(netlist.nets(), -1);
    std::map<std::string, std::optional<HoldFlipFlopPins>> holds;  // per cell type: parsed once
    for (size_t i = 0; i < netlist.cells.size(); ++i) {
        const NetlistCell& nc = netlist.cells[i];
        const LibertyCell& lc = liberty.cell(nc.type);
        if (lc.ff && !holds.count(nc.type)) holds[nc.type] = hold_flip_flop_pins(lc);
        for (const auto& [pin, net] : nc.pins) {
            const LibertyPin* p = lc.pin(pin);
            if (p && p->direction == LibertyPin::Direction::Input)
                ++readers[net], reader[net] = static_cast<int>(i);
        }
        if (!lc.clock_gate) continue;
        const ClockGateCell& g = *lc.clock_gate;
        if (g.kind != "latch_posedge" || g.test_pin)
            unsupported(nc, fmt::format("a \"{}\" clock gate{} is not supported", g.kind,
                                        g.test_pin ? " with a test pin" : ""));
        if (net_on(nc, g.out_pin) < 2) unsupported(nc, "its gated clock drives nothing");
        found.push_back({net_on(nc, g.clock_pin),
                         net_on(nc, g.enable_pin),
                         net_on(nc, g.out_pin),
                         Netlist::kConst0,
                         {i},
                         true});
    }
    for (size_t i = 0; i < netlist.cells.size(); ++i) {
        const NetlistCell& nc = netlist.cells[i];
        auto hold = holds.find(nc.type);
        if (hold == holds.end() || !hold->second) continue;
        const std::uint32_t clock = net_on(nc, hold->second->clock), held = net_on(nc, hold->second->q);
        if (held < 2 || readers[held] != 1) continue;
        const NetlistCell& pass = netlist.cells[static_cast<size_t>(reader[held])];
        const auto a = and2_pins(liberty.cell(pass.type));
        if (!a) continue;
        const std::uint32_t x = net_on(pass, a->a), y = net_on(pass, a->b);
        if (!((x == clock && y == held) || (y == clock && x == held))) continue;
        const std::uint32_t out = net_on(pass, a->y);
        if (out < 2) unsupported(pass, "its gated clock drives nothing");
        found.push_back(
            {clock, net_on(nc, hold->second->d), out, held, {i, static_cast<size_t>(reader[held])}, false});
    }
    std::vector<std::uint8_t> in_gate(netlist.cells.size(), 0);
    for (bool progress = true; progress;) {
        progress = false;
        for (auto it = found.begin(); it != found.end();) {
            if (it->clock != clock_net_ && gate_of[it->clock] < 0) {
                ++it;
                continue;
            }
            gate_of[it->out] = static_cast<int>(gates_.size());
            gates_.push_back(
                {it->enable, it->out, it->held, it->clock == clock_net_ ? -1 : gate_of[it->clock]});
            for (size_t c : it->cells) in_gate[c] = 1;
            it = found.erase(it);
            progress = true;
        }
    }
    for (const Found& f : found)  // a discrete look-alike off the clock stays logic (and is refused there)
        if (f.integrated)
            unsupported(netlist.cells[f.cells.front()],
                        "its clock pin is neither the clock port nor a gated clock");
    on_.assign(gates_.size(), 0);
    return in_gate;
}

GateSimulator::GateSimulator(const Netlist& netlist, const Liberty& liberty, const std::string& clock_port)
    : netlist_(netlist) {
    const NetlistPort& clock = netlist.port(clock_port);
    if (clock.bits.size() != 1)
        throw PixError("NET-102", "the clock port '" + clock_port + "' is not one bit");
    clock_net_ = clock.bits.front();
    std::uint32_t next_value = static_cast<std::uint32_t>(netlist.nets());
    std::vector<int> driver(netlist.nets(), -1);   // combinational cell driving each net
    std::vector<int> gate_of(netlist.nets(), -1);  // clock gate driving each net

    // Clock gates first: a flip-flop may come before the gate that clocks it.
    const std::vector<std::uint8_t> in_gate = find_clock_gates(liberty, gate_of);
    for (size_t index = 0; index < netlist.cells.size(); ++index) {
        const NetlistCell& nc = netlist.cells[index];
        const LibertyCell& lc = liberty.cell(nc.type);
        if (lc.clock_gate || in_gate[index]) continue;
        if (lc.latch || lc.statetable) unsupported(nc, "latches and state tables are not supported");
        std::vector<std::string> vars;
        for (const auto& p : lc.pins) vars.push_back(p.name);
        std::uint32_t state = 0, state_inverted = 0;
        if (lc.ff) {
            vars.push_back(lc.ff->state), vars.push_back(lc.ff->state_inverted);
            state = next_value++, state_inverted = next_value++;
        }
        std::vector<std::uint32_t> operands;
        for (const auto& p : lc.pins) operands.push_back(net_on(nc, p.name));
        if (lc.ff) operands.push_back(state), operands.push_back(state_inverted);
        for (const auto& [pin, net] : nc.pins)
            if (!lc.pin(pin)) unsupported(nc, fmt::format("the library cell has no pin '{}'", pin));

        const std::string where = fmt::format("{}: cell {}", liberty.path.string(), lc.name);
        std::vector<Output> outputs;
        for (const auto& [pin, net] : nc.pins) {
            const LibertyPin& lp = *lc.pin(pin);
            if (lp.direction != LibertyPin::Direction::Output) continue;
            if (lp.function.empty()) unsupported(nc, fmt::format("output {} has no function", pin));
            outputs.push_back({BooleanFunction(lp.function, vars, where + " pin " + pin), net});
        }
        Cell cell;
        cell.operands = operands;
        cell.outputs = std::move(outputs);
        // A flip-flop's outputs read only its state: D and CLK are no combinational inputs.
        for (const auto& o : cell.outputs)
            for (int v : o.function.used_variables())
                if (std::find(cell.inputs.begin(), cell.inputs.end(), operands[static_cast<size_t>(v)]) ==
                    cell.inputs.end())
                    cell.inputs.push_back(operands[static_cast<size_t>(v)]);
        if (lc.ff) {
            const FlipFlop& f = *lc.ff;
            const std::uint32_t clk = net_on(nc, f.clocked_on);  // constant 0: neither clock nor gate
            const bool on_clock = clk == clock_net_, on_gate = gate_of[clk] >= 0;
            if (!on_clock && !on_gate)
                unsupported(nc, fmt::format("clocked_on \"{}\" is neither the rising clock port '{}' nor a "
                                            "clock gate's output",
                                            f.clocked_on, clock_port));
            Ff ff{gate_of[clk],
                  operands,
                  BooleanFunction(f.next_state, vars, where + " next_state"),
                  {},
                  {},
                  state,
                  state_inverted,
                  {}};
            if (!f.clear.empty()) ff.clear.emplace_back(f.clear, vars, where + " clear");
            if (!f.preset.empty()) ff.preset.emplace_back(f.preset, vars, where + " preset");
            ffs_.push_back(std::move(ff));
        }
        for (const auto& o : cell.outputs) {
            if (o.net < 2) unsupported(nc, "an output drives a constant");
            driver[o.net] = static_cast<int>(cells_.size());
        }
        cells_.push_back(std::move(cell));
    }
    // A gated clock may only clock flip-flops: a cell reading it as data is outside these semantics.
    for (const Cell& c : cells_)
        for (std::uint32_t v : c.inputs)
            if (v < netlist.nets() && gate_of[v] >= 0)
                throw PixError("NET-103",
                               fmt::format("a gated clock (net {}) feeds logic, not only clock pins",
                                           netlist.net_names[v]));
    values_.assign(next_value, 0);
    values_[Netlist::kConst1] = 1;
    toggles_.assign(netlist.nets(), 0);
    fanout_.assign(next_value, {});
    queued_.assign(cells_.size(), 0);

    // Levels: a cell sits one above the highest cell feeding it; flip-flop states are sources.
    std::vector<int> state(cells_.size(), 0);  // 0 new, 1 visiting, 2 done
    std::vector<std::pair<std::uint32_t, size_t>> stack;
    int max_level = 0;
    for (std::uint32_t root = 0; root < cells_.size(); ++root) {
        if (state[root]) continue;
        stack.push_back({root, 0});
        state[root] = 1;
        while (!stack.empty()) {
            auto& [c, k] = stack.back();
            if (k < cells_[c].inputs.size()) {
                const std::uint32_t v = cells_[c].inputs[k++];
                if (v >= netlist.nets() || driver[v] < 0) continue;
                const auto d = static_cast<std::uint32_t>(driver[v]);
                if (state[d] == 1)
                    throw PixError("NET-104", fmt::format("combinational loop through cell {}",
                                                          netlist.cells[d].instance));
                if (state[d] == 0) state[d] = 1, stack.push_back({d, 0});
                continue;
            }
            int level = 0;
            for (std::uint32_t v : cells_[c].inputs)
                if (v < netlist.nets() && driver[v] >= 0)
                    level = std::max(level, cells_[static_cast<size_t>(driver[v])].level + 1);
            cells_[c].level = level;
            max_level = std::max(max_level, level);
            state[c] = 2;
            stack.pop_back();
        }
    }
    pending_.assign(static_cast<size_t>(max_level) + 1, {});
    for (std::uint32_t c = 0; c < cells_.size(); ++c) {
        for (std::uint32_t v : cells_[c].inputs) fanout_[v].push_back(c);
        pending_[static_cast<size_t>(cells_[c].level)].push_back(c);
        queued_[c] = 1;
    }
    propagate();  // power-up: every net and state 0, then the logic settles (counted, as Verilator does)
}

int GateSimulator::port_index(const std::string& name) const {
    for (size_t i = 0; i < netlist_.ports.size(); ++i)
        if (netlist_.ports[i].name == name) return static_cast<int>(i);
    netlist_.port(name);  // throws NET-102
    return -1;
}

void GateSimulator::write(std::uint32_t net, std::uint8_t v) {
    if (values_[net] == v) return;
    values_[net] = v;
    changed_ = true;
    if (net < toggles_.size()) ++toggles_[net];
    for (std::uint32_t c : fanout_[net])
        if (!queued_[c]) queued_[c] = 1, pending_[static_cast<size_t>(cells_[c].level)].push_back(c);
}

void GateSimulator::propagate() {
    for (auto& level : pending_) {
        // Cells of one level never feed each other, so the bucket does not grow while we walk it.
        for (size_t i = 0; i < level.size(); ++i) {
            const Cell& cell = cells_[level[i]];
            queued_[level[i]] = 0;
            for (const Output& o : cell.outputs)
                write(o.net, o.function.eval(values_.data(), cell.operands.data()));
        }
        level.clear();
    }
}

void GateSimulator::set_input(int port, int lsb, int width, std::uint64_t value) {
    const auto& bits = netlist_.ports[static_cast<size_t>(port)].bits;
    for (int b = 0; b < width; ++b)
        write(bits[static_cast<size_t>(lsb + b)], static_cast<std::uint8_t>((value >> b) & 1u));
}

std::uint64_t GateSimulator::output(int port, int lsb, int width) const {
    const auto& bits = netlist_.ports[static_cast<size_t>(port)].bits;
    std::uint64_t v = 0;
    for (int b = 0; b < width; ++b)
        v |= static_cast<std::uint64_t>(values_[bits[static_cast<size_t>(lsb + b)]]) << b;
    return v;
}

void GateSimulator::settle() {
    propagate();
}

void GateSimulator::resolve_gates() {
    for (size_t i = 0; i < gates_.size(); ++i) {  // parents first
        const ClockGate& g = gates_[i];
        on_[i] = values_[g.enable] && (g.parent < 0 || on_[static_cast<size_t>(g.parent)]);
    }
}

void GateSimulator::add_quiet_cycles(std::uint64_t n) {
    cycles_ += n;
    resolve_gates();
    for (size_t i = 0; i < gates_.size(); ++i)  // an enabled gate keeps pulsing while nothing else moves
        if (on_[i]) toggles_[gates_[i].out] += 2 * n;
}

std::size_t GateSimulator::gated_flip_flops() const {
    return static_cast<std::size_t>(
        std::count_if(ffs_.begin(), ffs_.end(), [](const Ff& f) { return f.gate >= 0; }));
}

std::vector<std::uint32_t> GateSimulator::gated_clock_nets() const {
    std::vector<std::uint32_t> out;
    for (const ClockGate& g : gates_) out.push_back(g.out);
    return out;
}

void GateSimulator::clock_edge() {
    ++cycles_;
    std::vector<std::uint8_t>& next = next_state_;  // reused: this runs every simulated cycle
    next.resize(ffs_.size());
    resolve_gates();  // the enables as latched during the low phase before the edge
    for (size_t i = 0; i < gates_.size(); ++i) {
        const ClockGate& g = gates_[i];
        if (on_[i]) toggles_[g.out] += 2;
        if (g.held >= 2) write(g.held, values_[g.enable]);  // a discrete gate's flip-flop took it
    }
    for (size_t i = 0; i < ffs_.size(); ++i) {
        const Ff& f = ffs_[i];
        if (f.gate >= 0 && !on_[static_cast<size_t>(f.gate)]) {
            next[i] = values_[f.state];  // no clock edge reached it
            continue;
        }
        bool v = f.next_state.eval(values_.data(), f.operands.data());
        if (!f.clear.empty() && f.clear.front().eval(values_.data(), f.operands.data()))
            v = false;
        else if (!f.preset.empty() && f.preset.front().eval(values_.data(), f.operands.data()))
            v = true;
        next[i] = v;
    }
    for (size_t i = 0; i < ffs_.size(); ++i) {
        write(ffs_[i].state, next[i]);
        write(ffs_[i].state_inverted, static_cast<std::uint8_t>(next[i] ^ 1u));
    }
    propagate();
}

bool GateSimulator::take_quiet() {
    const bool quiet = !changed_;
    changed_ = false;
    return quiet;
}

}  // namespace pixforge::rtl
