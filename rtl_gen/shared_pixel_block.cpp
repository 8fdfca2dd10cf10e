// A pixel block whose digital logic holds several networks (rtl_gen/pixel_block.hpp, PixelCore):
// one trigger and capture, one window register for the cores on window templates, each core on its
// own template, and a join that delivers one result per window once every core has its own.
#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "rtl_gen/pixel_block.hpp"
#include "rtl_gen/verilog_text.hpp"

namespace pixforge::rtl {
namespace {

// Every core's units are named alike (pixforge_net, pixforge_net_layer0, pixforge_stream_net ...);
// core k's become pixforge_c<k>_... so that one design holds them all. The clock gate is shared.
std::string renamed(const std::string& text, std::size_t k) {
    static const std::regex unit("pixforge_(net|stream)");
    return std::regex_replace(text, unit, fmt::format("pixforge_c{}_$1", k));
}

// The core's outputs as the block carries them: each sign-extended from `bits` to `widest`.
std::string widened_outputs(const std::string& data, int outputs, int bits, int widest) {
    std::vector<std::string> parts;
    for (int j = outputs - 1; j >= 0; --j) {
        const std::string slice = fmt::format("{}[{}:{}]", data, j * bits + bits - 1, j * bits);
        parts.push_back(bits == widest ? slice
                                       : fmt::format("{{{{{}{{{}[{}]}}}}, {}}}", widest - bits, data,
                                                     j * bits + bits - 1, slice));
    }
    return fmt::format("{}", fmt::join(parts, ", "));
}

struct CoreText {
    std::string name;  // instance: core<k>
    bool streaming = false;
    GeneratedRtl rtl;
};

std::string shared_top(const std::vector<PixelCore>& cores, const std::vector<CoreText>& texts,
                       const PixelBlockSpec& p, int samples, int widest, int outputs) {
    const int b = p.adc_bits;
    std::vector<std::string> names;
    for (std::size_t k = 0; k < cores.size(); ++k)
        names.push_back(fmt::format("{} ({})", cores[k].network.content_hash(), cores[k].hardware.name()));
    std::string v = fmt::format(
        "// pixforge_pixel: the pixel's digital block: networks {} behind one self-trigger and window\n"
        "// capture; one ADC sample every {} clock cycle(s). Every core takes every window; the result\n"
        "// leaves when all of them have theirs.\n",
        fmt::join(names, ", "), p.cycles_per_sample);
    v += fmt::format(
        "module pixforge_pixel (\n    input  wire clk,\n    input  wire rst,\n    input  wire s_valid,\n"
        "    input  wire [{0}:0] s_code,\n    output wire out_valid,\n    input  wire out_ready,\n"
        "    output wire [{1}:0] out_data,\n    output wire trig,\n    output wire armed,\n"
        "    output wire dead_edge,\n    output wire lost,\n    output wire idle,\n    output wire "
        "cap_valid,\n    output wire [{0}:0] cap_code\n);\n",
        b - 1, outputs * widest - 1);
    v += "    wire take, quiet, cap_last;\n    reg [3:0] in_flight;  // windows between capture and result\n";
    const bool any_gated =
        std::any_of(cores.begin(), cores.end(), [](const PixelCore& c) { return c.hardware.clock_gating; });
    if (any_gated)  // the gated cores behind one gate, as a single network's (pixel_block.cpp)
        v += "    wire gclk_core;\n    pixforge_clock_gate cg_core (.clk(clk), .en(rst || cap_valid || "
             "!quiet || (in_flight != 4'd0)), .gclk(gclk_core));\n";
    v += "    pixforge_capture capture (.clk(clk), .rst(rst), .s_valid(s_valid), .s_code(s_code), "
         ".take(take),\n"
         "        .trig(trig), .armed(armed), .dead_edge(dead_edge), .lost(lost), .quiet(quiet),\n"
         "        .cap_valid(cap_valid), .cap_code(cap_code), .cap_last(cap_last));\n";
    std::vector<std::string> takes, valids, data;
    bool window_cores = false;
    for (const CoreText& c : texts) window_cores = window_cores || !c.streaming;
    std::vector<std::string> taps;
    if (window_cores) {  // one window register for every core on a window template
        v += window_register(samples, b, any_gated, taps);
        v += "    reg win_full;\n";
    }
    // A window core has taken the held window (got_k), or takes it this cycle (in_valid and ready).
    std::vector<std::string> taken;
    for (std::size_t k = 0; k < cores.size(); ++k) {
        const CoreText& c = texts[k];
        const std::string clk = cores[k].hardware.clock_gating ? "gclk_core" : "clk";
        const int out_width = c.rtl.outputs * c.rtl.output_bits;
        v += fmt::format("    wire {0}_out_valid;\n    wire [{1}:0] {0}_out_data;\n", c.name, out_width - 1);
        valids.push_back(c.name + "_out_valid");
        data.insert(data.begin(),
                    widened_outputs(c.name + "_out_data", c.rtl.outputs, c.rtl.output_bits, widest));
        const std::string module = fmt::format("pixforge_c{}_", k);
        if (c.streaming) {
            v += fmt::format("    wire {0}_idle, {0}_free, {0}_in_last;\n    wire [{1}:0] {0}_pos;\n", c.name,
                             bits_for(samples) - 1);
            v += fmt::format(
                "    {1}stream_net {0} (.clk({2}), .rst(rst), .s_valid(cap_valid), .s_code(cap_code),\n"
                "        .s_pos({0}_pos), .idle({0}_idle), .in_last({0}_in_last), .free({0}_free),\n"
                "        .out_valid({0}_out_valid), .out_ready(out_ready && out_valid), "
                ".out_data({0}_out_data));\n",
                c.name, module, clk);
            // Unlike one streaming network, a capture waits until the core's first layer has handed
            // on its last window: its result may be held at the join for a slower core, and the first
            // layer would otherwise overwrite it (it has no back-pressure of its own).
            takes.push_back(fmt::format("{0}_idle && {0}_free", c.name));
            v += fmt::format("    wire {0}_unused = ^{{{0}_pos, {0}_in_last}};\n", c.name);
        } else {
            v += fmt::format(
                "    reg {0}_got;\n    wire {0}_ready;\n    wire {0}_in_valid = win_full && !{0}_got;\n",
                c.name);
            v += fmt::format(
                "    {1}net {0} (.clk({2}), .rst(rst), .in_valid({0}_in_valid), .in_ready({0}_ready),\n"
                "        .in_samples({{{3}}}), .out_valid({0}_out_valid), .out_ready(out_ready && "
                "out_valid), "
                ".out_data({0}_out_data));\n",
                c.name, module, clk, fmt::join(taps, ", "));
            taken.push_back(fmt::format("({0}_got || {0}_ready)", c.name));
        }
    }
    if (window_cores) {
        v += fmt::format("    wire all_taken = {};\n", fmt::join(taken, " && "));
        v += "    always @(posedge clk) begin\n        if (rst) win_full <= 1'b0;\n"
             "        else if (cap_last) win_full <= 1'b1;\n        else if (all_taken) win_full <= 1'b0;\n"
             "    end\n";
        for (const CoreText& c : texts)
            if (!c.streaming)
                v += fmt::format(
                    "    always @(posedge clk) begin\n"
                    "        if (rst || (win_full && all_taken)) {0}_got <= 1'b0;\n"
                    "        else if ({0}_in_valid && {0}_ready) {0}_got <= 1'b1;\n    end\n",
                    c.name);
        takes.insert(takes.begin(), "(!win_full || all_taken)");
    }
    v += fmt::format("    assign take = {};\n", fmt::join(takes, " && "));
    v += fmt::format("    assign out_valid = {};\n", fmt::join(valids, " && "));
    v += fmt::format("    assign out_data = {{{}}};\n", fmt::join(data, ", "));
    v += control_registers(
        "in_flight", "cap_last || (out_valid && out_ready)", "            in_flight <= 4'd0;\n",
        "            in_flight <= in_flight + {3'd0, cap_last} - {3'd0, out_valid && out_ready};\n",
        any_gated);
    v += "    assign idle = quiet && (in_flight == 4'd0);\nendmodule\n";
    return v;
}

}  // namespace

std::string cores_template_name(const std::vector<PixelCore>& cores) {
    std::vector<std::string> names;
    for (const PixelCore& c : cores) names.push_back(c.hardware.name());
    return fmt::format("{}", fmt::join(names, "+"));
}

std::string cores_network_hash(const std::vector<PixelCore>& cores) {
    if (cores.size() == 1) return cores.front().network.content_hash();
    ContentHash networks;
    for (const PixelCore& c : cores) networks.add(c.network.content_hash());
    return networks.hex();
}

GeneratedRtl generate_pixel_block(const std::vector<PixelCore>& cores, const PixelBlockSpec& spec) {
    if (cores.empty()) throw PixError("RTL-003", "a pixel block needs at least one network");
    if (cores.size() == 1) return generate_pixel_block(cores.front().network, cores.front().hardware, spec);
    GeneratedRtl block;
    std::vector<CoreText> texts;
    for (std::size_t k = 0; k < cores.size(); ++k) {
        // Each core alone in this block: its own checks (dead time, clock) and its RTL.
        GeneratedRtl alone = generate_pixel_block(cores[k].network, cores[k].hardware, spec);
        CoreText c{fmt::format("core{}", k), cores[k].hardware.kind == TemplateKind::Streaming,
                   std::move(alone)};
        if (k > 0 && (c.rtl.samples != texts.front().rtl.samples ||
                      c.rtl.sample_bits != texts.front().rtl.sample_bits))
            throw PixError("RTL-003",
                           fmt::format("the networks of one pixel block read one window: network {} reads "
                                       "{} samples of {} bits, network 0 {} of {} bits",
                                       k, c.rtl.samples, c.rtl.sample_bits, texts.front().rtl.samples,
                                       texts.front().rtl.sample_bits));
        for (const VerilogFile& f : c.rtl.files) {
            if (f.name == "pixforge_capture.v" || f.name == "pixforge_pixel.v") continue;
            const bool shared = f.name == kClockGateFile;
            if (shared && std::any_of(block.files.begin(), block.files.end(),
                                      [&](const VerilogFile& g) { return g.name == f.name; }))
                continue;
            block.files.push_back(shared ? f : VerilogFile{renamed(f.name, k), renamed(f.text, k)});
        }
        block.timing.latency = std::max(block.timing.latency, c.rtl.timing.latency);
        block.timing.after_window = std::max(block.timing.after_window, c.rtl.timing.after_window);
        block.timing.initiation_interval =
            std::max(block.timing.initiation_interval, c.rtl.timing.initiation_interval);
        block.timing.multipliers += c.rtl.timing.multipliers;
        block.outputs += c.rtl.outputs;
        block.output_bits = std::max(block.output_bits, c.rtl.output_bits);
        texts.push_back(std::move(c));
    }
    block.samples = texts.front().rtl.samples;
    block.sample_bits = texts.front().rtl.sample_bits;
    block.network_hash = cores_network_hash(cores);
    block.template_name = cores_template_name(cores);
    const bool any_gated =
        std::any_of(cores.begin(), cores.end(), [](const PixelCore& c) { return c.hardware.clock_gating; });
    block.files.push_back({"pixforge_capture.v", capture_module(spec, block.samples, any_gated)});
    block.files.push_back({"pixforge_pixel.v",
                           shared_top(cores, texts, spec, block.samples, block.output_bits, block.outputs)});
    block.top = "pixforge_pixel";
    block.pixel_block = true;
    return block;
}

}  // namespace pixforge::rtl
