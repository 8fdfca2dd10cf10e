#include "rtl_gen/verilog_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "models/network/fixed_point.hpp"
#include "rtl_gen/unit_writers.hpp"

namespace pixforge::rtl {
namespace {

using models::LayerKind;
using models::QuantizedNetwork;
using models::QuantLayer;

std::string layer_module(const QuantLayer& l, int index, const LayerIo& io, int reuse, int pipeline,
                         bool clock_gating, const std::string& net_hash) {
    const int n_in = l.in_features(), n_out = l.out_features(), taps = taps_of(l);
    const int slots = (taps + reuse - 1) / reuse;  // products per output per cycle
    const int shift = l.acc_frac() - l.out_frac;
    const int aw = accumulator_width(l);
    std::string v;
    v += fmt::format(
        "// pixforge_net_layer{}: {} layer of network {}, template reuse {} / pipeline {}\n"
        "// {} inputs ({} bits, {}, frac {}) -> {} outputs ({} bits, {}, frac {}); weights {} bits frac {};\n"
        "// accumulator {} bits (frac {}); {} taps per output, {} per cycle over {} cycle(s).\n"
        "// y = saturate(round_half_up(acc / 2^{})), latency {} cycle(s), initiation interval {}.\n",
        index, l.kind == LayerKind::Dense ? "dense" : "conv1d", net_hash, reuse, pipeline, n_in, io.in_width,
        io.in_signed ? "signed" : "unsigned", l.in_frac, n_out, io.out_width,
        io.out_signed ? "signed" : "unsigned", l.out_frac, l.weight_bits, l.weight_frac, aw, l.acc_frac(),
        taps, slots, reuse, shift, reuse + pipeline - 1, reuse);
    v += fmt::format("module pixforge_net_layer{} (\n", index);
    v += "    input  wire clk,\n    input  wire rst,\n    input  wire in_valid,\n    output wire in_ready,\n";
    v += fmt::format("    input  wire [{}:0] in_data,\n", n_in * io.in_width - 1);
    v += "    output wire out_valid,\n    input  wire out_ready,\n";
    v += fmt::format("    output wire [{}:0] out_data\n);\n", n_out * io.out_width - 1);
    // Products are formed at their natural width (weight bits + input bits, as signed values) and
    // only widened for the sums, so synthesis builds weight x input multipliers.
    const int pw = l.weight_bits + io.in_width + (io.in_signed ? 0 : 1);
    v += fmt::format("    localparam integer AW = {};\n    localparam integer PW = {};\n", aw, pw);
    const bool folded = reuse > 1;
    // Inputs some product reads (a strided convolution or all-zero weights can leave some out).
    std::vector<bool> used(static_cast<size_t>(n_in), false);
    for (int o = 0; o < n_out; ++o)
        for (int t = 0; t < taps; ++t)
            if (folded || weight_of(l, o, t) != 0) used[static_cast<size_t>(input_index(l, o, t))] = true;
    std::vector<std::string> unused;
    for (int i = 0; i < n_in; ++i) {
        v += fmt::format("    wire [{}:0] in_{} = in_data[{}:{}];\n", io.in_width - 1, i,
                         (i + 1) * io.in_width - 1, i * io.in_width);
        if (!used[static_cast<size_t>(i)]) {
            unused.push_back(fmt::format("in_{}", i));
            continue;
        }
        v += fmt::format("    wire signed [PW-1:0] x_{} = {};\n", i,
                         extend(fmt::format("in_{}", i), io.in_width, pw, io.in_signed));
    }
    if (!unused.empty()) v += fmt::format("    wire unused_inputs = ^{{{}}};\n", fmt::join(unused, ", "));
    const int cw = bits_for(reuse);
    if (folded)
        v +=
            fmt::format("    reg [{}:0] count;\n    wire last = (count == {}'d{});\n", cw - 1, cw, reuse - 1);
    else
        v += "    wire last = 1'b1;\n";
    const int wb = l.weight_bits;
    // Operands of each multiplier: weight ROM and input selection by cycle.
    for (int o = 0; o < n_out; ++o) {
        std::vector<std::string> products;
        for (int j = 0; j < slots; ++j) {
            const std::string p = fmt::format("p_{}_{}", o, j);
            if (!folded) {
                const int t = j;
                if (t >= taps) continue;
                const std::int32_t w = weight_of(l, o, t);
                if (w == 0) continue;  // a zero weight needs no multiplier
                v += fmt::format("    wire signed [PW-1:0] {} = {};  // x_{} * {}\n", p,
                                 csd_product(fmt::format("x_{}", input_index(l, o, t)), w),
                                 input_index(l, o, t), w);
                products.push_back(p);
                continue;
            }
            v += fmt::format("    reg signed [{2}:0] w_{0}_{1};\n    reg signed [PW-1:0] xs_{0}_{1};\n", o, j,
                             wb - 1);
            v += fmt::format("    always @(*) begin\n        case (count)\n");
            for (int c = 0; c < reuse; ++c) {
                const int t = c * slots + j;
                if (t < taps)
                    v += fmt::format("            {}'d{}: begin w_{}_{} = {}; xs_{}_{} = x_{}; end\n", cw, c,
                                     o, j, constant(weight_of(l, o, t), wb), o, j, input_index(l, o, t));
                else
                    v += fmt::format(
                        "            {}'d{}: begin w_{}_{} = {}'sd0; xs_{}_{} = {{PW{{1'b0}}}}; end\n", cw, c,
                        o, j, wb, o, j);
            }
            v += fmt::format(
                "            default: begin w_{0}_{1} = {2}'sd0; xs_{0}_{1} = {{PW{{1'b0}}}}; end\n", o, j,
                wb);
            v += "        endcase\n    end\n";
            v += fmt::format("    wire signed [PW-1:0] {} = {} * xs_{}_{};\n", p,
                             extend(fmt::format("w_{}_{}", o, j), wb, pw, true), o, j);
            products.push_back(p);
        }
        if (pipeline == 2) {  // register the products
            for (auto& p : products) {
                v += fmt::format("    reg signed [PW-1:0] r{};\n", p);
                p = "r" + p;
            }
        }
        std::vector<std::string> widened;
        for (const auto& p : products) widened.push_back(extend(p, pw, aw, true));
        std::string sum = widened.empty() ? "{AW{1'b0}}" : fmt::format("{}", fmt::join(widened, " + "));
        v += fmt::format("    wire signed [AW-1:0] part_{} = {};\n", o, sum);
        v += fmt::format("    localparam signed [AW-1:0] BIAS_{} = {};\n", o, constant(bias_of(l, o), aw));
        if (folded) {
            v += fmt::format("    reg signed [AW-1:0] acc_{};\n", o);
            v += fmt::format(
                "    wire signed [AW-1:0] total_{0} = ((count == {1}'d0) ? BIAS_{0} : acc_{0}) + part_{0};\n",
                o, cw);
        } else {
            v += fmt::format("    wire signed [AW-1:0] total_{0} = BIAS_{0} + part_{0};\n", o);
        }
        v += rescale(fmt::format("total_{}", o), fmt::format("y_next_{}", o), aw, shift, io.out_width,
                     io.out_signed);
        v += fmt::format("    reg [{}:0] y_{};\n    assign out_data[{}:{}] = y_{};\n", io.out_width - 1, o,
                         (o + 1) * io.out_width - 1, o * io.out_width, o);
    }
    // Control: the upstream value is consumed at the last cycle, when the output slot is free.
    v += "    reg y_valid;\n    assign out_valid = y_valid;\n";
    if (pipeline == 2) {
        v += "    reg a_valid;\n"
             "    wire slot_free = !y_valid || out_ready;\n"
             "    wire a_fire = a_valid && slot_free;\n"
             "    wire a_free = !a_valid || a_fire;\n"
             "    wire load = in_valid && a_free;\n"
             "    assign in_ready = a_free && last;\n"
             "    always @(posedge clk) begin\n"
             "        if (rst) begin\n            a_valid <= 1'b0;\n            y_valid <= 1'b0;\n        "
             "end else begin\n"
             "            if (load) a_valid <= 1'b1; else if (a_fire) a_valid <= 1'b0;\n"
             "            if (a_fire) y_valid <= 1'b1; else if (out_ready) y_valid <= 1'b0;\n"
             "        end\n    end\n";
        std::string products, outputs;
        for (int o = 0; o < n_out; ++o)
            for (int j = 0; j < slots; ++j)
                if (v.find(fmt::format("reg signed [PW-1:0] rp_{}_{};", o, j)) != std::string::npos)
                    products += fmt::format("            rp_{0}_{1} <= p_{0}_{1};\n", o, j);
        for (int o = 0; o < n_out; ++o) outputs += fmt::format("            y_{0} <= y_next_{0};\n", o);
        if (clock_gating) {
            v += gated_registers("products", "load", products);
            v += gated_registers("outputs", "a_fire", outputs);
        } else {
            v += "    always @(posedge clk) begin\n        if (load) begin\n" + products +
                 "        end\n        if (a_fire) begin\n" + outputs + "        end\n    end\n";
        }
    } else {
        v += "    wire slot_free = !y_valid || out_ready;\n"
             "    wire fire = in_valid && last && slot_free;\n"
             "    assign in_ready = fire;\n";
        if (folded) v += "    wire advance = in_valid && (!last || slot_free);\n";
        v += "    always @(posedge clk) begin\n        if (rst) begin\n            y_valid <= 1'b0;\n";
        v += "        end else begin\n            if (fire) y_valid <= 1'b1; else if (out_ready) y_valid <= "
             "1'b0;\n";
        v += "        end\n    end\n";
        if (folded)
            v += control_registers("fold", "advance", fmt::format("            count <= {}'d0;\n", cw),
                                   fmt::format("            count <= last ? {0}'d0 : count + {0}'d1;\n", cw),
                                   clock_gating && cw > 1);  // a gate costs what one bit's clock pin does
        std::string accumulators, outputs;
        for (int o = 0; o < n_out; ++o) accumulators += fmt::format("            acc_{0} <= total_{0};\n", o);
        for (int o = 0; o < n_out; ++o) outputs += fmt::format("            y_{0} <= y_next_{0};\n", o);
        if (clock_gating) {
            if (folded) v += gated_registers("accumulators", "advance && !last", accumulators);
            v += gated_registers("outputs", "fire", outputs);
        } else {
            v += "    always @(posedge clk) begin\n";
            if (folded) v += "        if (advance && !last) begin\n" + accumulators + "        end\n";
            v += "        if (fire) begin\n" + outputs + "        end\n    end\n";
        }
    }
    v += "endmodule\n";
    return v;
}

// A unit of the top's chain: a module with a layer's ports and the width of its out_data.
struct Unit {
    std::string module, instance;
    int out_bits;
};

std::string top_module(const QuantizedNetwork& net, const std::vector<Unit>& units, int samples,
                       bool clock_gating) {
    const auto& in = net.input;
    const int b = in.adc_bits, fw = b + 1, nf = in.length;
    std::string v = fmt::format(
        "// pixforge_net: network {}, input samples [{}, {}) of {} bits, baseline {}\n", net.content_hash(),
        in.first, in.first + in.length, b,
        in.baseline_log2 > 0 ? fmt::format("= round(mean of the first {} samples)", 1 << in.baseline_log2)
                             : fmt::format("= pedestal {}", in.pedestal));
    v += "module pixforge_net (\n    input  wire clk,\n    input  wire rst,\n    input  wire in_valid,\n    "
         "output wire in_ready,\n";
    v += fmt::format("    input  wire [{}:0] in_samples,\n", samples * b - 1);
    v += "    output wire out_valid,\n    input  wire out_ready,\n";
    v += fmt::format("    output wire [{}:0] out_data\n);\n", units.back().out_bits - 1);
    // Baseline: round half up of the mean of 2^k samples, or the pedestal.
    const int k = in.baseline_log2;
    if (k > 0) {
        const int sw = b + k + 1;
        std::vector<std::string> terms;
        for (int i = 0; i < (1 << k); ++i)
            terms.push_back(fmt::format("{{{}'d0, in_samples[{}:{}]}}", sw - b, (i + 1) * b - 1, i * b));
        v += fmt::format("    wire [{}:0] baseline_sum = {} + {}'d{};\n", sw - 1, fmt::join(terms, " + "), sw,
                         1 << (k - 1));
        v += fmt::format("    wire [{}:0] baseline = baseline_sum[{}:{}];\n", b - 1, b + k - 1, k);
        if (sw - 1 > b + k - 1 || k > 0)
            v += fmt::format("    wire unused_baseline_bits = ^{{baseline_sum[{}], baseline_sum[{}:0]}};\n",
                             sw - 1, k - 1);
    } else {
        v += fmt::format("    wire [{}:0] baseline = {}'d{};\n", b - 1, b, in.pedestal);
    }
    std::vector<std::string> features;
    for (int i = 0; i < nf; ++i) {
        const int s = in.first + i;
        v += fmt::format("    wire [{}:0] feature_{} = {{1'b0, in_samples[{}:{}]}} - {{1'b0, baseline}};\n",
                         fw - 1, i, (s + 1) * b - 1, s * b);
        features.push_back(fmt::format("feature_{}", i));
    }
    // Samples between the baseline and the network's window are read by neither: sink them.
    std::vector<std::string> gaps;
    for (int s = 0; s < samples; ++s) {
        const bool used = (k > 0 && s < (1 << k)) || (s >= in.first && s < in.first + nf);
        if (!used) gaps.push_back(fmt::format("in_samples[{}:{}]", (s + 1) * b - 1, s * b));
    }
    if (!gaps.empty()) v += fmt::format("    wire unused_samples = ^{{{}}};\n", fmt::join(gaps, ", "));
    std::reverse(features.begin(), features.end());
    v += fmt::format("    reg [{}:0] x_data;\n    reg x_valid;\n", nf * fw - 1);
    const size_t last = units.size() - 1;
    for (size_t l = 0; l < units.size(); ++l)
        v += fmt::format("    wire l{0}_in_ready, l{0}_out_valid;\n    wire [{1}:0] l{0}_out_data;\n", l,
                         units[l].out_bits - 1);
    v += "    wire x_free = !x_valid || l0_in_ready;\n    assign in_ready = x_free;\n";
    v += "    always @(posedge clk) begin\n        if (rst) x_valid <= 1'b0;\n"
         "        else if (in_valid && x_free) x_valid <= 1'b1;\n        else if (l0_in_ready) x_valid <= "
         "1'b0;\n    end\n";
    if (clock_gating)
        v += gated_registers("input", "in_valid && x_free",
                             fmt::format("            x_data <= {{{}}};\n", fmt::join(features, ", ")));
    else
        v += fmt::format("    always @(posedge clk) if (in_valid && x_free) x_data <= {{{}}};\n",
                         fmt::join(features, ", "));
    for (size_t l = 0; l < units.size(); ++l) {
        const std::string up_valid = l == 0 ? "x_valid" : fmt::format("l{}_out_valid", l - 1);
        const std::string up_data = l == 0 ? "x_data" : fmt::format("l{}_out_data", l - 1);
        const std::string down_ready = l == last ? "out_ready" : fmt::format("l{}_in_ready", l + 1);
        v += fmt::format(
            "    {4} {5} (.clk(clk), .rst(rst), .in_valid({1}), .in_ready(l{0}_in_ready), "
            ".in_data({2}), .out_valid(l{0}_out_valid), .out_ready({3}), .out_data(l{0}_out_data));\n",
            l, up_valid, up_data, down_ready, units[l].module, units[l].instance);
    }
    v += fmt::format(
        "    assign out_valid = l{0}_out_valid;\n    assign out_data = l{0}_out_data;\nendmodule\n", last);
    return v;
}

}  // namespace

std::string GeneratedRtl::rtl_hash() const {
    ContentHash h;
    for (const auto& f : files) h.add_bytes(f.name).add_bytes(f.text);
    return h.hex();
}

std::string GeneratedRtl::summary_json() const {
    nlohmann::json j{{"top", top},
                     {"network_hash", network_hash},
                     {"rtl_hash", rtl_hash()},
                     {"template", template_name},
                     {"latency_cycles", timing.latency},
                     {"initiation_interval", timing.initiation_interval},
                     {"reuse_per_layer", timing.reuse},
                     {"multipliers", timing.multipliers},
                     {"ports", pixel_block ? nlohmann::json{{"clk", 1},
                                                            {"rst", 1},
                                                            {"s_valid", 1},
                                                            {"s_code", sample_bits},
                                                            {"out_valid", 1},
                                                            {"out_ready", 1},
                                                            {"out_data", outputs * output_bits},
                                                            {"trig", 1},
                                                            {"armed", 1},
                                                            {"dead_edge", 1},
                                                            {"lost", 1},
                                                            {"idle", 1},
                                                            {"cap_valid", 1},
                                                            {"cap_code", sample_bits}}
                                           : nlohmann::json{{"clk", 1},
                                                            {"rst", 1},
                                                            {"in_valid", 1},
                                                            {"in_ready", 1},
                                                            {"in_samples", samples * sample_bits},
                                                            {"out_valid", 1},
                                                            {"out_ready", 1},
                                                            {"out_data", outputs * output_bits}}},
                     {"samples", samples},
                     {"sample_bits", sample_bits},
                     {"outputs", outputs},
                     {"output_bits", output_bits}};
    for (const auto& f : files) j["files"].push_back(f.name);
    return j.dump(2);
}

GeneratedRtl generate_verilog(const QuantizedNetwork& net, const HardwareTemplate& t) {
    t.validate();
    net.validate("network");
    GeneratedRtl rtl;
    rtl.timing = timing_of(net, t);
    rtl.network_hash = net.content_hash();
    rtl.template_name = t.name();
    rtl.samples = window_samples(net);
    rtl.sample_bits = net.input.adc_bits;
    rtl.outputs = net.outputs();
    rtl.output_bits = net.output_bits();
    if (net.peak_unit) {  // timing_of has refused any template but streaming
        rtl.files.push_back({"pixforge_stream_net.v", peak_unit_module(net, t.clock_gating)});
        if (t.clock_gating) rtl.files.push_back({kClockGateFile, clock_gate_module()});
        rtl.files.push_back({"pixforge_net.v", stream_window_module(net, stream_cycles_per_sample(net, t))});
        return rtl;
    }
    const std::vector<LayerIo> io = layer_io(net);
    const int out_bits = net.layers.back().out_features() * io.back().out_width;
    std::vector<Unit> units;
    switch (t.kind) {
        case TemplateKind::Parallel:
        case TemplateKind::Folded:
            for (size_t l = 0; l < net.layers.size(); ++l) {
                rtl.files.push_back(
                    {fmt::format("pixforge_net_layer{}.v", l),
                     layer_module(net.layers[l], static_cast<int>(l), io[l], rtl.timing.reuse[l],
                                  t.kind == TemplateKind::Parallel ? t.pipeline : 1, t.clock_gating,
                                  rtl.network_hash)});
                units.push_back({fmt::format("pixforge_net_layer{}", l), fmt::format("layer{}", l),
                                 net.layers[l].out_features() * io[l].out_width});
            }
            break;
        case TemplateKind::Serial:
            rtl.files.push_back({"pixforge_net_serial.v",
                                 serial_unit_module(net, io, 0, t.clock_gating, "pixforge_net_serial")});
            units.push_back({"pixforge_net_serial", "serial", out_bits});
            break;
        case TemplateKind::Streaming:
            rtl.files.push_back(
                {"pixforge_stream_layer0.v", stream_layer0_module(net, io, t.reuse, t.clock_gating)});
            if (net.layers.size() > 1)
                rtl.files.push_back({"pixforge_stream_tail.v",
                                     serial_unit_module(net, io, 1, t.clock_gating, "pixforge_stream_tail")});
            rtl.files.push_back({"pixforge_stream_net.v", stream_net_module(net, io)});
            rtl.files.push_back(
                {"pixforge_net.v", stream_window_module(net, stream_cycles_per_sample(net, t))});
            break;
    }
    // The clock gate just before the top, which comes last.
    if (t.clock_gating)
        rtl.files.insert(units.empty() ? rtl.files.end() - 1 : rtl.files.end(),
                         {kClockGateFile, clock_gate_module()});
    if (!units.empty())
        rtl.files.push_back({"pixforge_net.v", top_module(net, units, rtl.samples, t.clock_gating)});
    return rtl;
}

void write_rtl(const GeneratedRtl& rtl, const std::string& dir) {
    std::filesystem::create_directories(dir);
    for (const auto& f : rtl.files) std::ofstream(std::filesystem::path(dir) / f.name) << f.text;
    std::ofstream(std::filesystem::path(dir) / "summary.json") << rtl.summary_json() << "\n";
}

}  // namespace pixforge::rtl
