// The streaming template: the first layer adds each arriving sample into its hidden units'
// accumulators (acc_h += w[h][p] * (code - baseline)), so no window is stored. The baseline (mean of
// the window's first 2^k samples, or the pedestal) is complete before the network's first sample,
// which the generator requires. Each sample is worked over R cycles: in phase j, multiplier m serves
// hidden unit j * M + m (M = ceil(hidden / R)); the code is held for phases after the first.
// Two stages: the first takes the code and subtracts the baseline, the second (one cycle later)
// looks up the weights, multiplies, accumulates and rescales; the register between them keeps the
// baseline subtraction out of the multiply-accumulate path (100 MHz on SKY130 hd).
#include <fmt/format.h>

#include "core/error.hpp"
#include "rtl_gen/hardware_template.hpp"
#include "rtl_gen/unit_writers.hpp"

namespace pixforge::rtl {
namespace {

// Weight of input i (0 .. length) for hidden unit h of the first layer.
std::int32_t input_weight(const models::QuantLayer& l, int h, int i) {
    std::int32_t w = 0;
    for (int t = 0; t < taps_of(l); ++t)
        if (input_index(l, h, t) == i) w += weight_of(l, h, t);
    return w;
}

}  // namespace

std::string stream_baseline(const models::InputSpec& in, int pb, const std::string& take, bool clock_gating) {
    const int k = in.baseline_log2, b = in.adc_bits;
    if (k == 0) return fmt::format("    wire [{}:0] baseline = {}'d{};\n", b - 1, b, in.pedestal);
    std::string v = fmt::format("    reg [{}:0] baseline_sum;\n", b + k - 1);
    v += fmt::format("    wire [{0}:0] baseline_round = {{1'b0, baseline_sum}} + {1}'d{2};\n", b + k,
                     b + k + 1, 1 << (k - 1));
    v += fmt::format("    wire [{}:0] baseline = baseline_round[{}:{}];\n", b - 1, b + k - 1, k);
    v += fmt::format("    wire unused_round_bits = ^{{baseline_round[{}], baseline_round[{}:0]}};\n", b + k,
                     k - 1);
    v += loaded_registers("baseline", fmt::format("{} && (pos < {}'d{})", take, pb, 1 << k),
                          fmt::format("            baseline_sum <= (pos == {0}'d0) ? {{{1}'d0, code}} : "
                                      "baseline_sum + {{{1}'d0, code}};\n",
                                      pb, k),
                          clock_gating);
    return v;
}

std::string stream_layer0_module(const models::QuantizedNetwork& net, const std::vector<LayerIo>& io,
                                 int reuse, bool clock_gating) {
    const models::InputSpec& in = net.input;
    const models::QuantLayer& l = net.layers.front();
    const int k = in.baseline_log2, b = in.adc_bits, s = window_samples(net), f = in.first;
    if (k > 0 && f < (1 << k))
        throw PixError("RTL-002",
                       fmt::format("the streaming template needs the baseline before the network's first "
                                   "sample: network.window_first is {}, the baseline takes the first {} "
                                   "samples (use window_first >= {} or a fixed pedestal)",
                                   f, 1 << k, 1 << k));
    const int hidden = l.out_features(), r = std::min(reuse, hidden), m_count = (hidden + r - 1) / r;
    const int wb = l.weight_bits, xw = b + 1, pw = wb + xw, aw = accumulator_width(l);
    const int pb = bits_for(s), rb = bits_for(r), ow = io.front().out_width;
    const int shift = l.acc_frac() - l.out_frac;
    std::string v = fmt::format(
        "// pixforge_stream_layer0: first layer of network {} fed one ADC code per sample, {} samples per\n"
        "// window (inputs [{}, {})), baseline {}; {} hidden units on {} multiplier(s) of {} x {} bits over "
        "{} "
        "cycle(s)\n// per sample; accumulators {} bits.\n",
        net.content_hash(), s, f, s,
        k > 0 ? fmt::format("= mean of the first {} samples", 1 << k) : "= pedestal", hidden, m_count, wb, xw,
        r, aw);
    v += "module pixforge_stream_layer0 (\n    input  wire clk,\n    input  wire rst,\n    input  wire "
         "s_valid,\n";
    v += fmt::format("    input  wire [{}:0] s_code,\n    output wire [{}:0] s_pos,\n", b - 1, pb - 1);
    v += "    output wire idle,\n    output wire in_last,\n    output wire last_pending,\n"
         "    output wire out_valid,\n    input  wire out_ready,\n";
    v += fmt::format("    output wire [{}:0] out_data\n);\n", hidden * ow - 1);
    v += fmt::format("    reg [{}:0] pos;\n    assign s_pos = pos;\n", pb - 1);
    std::string phase_is_last = "1'b1", phase_is_first = "1'b1";
    if (r > 1) {
        v += fmt::format("    reg [{}:0] ph;\n    reg [{}:0] held;\n", rb - 1, b - 1);
        phase_is_first = fmt::format("(ph == {}'d0)", rb);
        phase_is_last = fmt::format("(ph == {}'d{})", rb, r - 1);
        v += fmt::format("    wire proc = {} ? s_valid : 1'b1;\n    wire [{}:0] code = {} ? s_code : held;\n",
                         phase_is_first, b - 1, phase_is_first);
    } else {
        v += fmt::format("    wire proc = s_valid;\n    wire [{}:0] code = s_code;\n", b - 1);
    }
    v += fmt::format("    wire at_last = (pos == {}'d{});\n", pb, s - 1);
    // in_last: the window's last sample is taken (later phases work on the held copy).
    v += fmt::format("    assign in_last = proc && at_last && {};\n", phase_is_first);
    v += fmt::format("    assign idle = (pos == {}'d0){};\n", pb, r > 1 ? " && " + phase_is_first : "");
    v += stream_baseline(in, pb, "s_valid && " + phase_is_first, clock_gating);
    v += fmt::format("    wire signed [{}:0] x = {{1'b0, code}} - {{1'b0, baseline}};\n", xw - 1);
    const std::string in_range = f > 0 ? fmt::format("(pos >= {}'d{})", pb, f) : "1'b1";
    v += fmt::format("    wire work = proc && {};\n", in_range);
    // The second stage: what the first handed over (b_valid: a sample to work on).
    const int selw = r > 1 ? pb + rb : pb;
    v += fmt::format("    reg b_valid, b_first, b_last;\n    reg signed [{}:0] b_x;\n    reg [{}:0] b_sel;\n",
                     xw - 1, selw - 1);
    v += "    always @(posedge clk) begin\n        if (rst) b_valid <= 1'b0;\n"
         "        else b_valid <= work;\n    end\n";
    v += loaded_registers(
        "stage", "work",
        fmt::format(
            "            b_x <= x;\n            b_sel <= {};\n            b_first <= (pos == {}'d{});\n"
            "            b_last <= at_last;\n",
            r > 1 ? "{pos, ph}" : "pos", pb, f),
        clock_gating);
    const std::string b_ph = r > 1 ? fmt::format("b_sel[{}:0]", rb - 1) : "";
    // Multipliers: weight ROM by (position, phase), accumulator and bias by phase.
    for (int m = 0; m < m_count; ++m) {
        v += fmt::format("    reg signed [{}:0] w_{};\n    always @(*) begin\n        case (b_sel)\n", wb - 1,
                         m);
        for (int p = f; p < s; ++p)
            for (int j = 0; j < r; ++j) {
                const int h = j * m_count + m;
                if (h >= hidden) continue;
                const std::int32_t w = input_weight(l, h, p - f);
                if (w == 0) continue;
                v += fmt::format("            {}'d{}: w_{} = {};\n", selw, r > 1 ? (p << rb) | j : p, m,
                                 constant(w, wb));
            }
        v += fmt::format("            default: w_{} = {}'sd0;\n        endcase\n    end\n", m, wb);
        v += fmt::format("    wire signed [{}:0] p_{} = {} * {};\n", pw - 1, m,
                         extend(fmt::format("w_{}", m), wb, pw, true), extend("b_x", xw, pw, true));
        std::string acc = fmt::format("acc_{}", m), bias = constant(bias_of(l, m), aw);
        if (r > 1) {
            v += fmt::format(
                "    reg signed [{0}:0] a_{1};\n    reg signed [{0}:0] c_{1};\n    always @(*) begin\n"
                "        case ({2})\n",
                aw - 1, m, b_ph);
            for (int j = 0; j < r; ++j) {
                const int h = j * m_count + m;
                if (h < hidden)
                    v += fmt::format("            {}'d{}: begin a_{} = acc_{}; c_{} = {}; end\n", rb, j, m, h,
                                     m, constant(bias_of(l, h), aw));
            }
            v += fmt::format(
                "            default: begin a_{0} = {1}'sd0; c_{0} = {1}'sd0; end\n        endcase\n    "
                "end\n",
                m, aw);
            acc = fmt::format("a_{}", m), bias = fmt::format("c_{}", m);
        }
        v += fmt::format(
            "    wire signed [{}:0] next_{} = (b_first ? {} : {}) + {};\n", aw - 1, m, bias, acc,
            pw >= aw ? fmt::format("p_{}[{}:0]", m, aw - 1) : extend(fmt::format("p_{}", m), pw, aw, true));
        v +=
            rescale(fmt::format("next_{}", m), fmt::format("yn_{}", m), aw, shift, ow, io.front().out_signed);
    }
    for (int h = 0; h < hidden; ++h)
        v += fmt::format("    reg signed [{}:0] acc_{};\n    reg [{}:0] y_{};\n", aw - 1, h, ow - 1, h);
    for (int j = 0; j < r; ++j) {
        std::string accs, ys;
        for (int m = 0; m < m_count; ++m) {
            const int h = j * m_count + m;
            if (h >= hidden) continue;
            accs += fmt::format("            acc_{} <= next_{};\n", h, m);
            ys += fmt::format("            y_{} <= yn_{};\n", h, m);
        }
        const std::string phase = r > 1 ? fmt::format(" && ({} == {}'d{})", b_ph, rb, j) : "";
        v += loaded_registers(fmt::format("acc{}", j), "b_valid && !b_last" + phase, accs, clock_gating);
        v += loaded_registers(fmt::format("y{}", j), "b_valid && b_last" + phase, ys, clock_gating);
    }
    // Control.
    const std::string b_done =
        "b_valid && b_last" + (r > 1 ? fmt::format(" && ({} == {}'d{})", b_ph, rb, r - 1) : std::string());
    v += fmt::format("    wire b_done = {};\n", b_done);
    v += "    assign last_pending = b_valid && b_last;\n";
    v += "    reg y_valid;\n    assign out_valid = y_valid;\n";
    v += "    always @(posedge clk) begin\n        if (rst) y_valid <= 1'b0;\n"
         "        else if (b_done) y_valid <= 1'b1;\n        else if (out_ready) y_valid <= 1'b0;\n    end\n";
    std::string reset = fmt::format("            pos <= {}'d0;\n", pb);
    std::string advance = fmt::format("            pos <= at_last ? {0}'d0 : pos + {0}'d1;\n", pb);
    if (r > 1) {
        reset += fmt::format("            ph <= {}'d0;\n", rb);
        advance = fmt::format(
            "            ph <= {0} ? {1}'d0 : ph + {1}'d1;\n"
            "            if ({0}) pos <= at_last ? {2}'d0 : pos + {2}'d1;\n",
            phase_is_last, rb, pb);
    }
    v += control_registers("position", "proc", reset, advance, clock_gating);
    if (r > 1)
        v += loaded_registers("held", fmt::format("s_valid && {}", phase_is_first),
                              "            held <= s_code;\n", clock_gating);
    std::vector<std::string> outs;
    for (int h = hidden - 1; h >= 0; --h) outs.push_back(fmt::format("y_{}", h));
    v += fmt::format("    assign out_data = {{{}}};\nendmodule\n", fmt::join(outs, ", "));
    return v;
}

std::string stream_net_module(const models::QuantizedNetwork& net, const std::vector<LayerIo>& io) {
    const int b = net.input.adc_bits, pb = bits_for(window_samples(net));
    const int h_bits = net.layers.front().out_features() * io.front().out_width;
    const int out_bits = net.layers.back().out_features() * io.back().out_width;
    std::string v = fmt::format(
        "// pixforge_stream_net: network {} on a sample stream (streaming template).\n"
        "module pixforge_stream_net (\n    input  wire clk,\n    input  wire rst,\n"
        "    input  wire s_valid,\n    input  wire [{}:0] s_code,\n    output wire [{}:0] s_pos,\n"
        "    output wire idle,\n    output wire in_last,\n    output wire free,\n"
        "    output wire out_valid,\n    input  wire out_ready,\n    output wire [{}:0] out_data\n);\n",
        net.content_hash(), b - 1, pb - 1, out_bits - 1);
    v += fmt::format("    wire h_valid, h_ready;\n    wire [{}:0] h_data;\n", h_bits - 1);
    v += "    wire last_pending;\n";
    v += "    pixforge_stream_layer0 layer0 (.clk(clk), .rst(rst), .s_valid(s_valid), .s_code(s_code), "
         ".s_pos(s_pos),\n"
         "        .idle(idle), .in_last(in_last), .last_pending(last_pending), .out_valid(h_valid),\n"
         "        .out_ready(h_ready), .out_data(h_data));\n"
         "    // The first layer's outputs are taken (and not about to be loaded): a new window may start.\n"
         "    assign free = !h_valid && !last_pending;\n";
    if (net.layers.size() == 1)
        v += "    assign out_valid = h_valid;\n    assign h_ready = out_ready;\n    assign out_data = "
             "h_data;\n";
    else
        v += "    pixforge_stream_tail tail (.clk(clk), .rst(rst), .in_valid(h_valid), .in_ready(h_ready), "
             ".in_data(h_data),\n        .out_valid(out_valid), .out_ready(out_ready), "
             ".out_data(out_data));\n";
    return v + "endmodule\n";
}

std::string stream_window_module(const models::QuantizedNetwork& net, int cycles_per_sample) {
    const int b = net.input.adc_bits, s = window_samples(net), pb = bits_for(s);
    const int out_bits = net.outputs() * net.output_bits();
    std::string v = fmt::format(
        "// pixforge_net: the streaming template behind the window-level ports: the held window is fed\n"
        "// one sample per {} cycle(s); in_ready marks its last sample taken. A window starts when the\n"
        "// first layer's previous outputs are taken.\n",
        cycles_per_sample);
    v += "module pixforge_net (\n    input  wire clk,\n    input  wire rst,\n    input  wire in_valid,\n"
         "    output wire in_ready,\n";
    v += fmt::format("    input  wire [{}:0] in_samples,\n", s * b - 1);
    v += fmt::format(
        "    output wire out_valid,\n    input  wire out_ready,\n    output wire [{}:0] out_data\n);\n",
        out_bits - 1);
    v += fmt::format("    wire [{}:0] s_pos;\n    wire idle, free;\n    reg [{}:0] s_code;\n", pb - 1, b - 1);
    v += "    always @(*) begin\n        case (s_pos)\n";
    for (int p = 0; p < s; ++p)
        v += fmt::format("            {}'d{}: s_code = in_samples[{}:{}];\n", pb, p, (p + 1) * b - 1, p * b);
    v += fmt::format("            default: s_code = {}'d0;\n        endcase\n    end\n", b);
    v += "    pixforge_stream_net net (.clk(clk), .rst(rst), .s_valid(in_valid && (!idle || free)), "
         ".s_code(s_code),\n"
         "        .s_pos(s_pos), .idle(idle), .in_last(in_ready), .free(free), .out_valid(out_valid),\n"
         "        .out_ready(out_ready), .out_data(out_data));\n";
    return v + "endmodule\n";
}

}  // namespace pixforge::rtl
