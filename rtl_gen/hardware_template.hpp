// How a QuantizedNetwork becomes hardware (docs/rtl.md has the table).
//   parallel:  every layer one unit, one multiplier per weight (constants hardwired), `pipeline`
//              register stages per layer (1 = the output register, 2 = also after the products).
//   folded:    every layer one unit folding its taps over R = reuse cycles (clamped to the taps):
//              out x ceil(taps / R) multipliers, weights from a constant ROM.
//   serial:    one multiply-accumulate unit for the whole network, one step per nonzero weight
//              (a bias-only step for an output without any), weights in a constant ROM.
//   streaming: the first layer accumulates each sample as it arrives (no window is stored), its
//              hidden units shared over R = reuse cycles per sample: ceil(hidden / R) multipliers;
//              the later layers run on one serial multiply-accumulate unit.
// The window templates (parallel, folded, serial) register the baseline-subtracted samples in an
// input stage (1 cycle). By formula, from the window offered to its result (S window samples,
// N serial steps, N_tail those of the layers after the first):
//   parallel, folded: latency = 1 + sum over layers of (R_l + pipeline - 1), II = max R_l
//   serial:           latency = 1 + N, II = N
//   streaming:        latency = S R + N_tail, II = S R + N_tail (+ 1 for a one-layer network)
//   peak unit (streaming only): latency = II = S
#pragma once

#include <string>
#include <vector>

#include "models/network/quantized_network.hpp"

namespace pixforge::rtl {

enum class TemplateKind { Parallel, Folded, Serial, Streaming };

struct HardwareTemplate {
    TemplateKind kind = TemplateKind::Parallel;
    int reuse = 1;     // folded: cycles per layer; streaming: cycles per sample
    int pipeline = 1;  // parallel: 1 or 2
    // Data registers clocked through clock gates, so they see no edge while idle (docs/rtl.md).
    bool clock_gating = false;

    // Throws RTL-001 for a parameter the template cannot take.
    void validate() const;
    // "parallel_p1", "folded_r4", "serial", "streaming_r2", "parallel_p1_cg" (clock-gated)
    std::string name() const;
};

HardwareTemplate parse_template(const std::string& kind, int reuse, int pipeline, bool clock_gating = false);
// The inverse of HardwareTemplate::name(): "parallel_p2", "folded_r4", "folded_r4_cg" (RTL-001 otherwise).
HardwareTemplate parse_template_name(const std::string& name);

// Per-layer reuse factors, latency and initiation interval, by formula.
struct Timing {
    std::vector<int> reuse;  // per layer (serial: its steps; streaming: R, then the tail's steps)
    int latency = 0, initiation_interval = 1;
    // From the cycle a pixel block offers the window's last sample to the result: the window
    // templates' register stage and latency; the streaming template's cycles after that sample
    // (it works during the capture). What a latency spec on a task reads.
    int after_window = 0;
    int multipliers = 0;  // general multipliers (parallel: 0, its constant products are shift-adds)
};
Timing timing_of(const models::QuantizedNetwork& net, const HardwareTemplate& t);
int taps_of(const models::QuantLayer& l);  // products per output
// Clock cycles the streaming template works each sample over: min(reuse, hidden units), 1 for a
// peak unit.
int stream_cycles_per_sample(const models::QuantizedNetwork& net, const HardwareTemplate& t);
// Steps of one multiply-accumulate unit over layers [first_layer, end): per output, its nonzero
// weights, or one bias-only step.
int serial_steps(const models::QuantizedNetwork& net, int first_layer);
int serial_steps(const models::QuantLayer& l);
// Window samples a network reads: the baseline samples and [first, first + length).
int window_samples(const models::QuantizedNetwork& net);

}  // namespace pixforge::rtl
