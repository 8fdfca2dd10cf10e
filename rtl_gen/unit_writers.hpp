// The Verilog of the units that verilog_writer assembles into a template: the serial
// multiply-accumulate unit (serial template, the streaming template's later layers) and the
// streaming first layer with its window-level wrapper. Internal to rtl_gen.
#pragma once

#include <string>
#include <vector>

#include "rtl_gen/verilog_text.hpp"

namespace pixforge::rtl {

// Module `name`: layers [first_layer, end) of `net` on one multiplier and one accumulator, one step
// per nonzero weight (serial_steps). Ports as a layer's: in_valid/in_ready/in_data (the inputs of
// first_layer, held until in_ready), out_valid/out_ready/out_data (the last layer's outputs).
std::string serial_unit_module(const models::QuantizedNetwork& net, const std::vector<LayerIo>& io,
                               int first_layer, bool clock_gating, const std::string& name);

// pixforge_stream_layer0: the first layer fed one ADC code per sample (s_valid, s_code), each
// sample worked over `reuse` cycles; the baseline is taken from the window's first samples as they
// pass. out_valid/out_ready/out_data carry the first layer's outputs once the window's last sample
// is in. `idle`: no window in progress; `in_last`: the window's last sample is taken this cycle.
std::string stream_layer0_module(const models::QuantizedNetwork& net, const std::vector<LayerIo>& io,
                                 int reuse, bool clock_gating);
// pixforge_stream_net: pixforge_stream_layer0 and the serial unit of the later layers (if any).
// pixforge_net: the window-level wrapper that feeds it a held window sample by sample, so the
// streaming template has the same ports as the others.
std::string stream_net_module(const models::QuantizedNetwork& net, const std::vector<LayerIo>& io);
std::string stream_window_module(const models::QuantizedNetwork& net, int cycles_per_sample);
// The baseline of a stream of codes (`code` at position `pos` of `pb` bits, taken when `take`
// holds): wire `baseline`, the pedestal or the rounded mean of the window's first 2^k codes.
std::string stream_baseline(const models::InputSpec& in, int pb, const std::string& take, bool clock_gating);

// pixforge_stream_net of a network whose peak unit (models/network/peak_unit.hpp) replaces its
// layers: the same ports as a streaming network's, one sample per clock cycle.
std::string peak_unit_module(const models::QuantizedNetwork& net, bool clock_gating);

}  // namespace pixforge::rtl
