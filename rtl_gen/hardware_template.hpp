// How a QuantizedNetwork becomes hardware. Every layer is one unit with a valid/ready handshake
// that folds its taps (inputs per output) over R cycles: out x ceil(taps / R) multipliers, the
// weights of each cycle from a constant ROM, II = R, latency R cycles.
//   parallel: R = 1 (one multiplier per weight, constants hardwired) and `pipeline` register
//             stages per layer: 1 = the output register, 2 = also a register after the products.
//   folded:   R = reuse for every layer (clamped to the layer's taps), one stage.
// An input stage registers the baseline-subtracted samples (1 cycle). By formula:
//   latency = 1 + sum over layers of (R_l + pipeline - 1)   cycles from input to output
//   II      = max over layers of R_l                          cycles between inputs
#pragma once

#include <string>
#include <vector>

#include "models/network/quantized_network.hpp"

namespace pixforge::rtl {

enum class TemplateKind { Parallel, Folded };

struct HardwareTemplate {
    TemplateKind kind = TemplateKind::Parallel;
    int reuse = 1;     // folded
    int pipeline = 1;  // parallel: 1 or 2
    // Data registers clocked through clock gates, so they see no edge while idle (docs/rtl.md).
    bool clock_gating = false;

    // Throws RTL-001 for a parameter the template cannot take.
    void validate() const;
    std::string name() const;  // "parallel_p1", "folded_r4", "parallel_p1_cg" (clock-gated)
};

HardwareTemplate parse_template(const std::string& kind, int reuse, int pipeline, bool clock_gating = false);
// The inverse of HardwareTemplate::name(): "parallel_p2", "folded_r4", "folded_r4_cg" (RTL-001 otherwise).
HardwareTemplate parse_template_name(const std::string& name);

// Per-layer reuse factors, latency and initiation interval, by formula.
struct Timing {
    std::vector<int> reuse;  // per layer
    int latency = 0, initiation_interval = 1;
};
Timing timing_of(const models::QuantizedNetwork& net, const HardwareTemplate& t);
int taps_of(const models::QuantLayer& l);  // products per output

}  // namespace pixforge::rtl
