// The pixel's whole digital block as RTL (top pixforge_pixel): it takes the ADC sample stream, one
// code per ADC clock (s_valid high one cycle in every `cycles_per_sample`), and does everything
// digital the pixel does:
//   pixforge_capture  the self-trigger of models::SelfTrigger (threshold on the code, edge, dead
//                     time and its policy, pre-trigger history), a delay line of pre_trigger codes,
//                     and the capture of the window's S samples from that delayed stream;
//   the network       streaming: the captured samples go straight into the first layer's
//                     accumulators; other templates: a window register (S codes) shifted as the
//                     samples come, handed to pixforge_net when complete;
//   readout           out_valid / out_ready / out_data, as pixforge_net.
// The window is taken from the delayed stream, so it is complete pre_trigger samples after the
// behavioural window's S-th sample. A trigger whose window the network cannot take (still busy
// with the previous one) is counted as lost (port `lost`); the dead time must cover the capture.
// Observation ports: trig, armed, dead_edge, lost (per sample), cap_valid / cap_code (each
// captured sample), and idle (nothing in progress: a run of samples below threshold changes
// nothing but the delay line, which the chain's idle skip relies on).
#pragma once

#include <string>
#include <vector>

#include "models/network/quantized_network.hpp"
#include "models/pixel_chain.hpp"
#include "rtl_gen/hardware_template.hpp"
#include "rtl_gen/verilog_writer.hpp"

namespace pixforge::rtl {

struct PixelBlockSpec {
    int adc_bits = 10;
    int threshold_code = 0;  // smallest code that is above threshold
    int pre_trigger = 0;
    int dead_samples = 1;
    models::DeadTimePolicy policy = models::DeadTimePolicy::NonParalyzable;
    int cycles_per_sample = 1;  // digital clock / ADC sampling rate
};

// From the chain's trigger settings and the digital clock; RTL-003 when the clock is not a whole
// multiple of the ADC sampling rate.
PixelBlockSpec pixel_block_spec(const models::PixelChain& chain, double clock_period_s);

// The template's files plus pixforge_capture.v and pixforge_pixel.v (top). RTL-003 when the
// dead time does not cover the capture of a window, or a streaming template needs more cycles
// per sample than the clock gives.
GeneratedRtl generate_pixel_block(const models::QuantizedNetwork& net, const HardwareTemplate& t,
                                  const PixelBlockSpec& spec);

// One network of a pixel block that holds several, on its own template; it computes its network's
// heads.
struct PixelCore {
    models::QuantizedNetwork network;
    HardwareTemplate hardware;
};

// Several networks sharing one pixel block (heterogeneous co-exploration, docs/rtl.md): each on its
// own template behind the one trigger and capture, all fed every captured window; the block's
// result waits for all of them and carries their outputs in core order, each sign-extended to the
// widest. One core is generate_pixel_block(net, t, spec), byte for byte. RTL-003 when the networks
// read windows of different lengths or ADC widths, or as for one network.
GeneratedRtl generate_pixel_block(const std::vector<PixelCore>& cores, const PixelBlockSpec& spec);
// The name of a block's templates, "serial+parallel_p1", and the hash of its networks (one core:
// its template's name and its network's hash).
std::string cores_template_name(const std::vector<PixelCore>& cores);
std::string cores_network_hash(const std::vector<PixelCore>& cores);

// pixforge_capture.v: the self-trigger, dead time, history and capture of `samples` codes that
// every pixel block shares.
std::string capture_module(const PixelBlockSpec& spec, int samples, bool clock_gating);
// The window register of a block's networks on window templates: `samples` codes of `adc_bits`,
// shifted in as captured (cap_valid, cap_code); `taps` gets them as in_samples takes them.
std::string window_register(int samples, int adc_bits, bool clock_gating, std::vector<std::string>& taps);

}  // namespace pixforge::rtl
