// Pieces of Verilog text that every template writer shares: constants, sign extension, constant
// products, the rounding rescale with saturation of models/network/fixed_point.hpp, clock-gated
// register blocks, and the tap geometry of a layer (which input and weight feed each product).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/network/quantized_network.hpp"

namespace pixforge::rtl {

// A signed constant of `width` bits as its two's-complement pattern ("8'sh3f").
std::string constant(std::int64_t v, int width);
// Extends field `name` of `from` bits to `to` bits, signed or zero-extended.
std::string extend(const std::string& name, int from, int to, bool is_signed);
// x * w as a canonical-signed-digit sum of shifts: a hardwired constant costs a few adders.
std::string csd_product(const std::string& x, std::int64_t w);
int bits_for(int n);  // counter bits for 0 .. n-1 (at least 1)

// Wires `<y>` (out_width bits) = saturate(round_half_up(<acc> / 2^shift)) of the signed `aw`-bit
// value `acc`, as fixed::round_shift and fixed::saturate compute it, through a wire `<y>_shifted`.
std::string rescale(const std::string& acc, const std::string& y, int aw, int shift, int out_width,
                    bool out_signed);

// Registers loaded only when `enable` holds, on a clock gated by it (docs/rtl.md, clock gating);
// `body` is the assignments, each indented by 12 spaces.
std::string gated_registers(const std::string& name, const std::string& enable, const std::string& body);
// Registers loaded when `enable` holds: gated as above, or an enable on the free-running clock.
std::string loaded_registers(const std::string& name, const std::string& enable, const std::string& body,
                             bool clock_gating);
// Control registers with a synchronous reset, loaded when `enable` holds: with clock gating they
// are clocked only on reset or enabled cycles. `reset` and `body` are statements indented by 12.
std::string control_registers(const std::string& name, const std::string& enable, const std::string& reset,
                              const std::string& body, bool clock_gating);
// The behavioural clock gate module (kClockGateFile).
std::string clock_gate_module();

// Tap geometry: products per output, and the input index and weight of tap `t` of output `o`.
int input_index(const models::QuantLayer& l, int o, int t);
std::int32_t weight_of(const models::QuantLayer& l, int o, int t);
std::int64_t bias_of(const models::QuantLayer& l, int o);
// Accumulator bits in the RTL: acc_bits, two guard bits, and room to shift left.
int accumulator_width(const models::QuantLayer& l);

// The value format on each layer's input and output.
struct LayerIo {
    int in_width;  // bits per input value
    bool in_signed;
    int out_width;  // bits per output value
    bool out_signed;
};
// Per layer; RTL-002 for an accumulator too wide to generate.
std::vector<LayerIo> layer_io(const models::QuantizedNetwork& net);

}  // namespace pixforge::rtl
