#include "rtl_gen/verilog_text.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "models/network/fixed_point.hpp"
#include "rtl_gen/hardware_template.hpp"

namespace pixforge::rtl {

std::string constant(std::int64_t v, int width) {
    const std::uint64_t mask = width >= 64 ? ~0ULL : ((1ULL << width) - 1);
    return fmt::format("{}'sh{:x}", width, static_cast<std::uint64_t>(v) & mask);
}

std::string extend(const std::string& name, int from, int to, bool is_signed) {
    if (to == from) return name;
    const std::string fill = is_signed ? fmt::format("{{{}{{{}[{}]}}}}", to - from, name, from - 1)
                                       : fmt::format("{{{}{{1'b0}}}}", to - from);
    return fmt::format("{{{}, {}}}", fill, name);
}

// At most ceil(bits/2) + 1 nonzero digits. Exact: the product fits the operand width, so the
// modular sums equal it.
std::string csd_product(const std::string& x, std::int64_t w) {
    std::string expr;
    for (int k = 0; w != 0; ++k) {
        if (w & 1) {
            const int digit = ((w % 4) + 4) % 4 == 1 ? 1 : -1;
            const std::string term = k == 0 ? x : fmt::format("({} <<< {})", x, k);
            expr += expr.empty() ? (digit > 0 ? term : "-" + term) : (digit > 0 ? " + " : " - ") + term;
            w -= digit;
        }
        w /= 2;  // exact: w is even here
    }
    return expr;
}

int bits_for(int n) {
    int b = 1;
    while ((1 << b) < n) ++b;
    return b;
}

std::string rescale(const std::string& acc, const std::string& y, int aw, int shift, int out_width,
                    bool out_signed) {
    const models::fixed::Range range =
        out_signed ? models::fixed::signed_range(out_width) : models::fixed::unsigned_range(out_width);
    // The shifted value is at least one bit wider than the output, so that the range checks and the
    // output's slice are in range when the accumulator is the narrower (a linear layer whose output
    // holds every value its accumulator can).
    const int sw = std::max(aw, out_width + 1);
    const std::string wide = extend(acc, aw, sw, true);
    std::string v;
    if (shift > 0)
        v = fmt::format("    wire signed [{}:0] {}_shifted = ({} + {}) >>> {};\n", sw - 1, y, wide,
                        constant(std::int64_t{1} << (shift - 1), sw), shift);
    else
        v = fmt::format("    wire signed [{}:0] {}_shifted = {} <<< {};\n", sw - 1, y, wide, -shift);
    const std::uint64_t mask = (1ULL << out_width) - 1;
    v += fmt::format(
        "    wire [{0}:0] {1} = ({1}_shifted > {2}) ? {3}'d{4} : ({1}_shifted < {5}) ? {3}'d{6} : "
        "{1}_shifted[{0}:0];\n",
        out_width - 1, y, constant(range.hi, sw), out_width, static_cast<std::uint64_t>(range.hi) & mask,
        constant(range.lo, sw), static_cast<std::uint64_t>(range.lo) & mask);
    return v;
}

std::string gated_registers(const std::string& name, const std::string& enable, const std::string& body) {
    return fmt::format(
        "    wire gclk_{0};\n    pixforge_clock_gate cg_{0} (.clk(clk), .en({1}), .gclk(gclk_{0}));\n"
        "    always @(posedge gclk_{0}) begin\n{2}    end\n",
        name, enable, body);
}

std::string loaded_registers(const std::string& name, const std::string& enable, const std::string& body,
                             bool clock_gating) {
    if (clock_gating) return gated_registers(name, enable, body);
    return fmt::format("    always @(posedge clk) begin\n        if ({}) begin\n{}        end\n    end\n",
                       enable, body);
}

std::string control_registers(const std::string& name, const std::string& enable, const std::string& reset,
                              const std::string& body, bool clock_gating) {
    const std::string block =
        "        if (rst) begin\n" + reset + "        end else begin\n" + body + "        end\n";
    if (clock_gating) return gated_registers(name, fmt::format("rst || ({})", enable), block);
    return fmt::format(
        "    always @(posedge clk) begin\n        if (rst) begin\n{}        end else if ({}) begin\n{}"
        "        end\n    end\n",
        reset, enable, body);
}

// The enable is latched while clk is low, so the gated clock cannot glitch. Synthesis replaces this
// file with the library's clock-gate cell (rtl_gen/synthesis).
std::string clock_gate_module() {
    return "// pixforge_clock_gate: clock gate, enable latched while clk is low (glitch-free gclk).\n"
           "module pixforge_clock_gate (\n    input  wire clk,\n    input  wire en,\n    output wire "
           "gclk\n);\n"
           "    reg en_latched;\n    /* verilator lint_off LATCH */\n"
           "    always @(clk or en) if (!clk) en_latched = en;\n    /* verilator lint_on LATCH */\n"
           "    assign gclk = clk & en_latched;\nendmodule\n";
}

int input_index(const models::QuantLayer& l, int o, int t) {
    if (l.kind == models::LayerKind::Dense) return t;
    const int pos = o % l.out_length;
    const int c = t / l.kernel, k = t % l.kernel;
    return c * l.in_length + pos * l.stride + k;
}

std::int32_t weight_of(const models::QuantLayer& l, int o, int t) {
    if (l.kind == models::LayerKind::Dense) return l.weights[static_cast<size_t>(o * l.in_features() + t)];
    const int channel = o / l.out_length;
    return l.weights[static_cast<size_t>(channel * taps_of(l) + t)];
}

std::int64_t bias_of(const models::QuantLayer& l, int o) {
    return l.bias[static_cast<size_t>(l.kind == models::LayerKind::Dense ? o : o / l.out_length)];
}

int accumulator_width(const models::QuantLayer& l) {
    const int shift = l.acc_frac() - l.out_frac;
    return l.acc_bits + 2 + std::max(0, -shift);
}

std::vector<LayerIo> layer_io(const models::QuantizedNetwork& net) {
    std::vector<LayerIo> io;
    int in_width = net.input_bits();
    bool in_signed = true;
    for (const auto& l : net.layers) {
        const bool out_signed = l.activation == models::Activation::None;
        io.push_back({in_width, in_signed, l.out_bits, out_signed});
        if (l.acc_bits + 2 > 62)
            throw PixError("RTL-002", "an accumulator wider than 60 bits cannot be generated");
        in_width = l.out_bits;
        in_signed = out_signed;
    }
    return io;
}

}  // namespace pixforge::rtl
