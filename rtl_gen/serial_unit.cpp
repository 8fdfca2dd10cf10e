// The serial multiply-accumulate unit: a step counter walks a constant ROM (weight, operand, bias,
// first and last flags) over the nonzero weights of every output of its layers; the one product
// is added to the accumulator (or to the bias on an output's first step) and, on the output's last
// step, rescaled into that layer's output register, which the next layer's steps read.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "rtl_gen/hardware_template.hpp"
#include "rtl_gen/unit_writers.hpp"

namespace pixforge::rtl {
namespace {

struct Step {
    int layer, output, input;
    std::int32_t weight;
    bool first, last;
};

std::vector<Step> schedule(const models::QuantizedNetwork& net, int first_layer) {
    std::vector<Step> steps;
    for (size_t l = static_cast<size_t>(first_layer); l < net.layers.size(); ++l) {
        const models::QuantLayer& layer = net.layers[l];
        for (int o = 0; o < layer.out_features(); ++o) {
            const size_t begin = steps.size();
            for (int t = 0; t < taps_of(layer); ++t)
                if (const std::int32_t w = weight_of(layer, o, t); w != 0)
                    steps.push_back({static_cast<int>(l), o, input_index(layer, o, t), w, false, false});
            if (steps.size() == begin) steps.push_back({static_cast<int>(l), o, 0, 0, false, false});
            steps[begin].first = true;
            steps.back().last = true;
        }
    }
    return steps;
}

// Resizes a signed value: sign-extends, or keeps the low bits (exact modulo 2^to).
std::string resize(const std::string& name, int from, int to) {
    return to >= from ? extend(name, from, to, true) : fmt::format("{}[{}:0]", name, to - 1);
}

}  // namespace

std::string serial_unit_module(const models::QuantizedNetwork& net, const std::vector<LayerIo>& io,
                               int first_layer, bool clock_gating, const std::string& name) {
    const std::vector<Step> steps = schedule(net, first_layer);
    const auto first = static_cast<size_t>(first_layer), end = net.layers.size();
    int xw = 1, ww = 1, aw = 1;
    for (size_t l = first; l < end; ++l) {
        xw = std::max(xw, io[l].in_width + (io[l].in_signed ? 0 : 1));
        ww = std::max(ww, net.layers[l].weight_bits);
        aw = std::max(aw, accumulator_width(net.layers[l]));
    }
    const int pw = xw + ww, n = static_cast<int>(steps.size()), sb = bits_for(n);
    const int n_in = net.layers[first].in_features(), n_out = net.layers.back().out_features();
    const LayerIo& out_io = io.back();
    std::string v = fmt::format(
        "// {}: layers {} to {} of network {} on one multiply-accumulate unit, {} steps\n"
        "// (one per nonzero weight, a bias-only step for an output without any); operands {} x {} bits,\n"
        "// accumulator {} bits. Latency {} cycles, initiation interval {}.\n",
        name, first, end - 1, net.content_hash(), n, ww, xw, aw, n, n);
    v += fmt::format("module {} (\n", name);
    v += "    input  wire clk,\n    input  wire rst,\n    input  wire in_valid,\n    output wire in_ready,\n";
    v += fmt::format("    input  wire [{}:0] in_data,\n", n_in * io[first].in_width - 1);
    v += "    output wire out_valid,\n    input  wire out_ready,\n";
    v += fmt::format("    output wire [{}:0] out_data\n);\n", n_out * out_io.out_width - 1);

    // Operands: the unit's inputs, then each layer's output registers.
    std::set<std::string> read;
    for (const Step& s : steps)
        if (s.weight != 0)
            read.insert(s.layer == first_layer ? fmt::format("in_{}", s.input)
                                               : fmt::format("h{}_{}", s.layer - 1, s.input));
    std::vector<std::string> unused;
    for (int i = 0; i < n_in; ++i) {
        v += fmt::format("    wire [{}:0] in_{} = in_data[{}:{}];\n", io[first].in_width - 1, i,
                         (i + 1) * io[first].in_width - 1, i * io[first].in_width);
        if (!read.count(fmt::format("in_{}", i))) unused.push_back(fmt::format("in_{}", i));
    }
    for (size_t l = first; l < end; ++l)
        for (int o = 0; o < net.layers[l].out_features(); ++o) {
            v += fmt::format("    reg [{}:0] h{}_{};\n", io[l].out_width - 1, l, o);
            if (l + 1 < end && !read.count(fmt::format("h{}_{}", l, o)))
                unused.push_back(fmt::format("h{}_{}", l, o));
        }
    if (!unused.empty()) v += fmt::format("    wire unused_operands = ^{{{}}};\n", fmt::join(unused, ", "));

    v += fmt::format("    reg [{0}:0] step;\n    wire last = (step == {1}'d{2});\n", sb - 1, sb, n - 1);
    v += fmt::format(
        "    reg signed [{}:0] w;\n    reg signed [{}:0] x;\n    reg signed [{}:0] bias;\n    reg first;\n",
        ww - 1, xw - 1, aw - 1);
    v += "    always @(*) begin\n        case (step)\n";
    for (int k = 0; k < n; ++k) {
        const Step& s = steps[static_cast<size_t>(k)];
        const auto l = static_cast<size_t>(s.layer);
        const std::string src = s.layer == first_layer ? fmt::format("in_{}", s.input)
                                                       : fmt::format("h{}_{}", s.layer - 1, s.input);
        const std::string operand =
            s.weight == 0 ? fmt::format("{}'sd0", xw) : extend(src, io[l].in_width, xw, io[l].in_signed);
        v += fmt::format("            {}'d{}: begin w = {}; x = {}; first = 1'b{}; bias = {}; end\n", sb, k,
                         constant(s.weight, ww), operand, s.first ? 1 : 0,
                         constant(s.first ? bias_of(net.layers[l], s.output) : 0, aw));
    }
    v += fmt::format("            default: begin w = {}'sd0; x = {}'sd0; first = 1'b0; bias = {}'sd0; end\n",
                     ww, xw, aw);
    v += "        endcase\n    end\n";
    v += fmt::format("    wire signed [{}:0] product = {} * {};\n", pw - 1, extend("w", ww, pw, true),
                     extend("x", xw, pw, true));
    v += fmt::format("    reg signed [{}:0] acc;\n", aw - 1);
    v += fmt::format("    wire signed [{0}:0] acc_next = (first ? bias : acc) + {1};\n", aw - 1,
                     resize("product", pw, aw));
    for (size_t l = first; l < end; ++l) {
        const models::QuantLayer& layer = net.layers[l];
        v += rescale("acc_next", fmt::format("yn{}", l), aw, layer.acc_frac() - layer.out_frac,
                     io[l].out_width, io[l].out_signed);
    }

    v += "    reg y_valid;\n    assign out_valid = y_valid;\n"
         "    wire slot_free = !y_valid || out_ready;\n"
         "    wire advance = in_valid && slot_free;  // the previous result is taken before any output "
         "changes\n"
         "    wire fire = advance && last;\n    assign in_ready = fire;\n";
    v += "    always @(posedge clk) begin\n        if (rst) y_valid <= 1'b0;\n"
         "        else if (fire) y_valid <= 1'b1;\n        else if (out_ready) y_valid <= 1'b0;\n    end\n";
    v += control_registers("step", "advance", fmt::format("            step <= {}'d0;\n", sb),
                           fmt::format("            step <= last ? {0}'d0 : step + {0}'d1;\n", sb),
                           clock_gating);
    v += loaded_registers("acc", "advance", "            acc <= acc_next;\n", clock_gating);
    for (size_t l = first; l < end; ++l) {
        std::vector<std::string> at;
        std::string body = "            case (step)\n";
        for (int k = 0; k < n; ++k) {
            const Step& s = steps[static_cast<size_t>(k)];
            if (static_cast<size_t>(s.layer) != l || !s.last) continue;
            at.push_back(fmt::format("step == {}'d{}", sb, k));
            body += fmt::format("                {}'d{}: h{}_{} <= yn{};\n", sb, k, l, s.output, l);
        }
        body += "                default: ;\n            endcase\n";
        v += fmt::format("    wire write{} = advance && ({});\n", l, fmt::join(at, " || "));
        v += loaded_registers(fmt::format("h{}", l), fmt::format("write{}", l), body, clock_gating);
    }
    std::vector<std::string> outs;
    for (int o = n_out - 1; o >= 0; --o) outs.push_back(fmt::format("h{}_{}", end - 1, o));
    v += fmt::format("    assign out_data = {{{}}};\nendmodule\n", fmt::join(outs, ", "));
    return v;
}

}  // namespace pixforge::rtl
