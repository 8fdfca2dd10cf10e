// Writes the synthesizable Verilog of a QuantizedNetwork for a hardware template: one file and
// one module per layer (pixforge_net_layer<i>) and the top (pixforge_net). Arithmetic is that of
// models/network/fixed_point.hpp: every operand is sign-extended to the accumulator width, so
// products and sums are exact; rescaling rounds half up and saturates. Module names are the same
// for every network: builds keep candidates apart by a content-hash prefix (candidate_builder).
//
// Ports of pixforge_net (synchronous, active-high reset):
//   in_valid, in_ready, in_samples [samples x adc_bits]   the first `samples` samples of a window
//   out_valid, out_ready, out_data [outputs x out_bits]    signed outputs of the last layer
// A transfer happens in a cycle where valid and ready are both high.
#pragma once

#include <string>
#include <vector>

#include "rtl_gen/hardware_template.hpp"

namespace pixforge::rtl {

struct VerilogFile {
    std::string name;  // "pixforge_net_layer0.v"
    std::string text;
};

struct GeneratedRtl {
    std::vector<VerilogFile> files;  // top last
    std::string top = "pixforge_net";
    bool pixel_block = false;          // top pixforge_pixel: the sample stream in (rtl_gen/pixel_block)
    int samples = 0, sample_bits = 0;  // input port: samples x sample_bits
    int outputs = 0, output_bits = 0;  // output port
    Timing timing;
    std::string network_hash, template_name;
    std::string rtl_hash() const;  // of every file's text
    std::string summary_json() const;
};

// The file of the behavioural clock gate (templates with clock gating); synthesis replaces it with
// the library's integrated clock-gate cell.
inline constexpr const char* kClockGateFile = "pixforge_clock_gate.v";

// Throws RTL-001/RTL-002 for a template or network it cannot build.
GeneratedRtl generate_verilog(const models::QuantizedNetwork& net, const HardwareTemplate& t);
void write_rtl(const GeneratedRtl& rtl, const std::string& dir);

}  // namespace pixforge::rtl
