// The Verilog of a peak unit (models/network/peak_unit.hpp): it follows the samples as they stream
// past, one per clock cycle, keeping the peak, its neighbours and the CFD crossing in a few
// registers; with the last sample its restoring dividers settle and its two outputs load. No
// window is stored. Widths: x = code - baseline is adc_bits + 1
// signed; the CFD signal y = numerator x_j - 2^shift x_{j-delay} is shift + 1 bits wider.
// The dividers are combinational (frac_bits rows each), so that a window may follow the last one
// at once: the unit keeps up with one sample per cycle, windows back to back.
#include <optional>

#include <fmt/format.h>

#include "rtl_gen/hardware_template.hpp"
#include "rtl_gen/unit_writers.hpp"

namespace pixforge::rtl {
namespace {

// Register `name` of `width` bits, signed or not.
std::string reg(const std::string& name, int width, bool is_signed = true) {
    return fmt::format("    reg {}[{}:0] {};\n", is_signed ? "signed " : "", width - 1, name);
}

// Wire `q` (f bits) = restoring_quotient(num, den, f) for num <= den below 2^(width - 2): f rows
// of a restoring divider, each a shift, a comparison and a subtraction.
std::string divider_rows(const std::string& q, const std::string& num, const std::string& den, int width,
                         int f) {
    std::string v = fmt::format("    wire [{0}:0] {1}_den = {2};\n    wire [{0}:0] {1}_r0 = {3};\n",
                                width - 1, q, den, num);
    std::vector<std::string> bits, unused;
    for (int i = 1; i <= f; ++i) {
        v += fmt::format(
            "    wire [{0}:0] {1}_t{2} = {{{1}_r{3}[{4}:0], 1'b0}};\n    wire {1}_b{2} = ({1}_t{2} >= "
            "{1}_den);\n",
            width - 1, q, i, i - 1, width - 2);
        unused.push_back(fmt::format("{}_r{}[{}]", q, i - 1, width - 1));
        if (i < f)
            v += fmt::format("    wire [{0}:0] {1}_r{2} = {1}_b{2} ? {1}_t{2} - {1}_den : {1}_t{2};\n",
                             width - 1, q, i);
        bits.push_back(fmt::format("{}_b{}", q, i));
    }
    v += fmt::format("    wire [{}:0] {} = {{{}}};\n", f - 1, q, fmt::join(bits, ", "));
    // The remainders stay below the divisor: their top bits are never set.
    return v + fmt::format("    wire unused_{}_tops = ^{{{}}};\n", q, fmt::join(unused, ", "));
}

// Jordanov's trapezoid of the samples x (xw bits) as they come, wire z (vw bits): the recursion
// p += x_j - x_{j-rise} - x_{j-gap} + x_{j-gap-rise}, t += p over a delay line of gap + rise
// samples, then the deconvolution FIR over the last taps of t (constant shift-adds). Samples
// before the window's first input count 0 (masked by position).
std::string trapezoid_recursion(const models::PeakUnit& u, int pb, int first, int xw, int vw,
                                bool clock_gating) {
    const int rise = u.trapezoid_rise, gap = rise + u.trapezoid_flat,
              taps = static_cast<int>(u.deconvolution.size());
    const auto after = [&](int k) { return fmt::format("(pos >= {}'d{})", pb, first + k); };
    const auto wide = [&](const std::string& name) { return extend(name, xw, vw, true); };
    std::string v, body;
    for (int k = 1; k <= gap + rise; ++k) {
        v += reg(fmt::format("xd_{}", k), xw);
        body += fmt::format("            xd_{} <= {};\n", k, k == 1 ? "x" : fmt::format("xd_{}", k - 1));
    }
    v += reg("trap_p", vw) + reg("trap_t", vw);
    v += fmt::format(
        "    wire signed [{0}:0] trap_e = {1} - ({2} ? {3} : {8}'sd0) - ({4} ? {5} : {8}'sd0) + ({6} ? {7} : "
        "{8}'sd0);\n",
        vw - 1, wide("x"), after(rise), wide(fmt::format("xd_{}", rise)), after(gap),
        wide(fmt::format("xd_{}", gap)), after(gap + rise), wide(fmt::format("xd_{}", gap + rise)), vw);
    v += fmt::format("    wire signed [{0}:0] trap_p_n = (first_in ? {1}'sd0 : trap_p) + trap_e;\n", vw - 1,
                     vw);
    v += fmt::format("    wire signed [{0}:0] trap_t_n = (first_in ? {1}'sd0 : trap_t) + trap_p_n;\n", vw - 1,
                     vw);
    body += "            trap_p <= trap_p_n;\n            trap_t <= trap_t_n;\n";
    std::vector<std::string> terms;
    for (int k = 0; k < taps; ++k) {
        const std::string tap = k == 0 ? "trap_t_n" : fmt::format("td_{}", k);
        if (k > 0) {
            v += reg(tap, vw);
            body += fmt::format("            td_{} <= {};\n", k,
                                k == 1 ? "trap_t_n" : fmt::format("td_{}", k - 1));
        }
        const std::int32_t c = u.deconvolution[static_cast<std::size_t>(k)];
        if (c == 0) continue;
        v += fmt::format("    wire signed [{0}:0] tm_{2} = {3} ? {4} : {1}'sd0;\n", vw - 1, vw, k,
                         k == 0 ? "1'b1" : after(k), tap);
        terms.push_back("(" + csd_product(fmt::format("tm_{}", k), c) + ")");
    }
    v += fmt::format("    wire signed [{}:0] z = {};\n", vw - 1, fmt::join(terms, " + "));
    return v + loaded_registers("trapezoid", "work", body, clock_gating);
}

}  // namespace

std::string peak_unit_module(const models::QuantizedNetwork& net, bool clock_gating) {
    const models::PeakUnit& u = *net.peak_unit;
    const models::InputSpec& in = net.input;
    const int b = in.adc_bits, xw = b + 1, s = window_samples(net), pb = bits_for(s), first = in.first;
    const int f = u.frac_bits, ow = net.output_bits(), d = u.cfd_delay, yw = xw + u.cfd_shift + 1;
    const bool cfd = d > 0, vertex = u.interpolate, le = u.le_threshold > 0;
    // Divider operands: the CFD crossing's y_prev over y_prev - y, |c - a| over 2 (2b - a - c).
    // Each divider is two bits wider than its divisor: y_prev - y < 2^yw, 2 (2b - a - c) < 2^cw.
    const int sw = xw + 1, cw = xw + 2;
    std::string v = fmt::format(
        "// pixforge_stream_net: peak unit of network {} ({}) on a sample stream: {} samples per window,\n"
        "// inputs [{}, {}), baseline {}; {} division(s) of {} row(s), settled with the last sample.\n",
        net.content_hash(), u.describe(), s, first, s,
        in.baseline_log2 > 0 ? fmt::format("= mean of the first {} samples", 1 << in.baseline_log2)
                             : "= pedestal",
        u.divisions(), f);
    v += fmt::format(
        "module pixforge_stream_net (\n    input  wire clk,\n    input  wire rst,\n    input  wire s_valid,\n"
        "    input  wire [{}:0] s_code,\n    output wire [{}:0] s_pos,\n    output wire idle,\n"
        "    output wire in_last,\n    output wire free,\n    output wire out_valid,\n"
        "    input  wire out_ready,\n    output wire [{}:0] out_data\n);\n",
        b - 1, pb - 1, 2 * ow - 1);
    v += fmt::format("    reg [{}:0] pos;\n    assign s_pos = pos;\n    wire [{}:0] code = s_code;\n", pb - 1,
                     b - 1);
    v += fmt::format("    wire at_last = (pos == {}'d{});\n    assign in_last = s_valid && at_last;\n", pb,
                     s - 1);
    v += fmt::format("    assign idle = (pos == {}'d0);\n", pb);
    v += stream_baseline(in, pb, "s_valid", clock_gating);
    v += fmt::format("    wire signed [{}:0] x = {{1'b0, code}} - {{1'b0, baseline}};\n", xw - 1);
    v += fmt::format("    wire work = s_valid{};\n",
                     first > 0 ? fmt::format(" && (pos >= {}'d{})", pb, first) : "");
    if (u.trapezoid() || vertex || u.crosses())
        v += fmt::format("    wire first_in = (pos == {}'d{});\n", pb, first);
    // The value whose peak is sought: the sample, or its trapezoid (vw bits) from its first
    // complete sample on.
    const std::string value = u.trapezoid() ? "z" : "x";
    const int vw = u.trapezoid() ? ow : xw;
    if (u.trapezoid()) v += trapezoid_recursion(u, pb, first, xw, vw, clock_gating);
    v += fmt::format("    wire peak_first = (pos == {}'d{});\n", pb, first + u.first_peak_sample());
    // The peak, its neighbours, the previous samples: registers loaded on each input sample with
    // their next values (wires <name>_n), which the outputs read at the window's last sample.
    std::vector<std::pair<std::string, int>> tracked{{"peak", vw}};  // signed registers and widths
    v += fmt::format("    wire new_peak = peak_first || ({} > peak);\n", value);
    v += fmt::format("    wire signed [{}:0] peak_n = new_peak ? {} : peak;\n", vw - 1, value);
    v += fmt::format("    reg [{0}:0] peak_at;\n    wire [{0}:0] peak_at_n = new_peak ? pos : peak_at;\n",
                     pb - 1);
    std::string track = "            peak <= peak_n;\n            peak_at <= peak_at_n;\n";
    if (vertex) {
        // The right neighbour is the sample after the peak; none yet while the last one is the peak.
        tracked.push_back({"left", xw}), tracked.push_back({"right", xw});
        v += fmt::format(
            "    wire signed [{0}:0] left_n = new_peak ? x_1 : left;\n"
            "    wire signed [{0}:0] right_n = (!new_peak && need_right) ? x : right;\n"
            "    reg has_left, need_right;\n    wire has_left_n = new_peak ? !first_in : has_left;\n"
            "    wire need_right_n = new_peak;\n",
            xw - 1);
        track +=
            "            left <= left_n;\n            right <= right_n;\n            has_left <= "
            "has_left_n;\n"
            "            need_right <= need_right_n;\n";
    }
    for (int k = 1; k <= std::max(d, vertex || le ? 1 : 0); ++k) {
        tracked.push_back({fmt::format("x_{}", k), xw});
        track += fmt::format("            x_{} <= {};\n", k, k == 1 ? "x" : fmt::format("x_{}", k - 1));
    }
    // The timing crossing, a CFD's or a leading edge's: the first sample where `condition` holds,
    // and the numerator and denominator of where between it and the one before the signal crossed.
    struct Crossing {
        std::string condition, numerator, denominator;
        int numerator_width, denominator_width, division_width;
    };
    std::optional<Crossing> crossing;
    if (cfd) {
        tracked.push_back({"y_prev", yw});
        v += fmt::format("    wire signed [{0}:0] x_wide = {1};\n    wire signed [{0}:0] x_late = {2};\n",
                         yw - 1, extend("x", xw, yw, true), extend(fmt::format("x_{}", d), xw, yw, true));
        v += fmt::format("    wire signed [{}:0] y = x_wide * {} - (x_late <<< {});\n", yw - 1,
                         constant(u.cfd_numerator, yw), u.cfd_shift);
        v += "    reg armed;\n";
        v += fmt::format("    wire armed_now = armed || (x >= {});\n", constant(u.arm_level, xw));
        v += fmt::format("    wire signed [{}:0] y_drop = {} - {};\n", yw, extend("y_prev", yw, yw + 1, true),
                         extend("y", yw, yw + 1, true));
        track += fmt::format(
            "            armed <= first_in ? (x >= {}) : armed_now;\n            if (pos >= {}'d{}) y_prev "
            "<= y;\n",
            constant(u.arm_level, xw), pb, first + d);
        crossing = Crossing{fmt::format("armed_now && (pos > {0}'d{1}) && (y_prev > {2}) && (y <= {2})", pb,
                                        first + d, constant(0, yw)),
                            "y_prev",
                            "y_drop",
                            yw,
                            yw + 1,
                            yw + 2};
    }
    if (le) {
        const int nw = xw + 1;  // threshold - x_{j-1} and x_j - x_{j-1}
        crossing = Crossing{fmt::format("(pos > {0}'d{1}) && (x_1 < {2}) && (x >= {2})", pb, first,
                                        constant(u.le_threshold, xw)),
                            fmt::format("{} - {}", constant(u.le_threshold, nw), extend("x_1", xw, nw, true)),
                            fmt::format("{} - {}", extend("x", xw, nw, true), extend("x_1", xw, nw, true)),
                            nw,
                            nw,
                            nw + 2};
    }
    if (crossing) {
        // At the window's first sample `found` is the previous window's, but no crossing can be yet.
        tracked.push_back({"cross_num", crossing->numerator_width});
        tracked.push_back({"cross_den", crossing->denominator_width});
        v += fmt::format(
            "    reg found;\n    reg [{0}:0] cross_at;\n"
            "    wire crossing = !found && {1};\n"
            "    wire found_n = !first_in && (found || crossing);\n"
            "    wire [{0}:0] cross_at_n = crossing ? pos - {2}'d1 : cross_at;\n"
            "    wire signed [{3}:0] cross_num_n = crossing ? {4} : cross_num;\n"
            "    wire signed [{5}:0] cross_den_n = crossing ? {6} : cross_den;\n",
            pb - 1, crossing->condition, pb, crossing->numerator_width - 1, crossing->numerator,
            crossing->denominator_width - 1, crossing->denominator);
        track +=
            "            found <= found_n;\n            cross_at <= cross_at_n;\n"
            "            cross_num <= cross_num_n;\n            cross_den <= cross_den_n;\n";
    }
    for (const auto& [name, width] : tracked) v += reg(name, width);
    v += loaded_registers("track", "work", track, clock_gating);
    // The divisions, settled within the last sample's cycle.
    struct Division {
        std::string numerator, denominator;
        int width;
    };
    std::vector<Division> divisions;  // in order
    if (crossing) {
        const int w = crossing->division_width;
        divisions.push_back({extend("cross_num_n", crossing->numerator_width, w, false),
                             extend("cross_den_n", crossing->denominator_width, w, false), w});
    }
    if (vertex) {
        v += fmt::format(
            "    wire signed [{0}:0] spread = {1} - {2};\n    wire [{0}:0] spread_abs = spread[{3}] ? "
            "-spread : "
            "spread;\n",
            sw - 1, extend("right_n", xw, sw, true), extend("left_n", xw, sw, true), sw - 1);
        v += fmt::format("    wire signed [{0}:0] curvature = ({1} <<< 1) - {2} - {3};\n", cw - 1,
                         extend("peak_n", xw, cw, true), extend("left_n", xw, cw, true),
                         extend("right_n", xw, cw, true));
        divisions.push_back({extend("spread_abs", sw, cw + 2, false),
                             extend("{curvature, 1'b0}", cw + 1, cw + 2, false), cw + 2});
    }
    for (std::size_t k = 0; k < divisions.size(); ++k)
        v += divider_rows(fmt::format("q_{}", k), divisions[k].numerator, divisions[k].denominator,
                          divisions[k].width, f);
    // The outputs: amplitude and time with f fraction bits.
    const auto at_samples = [&](const std::string& index) {
        return fmt::format("({} <<< {})",
                           extend(fmt::format("({} - {}'d{})", index, pb, first), pb, ow, false), f);
    };
    v += fmt::format("    wire signed [{}:0] amp_peak = {} <<< {};\n", ow - 1, extend("peak_n", vw, ow, true),
                     f);
    v += fmt::format("    wire signed [{}:0] time_peak = {};\n", ow - 1, at_samples("peak_at_n"));
    std::string amplitude = "amp_peak", time = "time_peak";
    if (vertex) {
        const std::string q = fmt::format("q_{}", u.crosses() ? 1 : 0);
        v +=
            fmt::format("    wire [{}:0] lift = spread_abs * {};\n", sw + f - 1, extend(q, f, sw + f, false));
        v += "    wire unused_lift = ^lift[1:0];  // a quarter of the spread times the offset\n";
        v += "    wire vertex = has_left_n && !need_right_n;\n";
        v += fmt::format("    wire signed [{}:0] amp_vertex = amp_peak + {};\n", ow - 1,
                         extend(fmt::format("lift[{}:2]", sw + f - 1), sw + f - 2, ow, false));
        v += fmt::format(
            "    wire signed [{0}:0] step = {1};\n    wire signed [{0}:0] time_vertex = time_peak + "
            "(spread[{2}] ? -step : step);\n",
            ow - 1, extend(q, f, ow, false), sw - 1);
        amplitude = "vertex ? amp_vertex : amp_peak", time = "vertex ? time_vertex : time_peak";
    }
    if (u.crosses()) {
        std::string walk;
        if (!u.walk.empty()) {
            // The walk of the pulse's height, by the peak sample's top bits (0 below the baseline).
            const int kb = b - u.walk_shift;
            v += fmt::format(
                "    wire [{0}:0] walk_at = peak_n[{1}] ? {2}'d0 : peak_n[{3}:{4}];\n    reg signed [{5}:0] "
                "walk;\n"
                "    always @(*) begin\n        case (walk_at)\n",
                kb - 1, xw - 1, kb, b - 1, u.walk_shift, ow - 1);
            for (std::size_t k = 0; k < u.walk.size(); ++k)
                v += fmt::format("            {}'d{}: walk = {};\n", kb, k, constant(u.walk[k], ow));
            v += fmt::format("            default: walk = {}'sd0;\n        endcase\n    end\n", ow);
            walk = " - walk";
        }
        v += fmt::format("    wire signed [{}:0] time_cross = {} + {}{};\n", ow - 1, at_samples("cross_at_n"),
                         extend("q_0", f, ow, false), walk);
        time = fmt::format("found_n ? time_cross : ({})", time);
    }
    // The result loads with the window's last sample and is offered the next cycle; a window may
    // start once the previous result is taken (or being taken), so its own finds the register free.
    v += fmt::format("    reg [{0}:0] y_amp;\n    reg [{0}:0] y_time;\n    reg y_valid;\n", ow - 1);
    v += loaded_registers(
        "result", "in_last",
        fmt::format("            y_amp <= {};\n            y_time <= {};\n", amplitude, time), clock_gating);
    v +=
        "    always @(posedge clk) begin\n        if (rst) y_valid <= 1'b0;\n"
        "        else if (in_last) y_valid <= 1'b1;\n        else if (out_ready) y_valid <= 1'b0;\n    end\n";
    v += control_registers("position", "s_valid", fmt::format("            pos <= {}'d0;\n", pb),
                           fmt::format("            pos <= at_last ? {0}'d0 : pos + {0}'d1;\n", pb),
                           clock_gating);
    v += "    assign out_valid = y_valid;\n    assign free = !y_valid || out_ready;\n"
         "    assign out_data = {y_time, y_amp};\nendmodule\n";
    return v;
}

}  // namespace pixforge::rtl
