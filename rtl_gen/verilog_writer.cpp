#include "rtl_gen/verilog_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "models/network/fixed_point.hpp"

namespace pixforge::rtl {
namespace {

using models::Activation;
using models::LayerKind;
using models::QuantizedNetwork;
using models::QuantLayer;

// A signed constant of `width` bits as its two's-complement pattern.
std::string constant(std::int64_t v, int width) {
    const std::uint64_t mask = width >= 64 ? ~0ULL : ((1ULL << width) - 1);
    return fmt::format("{}'sh{:x}", width, static_cast<std::uint64_t>(v) & mask);
}

// Extends field `name` of `from` bits to `to` bits, signed or zero-extended.
std::string extend(const std::string& name, int from, int to, bool is_signed) {
    if (to == from) return name;
    const std::string fill = is_signed ? fmt::format("{{{}{{{}[{}]}}}}", to - from, name, from - 1)
                                       : fmt::format("{{{}{{1'b0}}}}", to - from);
    return fmt::format("{{{}, {}}}", fill, name);
}

// x * w as a canonical-signed-digit sum of shifts (at most ceil(bits/2) + 1 nonzero digits), so a
// hardwired constant costs a few adders instead of a multiplier. Exact: the product fits the
// operand width, so the modular sums equal it.
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

int bits_for(int n) {  // counter bits for 0 .. n-1
    int b = 1;
    while ((1 << b) < n) ++b;
    return b;
}

// Index of the input feeding tap `t` of output `o`.
int input_index(const QuantLayer& l, int o, int t) {
    if (l.kind == LayerKind::Dense) return t;
    const int channel = o / l.out_length, pos = o % l.out_length;
    (void)channel;
    const int c = t / l.kernel, k = t % l.kernel;
    return c * l.in_length + pos * l.stride + k;
}

std::int32_t weight_of(const QuantLayer& l, int o, int t) {
    if (l.kind == LayerKind::Dense) return l.weights[static_cast<size_t>(o * l.in_features() + t)];
    const int channel = o / l.out_length;
    return l.weights[static_cast<size_t>(channel * taps_of(l) + t)];
}

std::int64_t bias_of(const QuantLayer& l, int o) {
    return l.bias[static_cast<size_t>(l.kind == LayerKind::Dense ? o : o / l.out_length)];
}

// Registers loaded only when `enable` holds, on a clock gated by it: they see no clock edge while
// the pixel waits for a pulse. `body` is the assignments, each indented by 12 spaces.
std::string gated_registers(const std::string& name, const std::string& enable, const std::string& body) {
    return fmt::format(
        "    wire gclk_{0};\n    pixforge_clock_gate cg_{0} (.clk(clk), .en({1}), .gclk(gclk_{0}));\n"
        "    always @(posedge gclk_{0}) begin\n{2}    end\n",
        name, enable, body);
}

// The behavioural integrated clock gate: the enable is latched while clk is low, so the gated clock
// cannot glitch. Synthesis replaces this file with the library's clock-gate cell (rtl_gen/synthesis).
std::string clock_gate_module() {
    return "// pixforge_clock_gate: clock gate, enable latched while clk is low (glitch-free gclk).\n"
           "module pixforge_clock_gate (\n    input  wire clk,\n    input  wire en,\n    output wire "
           "gclk\n);\n"
           "    reg en_latched;\n    /* verilator lint_off LATCH */\n"
           "    always @(clk or en) if (!clk) en_latched = en;\n    /* verilator lint_on LATCH */\n"
           "    assign gclk = clk & en_latched;\nendmodule\n";
}

struct LayerIo {
    int in_width;  // bits per input value
    bool in_signed;
    int out_width;  // bits per output value
    bool out_signed;
};

std::string layer_module(const QuantLayer& l, int index, const LayerIo& io, int reuse, int pipeline,
                         bool clock_gating, const std::string& net_hash) {
    const int n_in = l.in_features(), n_out = l.out_features(), taps = taps_of(l);
    const int slots = (taps + reuse - 1) / reuse;  // products per output per cycle
    const int shift = l.acc_frac() - l.out_frac;
    const int aw = l.acc_bits + 2 + std::max(0, -shift);
    const models::fixed::Range range = io.out_signed ? models::fixed::signed_range(io.out_width)
                                                     : models::fixed::unsigned_range(io.out_width);
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
        if (shift > 0)
            v += fmt::format("    wire signed [AW-1:0] shifted_{0} = (total_{0} + {1}) >>> {2};\n", o,
                             constant(std::int64_t{1} << (shift - 1), aw), shift);
        else
            v += fmt::format("    wire signed [AW-1:0] shifted_{0} = total_{0} <<< {1};\n", o, -shift);
        v += fmt::format(
            "    wire [{}:0] y_next_{} = (shifted_{} > {}) ? {}'d{} : (shifted_{} < {}) ? {}'d{} : "
            "shifted_{}[{}:0];\n",
            io.out_width - 1, o, o, constant(range.hi, aw), io.out_width,
            static_cast<std::uint64_t>(range.hi) & ((1ULL << io.out_width) - 1), o, constant(range.lo, aw),
            io.out_width, static_cast<std::uint64_t>(range.lo) & ((1ULL << io.out_width) - 1), o,
            io.out_width - 1);
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
        if (folded) v += fmt::format("            count <= {}'d0;\n", cw);
        v += "        end else begin\n            if (fire) y_valid <= 1'b1; else if (out_ready) y_valid <= "
             "1'b0;\n";
        if (folded)
            v += fmt::format("            if (advance) count <= last ? {0}'d0 : count + {0}'d1;\n", cw);
        v += "        end\n    end\n";
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

std::string top_module(const QuantizedNetwork& net, const std::vector<LayerIo>& io, int samples,
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
    v += fmt::format("    output wire [{}:0] out_data\n);\n",
                     net.layers.back().out_features() * io.back().out_width - 1);
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
    const size_t last = net.layers.size() - 1;
    for (size_t l = 0; l < net.layers.size(); ++l)
        v += fmt::format("    wire l{0}_in_ready, l{0}_out_valid;\n    wire [{1}:0] l{0}_out_data;\n", l,
                         net.layers[l].out_features() * io[l].out_width - 1);
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
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const std::string up_valid = l == 0 ? "x_valid" : fmt::format("l{}_out_valid", l - 1);
        const std::string up_data = l == 0 ? "x_data" : fmt::format("l{}_out_data", l - 1);
        const std::string down_ready = l == last ? "out_ready" : fmt::format("l{}_in_ready", l + 1);
        v += fmt::format(
            "    pixforge_net_layer{0} layer{0} (.clk(clk), .rst(rst), .in_valid({1}), "
            ".in_ready(l{0}_in_ready), "
            ".in_data({2}), .out_valid(l{0}_out_valid), .out_ready({3}), .out_data(l{0}_out_data));\n",
            l, up_valid, up_data, down_ready);
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
                     {"ports",
                      {{"clk", 1},
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
    rtl.samples = std::max(net.input.first + net.input.length, 1 << net.input.baseline_log2);
    rtl.sample_bits = net.input.adc_bits;
    std::vector<LayerIo> io;
    int in_width = net.input_bits();
    bool in_signed = true;
    for (const auto& l : net.layers) {
        const bool out_signed = l.activation == Activation::None;
        io.push_back({in_width, in_signed, l.out_bits, out_signed});
        if (l.acc_bits + 2 > 62)
            throw PixError("RTL-002", "an accumulator wider than 60 bits cannot be generated");
        in_width = l.out_bits;
        in_signed = out_signed;
    }
    for (size_t l = 0; l < net.layers.size(); ++l)
        rtl.files.push_back({fmt::format("pixforge_net_layer{}.v", l),
                             layer_module(net.layers[l], static_cast<int>(l), io[l], rtl.timing.reuse[l],
                                          t.kind == TemplateKind::Parallel ? t.pipeline : 1, t.clock_gating,
                                          rtl.network_hash)});
    if (t.clock_gating) rtl.files.push_back({kClockGateFile, clock_gate_module()});
    rtl.files.push_back({"pixforge_net.v", top_module(net, io, rtl.samples, t.clock_gating)});
    rtl.outputs = net.layers.back().out_features();
    rtl.output_bits = net.layers.back().out_bits;
    return rtl;
}

void write_rtl(const GeneratedRtl& rtl, const std::string& dir) {
    std::filesystem::create_directories(dir);
    for (const auto& f : rtl.files) std::ofstream(std::filesystem::path(dir) / f.name) << f.text;
    std::ofstream(std::filesystem::path(dir) / "summary.json") << rtl.summary_json() << "\n";
}

}  // namespace pixforge::rtl
