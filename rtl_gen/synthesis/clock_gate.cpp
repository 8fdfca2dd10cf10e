#include "rtl_gen/synthesis/clock_gate.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "rtl_gen/synthesis/boolean_function.hpp"

namespace pixforge::rtl {

namespace {

// True when `expression` over `vars` equals `expected` for every assignment (at most 2^8 of them:
// the cells we ask about have a handful of pins).
bool same_function(const std::string& expression, const std::vector<std::string>& vars,
                   const std::function<bool(const std::vector<std::uint8_t>&)>& expected) {
    if (expression.empty() || vars.size() > 8) return false;
    const BooleanFunction f(expression, vars, "clock-gate recognition");
    std::vector<std::uint32_t> index(vars.size());
    for (std::uint32_t i = 0; i < index.size(); ++i) index[i] = i;
    std::vector<std::uint8_t> values(vars.size());
    for (std::uint32_t bits = 0; bits < (1u << vars.size()); ++bits) {
        for (size_t i = 0; i < vars.size(); ++i) values[i] = static_cast<std::uint8_t>((bits >> i) & 1u);
        if (f.eval(values.data(), index.data()) != expected(values)) return false;
    }
    return true;
}

std::vector<std::string> pin_names(const LibertyCell& cell, LibertyPin::Direction direction) {
    std::vector<std::string> out;
    for (const auto& p : cell.pins)
        if (p.direction == direction) out.push_back(p.name);
    return out;
}

}  // namespace

std::optional<HoldFlipFlopPins> hold_flip_flop_pins(const LibertyCell& cell) {
    if (!cell.ff || !cell.ff->clear.empty() || !cell.ff->preset.empty()) return std::nullopt;
    const std::vector<std::string> inputs = pin_names(cell, LibertyPin::Direction::Input);
    const std::vector<std::string> outputs = pin_names(cell, LibertyPin::Direction::Output);
    if (inputs.size() != 2) return std::nullopt;
    for (size_t c = 0; c < 2; ++c) {
        HoldFlipFlopPins p{inputs[c], inputs[1 - c], ""};
        const bool falling = same_function(cell.ff->clocked_on, inputs, [&](const auto& v) { return !v[c]; });
        const bool loads_d =
            same_function(cell.ff->next_state, inputs, [&](const auto& v) { return v[1 - c]; });
        if (!falling || !loads_d) continue;
        std::vector<std::string> vars = inputs;
        vars.push_back(cell.ff->state), vars.push_back(cell.ff->state_inverted);
        for (const auto& out : outputs)
            if (same_function(cell.pin(out)->function, vars, [](const auto& v) { return v[2] && !v[3]; }) ||
                same_function(cell.pin(out)->function, vars, [](const auto& v) { return v[2]; }))
                p.q = out;
        if (!p.q.empty()) return p;
    }
    return std::nullopt;
}

std::optional<And2Pins> and2_pins(const LibertyCell& cell) {
    if (cell.ff || cell.latch || cell.statetable || cell.clock_gate) return std::nullopt;
    const std::vector<std::string> inputs = pin_names(cell, LibertyPin::Direction::Input);
    const std::vector<std::string> outputs = pin_names(cell, LibertyPin::Direction::Output);
    if (inputs.size() != 2 || outputs.size() != 1) return std::nullopt;
    if (!same_function(cell.pin(outputs[0])->function, inputs, [](const auto& v) { return v[0] && v[1]; }))
        return std::nullopt;
    return And2Pins{inputs[0], inputs[1], outputs[0]};
}

std::string ClockGateRecipe::describe() const {
    switch (kind) {
        case Kind::Integrated:
            return integrated;
        case Kind::Discrete:
            return fmt::format("{}+{}", hold, and2);
        case Kind::None:
            break;
    }
    return "";
}

std::string ClockGateRecipe::verilog(const std::string& liberty_name) const {
    const std::string head =
        "module pixforge_clock_gate (\n    input  wire clk,\n    input  wire en,\n    output wire gclk\n);\n";
    if (kind == Kind::Integrated) {
        const std::string& c = integrated;
        return fmt::format(
            "// pixforge_clock_gate for synthesis: the library's integrated clock gate {}.\n{}"
            "    {} gate (.{}(clk), .{}(en), .{}(gclk));\nendmodule\n",
            c, head, c, integrated_pins.clock_pin, integrated_pins.enable_pin, integrated_pins.out_pin);
    }
    if (kind == Kind::Discrete)
        return fmt::format(
            "// pixforge_clock_gate for synthesis: the enable held by {} on the falling edge, ANDed with\n"
            "// the clock by {} (the library has no integrated clock gate; clock_gate.hpp).\n{}"
            "    wire held;\n    {} hold (.{}(clk), .{}(en), .{}(held));\n"
            "    {} pass (.{}(clk), .{}(held), .{}(gclk));\nendmodule\n",
            hold, and2, head, hold, hold_pins.clock, hold_pins.d, hold_pins.q, and2, and_pins.a, and_pins.b,
            and_pins.y);
    throw PixError(
        "PPA-010",
        fmt::format("{} has neither an integrated clock-gate cell (clock_gating_integrated_cell "
                    "\"latch_posedge\") nor a falling-edge D flip-flop and a two-input AND to build "
                    "one; choose a template without clock gating, or another library",
                    liberty_name));
}

ClockGateRecipe clock_gate_recipe(const Liberty& lib, const std::vector<std::string>& dont_use) {
    ClockGateRecipe r;
    const LibertyCell* best = nullptr;
    for (const auto& [name, cell] : lib.cells)
        if (cell.clock_gate && cell.clock_gate->kind == "latch_posedge" && !cell.clock_gate->test_pin &&
            (!best || cell.area < best->area))
            best = &cell;
    if (best) {
        r.kind = ClockGateRecipe::Kind::Integrated;
        r.integrated = best->name;
        r.integrated_pins = *best->clock_gate;
        return r;
    }
    auto usable = [&](const std::string& name) {
        return !std::binary_search(dont_use.begin(), dont_use.end(), name);
    };
    const LibertyCell *hold = nullptr, *and2 = nullptr;
    for (const auto& [name, cell] : lib.cells) {
        if (!usable(name)) continue;
        if (hold_flip_flop_pins(cell) && (!hold || cell.area < hold->area)) hold = &cell;
        if (and2_pins(cell) && (!and2 || cell.area < and2->area)) and2 = &cell;
    }
    if (!hold || !and2) return r;
    r.kind = ClockGateRecipe::Kind::Discrete;
    r.hold = hold->name, r.hold_pins = *hold_flip_flop_pins(*hold);
    r.and2 = and2->name, r.and_pins = *and2_pins(*and2);
    return r;
}

}  // namespace pixforge::rtl
