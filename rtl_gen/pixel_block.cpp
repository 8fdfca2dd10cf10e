#include "rtl_gen/pixel_block.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "models/self_trigger.hpp"
#include "rtl_gen/hardware_template.hpp"
#include "rtl_gen/verilog_text.hpp"

namespace pixforge::rtl {

// Trigger, dead time, pre-trigger delay line and window capture (models::SelfTrigger's rule).
std::string capture_module(const PixelBlockSpec& p, int samples, bool clock_gating) {
    const int b = p.adc_bits, pre = p.pre_trigger, db = bits_for(p.dead_samples), cb = bits_for(samples);
    const char* policy = p.policy == models::DeadTimePolicy::Paralyzable ? "paralyzable"
                         : p.policy == models::DeadTimePolicy::Retrigger ? "retrigger"
                                                                         : "nonparalyzable";
    std::string v = fmt::format(
        "// pixforge_capture: self-trigger at code >= {} on a rising edge, dead time {} samples ({}),\n"
        "// {} samples of pre-trigger history; captures {} samples from the stream delayed by {}.\n",
        p.threshold_code, p.dead_samples, policy, pre, samples, pre);
    v += fmt::format(
        "module pixforge_capture (\n    input  wire clk,\n    input  wire rst,\n    input  wire s_valid,\n"
        "    input  wire [{0}:0] s_code,\n    input  wire take,\n    output wire trig,\n    output wire "
        "armed,\n"
        "    output wire dead_edge,\n    output wire lost,\n    output wire quiet,\n    output wire "
        "cap_valid,\n"
        "    output wire [{0}:0] cap_code,\n    output wire cap_last\n);\n",
        b - 1);
    v += fmt::format("    wire above = ({{1'b0, s_code}} >= {}'d{});\n", b + 1, p.threshold_code);
    v += fmt::format("    reg prev_above, was_armed;\n    reg [{}:0] dead_left;\n    reg [{}:0] cap_pos;\n",
                     db - 1, cb - 1);
    v += "    wire rise = above && !prev_above;\n";
    v += fmt::format("    assign armed = (dead_left == {}'d0);\n", db);
    const int sb = bits_for(pre + 1);
    if (pre > 0)
        v += fmt::format("    reg [{0}:0] seen;\n    wire primed = (seen == {1}'d{2});\n", sb - 1, sb, pre);
    else
        v += "    wire primed = 1'b1;\n";
    v += fmt::format("    wire fire = s_valid && primed && armed && (rise{});\n",
                     p.policy == models::DeadTimePolicy::Retrigger ? " || (above && !was_armed)" : "");
    v += fmt::format("    wire capturing = (cap_pos != {}'d0);\n", cb);
    v += "    wire start = fire && take;\n    assign trig = fire;\n    assign lost = fire && !take;\n"
         "    assign dead_edge = s_valid && !armed && rise;\n";
    v += "    assign cap_valid = s_valid && (start || capturing);\n";
    v += fmt::format("    assign cap_last = cap_valid && (capturing ? (cap_pos == {}'d{}) : 1'b{});\n", cb,
                     samples - 1, samples == 1 ? 1 : 0);
    v += "    assign quiet = armed && was_armed && primed && !capturing;\n";
    const std::string restart =
        p.policy == models::DeadTimePolicy::Paralyzable ? "fire || (!armed && rise)" : "fire";
    // The edge flags change with the signal; the counters only around an event, so with clock
    // gating they are clocked only then.
    v += "    always @(posedge clk) begin\n        if (rst) begin\n            prev_above <= 1'b1;\n"
         "            was_armed <= 1'b1;\n        end else if (s_valid) begin\n            prev_above <= "
         "above;\n"
         "            was_armed <= armed && !fire;\n        end\n    end\n";
    v += control_registers("dead", fmt::format("s_valid && ({} || !armed)", restart),
                           fmt::format("            dead_left <= {}'d0;\n", db),
                           fmt::format("            dead_left <= ({}) ? {}'d{} : dead_left - {}'d1;\n",
                                       restart, db, p.dead_samples - 1, db),
                           clock_gating);
    v += control_registers(
        "capture", "s_valid && (start || capturing)", fmt::format("            cap_pos <= {}'d0;\n", cb),
        fmt::format("            cap_pos <= start ? {0}'d{2} : (cap_pos == {0}'d{1}) ? {0}'d0 : "
                    "cap_pos + {0}'d1;\n",
                    cb, samples - 1, samples > 1 ? 1 : 0),
        clock_gating);
    if (pre > 0)
        v += control_registers("seen", "s_valid && !primed", fmt::format("            seen <= {}'d0;\n", sb),
                               fmt::format("            seen <= seen + {}'d1;\n", sb), clock_gating);
    if (pre == 0) return v + "    assign cap_code = s_code;\nendmodule\n";
    // The history is a ring of `pre` codes: each sample writes one row (the oldest, which it
    // replaces after reading), so only that row is clocked, not a whole shift register.
    const int wb = bits_for(pre);
    v += fmt::format("    reg [{}:0] write_row;\n    reg [{}:0] oldest;\n", wb - 1, b - 1);
    std::string rows, read = "        case (write_row)\n";
    for (int i = 0; i < pre; ++i) {
        v += fmt::format("    reg [{}:0] history_{};\n", b - 1, i);
        read += fmt::format("            {}'d{}: oldest = history_{};\n", wb, i, i);
        rows += loaded_registers(fmt::format("history{}", i),
                                 fmt::format("s_valid && (write_row == {}'d{})", wb, i),
                                 fmt::format("            history_{} <= s_code;\n", i), clock_gating);
    }
    v += "    always @(*) begin\n" + read +
         fmt::format("            default: oldest = {}'d0;\n        endcase\n    end\n", b);
    v += rows;
    v += fmt::format(
        "    always @(posedge clk) begin\n        if (rst) write_row <= {0}'d0;\n"
        "        else if (s_valid) write_row <= (write_row == {0}'d{1}) ? {0}'d0 : write_row + {0}'d1;\n    "
        "end\n",
        wb, pre - 1);
    return v + "    assign cap_code = oldest;\nendmodule\n";
}

std::string window_register(int samples, int adc_bits, bool clock_gating, std::vector<std::string>& taps) {
    std::string v, shift;
    taps.clear();
    for (int i = 0; i < samples; ++i) {
        v += fmt::format("    reg [{}:0] win_{};\n", adc_bits - 1, i);
        shift += i + 1 < samples ? fmt::format("            win_{} <= win_{};\n", i, i + 1)
                                 : fmt::format("            win_{} <= cap_code;\n", i);
        taps.insert(taps.begin(), fmt::format("win_{}", i));
    }
    return v + loaded_registers("window", "cap_valid", shift, clock_gating);
}

namespace {

std::string pixel_top(const models::QuantizedNetwork& net, const HardwareTemplate& t, const PixelBlockSpec& p,
                      int samples, int out_bits, bool streaming) {
    const int b = p.adc_bits;
    std::string v = fmt::format(
        "// pixforge_pixel: the pixel's digital block: network {} ({}) behind the self-trigger and window\n"
        "// capture; one ADC sample every {} clock cycle(s).\n",
        net.content_hash(), t.name(), p.cycles_per_sample);
    v += fmt::format(
        "module pixforge_pixel (\n    input  wire clk,\n    input  wire rst,\n    input  wire s_valid,\n"
        "    input  wire [{0}:0] s_code,\n    output wire out_valid,\n    input  wire out_ready,\n"
        "    output wire [{1}:0] out_data,\n    output wire trig,\n    output wire armed,\n"
        "    output wire dead_edge,\n    output wire lost,\n    output wire idle,\n    output wire "
        "cap_valid,\n"
        "    output wire [{0}:0] cap_code\n);\n",
        b - 1, out_bits - 1);
    v += "    wire take, quiet, cap_last;\n    reg [3:0] in_flight;  // windows between capture and result\n";
    // With clock gating the network sits behind one gate of its own: between events it sees no
    // clock edge at all, so its gates' clock pins stop too. It is enabled whenever a register in it
    // may change: a sample for it (cap_valid), a capture or dead time under way (!quiet: covers
    // the phases and the stage between samples), a window in flight (up to its result taken).
    std::string core_clk = "clk";
    if (t.clock_gating) {
        v += "    wire gclk_core;\n    pixforge_clock_gate cg_core (.clk(clk), .en(rst || cap_valid || "
             "!quiet || "
             "(in_flight != 4'd0)), .gclk(gclk_core));\n";
        core_clk = "gclk_core";
    }
    v += "    pixforge_capture capture (.clk(clk), .rst(rst), .s_valid(s_valid), .s_code(s_code), "
         ".take(take),\n"
         "        .trig(trig), .armed(armed), .dead_edge(dead_edge), .lost(lost), .quiet(quiet),\n"
         "        .cap_valid(cap_valid), .cap_code(cap_code), .cap_last(cap_last));\n";
    if (streaming) {
        v += fmt::format(
            "    wire core_idle, core_free;\n    wire [{}:0] unused_pos;\n    wire unused_in_last;\n",
            bits_for(samples) - 1);
        v += "    pixforge_stream_net core (.clk(" + core_clk +
             "), .rst(rst), .s_valid(cap_valid), .s_code(cap_code),\n"
             "        .s_pos(unused_pos), .idle(core_idle), .in_last(unused_in_last), .free(core_free),\n"
             "        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data));\n"
             "    wire unused = ^{unused_pos, unused_in_last};\n";
        // The later layers finish with a window's first-layer outputs before the next window's first
        // layer can finish (S samples later) when they take fewer cycles than that: then a capture may
        // start while they work; otherwise it waits for them.
        // A peak unit divides after the window: it takes the next once its result is taken.
        const bool tail_in_time = !net.peak_unit && serial_steps(net, 1) + 1 <= samples * p.cycles_per_sample;
        v += tail_in_time ? "    assign take = core_idle;\n    wire unused_free = core_free;\n"
                          : "    assign take = core_idle && core_free;\n";
    } else {
        std::vector<std::string> taps;
        v += window_register(samples, b, t.clock_gating, taps);
        v += "    reg win_full;\n    wire net_ready;\n"
             "    always @(posedge clk) begin\n        if (rst) win_full <= 1'b0;\n"
             "        else if (cap_last) win_full <= 1'b1;\n        else if (net_ready) win_full <= 1'b0;\n"
             "    end\n";
        v += fmt::format(
            "    pixforge_net net (.clk({}), .rst(rst), .in_valid(win_full), .in_ready(net_ready),\n"
            "        .in_samples({{{}}}), .out_valid(out_valid), .out_ready(out_ready), "
            ".out_data(out_data));\n",
            core_clk, fmt::join(taps, ", "));
        v += "    assign take = !win_full || net_ready;\n";
    }
    // Windows between capture and result, for `idle` and the network's clock.
    v += control_registers(
        "in_flight", "cap_last || (out_valid && out_ready)", "            in_flight <= 4'd0;\n",
        "            in_flight <= in_flight + {3'd0, cap_last} - {3'd0, out_valid && out_ready};\n",
        t.clock_gating);
    v += "    assign idle = quiet && (in_flight == 4'd0);\nendmodule\n";
    return v;
}

}  // namespace

PixelBlockSpec pixel_block_spec(const models::PixelChain& chain, double clock_period_s) {
    const models::SelfTrigger trigger(chain);
    PixelBlockSpec p;
    p.adc_bits = chain.params().adc.bits;
    p.threshold_code = trigger.threshold_code();
    p.pre_trigger = trigger.pre_trigger();
    p.dead_samples = trigger.dead_samples();
    p.policy = trigger.policy();
    const double ratio = chain.sample_period() / clock_period_s;
    p.cycles_per_sample = static_cast<int>(std::lround(ratio));
    if (p.cycles_per_sample < 1 || std::abs(ratio - p.cycles_per_sample) > 1e-6 * ratio)
        throw PixError("RTL-003",
                       fmt::format("synthesis.clock_period {:g} ns gives {:.4g} clock cycles per ADC "
                                   "sample (adc.sampling_rate {:g} MHz): the pixel block needs a whole "
                                   "number, at least 1",
                                   clock_period_s * 1e9, ratio, 1e-6 / chain.sample_period()));
    return p;
}

GeneratedRtl generate_pixel_block(const models::QuantizedNetwork& net, const HardwareTemplate& t,
                                  const PixelBlockSpec& spec) {
    GeneratedRtl rtl = generate_verilog(net, t);
    const bool streaming = t.kind == TemplateKind::Streaming;
    if (spec.adc_bits != net.input.adc_bits)
        throw PixError("RTL-003", fmt::format("the network reads {}-bit codes, the chain's ADC gives {} bits",
                                              net.input.adc_bits, spec.adc_bits));
    if (spec.dead_samples < rtl.samples)
        throw PixError("RTL-003",
                       fmt::format("trigger.dead_time covers {} samples, the pixel block captures {} per "
                                   "window: a dead time of at least {} samples keeps windows apart",
                                   spec.dead_samples, rtl.samples, rtl.samples));
    if (streaming && stream_cycles_per_sample(net, t) > spec.cycles_per_sample)
        throw PixError("RTL-003",
                       fmt::format("{} works each sample over {} cycles, the clock gives {} per ADC "
                                   "sample (synthesis.clock_period, adc.sampling_rate)",
                                   t.name(), t.reuse, spec.cycles_per_sample));
    if (streaming) rtl.files.pop_back();  // the window-level wrapper: the capture feeds the core directly
    rtl.files.push_back({"pixforge_capture.v", capture_module(spec, rtl.samples, t.clock_gating)});
    rtl.files.push_back(
        {"pixforge_pixel.v", pixel_top(net, t, spec, rtl.samples, rtl.outputs * rtl.output_bits, streaming)});
    rtl.top = "pixforge_pixel";
    rtl.pixel_block = true;
    return rtl;
}

}  // namespace pixforge::rtl
